"""Word lists as data: load ``lexicons/<lang>.yaml`` and compile them into spaCy Matcher patterns
(pattern syntax and compiler: ``patterns.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .._yaml import load_data_file
from ..models import Language
from .lexicon_lists import PATTERN_LISTS
from .patterns import compile_phrase_regex, matcher_pattern, standalone_ids

# The regex and id compilers are imported from here by segmentation and goal finding.
__all__ = [
    "Lexicon",
    "compile_phrase_regex",
    "lexicon_patterns",
    "load_lexicon",
    "standalone_ids",
    "words_in_any_language",
]


@dataclass(frozen=True)
class Lexicon:
    language: Language
    data: dict[str, Any]

    def words(self, key: str) -> list[str]:
        """The word list ``key``: empty where this language has none that another language has; a key no
        language has is a typo, and raises (it would otherwise switch a rule off without a word)."""
        if key not in self.data and key not in _known_lists():
            raise KeyError(f"no word list {key!r} in any lexicon (nlp/lexicons/*.yaml)")
        return list(self.data.get(key) or [])

    def mapping(self, key: str) -> dict[str, list[str]]:
        """The word table ``key`` (a word to the words that change its reading), checked like ``words``."""
        if key not in self.data and key not in _known_lists():
            raise KeyError(f"no word table {key!r} in any lexicon (nlp/lexicons/*.yaml)")
        return dict(self.data.get(key) or {})

    @property
    def modals(self) -> dict[str, list[str]]:
        return self.data["modals"]


@cache
def words_in_any_language(key: str) -> frozenset[str]:
    """The word list ``key`` of every language together: for closed-class words read whatever the
    document's language, since tenders mix languages (English headings and terms in Swedish text)."""
    return frozenset(word for language in _languages() for word in load_lexicon(language).words(key))


@lru_cache(maxsize=1)
def _languages() -> tuple[Language, ...]:
    folder = resources.files(__package__).joinpath("lexicons")
    return tuple(sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")))  # type: ignore[misc]


@lru_cache(maxsize=1)
def _known_lists() -> frozenset[str]:
    """The keys of every language's lexicon."""
    return frozenset(key for language in _languages() for key in load_lexicon(language).data)


@cache
def load_lexicon(language: Language) -> Lexicon:
    return Lexicon(language=language, data=load_data_file(__package__, "lexicons", f"{language}.yaml"))


def lexicon_patterns(lexicon: Lexicon) -> dict[str, list[list[dict[str, Any]]]]:
    """Matcher patterns per label. Modal phrases get labels ``modal_ska`` and ``modal_bör``."""
    patterns: dict[str, list[list[dict[str, Any]]]] = {}
    for key in PATTERN_LISTS:
        phrases = lexicon.words(key)
        if phrases:
            patterns[key] = [matcher_pattern(p) for p in phrases]
    for kind, phrases in lexicon.modals.items():
        patterns[f"modal_{kind}"] = [matcher_pattern(p) for p in phrases]
    return patterns
