"""The one pattern compiler: word lists (lexicons, trace vocabulary, heading lists) into matchers.

A phrase is words separated by spaces; each word is parsed once (``parse_word``) into a ``WordPattern``
and rendered by the back end that needs it:

- ``matcher_pattern``: a spaCy Matcher pattern over lower-cased tokens (the lexicons' lists);
- ``compile_phrase_regex``: one regex over text, whole words, case-insensitive (headings, short phrases);
- ``TermPattern``: a sequence matched against (lower-cased word, lemma) pairs (trace/link.py).

Word syntax: ``word`` exact, ``stem*`` prefix, ``*tail`` suffix, ``*mid*`` infix, ``a|b`` alternatives,
``?word`` optional, ``~`` any one word, ``#`` a number, ``o#`` a letter followed by a number ("O3").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

Kind = Literal["exact", "prefix", "suffix", "infix", "any_of", "any_word", "number", "code_number"]


@dataclass(frozen=True)
class WordPattern:
    kind: Kind
    text: str  # the word without its markers ("stem" of "stem*"; "a|b" for alternatives; "o" of "o#")
    optional: bool = False

    def matches(self, lower: str, lemma: str) -> bool:
        """Whether a token (its lower-cased form or its lemma) fits: the trace vocabulary's reading."""
        if self.kind == "exact":
            return lower == self.text or lemma == self.text
        if self.kind == "prefix":
            return lower.startswith(self.text) or lemma.startswith(self.text)
        if self.kind == "suffix":
            return lower.endswith(self.text) or lemma.endswith(self.text)
        if self.kind == "infix":
            return self.text in lower
        raise ValueError(f"word pattern {self.kind!r} is for the lexicons' Matcher, not for terms")


@cache
def parse_word(word: str) -> WordPattern:
    optional = word.startswith("?") and len(word) > 1
    if optional:
        word = word[1:]
    if "|" in word:
        return WordPattern("any_of", word, optional)
    if word == "~":
        return WordPattern("any_word", word, optional)
    if word == "#":
        return WordPattern("number", "", optional)
    if "#" in word:
        return WordPattern("code_number", word.replace("#", ""), optional)
    if word.startswith("*") and word.endswith("*") and len(word) > 2:
        return WordPattern("infix", word[1:-1], optional)
    if word.endswith("*") and len(word) > 1:
        return WordPattern("prefix", word[:-1], optional)
    if word.startswith("*") and len(word) > 1:
        return WordPattern("suffix", word[1:], optional)
    return WordPattern("exact", word, optional)


# -- spaCy Matcher ------------------------------------------------------------------------------------
_NUMBER_TOKEN = r"\d+[.,:)]?$"  # "3", "3.", "3)": a list number or a figure


def _matcher_token(word: WordPattern) -> dict[str, Any]:
    if word.kind == "any_of":
        spec: dict[str, Any] = {"LOWER": {"IN": word.text.split("|")}}
    elif word.kind == "any_word":
        spec = {"IS_ALPHA": True}
    elif word.kind in ("number", "code_number"):
        spec = {"LOWER": {"REGEX": rf"^{re.escape(word.text)}{_NUMBER_TOKEN}"}}
    elif word.kind == "prefix":
        spec = {"LOWER": {"REGEX": "^" + re.escape(word.text)}}
    elif word.kind == "suffix":
        spec = {"LOWER": {"REGEX": re.escape(word.text) + "$"}}
    elif word.kind == "infix":
        spec = {"LOWER": {"REGEX": re.escape(word.text)}}
    else:
        spec = {"LOWER": word.text}
    if word.optional:
        spec["OP"] = "?"
    return spec


def matcher_pattern(phrase: str) -> list[dict[str, Any]]:
    """A spaCy Matcher pattern for one phrase, over lower-cased tokens."""
    return [_matcher_token(parse_word(w)) for w in phrase.split()]


# -- regex over text ----------------------------------------------------------------------------------
def _regex_word(word: str) -> str:
    # The regex form reads a subset of the syntax, on the word as written: "stem*" (also a lone "*", any
    # word), "*tail" and "#"; anything else is literal, so an optional word is required and alternatives,
    # "~" and "o#" (Matcher forms) never match in a regex. The heading lists are written for this reading.
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"\w*"
    if word.startswith("*"):
        return r"\w*" + re.escape(word[1:])
    if word == "#":
        return r"\d+"
    return re.escape(word)


def compile_phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of ``phrases`` in text, as whole words (not inside a longer word or code), case-insensitive;
    the words of a phrase are separated by any white space."""
    parts = [r"\s+".join(_regex_word(w.lstrip("?")) for w in phrase.split()) for phrase in phrases]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def word_alternatives(words: Iterable[str]) -> str:
    """A regex group of one word that is any of ``words`` (``stem*``, ``*tail``, ``word``), for building a
    larger regex; ``compile_token_regex`` for one whole token."""
    return "(?:" + "|".join(_regex_word(w) for w in words) + ")"


def phrase_alternatives(phrases: Iterable[str]) -> str:
    """A regex group of any of ``phrases``, their words (read as ``word_alternatives`` reads one) apart by
    any white space, for building a larger regex."""
    return "(?:" + "|".join(r"\s+".join(_regex_word(w) for w in p.split()) for p in phrases) + ")"


def compile_token_regex(words: Iterable[str], ignore_case: bool = False) -> re.Pattern[str]:
    """One whole token that is any of ``words`` (``stem*``, ``*tail``, ``word``), for ``.match``."""
    return re.compile(f"^{word_alternatives(words)}$", re.IGNORECASE if ignore_case else 0)


def literal_alternatives(words: Iterable[str], after: str = "") -> str:
    """A regex group of ``words`` as written, tried in their order, each followed by ``after``: for word lists
    that sit inside a larger grammar regex (trace/link.py's goal references)."""
    return "(?:" + "|".join(re.escape(word) + after for word in words) + ")"


@lru_cache(maxsize=4096)
def standalone_ids(ids: tuple[str, ...], ignore_case: bool = False) -> re.Pattern[str] | None:
    """Any of ``ids`` ("Effektmål 2", "O3") standing alone, not inside a longer word or code ("O31",
    "PO3-x"); None when there is no id. One search of all a document's ids rules them all out at once."""
    escaped = [re.escape(i) for i in ids if i]
    if not escaped:
        return None
    return re.compile(rf"(?<![\w-])(?:{'|'.join(escaped)})(?![\w-])", re.IGNORECASE if ignore_case else 0)


# -- terms over (word, lemma) pairs ----------------------------------------------------------------------
@dataclass(frozen=True)
class TermPattern:
    """A phrase matched word by word against (lower-cased word, lemma) pairs."""

    words: tuple[WordPattern, ...]

    @classmethod
    def compile(cls, term: str) -> TermPattern:
        return cls(tuple(parse_word(w) for w in term.lower().split()))

    def match_at(self, tokens: Sequence[tuple[str, str]], i: int) -> bool:
        if i + len(self.words) > len(tokens):
            return False
        return all(word.matches(*tokens[i + k]) for k, word in enumerate(self.words))
