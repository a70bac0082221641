"""The annotation guide's labels and the reasons that decide them: the one declaration every part reads.

Both are ``StrEnum``s whose values are the strings the reports have always written, so a label or a
reason serialises, compares and formats as that string (``Label.NEED == "need"``).
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """What a requirement is, by ../shared/annotation-guide.md."""

    FEATURE_WITHOUT_NEED = "feature_without_need"  # prescribes a solution feature and states no reason
    FEATURE_WITH_NEED = "feature_with_need"  # prescribes a feature and says why
    NEED = "need"  # states the need or effect itself
    OUT_OF_SCOPE = "out_of_scope"  # not on the solution: supplier, contract, bid, definitions, no requirement


# In this order in the label model's weights and the evaluation's tables.
LABELS: tuple[Label, ...] = tuple(Label)
ALL_LABELS: frozenset[Label] = frozenset(Label)
# The requirements on the solution: the ones that serve goals and are counted in a document's scope.
ON_SOLUTION: frozenset[Label] = frozenset({Label.FEATURE_WITHOUT_NEED, Label.FEATURE_WITH_NEED, Label.NEED})
FLAGGED = Label.FEATURE_WITHOUT_NEED


class Reason(StrEnum):
    """What decided a requirement's label (machine-readable; the words themselves are kept apart as evidence)."""

    # The rules (nlp/classify.py): a reason is stated ...
    PURPOSE = "purpose"  # a purpose or reason clause in the text ("för att", "so that")
    RATIONALE = "rationale"  # an attached rationale cell or "Motivering:" paragraph
    GOAL_REFERENCE = "goal_reference"  # a reference to a stated goal ("bidrar till effektmål 2")
    LAW = "law"  # a named law the requirement complies with
    # ... none is stated:
    NO_REASON = "no_reason"
    SOLUTION_CLAUSE = "solution_clause"  # a demand on the solution put through the bidder ("The bidder confirms …")
    # ... it is a need:
    NEED = "need"
    EFFECT = "effect"
    # ... it is not on the solution:
    ACTOR = "actor"  # the supplier, a consultant, the buyer
    USER_DUTY = "user_duty"
    DEFINITION = "definition"
    CONTRACT_TERM = "contract_term"
    DELIVERABLE = "deliverable"  # a document the supplier delivers
    BID_INSTRUCTION = "bid_instruction"  # the bidder is asked to describe or state something
    LEAD_IN = "lead_in"  # a lead-in left on its own ("… the following requirements:")
    SECTION = "section"  # the heading over it puts it out of scope
    NO_SOLUTION_TERM = "no_solution_term"  # names no part of a solution (goods, services)
    NO_REQUIREMENT = "no_requirement"  # text that demands nothing
    # Later stages:
    MODEL = "model"  # the statistical label model overrode the rules
    PURPOSE_NOT_IN_RATIONALE_FIELD = "purpose_not_in_rationale_field"  # rationale policy "separate"
    LLM = "llm"  # the LLM backend decided; its quote is kept apart (``Requirement.label_quote``)


def reason_text(reason: Reason | None, quote: str | None) -> str | None:
    """A reason as the reports write it: the LLM's with the quote it gave ("llm: <quote>"), the others as they are."""
    if reason is None:
        return None
    if reason == Reason.LLM and quote is not None:
        return f"{reason}: {quote}"
    return str(reason)
