"""Where the LLM backend gets its model, endpoint and limits: command line over environment over
the config file's ``[llm]`` table over defaults.

The environment variables are the ones the openai client itself reads (OPENAI_API_KEY,
OPENAI_BASE_URL; AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT, OPENAI_API_VERSION), so a
machine already set up for OpenAI, Azure OpenAI, Ollama, vLLM or llama.cpp's server needs
nothing more. The key is a ``SecretStr``: it never appears in a repr, a log line or an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..config import Config, ConfigError

StructuredOutput = Literal["json_schema", "json_object", "prompt"]


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "upphandlingsgranskare" / "llm-cache.sqlite"


class LLMSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Literal["openai", "azure"] = "openai"
    model: str = "gpt-4o-mini"
    base_url: str | None = None  # None: the provider's default (api.openai.com)
    api_key: SecretStr | None = Field(default=None, repr=False)
    azure_endpoint: str | None = None
    azure_deployment: str | None = None
    api_version: str | None = None
    timeout: float = Field(default=60.0, gt=0)  # seconds per request
    max_retries: int = Field(default=3, ge=0)  # after the first try, on time-outs, 429 and 5xx
    backoff: float = Field(default=1.0, ge=0)  # first wait in seconds, doubled per retry
    max_backoff: float = Field(default=30.0, ge=0)
    concurrency: int = Field(default=4, ge=1)  # requests in flight at once
    batch_size: int = Field(default=8, ge=1)  # requirements per request
    temperature: float = Field(default=0.0, ge=0, le=2)
    structured_output: StructuredOutput = "json_schema"  # json_object/prompt for servers without JSON Schema support
    redact: bool = True  # personnummer, e-mail addresses, phone numbers never leave the machine
    cache: bool = True
    cache_path: Path = Field(default_factory=default_cache_path)
    uncertain_below: float = Field(default=0.85, ge=0, le=1)  # hybrid: rules confidence under this goes to the model
    max_tokens: int | None = Field(default=None, gt=0)
    breaker_after: int = Field(default=3, ge=1)  # time-outs/refusals/429/5xx in a row that stop all sending
    document_budget: float | None = Field(default=600.0, gt=0)  # seconds of LLM calls per document
    run_budget: float | None = Field(default=3600.0, gt=0)  # seconds of LLM calls per run
    # USD per million tokens, per model, for the dry run's cost estimate: {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}
    prices: dict[str, dict[Literal["input", "output"], float]] = Field(default_factory=dict)

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


def resolve_settings(
    config: Config | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> LLMSettings:
    """Settings from the config file's [llm] table, the environment and ``overrides`` (later wins).

    ``overrides`` holds command-line values; ``None`` values are ignored. Raises ``ConfigError``
    naming the file and key for a bad value.
    """
    environ = os.environ if environ is None else environ
    config = config or Config()
    values: dict[str, Any] = config.section("llm")
    key_env = values.pop("api_key_env", None)

    provider = (overrides or {}).get("provider") or values.get("provider") or "openai"
    if provider == "azure":
        env_map = {"api_key": "AZURE_OPENAI_API_KEY", "azure_endpoint": "AZURE_OPENAI_ENDPOINT",
                   "api_version": "OPENAI_API_VERSION"}
    else:
        env_map = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}
    env_map["model"] = "UPPHANDLINGSGRANSKARE_MODEL"
    for field_name, variable in env_map.items():
        if environ.get(variable):
            values[field_name] = environ[variable]
    if key_env:
        if not environ.get(key_env):
            raise ConfigError(config.path or "[llm]", f"llm.api_key_env: miljövariabeln / the environment variable "
                                                      f"{key_env} är inte satt / is not set")
        values["api_key"] = environ[key_env]
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return LLMSettings(**values)
    except ValidationError as error:
        problems = "; ".join(f"llm.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise ConfigError(config.path or "settings", problems) from None
