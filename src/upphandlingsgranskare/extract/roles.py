"""Column roles read from a header row, shared by DOCX tables, XLSX sheets and Markdown tables.

A header cell matches a role when it equals one of the role's header words, starts with one
(at a word boundary: "Krav (ska)" but not "Kravställare"), or contains one as a whole word
("Kundens behov, beskrivelse av krav"). The most specific match wins: an exact match beats a
prefix, a prefix beats a contained word, and a longer word beats a shorter one, so "Krav type"
is KIND (exact "krav type") and not TEXT (prefix "krav").

A "Description" column is no requirement text when another column names people, parties,
dates or terms and no id, kind or rationale column says "requirement matrix" (``detect_roles``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .._yaml import load_data_file
from ..models import CellRole

# Header words per role: ``data/column_headers.yaml`` (words are data; its comments say what each list is for).
_ROLE_KEYS = ((CellRole.ID, "id"), (CellRole.TEXT, "text"), (CellRole.KIND, "kind"), (CellRole.RATIONALE, "rationale"))


@lru_cache(maxsize=1)
def _headers() -> dict[str, Any]:
    return load_data_file(__package__, "data", "column_headers.yaml")


_MAX_HEADER_WORDS = 6
_MAX_HEADER_CHARS = 50


def _norm(cell: str) -> str:
    text = " ".join(cell.split()).casefold()
    text = re.sub(r"\s*/\s*", "/", text)
    return text.strip(" :*.()[]")


def _match(header: str) -> tuple[CellRole, int, str] | None:
    """Best (role, score, word) for one header cell, or None."""
    text = _norm(header)
    if not text:
        return None
    if len(text) > _MAX_HEADER_CHARS or len(text.split()) > _MAX_HEADER_WORDS:
        return None  # header cells are short; a long cell is data
    best: tuple[CellRole, int, str] | None = None
    for role, words in _normalised_words():
        for word in words:
            if text == word:
                score = 1000 + len(word)
            elif text.startswith(word) and not text[len(word)].isalnum():
                score = 100 + len(word)
            elif word != "#" and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                score = len(word)
            else:
                continue
            if best is None or score > best[1]:
                best = (role, score, word)
    return best


@lru_cache(maxsize=1)
def _normalised_words() -> tuple[tuple[CellRole, tuple[str, ...]], ...]:
    """Each role's header words as ``_norm`` leaves a header cell, in the roles' order (ties go to the first)."""
    roles = _headers()["roles"]
    return tuple((role, tuple(_norm(w) or w for w in roles[key])) for role, key in _ROLE_KEYS)


def detect_roles(header_cells: Sequence[str]) -> list[CellRole]:
    """The role of each column, from its header text.

    Only one TEXT column is kept: a "need" column yields to a real text column (it becomes
    RATIONALE); otherwise the first TEXT column wins and later ones become OTHER. Only one ID
    column is kept as well.
    """
    matches = [_match(c or "") for c in header_cells]
    roles = [m[0] if m else CellRole.OTHER for m in matches]

    text_cols = [i for i, r in enumerate(roles) if r is CellRole.TEXT]
    plain = [i for i in text_cols if matches[i][2] not in _headers()["ambiguous_need"]]  # type: ignore[index]
    if plain and len(text_cols) > len(plain):
        for i in text_cols:
            if i not in plain:
                roles[i] = CellRole.RATIONALE
        text_cols = plain
    for i in text_cols[1:]:
        roles[i] = CellRole.OTHER

    id_cols = [i for i, r in enumerate(roles) if r is CellRole.ID]
    for i in id_cols[1:]:
        roles[i] = CellRole.OTHER

    if (
        len(text_cols) == 1
        and matches[text_cols[0]][2] in _headers()["weak_text"]  # type: ignore[index]
        and all(r in (CellRole.TEXT, CellRole.OTHER) for r in roles)
        and any(_names_row_key(c or "") for c in header_cells)
    ):
        roles[text_cols[0]] = CellRole.OTHER
    return roles


def _names_row_key(header: str) -> bool:
    """A header that names what a row is about when it is no requirement: a role, a date, a term."""
    text = _norm(header)
    return any(
        text == key or (text.startswith(key) and not text[len(key)].isalnum())
        for key in _headers()["not_requirement_keys"]
    )


def looks_like_header(cells: Sequence[str]) -> int:
    """How header-like a row is: the number of cells with a role, 0 when it is no header.

    A header row has at least two non-empty cells, and a TEXT column or an ID column plus
    another recognised column.
    """
    non_empty = [c for c in cells if c and c.strip()]
    if len(non_empty) < 2:
        return 0
    roles = detect_roles(list(cells))
    known = [r for r in roles if r is not CellRole.OTHER]
    if CellRole.TEXT in roles or (CellRole.ID in roles and len(known) >= 2):
        return len(known)
    return 0
