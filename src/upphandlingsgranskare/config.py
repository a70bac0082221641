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


class KeyedValueError(ValueError):
    """A bad value under a key the error names itself (``severity.UG001``), finer than the field it sits in."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        super().__init__(reason)


@dataclass(frozen=True)
class Config:
    path: Path | None = None  # the file read, None when none was found
    values: dict[str, Any] = field(default_factory=dict)  # the tool's table, keys checked

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.values.get(name) or {})


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest config file at or above ``start`` (a file or folder; default: the working directory)."""
    found = _find(start)
    return found[0] if found is not None else None


def _find(start: str | os.PathLike | None) -> tuple[Path, dict[str, Any] | None] | None:
    """The nearest config file, with its table when the search had to read it (a pyproject.toml): the
    file is read once, not once to find it and again to load it."""
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate, None
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {})
            if "upphandlingsgranskare" in tool:
                return pyproject, tool["upphandlingsgranskare"]
    return None


def load_config(path: str | os.PathLike | None = None, *, start: str | os.PathLike | None = None) -> Config:
    """Read ``path``, or the nearest config file found from ``start``; no file gives an empty Config.
    Unknown keys are refused here, against the keys the settings model declares (``settings.file_keys``)."""
    found = (Path(path), None) if path is not None else _find(start)
    if found is None:
        return Config()
    file, data = found
    if data is None:
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
        raise ConfigError(
            path,
            f"filen är inte UTF-8 (byte {error.start}); spara den som UTF-8 / the file is not "
            f"UTF-8 (byte {error.start}); save it as UTF-8",
        ) from None
    except OSError as error:
        raise ConfigError(path, f"kan inte läsas / cannot be read: {error.strerror or error}") from None


def _check_keys(path: Path, data: dict[str, Any]) -> None:
    from .settings import file_keys  # here, not at the top: the settings model imports this module

    known_keys = file_keys()
    for key, value in data.items():
        if key not in known_keys:
            raise ConfigError(
                path, f"okänd nyckel / unknown key '{key}'; kända / known: {', '.join(sorted(known_keys))}"
            )
        allowed = known_keys[key]
        if allowed is None:
            continue
        if not isinstance(value, dict):
            raise ConfigError(path, f"'{key}' ska vara en tabell / must be a table ([{key}])")
        for sub in value:
            if sub not in allowed:
                raise ConfigError(
                    path, f"okänd nyckel / unknown key '{key}.{sub}'; kända / known: {', '.join(sorted(allowed))}"
                )
