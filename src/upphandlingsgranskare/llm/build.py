"""The review's LLM backend, built from the config file, the environment and the command line's overrides;
``review --backend`` and ``eval --backend`` both get theirs here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .review import LLMBackend, LLMReviewer


class BackendUnavailable(RuntimeError):
    """The backend cannot run here (for example no LLM endpoint is configured)."""


LLM_PACKAGES = {
    "openai": "openai",
    "langchain_openai": "langchain-openai",
    "langchain_core": "langchain-core",
    "tiktoken": "tiktoken",
}


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


def build_reviewer(
    backend: LLMBackend,
    *,
    config_path: Any = None,
    overrides: dict[str, Any] | None = None,
    use_cache: bool | None = None,
    require_endpoint: bool = True,
    settings: Any = None,
) -> LLMReviewer:
    """The reviewer for ``backend`` from the config file, the environment and ``overrides``, or from
    ``settings`` (LLMSettings) already resolved: the settings model's, so the file is not read again.

    Raises ``BackendUnavailable`` when no endpoint is configured (unless ``require_endpoint`` is
    False, for a dry run): nothing is ever sent to a default endpoint the user did not choose.
    """
    missing = missing_llm_packages()
    if missing:
        raise BackendUnavailable(
            f"backend '{backend}': LLM-paketen saknas / the LLM packages are missing ({', '.join(missing)}): "
            "pip install 'upphandlingsgranskare[llm]'"
        )
    # Here, not at the top: the eval's rules backend imports BackendUnavailable and needs none of these.
    from ..config import ConfigError, load_config
    from .judge import LLMJudge
    from .review import LLMReviewer
    from .settings import resolve_settings

    try:
        settings = settings or resolve_settings(load_config(config_path), overrides)
    except ConfigError as error:
        raise BackendUnavailable(str(error)) from None
    if require_endpoint and not settings.has_credentials():
        raise BackendUnavailable(
            f"backend '{backend}': ingen LLM-tjänst är konfigurerad / no LLM endpoint is configured. Set "
            "OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (Ollama, vLLM, llama.cpp), or [llm] in "
            "upphandlingsgranskare.toml; see README, 'LLM-assisted review'."
        )
    return LLMReviewer(backend, LLMJudge(settings, use_cache=use_cache))
