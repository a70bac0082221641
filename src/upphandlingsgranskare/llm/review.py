"""The LLM backends in the review: which requirements go to the model, and whose label wins.

- ``llm``: every requirement goes to the model; a grounded judgement decides its label.
- ``hybrid``: the offline backend decides first. Requirements it is unsure of (the label
  model's probability, or without it the rules' calibrated confidence, below
  ``uncertain_below``) go to the model, and so do flagged requirements, for
  the model's explanation, question and rewrite. A grounded judgement decides the label of
  every requirement the model was sent (it may clear a flag by quoting the reason the rules
  missed); confident unflagged requirements keep the rules label and cost nothing.

Whatever fails (time-out, 429/5xx after retries, malformed or ungrounded answer), the rules
result stands, marked ``rules-fallback``: a run never loses the offline findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from ..models import Finding, LLMUsage, Origin, Requirement
from ..nlp.calibration import confidence
from ..nlp.classify import Assessment
from ..nlp.label_model import as_lead_in
from .answers import Judgement
from .judge import LLMJudge, Outcome, Usage
from .prompts import PromptItem

LLMBackend = Literal["llm", "hybrid"]
FLAGGED = "feature_without_need"


@dataclass(frozen=True)
class Decision:
    label: str
    origin: Origin
    judgement: Judgement | None = None  # the model's, when it is used (label or explanation)
    failure: str | None = None  # why the model's answer was not used


def prompt_item(requirement: Requirement) -> PromptItem:
    lead_in = as_lead_in(requirement.context)
    heading = requirement.heading_path[-1] if requirement.heading_path else None
    return PromptItem(id=requirement.id, text=requirement.text, heading=heading, rationale=requirement.rationale,
                      lead_in=lead_in)


def is_uncertain(assessment: Assessment, language: str, threshold: float) -> bool:
    certainty = confidence(assessment, language)
    return certainty is None or certainty < threshold


def wants_model(backend: LLMBackend, assessment: Assessment, language: str, threshold: float) -> bool:
    if backend == "llm":
        return True
    return assessment.flagged or is_uncertain(assessment, language, threshold)


def decide(assessment: Assessment, outcome: Outcome | None) -> Decision:
    """Not sent: the rules label. Sent and grounded: the model's. Sent and failed: the rules', marked so."""
    if outcome is None:
        return Decision(assessment.label, "rules")
    judgement = outcome.judgement
    if judgement is None:
        return Decision(assessment.label, "rules-fallback", failure=outcome.failure)
    return Decision(judgement.label, "llm", judgement)


class LLMReviewer:
    """Applies one LLM backend to the requirements of a document (or a set of gold items)."""

    def __init__(self, backend: LLMBackend, judge: LLMJudge) -> None:
        self.backend = backend
        self.judge = judge

    def decide_all(self, requirements: Sequence[Requirement], assessments: Sequence[Assessment],
                   goals: Sequence[str]) -> tuple[list[Decision], LLMUsage]:
        threshold = self.judge.settings.uncertain_below
        usage = Usage()
        outcomes: dict[int, Outcome] = {}
        for language in ("sv", "en"):
            items = {str(n): prompt_item(r) for n, (r, a) in enumerate(zip(requirements, assessments))
                     if r.language == language and wants_model(self.backend, a, language, threshold)}
            if items:
                for key, outcome in self.judge.judge(language, goals, items, usage).items():
                    outcomes[int(key)] = outcome
        decisions = [decide(a, outcomes.get(n)) for n, a in enumerate(assessments)]
        return decisions, usage.report(self.backend, self.judge.settings.model, self.judge.prompt.id)


def apply_decision(finding: Finding | None, decision: Decision) -> Finding | None:
    """The rules' finding for a flagged decision, carrying the model's words where they are used."""
    if finding is None:
        return None
    if decision.origin == "rules-fallback":
        return finding.model_copy(update={"origin": "rules-fallback", "origin_detail": decision.failure})
    judgement = decision.judgement
    if decision.origin != "llm" or judgement is None:
        return finding
    # The rules' question and template rewrite stay when the model gives none (or its rewrite failed the guard).
    return finding.model_copy(update={
        "origin": "llm", "message": judgement.explanation, "evidence": judgement.quote,
        "question": judgement.question or finding.question, "suggestion": judgement.rewrite or finding.suggestion})
