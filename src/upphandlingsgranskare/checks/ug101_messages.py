"""UG101's words: the message with its legal basis, the question, and the rewrite that inserts
"eller likvärdigt" / "or equivalent" after each flagged brand mention."""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import Language
from ..nlp.patterns import compile_token_regex, literal_alternatives
from . import messages
from ._support import load_data
from .ug101_brand_without_equivalent import BrandMention, brand_entries
from .ug101_context import Jurisdiction, legal_basis
from .ug101_words import any_language


@lru_cache(maxsize=1)
def _edition() -> re.Pattern[str]:
    """An edition or model word after a brand ("Windows 11 Pro"), in any case."""
    return compile_token_regex(sorted(any_language("editions")), ignore_case=True)


@lru_cache(maxsize=1)
def _joiners() -> re.Pattern[str]:
    """Only list punctuation and a conjunction between two brands ("Chrome, Edge och Firefox")."""
    words = sorted(any_language("list_joiners") - {","})
    return re.compile(rf"^\s*(,|,?\s*{literal_alternatives(words)})\s*$", re.IGNORECASE)


def insertion_point(text: str, mention: BrandMention) -> int:
    """Where "eller likvärdigt" goes: after the compound, version/model and genitive noun of the mention."""
    end = mention.end
    # The rest of the written word ("Excel-format", "HP:s", "Teams-möten").
    while end < len(text) and not text[end].isspace() and text[end] not in ',.;!?)"”»':
        if text[end] == ":" and not text[end + 1 : end + 2].isalpha():
            break  # "HP:s" goes on, "Teams: ..." ends
        end += 1
    while True:
        m = re.match(r"\s+([^\s,.;:!?()\"”»]+)", text[end:])
        if not m:
            break
        word = m.group(1)
        if re.search(r"\d", word) or _edition().match(word):
            end += m.end()  # "Windows 11 Pro", "Dell PowerEdge R750", "Intel Core i7"
            continue
        break
    if re.search(r"(:s|['’]s)$", text[mention.start : end]):
        m = re.match(r"\s+[^\s,.;:!?)]+", text[end:])
        if m:
            end += m.end()  # "HP:s utskriftsplattform eller likvärdigt"
    return end


def rewrite(text: str, language: Language, flagged: list[BrandMention]) -> str:
    """The requirement word for word with "eller likvärdigt" after each flagged brand mention."""
    points = [insertion_point(text, m) for m in flagged]
    inserts = []
    for i, point in enumerate(points):
        # "Chrome, Edge och Firefox": one "eller likvärdigt" after the last of a list of brands.
        if i + 1 < len(flagged) and _joiners().match(text[point : flagged[i + 1].start]):
            continue
        inserts.append(point)
    out = text
    for point in sorted(set(inserts), reverse=True):
        out = f"{out[:point]} {messages.text('UG101', 'equivalent', language)}{out[point:]}"
    return out.strip()


def _quote(language: Language, names: list[str]) -> str:
    return ", ".join(messages.quote(language, n) for n in dict.fromkeys(names))


def message(language: Language, flagged: list[BrandMention], basis: Jurisdiction = "se") -> str:
    data = load_data("brands")["categories"]
    names = _quote(language, [m.text for m in flagged])
    categories = ", ".join(dict.fromkeys(data[m.category]["name"][language] for m in flagged))
    hints = []
    entries = brand_entries(language)
    for m in flagged:
        hint = entries[f"brand\x1f{m.category}\x1f{m.brand}"].get("hint")
        if hint and hint[language] not in hints:
            hints.append(hint[language])
    what = messages.text("UG101", "what_many" if len({m.text for m in flagged}) > 1 else "what_one", language)
    text = messages.text("UG101", "message", language, what=what, names=names, categories=categories)
    return " ".join([text, legal_basis(basis, language), *hints])


def question(language: Language, flagged: list[BrandMention]) -> str:
    return messages.text("UG101", "question", language, names=_quote(language, [m.text for m in flagged]))
