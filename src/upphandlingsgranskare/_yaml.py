"""YAML data files (word lists, prompts): with libyaml's C loader when PyYAML has it (ten times
faster, which is a fifth of a second of every start-up), else the pure-Python one. The package's own
data files are checked against their schema (``_data_schemas.py``) as they are read.

Checked data is kept in compiled form (``marshal``) in the user's cache folder, keyed by the file's
bytes and the schemas' source: importing the schemas (pydantic builds seventeen models) cost more
than the rest of loading, a sixth of a second of every run. A changed file or schema is a miss, so it
is read and checked again; an unwritable cache folder only means every run reads and checks."""

from __future__ import annotations

import hashlib
import marshal
import sys
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .fileio import cache_dir, write_atomic

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ROOT = "upphandlingsgranskare"


class DataFileError(ValueError):
    """A data file that does not fit its schema: the message names the file and each key at fault."""


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader either way


def load_data_file(package: str, *parts: str) -> Any:
    """The package data file ``parts`` under ``package`` (``upphandlingsgranskare.nlp``, ``lexicons``,
    ``sv.yaml``), checked against its schema; the plain data as YAML reads it."""
    source = resources.files(package).joinpath(*parts).read_bytes()
    relative = "/".join([*package.split(".")[1:], *parts])
    key = _cache_key(relative, source)
    compiled = _cache_file(relative)
    try:
        stored_key, data = marshal.loads(compiled.read_bytes())
        if stored_key == key:
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no compiled copy yet, or one from another version: read and check the file
    data = load_yaml(source.decode("utf-8"))
    check_data(data, relative)
    try:
        write_atomic(compiled, marshal.dumps((key, data)))
    except (OSError, ValueError):  # a read-only cache folder, or data marshal cannot hold
        pass
    return data


def _cache_file(relative: str) -> Path:
    return cache_dir() / "data" / (relative.replace("/", "--") + ".marshal")


def _cache_key(relative: str, source: bytes) -> str:
    digest = hashlib.sha256(source)
    digest.update(_schema_sources())
    digest.update(f"{relative}|{sys.version_info[:2]}|{marshal.version}".encode())
    return digest.hexdigest()


@cache
def _schema_sources() -> bytes:
    """The schemas' source and the list names they import: what decides whether a file passes its check."""
    root = resources.files(_ROOT)
    return b"".join(root.joinpath(*name.split("/")).read_bytes() for name in _SCHEMA_MODULES)


_SCHEMA_MODULES = ("_data_schemas.py", "nlp/lexicon_lists.py")


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
