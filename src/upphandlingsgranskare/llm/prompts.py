"""Versioned prompt files (``prompts/<name>.v<N>.yaml``) and the messages they render to.

The requirements travel as one JSON data block in the user message, after the instructions,
never inside the system message: the model sees tender text as data to judge. Few-shot
examples are a prior user/assistant exchange in the same shape as the real request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .._yaml import load_data_file
from ..models import Language

PROMPT_FILE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.yaml$")
DEFAULT_PROMPT = "review"


@dataclass(frozen=True)
class PromptItem:
    """One requirement as the model gets it: its id in this batch, the text and its context."""

    id: str
    text: str
    heading: str | None = None
    rationale: str | None = None
    lead_in: str | None = None

    def payload(self) -> dict[str, str]:
        record = {"id": self.id, "text": self.text}
        for key in ("heading", "rationale", "lead_in"):
            value = getattr(self, key)
            if value is not None:
                record[key] = value
        return record

    def sources(self) -> tuple[str, ...]:
        """Every text a grounding quote may come from."""
        return tuple(t for t in (self.text, self.rationale, self.lead_in, self.heading) if t)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: dict[str, str]
    user: dict[str, str]
    examples: dict[str, dict[str, Any]]

    @property
    def id(self) -> str:
        """``review.v1``: part of every cache key, so a new version never reuses old answers."""
        return f"{self.name}.v{self.version}"

    def messages(self, language: Language, items: Sequence[PromptItem], goals: Sequence[str]) -> list[dict[str, str]]:
        """The chat messages for one batch, as role/content dicts."""
        messages = [{"role": "system", "content": self.system[language].strip()}]
        example = self.examples.get(language)
        if example:
            messages.append(
                {
                    "role": "user",
                    "content": self._user_content(language, example["requirements"], example.get("goals") or []),
                }
            )
            messages.append({"role": "assistant", "content": _dumps({"judgements": example["judgements"]})})
        messages.append({"role": "user", "content": self._user_content(language, [i.payload() for i in items], goals)})
        return messages

    def _user_content(self, language: Language, requirements: Sequence[dict], goals: Sequence[str]) -> str:
        data = {"goals": list(goals), "requirements": [_clean(r) for r in requirements]}
        return f"{self.user[language].strip()}\n\n```json\n{_dumps(data)}\n```"


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v is not None}


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def available_prompts() -> dict[str, list[int]]:
    """Prompt names and their versions shipped with the package."""
    found: dict[str, list[int]] = {}
    for entry in _prompt_dir().iterdir():
        match = PROMPT_FILE.match(entry.name)
        if match:
            found.setdefault(match["name"], []).append(int(match["version"]))
    return {name: sorted(versions) for name, versions in found.items()}


@cache
def load_prompt(name: str = DEFAULT_PROMPT, version: int | None = None) -> Prompt:
    """The prompt ``name`` at ``version`` (default: the newest shipped version)."""
    versions = available_prompts().get(name)
    if not versions:
        raise ValueError(f"okänd prompt / unknown prompt '{name}'")
    version = versions[-1] if version is None else version
    if version not in versions:
        raise ValueError(f"prompt '{name}' has no version {version}; shipped: {versions}")
    data = load_data_file("upphandlingsgranskare", "prompts", f"{name}.v{version}.yaml")
    if data.get("name") != name or data.get("version") != version:
        raise ValueError(f"prompts/{name}.v{version}.yaml: name/version inside the file do not match its name")
    return Prompt(
        name=name, version=version, system=data["system"], user=data["user"], examples=data.get("examples") or {}
    )


def _prompt_dir():
    # Package data of the main package (prompts/ has no __init__.py; the repo's top-level prompts/ links here).
    return resources.files("upphandlingsgranskare").joinpath("prompts")
