"""UG101's words: the message with its legal basis, the question, and the rewrite that inserts
"eller likvärdigt" / "or equivalent" after each flagged brand mention."""

from __future__ import annotations

import re

from ..models import Language
from ._support import load_data
from .ug101_brand_without_equivalent import EQUIVALENT, BrandMention, _matchers
from .ug101_context import LEGAL_BASIS, Jurisdiction


_EDITION = re.compile(
    r"^(pro|enterprise|online|plus|air|mini|max|server|cloud|standard|premium|business|education|home|professional|"
    r"ultimate|ultra|series|serien|edition|lte|wi-?fi|cellular)$", re.IGNORECASE)
_JOINERS = re.compile(r"^\s*(,|,?\s*(och|eller|samt|and|or|&|/))\s*$", re.IGNORECASE)


def insertion_point(text: str, mention: BrandMention) -> int:
    """Where "eller likvärdigt" goes: after the compound, version/model and genitive noun of the mention."""
    end = mention.end
    # The rest of the written word ("Excel-format", "HP:s", "Teams-möten").
    while end < len(text) and not text[end].isspace() and text[end] not in ",.;!?)\"”»":
        if text[end] == ":" and not text[end + 1:end + 2].isalpha():
            break  # "HP:s" goes on, "Teams: ..." ends
        end += 1
    while True:
        m = re.match(r"\s+([^\s,.;:!?()\"”»]+)", text[end:])
        if not m:
            break
        word = m.group(1)
        if re.search(r"\d", word) or _EDITION.match(word):
            end += m.end()  # "Windows 11 Pro", "Dell PowerEdge R750", "Intel Core i7"
            continue
        break
    if re.search(r"(:s|['’]s)$", text[mention.start:end]):
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
        if i + 1 < len(flagged) and _JOINERS.match(text[point:flagged[i + 1].start]):
            continue
        inserts.append(point)
    out = text
    for point in sorted(set(inserts), reverse=True):
        out = f"{out[:point]} {EQUIVALENT[language]}{out[point:]}"
    return out.strip()


def _quote(language: Language, names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if language == "sv":
        return ", ".join(f"”{n}”" for n in unique)
    return ", ".join(f'"{n}"' for n in unique)


def message(language: Language, flagged: list[BrandMention], basis: Jurisdiction = "se") -> str:
    data = load_data("brands")["categories"]
    names = _quote(language, [m.text for m in flagged])
    categories = ", ".join(dict.fromkeys(data[m.category]["name"][language] for m in flagged))
    hints = []
    entries = _matchers(language).entries
    for m in flagged:
        hint = entries[f"brand\x1f{m.category}\x1f{m.brand}"].get("hint")
        if hint and hint[language] not in hints:
            hints.append(hint[language])
    several = len({m.text for m in flagged}) > 1
    if language == "sv":
        what = "varumärkena eller produkterna" if several else "varumärket eller produkten"
        text = f"Kravet hänvisar till {what} {names} ({categories}) utan ”eller likvärdigt”."
    else:
        what = "the brands or products" if several else "the brand or product"
        text = f"The requirement names {what} {names} ({categories}) without \"or equivalent\"."
    return " ".join([text, LEGAL_BASIS[basis][language], *hints])


def question(language: Language, flagged: list[BrandMention]) -> str:
    names = _quote(language, [m.text for m in flagged])
    if language == "sv":
        return (f"Motiverar det som ska anskaffas att just {names} krävs, eller kan behovet beskrivas med funktion "
                "och prestanda? Godtas likvärdiga produkter? Om det är ert befintliga system, skriv det.")
    return (f"Does the subject matter justify requiring {names} specifically, or can the need be described by "
            "function and performance? Are equivalent products accepted? If it is your existing system, say so.")
