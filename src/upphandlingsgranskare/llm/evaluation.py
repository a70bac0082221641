"""``eval --backend llm|hybrid``: gold items go through the same LLMReviewer as a review.

Items are grouped by language and by their stated goals (the goals are part of the prompt,
as in a document), then labelled exactly as ``review --backend`` would label them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..evaluation.backends import Prediction, gold_requirement
from ..evaluation.gold import FLAGGED_LABEL, GoldItem
from .build import build_reviewer
from .review import LLMBackend, LLMReviewer


class LLMPredictor:
    """The llm/hybrid eval backend: predictions, and a record of what the model did for them."""

    def __init__(self, reviewer: LLMReviewer) -> None:
        self.reviewer = reviewer
        self.usages: list = []

    def __call__(self, items: Sequence[GoldItem]) -> list[Prediction]:
        return _predict(self.reviewer, items, self.usages)

    def record(self) -> dict[str, Any]:
        """Model, endpoint host, prompt version, and the counts summed over the run (errors: the first ten)."""
        settings = self.reviewer.judge.settings
        counts = (
            "requirements_judged",
            "cached",
            "calls",
            "requests",
            "fallbacks",
            "rejected_quotes",
            "rewrites_dropped",
            "repairs",
            "disagreements",
            "instruction_like",
            "prompt_tokens",
            "completion_tokens",
        )
        record: dict[str, Any] = {
            "backend": self.reviewer.backend,
            "model": settings.model,
            "endpoint_host": settings.endpoint_host,
            "prompt": self.reviewer.judge.prompt.id,
        }
        record.update({name: sum(getattr(u, name) for u in self.usages) for name in counts})
        errors: list[str] = []
        for usage in self.usages:
            errors.extend(e for e in usage.errors if e not in errors)
        record["errors"] = errors[:10]
        return record

    def baseline_name(self) -> str:
        """The baseline key's backend part: another model, server or prompt is another run."""
        record = self.record()
        return (
            f"{record['backend']} model={record['model']} endpoint={record['endpoint_host']} prompt={record['prompt']}"
        )


def llm_backend(name: LLMBackend, **options: Any) -> LLMPredictor:
    return LLMPredictor(build_reviewer(name, **options))


def _predict(reviewer: LLMReviewer, items: Sequence[GoldItem], usages: list) -> list[Prediction]:
    from ..checks.ug001_feature_without_need import FeatureWithoutNeed
    from ..nlp.calibration import confidence

    check = FeatureWithoutNeed()
    groups: dict[tuple[str, tuple[str, ...]], list[GoldItem]] = {}
    for item in items:
        groups.setdefault((item.reader_language, tuple(item.context.goals)), []).append(item)
    by_id: dict[str, Prediction] = {}
    for (_, goals), group in groups.items():
        requirements, assessments = [], []
        for item in group:
            requirement, context = gold_requirement(item)
            requirements.append(requirement)
            assessments.append(check.assess(requirement, context))
        decisions, usage = reviewer.decide_all(requirements, assessments, list(goals))
        usages.append(usage)
        for item, assessment, decision in zip(group, assessments, decisions):
            if decision.origin == "llm":
                certainty = None  # the model gives no calibrated confidence
                reason = f"llm: {decision.judgement.quote}" if decision.judgement else "llm"
            else:
                certainty = confidence(assessment, item.reader_language)
                reason = assessment.reason if decision.failure is None else f"{assessment.reason} ({decision.failure})"
                if decision.disagreement:
                    reason = f"{assessment.reason} ({decision.disagreement})"
            by_id[item.id] = Prediction(
                item.id, decision.label, decision.label == FLAGGED_LABEL, certainty, decision.origin, reason
            )
    return [by_id[item.id] for item in items]
