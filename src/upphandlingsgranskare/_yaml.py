"""YAML data files (word lists, prompts): with libyaml's C loader when PyYAML has it (ten times
faster, which is a fifth of a second of every start-up), else the pure-Python one. The package's own
data files are checked against their schema (``_data_schemas.py``) as they are read."""

from __future__ import annotations

from fnmatch import fnmatch
from importlib import resources
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ROOT = "upphandlingsgranskare"


class DataFileError(ValueError):
    """A data file that does not fit its schema: the message names the file and each key at fault."""


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader either way


def load_data_file(package: str, *parts: str) -> Any:
    """The package data file ``parts`` under ``package`` (``upphandlingsgranskare.nlp``, ``lexicons``,
    ``sv.yaml``), checked against its schema; the plain data as YAML reads it."""
    data = load_yaml(resources.files(package).joinpath(*parts).read_text("utf-8"))
    relative = "/".join([*package.split(".")[1:], *parts])
    check_data(data, relative)
    return data


def check_data(data: Any, relative: str) -> None:
    """Check ``data`` read from the package file ``relative`` ("nlp/lexicons/sv.yaml") against its schema."""
    from pydantic import ValidationError

    from ._data_schemas import SCHEMAS

    schema = next((model for pattern, model in SCHEMAS.items() if fnmatch(relative, pattern)), None)
    if schema is None:
        raise DataFileError(f"{_ROOT}/{relative}: no schema for this data file (add one to _data_schemas.py)")
    try:
        schema.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"key {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors(include_url=False)
        )
        raise DataFileError(f"{_ROOT}/{relative}: {problems}") from None
