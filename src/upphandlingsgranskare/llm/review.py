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

The model may clear a rules flag only with a quote of at least three words that carries the
reason (``evidence.reason_in_quote``), and never for a requirement holding instruction-like text
(``injection``). Where it would clear one without that, the flag stays, marked "model disagrees"
with both views.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..labels import FLAGGED, Label
from ..models import Finding, LLMUsage, Origin, Requirement
from ..nlp.calibration import confidence
from ..nlp.classify import Assessment
from ..nlp.label_model import as_lead_in
from .answers import Judgement
from .evidence import MIN_QUOTE_WORDS, reason_in_quote
from .injection import first_instruction
from .judge import LLMJudge, Outcome, Usage
from .prompts import PromptItem

LLMBackend = Literal["llm", "hybrid"]


@dataclass(frozen=True)
class Decision:
    label: Label
    origin: Origin
    judgement: Judgement | None = None  # the model's, when it is used (label or explanation)
    failure: str | None = None  # why the model's answer was not used
    disagreement: str | None = None  # the model would clear the rules' flag but may not: both views


def prompt_item(requirement: Requirement) -> PromptItem:
    lead_in = as_lead_in(requirement.context)
    heading = requirement.heading_path[-1] if requirement.heading_path else None
    return PromptItem(
        id=requirement.id, text=requirement.text, heading=heading, rationale=requirement.rationale, lead_in=lead_in
    )


def is_uncertain(assessment: Assessment, language: str, threshold: float) -> bool:
    certainty = confidence(assessment, language)
    return certainty is None or certainty < threshold


def wants_model(backend: LLMBackend, assessment: Assessment, language: str, threshold: float) -> bool:
    if backend == "llm":
        return True
    return assessment.flagged or is_uncertain(assessment, language, threshold)


def decide(
    assessment: Assessment,
    outcome: Outcome | None,
    item: PromptItem | None = None,
    goals: Sequence[str] = (),
    language: str = "sv",
) -> Decision:
    """Not sent: the rules label. Sent and grounded: the model's, except that a rules flag is cleared only
    with a quote that carries a reason, in an item without instruction-like text. Sent and failed: the
    rules', marked so."""
    if outcome is None:
        return Decision(assessment.label, "rules")
    judgement = outcome.judgement
    if judgement is None:
        return Decision(assessment.label, "rules-fallback", failure=outcome.failure)
    if assessment.flagged and judgement.label != FLAGGED and item is not None:
        refusal = _why_not_cleared(judgement, item, goals, language)
        if refusal:
            note = (
                f"modellen håller inte med / model disagrees: modellen / model: {judgement.label} "
                f'("{judgement.quote}"); reglerna / rules: {assessment.label} ({assessment.reason}); '
                f"flaggan står kvar / the flag stays: {refusal}"
            )
            return Decision(assessment.label, "rules", disagreement=note)
    return Decision(judgement.label, "llm", judgement)


def _why_not_cleared(judgement: Judgement, item: PromptItem, goals: Sequence[str], language: str) -> str | None:
    instruction = first_instruction(item.sources())
    if instruction:
        return f'instruktionslik text / instruction-like text: "{instruction}"'
    if reason_in_quote(judgement.quote, item, goals, language) is None:
        return (
            f"citatet anger inget skäl (minst {MIN_QUOTE_WORDS} ord med ändamålsbisats, motivering eller "
            f"målhänvisning) / the quote states no reason (at least {MIN_QUOTE_WORDS} words with a purpose "
            "marker, a rationale or a goal reference)"
        )
    return None


class LLMReviewer:
    """Applies one LLM backend to the requirements of a document (or a set of gold items)."""

    def __init__(self, backend: LLMBackend, judge: LLMJudge, planner=None) -> None:
        self.backend = backend
        self.judge = judge
        self.planner = planner  # a dry run's ``dryrun.Planner``: the items are counted, nothing is sent

    def decide_all(
        self, requirements: Sequence[Requirement], assessments: Sequence[Assessment], goals: Sequence[str]
    ) -> tuple[list[Decision], LLMUsage]:
        threshold = self.judge.settings.uncertain_below
        usage = Usage()
        outcomes: dict[int, Outcome] = {}
        items_by_index: dict[int, PromptItem] = {}
        deadline = None
        for language in ("sv", "en"):
            items = {
                str(n): prompt_item(r)
                for n, (r, a) in enumerate(zip(requirements, assessments))
                if r.language == language and wants_model(self.backend, a, language, threshold)
            }
            items_by_index.update((int(k), v) for k, v in items.items())
            if not items:
                continue
            if self.planner is not None:
                self.planner.add(language, goals, items)
                continue
            deadline = deadline or self.judge.limits.document_deadline()
            for key, outcome in self.judge.judge(language, goals, items, usage, deadline).items():
                outcomes[int(key)] = outcome
        decisions = [
            decide(a, outcomes.get(n), items_by_index.get(n), goals, requirements[n].language)
            for n, a in enumerate(assessments)
        ]
        usage.add(
            disagreements=sum(1 for d in decisions if d.disagreement),
            instruction_like=sum(1 for item in items_by_index.values() if first_instruction(item.sources())),
        )
        return decisions, usage.report(self.backend, self.judge.settings.model, self.judge.prompt.id)


def apply_decision(finding: Finding | None, decision: Decision) -> Finding | None:
    """The rules' finding for a flagged decision, carrying the model's words where they are used."""
    if finding is None:
        return None
    if decision.disagreement:
        return finding.model_copy(update={"origin_detail": decision.disagreement})
    if decision.origin == "rules-fallback":
        return finding.model_copy(update={"origin": "rules-fallback", "origin_detail": decision.failure})
    judgement = decision.judgement
    if decision.origin != "llm" or judgement is None:
        return finding
    # The rules' question and template rewrite stay when the model gives none (or its rewrite failed the guard).
    return finding.model_copy(
        update={
            "origin": "llm",
            "message": judgement.explanation,
            "evidence": judgement.quote,
            "question": judgement.question or finding.question,
            "suggestion": judgement.rewrite or finding.suggestion,
        }
    )
