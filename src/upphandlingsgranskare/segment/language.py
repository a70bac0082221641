"""Per-document language detection by counting function words: Swedish or English, which the review
reads, and Norwegian or Danish, which it refuses rather than misread with Swedish word lists.

Tender documents are long and written in one language, so counting the commonest words
of each language over the first part of the text is reliable and needs no model.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Literal

from .._yaml import load_data_file
from ..models import Language
from ..nlp.lexicon import load_lexicon

_WORD = re.compile(r"[a-zåäöéüæø]+", re.IGNORECASE)
_SAMPLE_CHARS = 60_000

DocumentLanguage = Literal["sv", "en", "no", "da"]
UNSUPPORTED_NAMES = {"no": ("norska", "Norwegian"), "da": ("danska", "Danish")}


@lru_cache(maxsize=1)
def _near_languages() -> dict[str, frozenset[str]]:
    data = load_data_file("upphandlingsgranskare.segment", "data", "near_languages.yaml")
    return {key: frozenset(words) for key, words in data.items()}


def _counts(text: str) -> Counter:
    return Counter(map(str.lower, _WORD.findall(text[:_SAMPLE_CHARS])))


def language_scores(text: str, counts: Counter | None = None) -> dict[Language, int]:
    counts = _counts(text) if counts is None else counts
    scores: dict[Language, int] = {}
    for language in ("sv", "en"):
        words = set(load_lexicon(language).words("function_words"))
        scores[language] = sum(counts[w] for w in words)
    return scores


def detect_language(text: str, default: Language = "sv") -> Language:
    """``sv`` or ``en``; ``default`` (Swedish first) when the text gives no evidence either way."""
    return _swedish_or_english(language_scores(text), default)


def _swedish_or_english(scores: dict[Language, int], default: Language) -> Language:
    if scores["sv"] == scores["en"]:
        return default
    return "sv" if scores["sv"] > scores["en"] else "en"


def detect_document_language(text: str, default: Language = "sv") -> DocumentLanguage:
    """``sv`` or ``en`` as ``detect_language``, or ``no``/``da`` when the words that differ between the
    Scandinavian languages ("og" for "och", "ikke" for "inte", "skal" for "ska") are mostly Norwegian or
    Danish and outnumber English function words."""
    counts = _counts(text)
    near = _near_languages()
    nordic = sum(counts[w] for w in near["nordic"])
    scores = language_scores(text, counts)
    if nordic > sum(counts[w] for w in near["swedish"]) and nordic > scores["en"]:
        norwegian = sum(counts[w] for w in near["norwegian"])
        return "da" if sum(counts[w] for w in near["danish"]) > norwegian else "no"
    return _swedish_or_english(scores, default)


def unsupported_language_message(language: str) -> str:
    """The one line a refused document gets: which language, and what the user can do."""
    sv_name, en_name = UNSUPPORTED_NAMES[language]
    return (
        f"språket stöds inte: texten är på {sv_name}; granskningen läser svenska och engelska "
        f"(--language sv granskar den ändå med svenska ordlistor) / language not supported: the text is "
        f"{en_name}; the review reads Swedish and English (--language sv reviews it with the Swedish word "
        "lists anyway)"
    )
