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

from ..models import CellRole

_HEADER_WORDS: dict[CellRole, tuple[str, ...]] = {
    CellRole.ID: (
        "id", "krav-id", "kravid", "krav id", "kravnummer", "kravnr", "krav nr", "krav-nr",
        "kravkode", "krav kode", "kravreferens", "nr", "nummer", "ref", "referens", "req id",
        "req. id", "requirement id", "requirement no", "requirement number", "req no", "no",
        "#", "løpenr", "id nr",
    ),
    CellRole.TEXT: (
        "krav", "kravtext", "kravbeskrivning", "beskrivning", "requirement", "requirements",
        "requirement text", "requirement description", "description", "funktion", "function",
        "krav/beskrivning", "behov", "need", "needs", "kravspesifikasjon", "kravtekst",
        "beskrivelse", "kravbeskrivelse", "krav/behov", "specification", "spesifikasjon",
        "implementation expectations", "expectations",
    ),
    CellRole.KIND: (
        "ska/bör", "skall/bör", "ska / bör", "kravtyp", "krav typ", "typ", "typ av krav",
        "obligatoriskt", "obligatorisk", "ska-krav", "bör-krav", "mandatory/desirable",
        "mandatory", "m/d", "m/o", "priority", "prioritet", "type", "requirement type",
        "obligatorisk/ønsket", "krav type", "kravtype", "krav/type", "kravkategori",
        "kategori krav", "absolutt/evaluert", "skall-krav", "ska/bör-krav",
    ),
    CellRole.RATIONALE: (
        "motivering", "motiv", "syfte", "varför", "rationale", "justification", "purpose",
        "reason", "begrundelse", "begrunnelse", "behovsbeskrivning", "behovsbeskrivelse",
        "bakgrund", "background", "formål", "why",
    ),
}

# Header words that say "need": the requirement text when nothing else is, otherwise the
# column explains the requirement (a rationale).
_AMBIGUOUS_NEED = {"behov", "need", "needs"}

# "Description" names the text column of a requirement matrix, but just as often describes the
# row's key in a table of people, parties, dates or terms: "Role | Description | % Project
# Availability", "User Class | Number of Users | Description", "Begrepp | Beskrivning". Such a
# table is no requirement matrix: its cells are read like paragraphs, so only their own
# ska/shall sentences become requirements (a role's duties read as unmotivated features otherwise).
_WEAK_TEXT = {"description", "beskrivning", "beskrivelse"}
_NOT_REQUIREMENT_KEYS = (
    "role", "roles", "roll", "roller", "rolle", "user class", "user classes", "user group", "user groups",
    "user type", "användargrupp", "användargrupper", "användartyp", "användarroll", "brukergruppe",
    "brukergrupper", "responsibility", "responsibility matrix", "responsibilities", "ansvar", "ansvarig",
    "name", "namn", "navn", "resource", "resources", "resurs", "ressurs", "title", "befattning",
    "personnel", "staff", "team", "party", "part", "parter", "deliverable", "deliverables", "leverabel",
    "leveranser", "milestone", "milestones", "milstolpe", "milstolpar", "event", "händelse", "date",
    "datum", "dato", "term", "terms", "begrepp", "begrep", "förkortning", "abbreviation", "acronym",
)

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
    for role, words in _NORMALISED_WORDS:
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


_NORMALISED_WORDS = [(role, tuple(_norm(w) or w for w in words)) for role, words in _HEADER_WORDS.items()]


def detect_roles(header_cells: Sequence[str]) -> list[CellRole]:
    """The role of each column, from its header text.

    Only one TEXT column is kept: a "need" column yields to a real text column (it becomes
    RATIONALE); otherwise the first TEXT column wins and later ones become OTHER. Only one ID
    column is kept as well.
    """
    matches = [_match(c or "") for c in header_cells]
    roles = [m[0] if m else CellRole.OTHER for m in matches]

    text_cols = [i for i, r in enumerate(roles) if r is CellRole.TEXT]
    plain = [i for i in text_cols if matches[i][2] not in _AMBIGUOUS_NEED]  # type: ignore[index]
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

    if (len(text_cols) == 1 and matches[text_cols[0]][2] in _WEAK_TEXT  # type: ignore[index]
            and all(r in (CellRole.TEXT, CellRole.OTHER) for r in roles)
            and any(_names_row_key(c or "") for c in header_cells)):
        roles[text_cols[0]] = CellRole.OTHER
    return roles


def _names_row_key(header: str) -> bool:
    """A header that names what a row is about when it is no requirement: a role, a date, a term."""
    text = _norm(header)
    return any(text == key or (text.startswith(key) and not text[len(key)].isalnum())
               for key in _NOT_REQUIREMENT_KEYS)


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
