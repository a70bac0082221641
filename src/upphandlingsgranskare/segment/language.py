"""Per-document language detection (Swedish or English) by counting function words.

Tender documents are long and written in one language, so counting the commonest words
of each language over the first part of the text is reliable and needs no model.
"""

from __future__ import annotations

import re
from collections import Counter

from ..models import Language
from ..nlp.lexicon import load_lexicon

_WORD = re.compile(r"[a-zåäöéü]+", re.IGNORECASE)
_SAMPLE_CHARS = 60_000


def language_scores(text: str) -> dict[Language, int]:
    counts = Counter(w.lower() for w in _WORD.findall(text[:_SAMPLE_CHARS]))
    scores: dict[Language, int] = {}
    for language in ("sv", "en"):
        words = set(load_lexicon(language).words("function_words"))
        scores[language] = sum(counts[w] for w in words)
    return scores


def detect_language(text: str, default: Language = "sv") -> Language:
    """``sv`` or ``en``; ``default`` (Swedish first) when the text gives no evidence either way."""
    scores = language_scores(text)
    if scores["sv"] == scores["en"]:
        return default
    return "sv" if scores["sv"] > scores["en"] else "en"
