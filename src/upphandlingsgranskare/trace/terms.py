"""Requirement and goal texts as weighted bags of terms, for the meaning links (``link.py``): content lemmas
from spaCy's lookup tables without stop words, the parts of Swedish compounds, and the domain concepts of
``data/vocabulary.yaml`` each text touches."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from .._yaml import load_data_file
from ..models import Language
from ..nlp.lemmas import lemma_table
from ..nlp.patterns import TermPattern

CONCEPT_PREFIX = "~"  # concept features, kept apart from lemmas ("~kontaktcenter")
CONCEPT_WEIGHT = 2.0  # a shared concept says more than one shared word: it stands for several

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+(?:/\d+)?", re.UNICODE)


# -- vocabulary -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[tuple[str, tuple[TermPattern, ...]], ...]
    generic: frozenset[str]
    stop_words: frozenset[str]


@cache
def vocabulary(language: Language) -> Vocabulary:
    """``data/vocabulary.yaml`` for one language, with spaCy's stop words."""
    from ..nlp.pipeline import import_spacy

    data = load_data_file(__package__, "data", "vocabulary.yaml")[language]
    import_spacy()
    if language == "sv":
        from spacy.lang.sv.stop_words import STOP_WORDS
    else:
        from spacy.lang.en.stop_words import STOP_WORDS
    concepts = tuple((name, tuple(TermPattern.compile(t) for t in terms)) for name, terms in data["concepts"].items())
    return Vocabulary(concepts, frozenset(w.lower() for w in data.get("generic") or ()), frozenset(STOP_WORDS))


def _lemma(language: Language, word: str) -> str:
    found = lemma_table(language).get(word)
    return word if found is None else found


def _known(language: Language, word: str) -> bool:
    """A word of spaCy's lookup table: one of its forms or lemmas (for splitting compounds)."""
    table = lemma_table(language)
    return word in table or table.is_lemma(word)


def compound_parts(word: str, language: Language = "sv") -> tuple[str, str] | None:
    """A Swedish compound's modifier and head, both known words ("bygglovsansökningar" ->
    ("bygglov", "ansökningar")), by the longest known head; None for words the lemma table knows
    (they are no compounds, or common enough to have their own lemma) and for English."""
    if language != "sv" or len(word) < 8 or "-" in word or _known(language, word):
        return None
    for i in range(4, len(word) - 2):
        head, modifier = word[i:], word[:i]
        if not _known(language, head):
            continue
        if _known(language, modifier):
            return modifier, head
        if modifier[-1] in "se" and len(modifier) >= 5 and _known(language, modifier[:-1]):
            return modifier[:-1], head  # the linking -s- or -e- ("handläggnings|tid", "löne|korrigering")
    return None


# -- terms ------------------------------------------------------------------------------------------


@dataclass
class Terms:
    """A weighted bag of terms (lemmas and ``~concepts``) with a readable form of each."""

    weights: defaultdict[str, float]
    shown: dict[str, str]

    def add(self, other: Terms, weight: float = 1.0) -> None:
        for term, w in other.weights.items():
            self.weights[term] += w * weight
        for term, shown in other.shown.items():
            self.shown.setdefault(term, shown)


def terms(text: str, language: Language) -> Terms:
    """Content lemmas (stop and generic words left out), compound parts, and the concepts the text touches."""
    weights, shown = _terms(text, language)
    return Terms(defaultdict(float, weights), dict(shown))  # fresh: callers add to it


@lru_cache(maxsize=4096)  # requirement and goal texts recur; the order of the items is kept
def _terms(text: str, language: Language) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, str], ...]]:
    vocab = vocabulary(language)
    tokens: list[tuple[str, str]] = []
    weights: defaultdict[str, float] = defaultdict(float)
    shown: dict[str, str] = {}
    for match in _WORD.finditer(text or ""):
        lower = match.group().lower()
        lemma = _lemma(language, lower)
        tokens.append((lower, lemma))
        if lower.isdigit() or "/" in lower:
            continue  # numbers say how much, not what
        candidates = [lemma]
        parts = compound_parts(lower, language)
        if parts:
            # An unknown compound's lemma is its modifier plus its head's lemma ("handläggningstiden",
            # "handläggningstider" -> "handläggningstid"); its parts count too ("handläggning").
            candidates = [parts[0] + _lemma(language, parts[1]), _lemma(language, parts[0]), _lemma(language, parts[1])]
            tokens[-1] = (lower, candidates[0])
        for candidate in candidates:
            # The word and its lemma are both checked: the lookup table lemmatises "för" to "föra".
            if (
                len(candidate) < 3
                or candidate in vocab.stop_words
                or candidate in vocab.generic
                or lower in vocab.stop_words
                or lower in vocab.generic
            ):
                continue
            weights[candidate] += 1.0
            shown.setdefault(candidate, candidate)
    # The concepts whose patterns match somewhere; added in the vocabulary's order, as the weights' order
    # decides the order of the floating-point sums downstream.
    starting = _concept_starts(language)
    touched: set[int] = set()
    for i, token in enumerate(tokens):
        patterns = starting.get(token)
        if patterns is None:
            patterns = _pattern_starts_at(language, token)
        for index, pattern in patterns:
            if index not in touched and pattern.match_at(tokens, i):
                touched.add(index)
    for index, (name, _) in enumerate(vocab.concepts):
        if index in touched:
            key = CONCEPT_PREFIX + name
            weights[key] += CONCEPT_WEIGHT
            shown[key] = name.replace("_", " ")
    return tuple(weights.items()), tuple(shown.items())


@cache
def _concept_starts(language: Language) -> dict[tuple[str, str], tuple[tuple[int, TermPattern], ...]]:
    """(lower, lemma) -> the concept patterns (with their concept's index) whose first word matches that token.

    Filled as words are met: a pattern's first word is then tested once per distinct word, not at
    every token of every text.
    """
    return {}


def _pattern_starts_at(language: Language, token: tuple[str, str]) -> tuple[tuple[int, TermPattern], ...]:
    lower, lemma = token
    found = tuple(
        (index, pattern)
        for index, (_, patterns) in enumerate(vocabulary(language).concepts)
        for pattern in patterns
        if pattern.words[0].matches(lower, lemma)
    )
    _concept_starts(language)[token] = found
    return found
