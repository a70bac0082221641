"""YAML data files (word lists, prompts): with libyaml's C loader when PyYAML has it (ten times
faster, which is a fifth of a second of every start-up), else the pure-Python one."""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader either way
