"""UG203 requirement-without-goal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Finding, Goal, Language, Requirement
from . import messages
from ._goals import goal_choices, goal_list, on_solution
from .base import DocumentCheck, DocumentContext


class RequirementWithoutGoal(DocumentCheck):
    """UG203 requirement-without-goal: a requirement on the solution that serves none of the stated goals.

    A document-level check: it reads only documents that state goals (without any, UG201 speaks
    for the whole document instead). A requirement on the solution (annotation-guide label
    feature_without_need, feature_with_need or need) is flagged when it refers to no stated goal
    and its content ties it to none by meaning (shared content words and domain concepts, see
    ``trace.link``). A requirement may state a good reason of its own ("eftersom ansökningar
    kommer in på kvällar") and still be flagged: its reason is not one of the goals the
    procurement is to reach. Requirements on the supplier, the contract or the bid are not read.

    A link by meaning is an estimate, so a requirement worded far from its goal can be flagged
    although it serves it: the fix is then the same, say which goal it serves.

    Why it matters
    --------------
    Every requirement costs: it narrows the field of tenderers and the price follows it. One that
    serves no stated goal is either unnecessary or serves a goal the document forgot to state.
    Tracing each requirement to a goal also tells the evaluators which requirements matter most.

    Bad
    ---
        Effektmål 1: Handläggningstiden för bygglov ska minska från tio till fyra veckor.
        K11 Handläggare ska kunna exportera ärendelistor till Excel.

    Good
    ----
        K11 Handläggare ska kunna exportera ärendelistor till Excel, så att enhetschefen kan följa
        ärenden som väntat längre än två veckor (bidrar till effektmål 1).

    Severity: info.
    """

    code = "UG203"
    name = "requirement-without-goal"
    summary = messages.summary(code)
    default_severity = messages.severity(code)

    def run_document(self, requirements: Sequence[Requirement], context: DocumentContext) -> Iterable[Finding]:
        goals = [g for g in context.goals if g.id]
        if not goals:
            return []
        linked = {link.requirement_id for link in context.links}
        return [
            self.make_finding(
                r,
                message=message(r.language, goals),
                question=question(r.language),
                suggestion=suggestion(r.text, r.language, goals),
            )
            for r in on_solution(requirements)
            if r.id not in linked
        ]


def message(language: Language, goals: Sequence[Goal]) -> str:
    return messages.text("UG203", "message", language, goals=goal_list(goals))


def question(language: Language) -> str:
    return messages.text("UG203", "question", language)


def suggestion(text: str, language: Language, goals: Sequence[Goal]) -> str:
    """The requirement word for word, with the goal to name added (ska/bör, numbers and negations stay)."""
    original = text.strip().rstrip(".;:").rstrip()
    return messages.text("UG203", "suggestion", language, requirement=original, goals=goal_choices(goals, language))
