"""UG202 goal-without-requirement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Finding, Goal, Language, Requirement
from ..trace import goal_name
from . import messages
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
    summary = messages.summary(code)
    default_severity = messages.severity(code)

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
    return messages.text("UG202", "message", language, goal=goal_name(goal, language))


def question(language: Language) -> str:
    return messages.text("UG202", "question", language)


def suggestion(language: Language, goal: Goal) -> str:
    if goal.generated:  # an id the document does not give ("M1"): no requirement can cite it
        return messages.text("UG202", "suggestion_unnumbered", language)
    return messages.text("UG202", "suggestion", language, goal=goal_name(goal, language))
