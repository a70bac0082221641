"""The configuration file: ``upphandlingsgranskare.toml`` or ``[tool.upphandlingsgranskare]`` in
``pyproject.toml``, the nearest one next to the documents or above them.

A misspelt key is an error naming the file and the key: a setting that is silently ignored
(say ``[llm] modell = ...``) would send a review to the wrong model without anyone noticing.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_NAME = "upphandlingsgranskare.toml"


class ConfigError(ValueError):
    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Config:
    path: Path | None = None  # the file read, None when none was found
    values: dict[str, Any] = field(default_factory=dict)  # the tool's table, keys checked

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.values.get(name) or {})


# Top-level keys and the tables below them. Values are validated where they are used
# (LLMSettings for [llm]), keys here, so every file gets the same "unknown key" error.
KNOWN_KEYS: dict[str, frozenset[str] | None] = {
    "backend": None,
    "select": None,
    "ignore": None,
    "language": None,
    "rationale_policy": None,
    "label_model": None,
    "formats": None,
    "annotate_clean": None,  # true: annotated copies of documents without findings too
    "severity": None,  # a table of check code -> level, checked against the registered checks
    "limits": frozenset({"max_file_mb", "max_decompressed_mb", "max_pages", "max_rows", "seconds_per_document",
                          "max_requirements"}),
    "llm": frozenset({
        "provider", "model", "base_url", "api_key_env", "azure_endpoint", "azure_deployment", "api_version",
        "timeout", "max_retries", "backoff", "max_backoff", "concurrency", "batch_size", "temperature",
        "structured_output", "redact", "cache", "cache_path", "uncertain_below", "max_tokens",
        "breaker_after", "document_budget", "run_budget", "prices",
    }),
}


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest config file at or above ``start`` (a file or folder; default: the working directory)."""
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "upphandlingsgranskare" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(path: str | os.PathLike | None = None, *, start: str | os.PathLike | None = None) -> Config:
    """Read ``path``, or the nearest config file found from ``start``; no file gives an empty Config."""
    file = Path(path) if path is not None else find_config(start)
    if file is None:
        return Config()
    if not file.is_file():
        raise ConfigError(file, "konfigurationsfilen finns inte / the config file does not exist")
    data = _read_toml(file)
    if file.name == "pyproject.toml":
        data = data.get("tool", {}).get("upphandlingsgranskare", {})
    _check_keys(file, data)
    return Config(path=file, values=data)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"ogiltig TOML / invalid TOML: {error}") from None
    except UnicodeDecodeError as error:  # TOML is UTF-8; a comment saved as Windows-1252 is not
        raise ConfigError(path, f"filen är inte UTF-8 (byte {error.start}); spara den som UTF-8 / the file is not "
                                f"UTF-8 (byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise ConfigError(path, f"kan inte läsas / cannot be read: {error.strerror or error}") from None


def _check_keys(path: Path, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in KNOWN_KEYS:
            raise ConfigError(path, f"okänd nyckel / unknown key '{key}'; kända / known: {', '.join(sorted(KNOWN_KEYS))}")
        allowed = KNOWN_KEYS[key]
        if allowed is None:
            continue
        if not isinstance(value, dict):
            raise ConfigError(path, f"'{key}' ska vara en tabell / must be a table ([{key}])")
        for sub in value:
            if sub not in allowed:
                raise ConfigError(path, f"okänd nyckel / unknown key '{key}.{sub}'; kända / known: {', '.join(sorted(allowed))}")


def configured_formats(config: Config) -> list[str]:
    """The ``formats`` setting as a list of names (default: the terminal report); ConfigError when it is not
    a name or a list of names (``formats = 5`` was a TypeError traceback)."""
    value = config.values.get("formats", ["text"])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
        raise ConfigError(config.path or CONFIG_NAME, "'formats' ska vara en lista med format / must be a list of "
                                                      f'formats, e.g. ["html", "docx"], not {value!r}')
    return value
