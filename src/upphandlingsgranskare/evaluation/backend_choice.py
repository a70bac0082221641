"""The eval's backends by name: the rules, or the LLM reviewer (llm/hybrid), which labels gold items
through ``evaluation.backends`` as the rules backend does; so the choice sits above both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..llm.build import BackendUnavailable
from .backends import BACKENDS, Backend, BackendName, predict_rules

if TYPE_CHECKING:
    from ..nlp.label_model import LabelModel


def get_backend(name: BackendName, *, label_model: bool | LabelModel = True, **llm_options: Any) -> Backend:
    """The backend ``name``; ``llm_options`` (config_path, overrides, use_cache) configure llm/hybrid;
    ``label_model=False`` labels by the rules alone (no statistical second opinion), a ``LabelModel`` by
    that model instead of the packaged one."""
    if name == "rules":
        return lambda items: predict_rules(items, label_model=label_model)
    if name in ("llm", "hybrid"):
        from ..llm.evaluation import llm_backend  # here: the LLM packages are optional

        return llm_backend(name, **llm_options)
    raise BackendUnavailable(f"okänd backend / unknown backend '{name}'; choose one of {', '.join(BACKENDS)}")
