"""The words UG101 reads around a brand mention (``data/ug101_words.yaml``): equivalence wording, the
buyer's existing environment, lists of brands and a person's experience of a product."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from ..models import Language
from ..nlp.patterns import compile_token_regex, literal_alternatives, parse_word, word_alternatives
from ._support import load_data

if TYPE_CHECKING:
    from spacy.tokens import Doc


@cache
def words(language: Language) -> dict[str, Any]:
    """``data/ug101_words.yaml`` for one language: the words read around a brand mention."""
    return load_data("ug101_words")[language]


@cache
def any_language(key: str) -> frozenset[str]:
    """A ug101_words list of every language together (the lists its comments mark "any language")."""
    return frozenset(word for spec in load_data("ug101_words").values() for word in spec[key])


@cache
def token_words(language: Language, key: str) -> re.Pattern[str]:
    return compile_token_regex(words(language)[key])


def experience_pattern() -> re.Pattern[str]:
    """Each language's experience nouns before its prepositions ("erfarenhet av", "experience with"), or an
    experience word alone ("referensuppdrag")."""
    parts = []
    for spec in load_data("ug101_words").values():
        if spec["experience_nouns"]:
            parts.append(
                literal_alternatives(spec["experience_nouns"])
                + r"\s+"
                + literal_alternatives(spec["experience_prepositions"])
            )
        if spec["experience_words"]:
            parts.append(word_alternatives(spec["experience_words"]))
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def joined(doc: Doc, end: int, start: int) -> bool:
    """Only list punctuation and conjunctions between two brand mentions."""
    joiners = any_language("list_joiners")
    return all(t.lower_ in joiners for t in doc[end:start])


def equivalence_tokens(doc: Doc, language: Language) -> list[int]:
    """Token indices of equivalence wording ("likvärdigt", "eller motsvarande", "or equivalent", "or equal")."""
    spec = words(language)
    alone = [parse_word(w) for w in spec["equivalence_words"]]
    after_or = [parse_word(w) for w in spec["equivalence_after_or"]]
    or_words, window = set(spec["or_words"]), spec["or_window"]
    found = []
    for t in doc:
        low = t.lower_
        if any(w.matches(low, low) for w in alone):
            found.append(t.i)
        elif any(w.matches(low, low) for w in after_or) and any(
            x.lower_ in or_words for x in doc[max(0, t.i - window) : t.i]
        ):
            found.append(t.i)  # "eller motsvarande", "or equal", "or an approved equal"
    return found


# Up to this many words before a brand, a marker says the buyer has it ("vårt nuvarande HR-system Heroma").
EXISTING_MARKER_TOKENS = 6
# After "X, som är ..." / "X, which is ...", this many words may say it is the existing system.
EXISTING_CLAUSE_TOKENS = 7


def is_existing(doc: Doc, start: int, end: int, sentence: tuple[int, int], language: Language) -> bool:
    marker = token_words(language, "existing_before")
    i = start - 1
    steps = 0
    while i >= sentence[0] and steps < EXISTING_MARKER_TOKENS:
        low = doc[i].lower_
        if marker.match(low):
            return True
        # "the council's X": a buyer's genitive
        if (
            low in any_language("possessive_endings")
            and i > sentence[0]
            and doc[i - 1].lower_ in any_language("buyers_possessive")
        ):
            return True
        if low in any_language("noun_phrase_stops"):
            # "migreras från Procapita", "migrate from X": the verb before the preposition says it.
            if low in any_language("from_words") and i - 1 >= sentence[0] and marker.match(doc[i - 1].lower_):
                return True
            break
        i -= 1
        steps += 1
    # "X, som är kommunens befintliga lönesystem" / "X, which is currently used"
    j = end
    if j < sentence[1] and doc[j].text == ",":
        j += 1
    if j < sentence[1] and doc[j].lower_ in any_language("relative_pronouns"):
        after = token_words(language, "existing_after")
        return any(after.match(doc[k].lower_) for k in range(j + 1, min(j + 1 + EXISTING_CLAUSE_TOKENS, sentence[1])))
    return False


def in_use(doc: Doc, sentence: tuple[int, int], language: Language) -> bool:
    pattern = token_words(language, "in_use")
    lowered = [t.lower_ for t in doc[sentence[0] : sentence[1]]]
    joined = " ".join(lowered)
    return any(pattern.match(w) for w in lowered) or any(p in joined for p in any_language("in_use_phrases"))
