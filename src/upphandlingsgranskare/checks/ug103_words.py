"""UG103's word lists and the word-level tests its analysis makes (verb, infinitive, participle, fixed phrases)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..models import Language
from ..nlp.pipeline import get_pipeline, lowers
from ._support import lemma, load_data

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Words:
    verbs: frozenset[str]
    passives: frozenset[str]
    auxiliaries: frozenset[str]
    particles: frozenset[str]
    skip: frozenset[str]
    subordinators: Phrases
    coordinators: Phrases
    alternatives: frozenset[str]
    row_openers: Phrases
    subject_pronouns: frozenset[str]
    connectives: frozenset[str]
    capability_suffixes: tuple[str, ...]
    capability_nouns: frozenset[str]
    not_capabilities: frozenset[str]
    np_openers: frozenset[str]
    np_closers: frozenset[str]


@cache
def word_lists(language: Language) -> Words:
    data: dict[str, Any] = load_data("demand_words")[language]
    nlp = get_pipeline(language).nlp

    def phrases(key: str) -> Phrases:
        out = {tuple(t.lower_ for t in nlp.make_doc(str(p))) for p in data.get(key) or []}
        return Phrases(sorted(out, key=len, reverse=True))  # longest first: "så att" before "att"

    return Words(
        verbs=frozenset(data["verbs"]),
        passives=frozenset(data.get("passives") or []),
        auxiliaries=frozenset(data["auxiliaries"]),
        particles=frozenset(data.get("particles") or []),
        skip=frozenset(data["skip"]),
        subordinators=phrases("subordinators"),
        coordinators=phrases("coordinators"),
        alternatives=frozenset(data.get("alternatives") or []),
        row_openers=phrases("row_openers"),
        subject_pronouns=frozenset(data["subject_pronouns"]),
        connectives=frozenset(data.get("connectives") or []),
        capability_suffixes=tuple(data["capability_suffixes"]),
        capability_nouns=frozenset(data["capability_nouns"]),
        not_capabilities=frozenset(data["not_capabilities"]),
        np_openers=frozenset(data.get("np_openers") or []),
        np_closers=frozenset(data.get("np_closers") or []),
    )


def is_verb(doc: Doc, i: int, language: Language) -> bool:
    """Any form of a listed verb ("importeras", "exported")."""
    w = word_lists(language)
    low = lowers(doc)[i]
    return low in w.verbs or low in w.passives or lemma(language, low) in w.verbs


def is_infinitive(doc: Doc, i: int, language: Language) -> bool:
    """The form a verb has right after a modal: infinitive (sv: also passive "-s"), base form (en).

    Participles and gerunds in a list ("attesterade och betalda", "signed records", "receiving
    documents") describe objects; they start no demand of their own.
    """
    w = word_lists(language)
    low = lowers(doc)[i]
    if low in w.verbs or low in w.passives:
        return True
    return language == "sv" and low.endswith("s") and lemma(language, low) in w.verbs


def is_participle(doc: Doc, i: int, language: Language) -> bool:
    low = lowers(doc)[i]
    return (
        language == "en"
        and is_verb(doc, i, language)
        and not is_infinitive(doc, i, language)
        and low.endswith(("ed", "en", "t"))
    )


def _words(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    """The words of tokens [start, end) as (first token, end token, lower-cased text), a hyphenated
    compound ("out-of-the-box", "train-the-trainer") one word."""
    out: list[tuple[int, int, str]] = []
    i = start
    while i < end:
        e = i + 1
        while e + 1 < end and doc[e].text == "-" and not doc[e - 1].whitespace_ and not doc[e].whitespace_:
            e += 2
        out.append((i, e, "".join(lowers(doc)[i:e])))
        i = e
    return out


def _plural(word: str, language: Language) -> bool:
    return word.endswith("s") and lemma(language, word) != word


def shared_head(doc: Doc, object_start: int, joint: int, j: int, scope_end: int, language: Language) -> bool:
    """Whether the base form at j, after a coordinator at ``joint``, premodifies a plural head that the words
    from ``object_start`` to the joint share: in "retain the out-of-the-box failover and load transfer
    capabilities of …" the noun phrase the determiner opens has no head before "and", "load" is followed
    by a second base form (a verb takes no bare verb for its object) and "capabilities" closes the phrase
    ("failover capabilities and load transfer capabilities"): "load" is no second verb. A head before the
    joint ("a named account manager and hold quarterly business reviews"), no determiner ("current
    inventory status and adjust inventory of …"), a hyphenated object ("deliver train-the-trainer
    materials") or no plural head keep the verb."""
    w = word_lists(language)
    before = _words(doc, object_start, joint)
    if len(before) < 2 or before[0][2] not in w.np_openers or _plural(before[-1][2], language):
        return False
    if any(not low.replace("-", "").isalpha() or low in w.np_closers for _, _, low in before):
        return False
    after = _words(doc, j, scope_end)[:4]
    if len(after) < 3 or after[1][1] - after[1][0] > 1 or not is_infinitive(doc, after[1][0], language):
        return False
    for k, (_, e, low) in enumerate(after):
        if not low.replace("-", "").isalpha() or low in w.np_openers or low in w.np_closers:
            return False
        if k > 1 and _plural(low, language):
            return (
                e >= scope_end
                or doc[e].is_punct
                or lowers(doc)[e] in w.np_closers
                or bool(phrase_at(doc, e, w.coordinators, scope_end))
            )
    return False


class Phrases(tuple[tuple[str, ...], ...]):
    """Token phrases, longest first, indexed by their first and last word: at a token only the
    phrases that can start or end there are tried."""

    by_first: dict[str, tuple[tuple[str, ...], ...]]
    by_last: dict[str, tuple[tuple[str, ...], ...]]

    def __new__(cls, phrases: Iterable[tuple[str, ...]]) -> Phrases:
        self = super().__new__(cls, phrases)
        self.by_first = {}
        self.by_last = {}
        for p in self:
            if not p:
                raise ValueError("empty phrase in demand_words")
            self.by_first[p[0]] = (*self.by_first.get(p[0], ()), p)  # keeps the longest-first order
            self.by_last[p[-1]] = (*self.by_last.get(p[-1], ()), p)
        return self


def phrase_at(doc: Doc, i: int, phrases: Phrases, limit: int) -> int:
    """Length of the first phrase starting at token i (0 when none)."""
    low = lowers(doc)
    if i >= len(low) or i < -len(low):
        return 0  # no phrase fits (phrases are never empty)
    for p in phrases.by_first.get(low[i], ()):
        if i + len(p) <= limit and low[i : i + len(p)] == list(p):
            return len(p)
    return 0


def phrase_ending_at(doc: Doc, i: int, phrases: Phrases, floor: int) -> bool:
    low = lowers(doc)
    for p in phrases.by_last.get(low[i], ()):
        s = i - len(p) + 1
        if s >= floor and low[s : s + len(p)] == list(p):
            return True
    return False
