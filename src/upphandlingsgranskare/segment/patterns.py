"""Patterns that mark requirements, goals and section titles in a paragraph or a cell.

- requirement ids at the start of a paragraph ("K12", "4.2.1", "SKA-krav 7", "FR-3") and an id alone
  on its line, which names the requirement that follows,
- goal ids ("Effektmål 2", "O3") and the names of goals ("effektmål", "objective"),
- numbered section titles ("4.2 Signering"),
- the kind (ska/bör) a requirement id or a kind cell of a requirement matrix states ("SKA-krav 7", "Bör").
"""

from __future__ import annotations

import re

from ..models import RequirementKind

# "SKA-krav 7", "Bör-krav 3", "Krav 12"
_KIND_ID = (
    r"(?:(?P<kindword>ska|skall|bör|must|should)[- ]?(?:krav|requirement)|krav|req(?:uirement)?)\s*\.?\s*\d+[a-z]?"
)
# "K12", "FR-3", "NFR-12", "REQ-001", "SR1.2", "O3" (needs a letter prefix of at most 6 letters)
_CODE_ID = r"[A-ZÅÄÖ]{1,6}[-_.]?\d+(?:\.\d+)*[a-z]?"
# "4.2.1" (at least one dot, so a plain "3" or a year is no id)
_NUMBER_ID = r"\d+(?:\.\d+){1,4}"
REQUIREMENT_ID = re.compile(
    rf"^\s*(?:\[\s*)?(?P<id>{_KIND_ID}|{_CODE_ID}|{_NUMBER_ID})(?:\s*\])?(?:\s*[:.)–—-]\s*|\s+)(?=\S)", re.IGNORECASE
)
ID_ONLY = re.compile(rf"^\s*(?P<id>{_KIND_ID}|{_CODE_ID}|{_NUMBER_ID})\s*[:.]?\s*$", re.IGNORECASE)
GOAL_ID = re.compile(
    r"^\s*(?P<id>(?:effektmål|projektmål|verksamhetsmål|mål|objective|goal|business objective)\s*(?:nr\.?\s*)?[A-Z]?\d+[a-z]?|[OGEM]\d+)\s*[:.)–-]?\s*",
    re.IGNORECASE,
)
NAMED_GOAL = re.compile(r"(?i)effektmål|projektmål|verksamhetsmål|objective|goal")
NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+\S")

_KIND_WORDS: dict[str, RequirementKind] = {
    "ska": "ska",
    "skall": "ska",
    "måste": "ska",
    "obligatorisk": "ska",
    "obligatoriskt": "ska",
    "krav": "ska",
    "ska-krav": "ska",
    "skall-krav": "ska",
    "mandatory": "ska",
    "must": "ska",
    "shall": "ska",
    "m": "ska",
    "required": "ska",
    "ja": "ska",
    "x": "ska",
    "obligatorisk/ja": "ska",
    "bör": "bör",
    "bör-krav": "bör",
    "önskvärt": "bör",
    "önskemål": "bör",
    "meriterande": "bör",
    "desirable": "bör",
    "should": "bör",
    "d": "bör",
    "optional": "bör",
    "desired": "bör",
    "preferred": "bör",
    "ønsket": "bör",
    "valfritt": "bör",
    "option": "bör",
}


def kind_from_cell(text: str) -> RequirementKind | None:
    word = text.strip().lower().rstrip(".")
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    first = re.split(r"[\s/,(]", word, maxsplit=1)[0]
    return _KIND_WORDS.get(first)


def kind_from_id(req_id: str | None) -> RequirementKind | None:
    if not req_id:
        return None
    lowered = req_id.lower()
    if lowered.startswith(("ska", "skall", "must")):
        return "ska"
    if lowered.startswith(("bör", "should")):
        return "bör"
    return None
