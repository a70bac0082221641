"""Where the LLM backend gets its model, endpoint and limits: command line over environment over
the config file's ``[llm]`` table over defaults.

The environment variables are the ones the openai client itself reads (OPENAI_API_KEY,
OPENAI_BASE_URL; AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT, OPENAI_API_VERSION), so a
machine already set up for OpenAI, Azure OpenAI, Ollama, vLLM or llama.cpp's server needs
nothing more. The key is a ``SecretStr``: it never appears in a repr, a log line or an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..config import Config, ConfigError
from ..fileio import cache_dir

StructuredOutput = Literal["json_schema", "json_object", "prompt"]


def default_cache_path() -> Path:
    return cache_dir() / "llm-cache.sqlite"


class LLMSettings(BaseModel):
    """The ``[llm]`` section of the settings model: model, endpoint, limits of the LLM backend."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Literal["openai", "azure"] = Field(
        default="openai", description="openai (also Ollama, vLLM, llama.cpp) or azure."
    )
    model: str = Field(
        default="gpt-4o-mini", description="Modellens namn / the model's name (env UPPHANDLINGSGRANSKARE_MODEL)."
    )
    base_url: str | None = Field(
        default=None,
        description="OpenAI-kompatibel adress / OpenAI-compatible base URL (env "
        "OPENAI_BASE_URL); none: the provider's default, api.openai.com.",
    )
    api_key: SecretStr | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"command_line_only": True},
        description="Nyckeln, bara från miljön / the key, from the environment only "
        "(OPENAI_API_KEY, AZURE_OPENAI_API_KEY or api_key_env).",
    )
    azure_endpoint: str | None = Field(
        default=None, description="Azure: adressen / the endpoint (env AZURE_OPENAI_ENDPOINT)."
    )
    azure_deployment: str | None = Field(
        default=None, description="Azure: driftsättningen / the deployment (default: model)."
    )
    api_version: str | None = Field(
        default=None, description="Azure: API-versionen / the API version (env OPENAI_API_VERSION)."
    )
    timeout: float = Field(default=60.0, gt=0, description="Sekunder per anrop / seconds per request.")
    max_retries: int = Field(
        default=3,
        ge=0,
        description="Nya försök efter det första, vid time-out, 429 och 5xx / "
        "retries after the first try, on time-outs, 429 and 5xx.",
    )
    backoff: float = Field(
        default=1.0,
        ge=0,
        description="Första väntan, s, dubblas per försök / first wait in seconds, doubled per retry.",
    )
    max_backoff: float = Field(default=30.0, ge=0, description="Längsta väntan / longest wait, s.")
    concurrency: int = Field(default=4, ge=1, description="Samtidiga anrop / requests in flight at once.")
    batch_size: int = Field(default=8, ge=1, description="Krav per anrop / requirements per request.")
    temperature: float = Field(default=0.0, ge=0, le=2, description="Modellens temperatur / the model's temperature.")
    structured_output: StructuredOutput = Field(
        default="json_schema", description="json_schema, or json_object/prompt for servers without JSON Schema support."
    )
    redact: bool = Field(
        default=True,
        description="Maskera personnummer, e-post och telefonnummer före sändning / redact "
        "personal data before sending: it never leaves the machine.",
    )
    cache: bool = Field(default=True, description="Återanvänd tidigare svar / reuse earlier answers (--no-cache: off).")
    cache_path: Path = Field(
        default_factory=default_cache_path,
        description="Svarscachens fil / the answer cache's "
        "file (default: $XDG_CACHE_HOME/upphandlingsgranskare/llm-cache.sqlite).",
    )
    uncertain_below: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="hybrid: regelkonfidens under detta går "
        "till modellen / rules confidence below this goes to the model.",
    )
    max_tokens: int | None = Field(
        default=None, gt=0, description="Högst så många token per svar / at most this many tokens per answer."
    )
    breaker_after: int = Field(
        default=3,
        ge=1,
        description="Time-outs/vägran/429/5xx i rad som stoppar all sändning / in a row that stop all sending.",
    )
    document_budget: float | None = Field(
        default=600.0, gt=0, description="Sekunder LLM-anrop per dokument / seconds of LLM calls per document."
    )
    run_budget: float | None = Field(
        default=3600.0, gt=0, description="Sekunder LLM-anrop per körning / seconds of LLM calls per run."
    )
    prices: dict[str, dict[Literal["input", "output"], float]] = Field(
        default_factory=dict,
        description="USD per miljon token per modell, för --dry-run / USD per million tokens "
        'per model, for the dry run\'s cost estimate: {"gpt-4o-mini" = {input = 0.15, output = 0.6}}.',
    )

    @property
    def endpoint_host(self) -> str:
        """The endpoint's host (and port), for eval records and baseline keys: no path, no credentials."""
        from urllib.parse import urlsplit

        url = self.azure_endpoint if self.provider == "azure" else (self.base_url or "https://api.openai.com/v1")
        parts = urlsplit(url or "")
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else (url or "")

    @property
    def endpoint(self) -> str:
        """Where requests go, for messages (never the key)."""
        if self.provider == "azure":
            return f"{self.azure_endpoint} (Azure deployment {self.azure_deployment or self.model})"
        return self.base_url or "https://api.openai.com/v1"

    def has_credentials(self) -> bool:
        # Local servers (Ollama, vLLM, llama.cpp) take any key; a base URL alone is a configured endpoint.
        if self.provider == "azure":
            return bool(self.azure_endpoint and self.api_key)
        return self.api_key is not None or self.base_url is not None


# Read from the environment, never from a file: [llm] names the variable instead (api_key_env).
_FILE_ONLY, _NOT_IN_FILE = "api_key_env", "api_key"


def llm_file_keys() -> frozenset[str]:
    """The keys an ``[llm]`` table may hold."""
    return frozenset(LLMSettings.model_fields) - {_NOT_IN_FILE} | {_FILE_ONLY}


def llm_values(
    table: Mapping[str, Any],
    overrides: Mapping[str, Any] | None,
    environ: Mapping[str, str],
    *,
    source: str | os.PathLike,
    strict: bool = True,
) -> dict[str, Any]:
    """The ``[llm]`` table, then the environment, then ``overrides`` (None values ignored), as LLMSettings' fields.

    ``strict`` False (the rules backend: nothing is sent) lets an ``api_key_env`` whose variable is unset pass
    without a key instead of an error."""
    values = dict(table)
    key_env = values.pop(_FILE_ONLY, None)
    provider = (overrides or {}).get("provider") or values.get("provider") or "openai"
    if provider == "azure":
        env_map = {
            "api_key": "AZURE_OPENAI_API_KEY",
            "azure_endpoint": "AZURE_OPENAI_ENDPOINT",
            "api_version": "OPENAI_API_VERSION",
        }
    else:
        env_map = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}
    env_map["model"] = "UPPHANDLINGSGRANSKARE_MODEL"
    for field_name, variable in env_map.items():
        if environ.get(variable):
            values[field_name] = environ[variable]
    if key_env and environ.get(key_env):
        values["api_key"] = environ[key_env]
    elif key_env and strict:
        raise ConfigError(
            source, f"llm.api_key_env: miljövariabeln / the environment variable {key_env} är inte satt / is not set"
        )
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return values


def resolve_settings(
    config: Config | None = None, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> LLMSettings:
    """Settings from the config file's [llm] table, the environment and ``overrides`` (later wins), for callers
    that need the LLM settings alone (tests, ``build_reviewer`` without settings); the CLI's come from the
    settings model (``settings.load_settings``), which reads the file once for everything.

    ``overrides`` holds command-line values; ``None`` values are ignored. Raises ``ConfigError``
    naming the file and key for a bad value.
    """
    config = config or Config()
    values = llm_values(
        config.section("llm"), overrides, os.environ if environ is None else environ, source=config.path or "[llm]"
    )
    try:
        return LLMSettings(**values)
    except ValidationError as error:
        problems = "; ".join(f"llm.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise ConfigError(config.path or "settings", problems) from None
