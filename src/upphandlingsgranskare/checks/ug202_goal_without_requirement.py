"""UG202 goal-without-requirement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Finding, Goal, Language, Requirement
from ..trace import goal_name
from ._goals import on_solution
from .base import DocumentCheck, DocumentContext


class GoalWithoutRequirement(DocumentCheck):
    """UG202 goal-without-requirement: a stated goal that no requirement on the solution serves.

    A document-level check, one finding per goal. A goal is served when a requirement on the
    solution (or its rationale) refers to it ("bidrar till effektmål 2", "(O3)"), or when a
    requirement's content ties it to the goal by meaning: shared content words and domain
    concepts, scored offline (see ``trace.link``; the link and why it was made are in the
    report's goal matrix). Only documents with requirements on the solution are read: a goal of
    a consultant call-off, whose requirements bind the consultant, is served by no solution.

    The finding stands on the goal itself (``subject`` "goal"; its requirement id and text are
    the goal's). A link by meaning is an estimate: a goal may be served by a requirement worded
    too differently to be matched. Read the finding as "no requirement says it serves this goal".

    Why it matters
    --------------
    A goal no requirement leads to will not be reached by what is bought, or the requirements
    that should reach it do not say so, and nobody can follow up afterwards which part of the
    delivery was meant to move the figure. Either a requirement is missing, or the goal does
    not belong in this procurement.

    Bad
    ---
        Effektmål 3: Antalet samtal till kontaktcenter om ärendestatus ska halveras.
        (no requirement mentions status, calls or the contact centre, nor effektmål 3)

    Good
    ----
        Effektmål 3: Antalet samtal till kontaktcenter om ärendestatus ska halveras.
        K19 Systemet ska skicka statusmeddelanden till sökande via sms, vilket bidrar till effektmål 3.

    Severity: info.
    """

    code = "UG202"
    name = "goal-without-requirement"
    default_severity = "info"
    summary = {
        "sv": "Ett mål i underlaget som inget krav på lösningen bidrar till.",
        "en": "A stated goal that no requirement on the solution serves.",
    }

    def run_document(self, requirements: Sequence[Requirement], context: DocumentContext) -> Iterable[Finding]:
        if not on_solution(requirements):
            return []
        served = {link.goal_id for link in context.links}
        language = context.language
        return [
            self.goal_finding(
                goal,
                language,
                message=message(language, goal),
                question=question(language),
                suggestion=suggestion(language, goal),
            )
            for goal in context.goals
            if goal.id and goal.id not in served
        ]


def message(language: Language, goal: Goal) -> str:
    name = goal_name(goal, language)
    if language == "sv":
        return (
            f"Inget krav på lösningen bidrar till {name}: inget krav hänvisar till målet, och inget har innehåll "
            "som kan knytas till det. Antingen saknas krav som leder mot målet, eller så säger kraven inte att de "
            "bidrar till det, och då går det inte att följa upp vad upphandlingen gör för målet."
        )
    return (
        f"No requirement on the solution serves {name}: none refers to it, and none has content that ties it to "
        "the goal. Either requirements that lead towards the goal are missing, or they do not say that they "
        "serve it, and then nobody can follow up what the procurement does for it."
    )


def question(language: Language) -> str:
    if language == "sv":
        return "Vilka krav ska bidra till att målet nås – och hör målet till den här upphandlingen?"
    return "Which requirements should help reach this goal, and does the goal belong in this procurement?"


def suggestion(language: Language, goal: Goal) -> str:
    if goal.generated:
        if language == "sv":
            return (
                "Numrera underlagets mål (till exempel Effektmål 1–3) och hänvisa till målet från de krav som ska "
                "bidra till det (”…, vilket bidrar till effektmål 1”), eller ställ ett krav på vad lösningen ska "
                "göra för att målet ska nås."
            )
        return (
            "Number the document's goals (for example Objectives O1–O3) and refer to this one from the "
            'requirements that should serve it ("…, which supports objective O1"), or add a requirement on what '
            "the solution must do for the goal to be reached."
        )
    if language == "sv":
        name = goal_name(goal, language)
        return (
            f"Hänvisa till {name} från de krav som ska bidra till det (”…, vilket bidrar till {name}”), eller "
            "ställ ett krav på vad lösningen ska göra för att målet ska nås."
        )
    name = goal_name(goal, language)
    return (
        f'Refer to {name} from the requirements that should serve it ("…, which supports {name}"), or add a '
        "requirement on what the solution must do for the goal to be reached."
    )
