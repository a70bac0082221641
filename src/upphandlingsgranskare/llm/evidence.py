"""What a model's quote must show before it may clear a rules flag.

Grounding (``answers.quote_is_grounded``) only says the words are there. Clearing a flag says
"this requirement states its need", so the quote must carry that need: a purpose marker
("för att", "så att", "because", ...), words from the requirement's own rationale cell (one
that is not itself instruction-like), or a reference to a goal of the document ("effektmål 2",
"objective O3", or words of a stated goal). "ska" or "The system shall" carry none of these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .answers import normalise_quote
from .injection import instruction_like
from .prompts import PromptItem

MIN_QUOTE_WORDS = 3

_PURPOSE = {
    "sv": [
        "för att",
        "så att",
        "i syfte att",
        "med syfte att",
        "syftet är",
        "eftersom",
        "därför att",
        "vilket gör att",
        "vilket ger",
        "enligt lag",
        "krävs enligt",
        "verksamheten behöver",
        "behovet är",
    ],
    "en": [
        "in order to",
        "so that",
        "so as to",
        "to ensure",
        "to make sure",
        "to enable",
        "because",
        "in order that",
        "which allows",
        "which enables",
        "as required by",
        "the purpose is",
        "the need is",
    ],
}
_GOAL_REFERENCE = re.compile(
    r"\b(?:(?:effekt|verksamhets|projekt|delmål|över|huvud|strategiska?\s+)?mål(?:et)?|goal|objective|outcome)"
    r"\s*(?:nr\.?\s*)?[A-ZÅÄÖ]?\d+(?:\.\d+)*\b",
    re.IGNORECASE,
)
_LAW = re.compile(
    r"\b(?:GDPR|dataskyddsförordningen|arkivlagen|offentlighets- och sekretesslagen|OSL|"
    r"förvaltningslagen|tillgänglighetsdirektivet|DOS-lagen|HIPAA|Section 508|ADA)\b"
)


def _has_marker(quote: str, language: str) -> bool:
    lowered = quote.casefold()
    return any(
        re.search(rf"(?<!\w){re.escape(marker)}(?!\w)", lowered) for marker in _PURPOSE.get(language, _PURPOSE["en"])
    )


def reason_in_quote(quote: str, item: PromptItem, goals: Sequence[str], language: str) -> str | None:
    """Which reason the quote carries ("purpose", "rationale", "goal", "law"), or None.

    The quote must have at least ``MIN_QUOTE_WORDS`` words; a rationale counts only when the quote
    is taken from the item's rationale cell and that cell is not instruction-like.
    """
    needle = normalise_quote(quote)
    if len(needle.split()) < MIN_QUOTE_WORDS:
        return None
    if item.rationale and not instruction_like(item.rationale) and needle in normalise_quote(item.rationale):
        return "rationale"
    if _GOAL_REFERENCE.search(needle) or any(needle in normalise_quote(g) for g in goals if g):
        return "goal"
    if _LAW.search(needle):
        return "law"
    if _has_marker(needle, language):
        return "purpose"
    return None
