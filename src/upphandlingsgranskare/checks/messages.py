"""The checks' messages and severities as data per language (``data/messages.<lang>.yaml``, Vale style),
read once: a check takes its summary and severity from here and fills its templates' fields."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from .._yaml import load_data_file
from ..models import Language, Severity

LANGUAGES: tuple[Language, ...] = ("sv", "en")


@cache
def _messages(language: Language) -> dict[str, Any]:
    return load_data_file(__package__, "data", f"messages.{language}.yaml")


def summary(code: str) -> dict[Language, str]:
    """The check's one-line summary in every language (``Check.summary``)."""
    return {language: _messages(language)[code]["summary"] for language in LANGUAGES}


def severity(code: str) -> Severity:
    """The check's default severity; the languages' files must agree on it."""
    found = {_messages(language)[code]["severity"] for language in LANGUAGES}
    if len(found) != 1:
        raise ValueError(f"checks/data/messages.*.yaml: {code} has different severities {sorted(found)}")
    return cast(Severity, found.pop())  # the schema allows error|warning|info only


def text(code: str, key: str, language: Language, **fields: Any) -> str:
    """The check's template ``key`` in ``language`` with its fields filled."""
    return _messages(language)[code]["templates"][key].format(**fields)


def quote(language: Language, words: str) -> str:
    """A word or phrase of the requirement quoted as the language writes quotes (”ord”, "word")."""
    return _messages(language)["quote"].format(words)
