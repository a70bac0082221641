"""``eval --backend llm|hybrid``: gold items go through the same LLMReviewer as a review.

Items are grouped by language and by their stated goals (the goals are part of the prompt,
as in a document), then labelled exactly as ``review --backend`` would label them.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..config import ConfigError, load_config
from ..evaluation.backends import BackendUnavailable, Prediction, gold_requirement
from ..evaluation.gold import FLAGGED_LABEL, GoldItem
from .review import LLMBackend, LLMReviewer


LLM_PACKAGES = {"openai": "openai", "langchain_openai": "langchain-openai", "langchain_core": "langchain-core",
                "tiktoken": "tiktoken"}


def missing_llm_packages() -> list[str]:
    """The distributions of the optional ``[llm]`` extra that cannot be imported."""
    import importlib

    missing = []
    for module, distribution in LLM_PACKAGES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(distribution)
    return missing


def build_reviewer(backend: LLMBackend, *, config_path: Any = None, overrides: dict[str, Any] | None = None,
                   use_cache: bool | None = None, require_endpoint: bool = True,
                   settings: Any = None) -> LLMReviewer:
    """The reviewer for ``backend`` from the config file, the environment and ``overrides``, or from
    ``settings`` (LLMSettings) already resolved: the settings model's, so the file is not read again.

    Raises ``BackendUnavailable`` when no endpoint is configured (unless ``require_endpoint`` is
    False, for a dry run): nothing is ever sent to a default endpoint the user did not choose.
    """
    missing = missing_llm_packages()
    if missing:
        raise BackendUnavailable(
            f"backend '{backend}': LLM-paketen saknas / the LLM packages are missing ({', '.join(missing)}): "
            "pip install 'upphandlingsgranskare[llm]'")
    from .judge import LLMJudge
    from .settings import resolve_settings

    try:
        settings = settings or resolve_settings(load_config(config_path), overrides)
    except ConfigError as error:
        raise BackendUnavailable(str(error)) from None
    if require_endpoint and not settings.has_credentials():
        raise BackendUnavailable(
            f"backend '{backend}': ingen LLM-tjänst är konfigurerad / no LLM endpoint is configured. Set "
            "OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (Ollama, vLLM, llama.cpp), or [llm] in "
            "upphandlingsgranskare.toml; see README, 'LLM-assisted review'.")
    return LLMReviewer(backend, LLMJudge(settings, use_cache=use_cache))


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
        counts = ("requirements_judged", "cached", "calls", "requests", "fallbacks", "rejected_quotes",
                  "rewrites_dropped", "repairs", "disagreements", "instruction_like", "prompt_tokens",
                  "completion_tokens")
        record: dict[str, Any] = {"backend": self.reviewer.backend, "model": settings.model,
                                  "endpoint_host": settings.endpoint_host, "prompt": self.reviewer.judge.prompt.id}
        record.update({name: sum(getattr(u, name) for u in self.usages) for name in counts})
        errors: list[str] = []
        for usage in self.usages:
            errors.extend(e for e in usage.errors if e not in errors)
        record["errors"] = errors[:10]
        return record

    def baseline_name(self) -> str:
        """The baseline key's backend part: another model, server or prompt is another run."""
        record = self.record()
        return f"{record['backend']} model={record['model']} endpoint={record['endpoint_host']} prompt={record['prompt']}"


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
            by_id[item.id] = Prediction(item.id, decision.label, decision.label == FLAGGED_LABEL, certainty,
                                        decision.origin, reason)
    return [by_id[item.id] for item in items]
