"""Reading gold files: JSON Lines in the format of the annotation guide (item mode),
requirement spans of whole documents (document mode) or the goals each requirement of a
document serves (links mode).

A malformed file is a ``GoldFileError`` naming the file, the line and what is wrong, so an
external or private set can be fixed without reading this code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..labels import FLAGGED, Label
from ..labels import LABELS as LABELS  # the evaluation reads the label set from here

FLAGGED_LABEL = FLAGGED


class GoldFileError(ValueError):
    def __init__(self, path: str | os.PathLike, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


class ItemContext(BaseModel):
    """What travels with an item: heading, rationale cell, the goals it refers to.

    Two keys extend the guide's format: ``table_row`` is true for a row of a requirement matrix
    (a noun phrase there is still a requirement; sets that lack it get it inferred, see
    ``infer_table_row``), and ``lead_in`` holds the sentence that introduces a list item
    ("The solution should:"), which the review also reads together with the item.
    """

    model_config = ConfigDict(extra="ignore")

    heading: str | None = None
    rationale: str | None = None
    goals: list[str] = Field(default_factory=list)
    table_row: bool | None = None
    lead_in: str | None = None

    @field_validator("goals", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


class Provenance(BaseModel):
    """Where a real item was quoted from: a repository at a commit and the file in it, or a stored public
    web page; the place in it, and the licence as stated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repo: str | None = None
    commit: str | None = None
    path: str | None = None
    url: str | None = None
    locator: str | None = None
    licence: str | None = None

    @model_validator(mode="after")
    def _names_a_place(self) -> Provenance:
        if not (self.url or (self.repo and self.commit and self.path)):
            raise ValueError("provenance needs repo, commit and path, or url")
        return self


# Norwegian and Danish items are scored with the Swedish reader, the nearest language the review reads;
# the review itself refuses Norwegian and Danish documents (segment.language).
ItemLanguage = Literal["sv", "en", "no", "da"]


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    lang: ItemLanguage
    text: str = Field(min_length=1)
    context: ItemContext = Field(default_factory=ItemContext)
    label: Label
    ambiguous: bool = False
    source: str | None = None
    # Real items: the public body that wrote the text (the unit of leave-one-organisation-out
    # evaluation) and where it was quoted from. Items written for the project have neither.
    organisation: str | None = None
    provenance: Provenance | None = None

    @property
    def reader_language(self) -> Literal["sv", "en"]:
        """The language whose rules and word lists read the item."""
        return "en" if self.lang == "en" else "sv"

    @property
    def real(self) -> bool:
        return self.provenance is not None

    @field_validator("context", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return {} if value is None else value

    @property
    def flagged(self) -> bool:
        return self.label == FLAGGED_LABEL


class GoldSpan(BaseModel):
    """One requirement or goal in a document, for scoring detection.

    ``document`` is relative to the gold file's folder; ``text`` is the span as written in
    the document (a requirement id in front may be left out). ``label`` is optional: where it
    is given, document mode also scores the flag end to end.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    document: str
    id: str | None = None
    kind: Literal["requirement", "goal"] = "requirement"
    text: str = Field(min_length=1)
    label: Label | None = None
    ambiguous: bool = False


class GoldLink(BaseModel):
    """The stated goals one requirement of a document serves (links mode).

    One record per requirement of the document, in document order, with an empty ``goal_ids``
    for a requirement that serves none, so a link the tool makes there counts as a false one.
    ``goal_ids`` are the ids the review gives the goals: the document's own ("Effektmål 2", "O3")
    or the generated "M1", "M2" … in document order for goals without one.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    document: str
    requirement_id: str | None = None
    requirement_text: str = Field(min_length=1)
    goal_ids: list[str] = Field(default_factory=list)

    @field_validator("goal_ids", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


def _records(path: Path) -> list[tuple[int, dict]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GoldFileError(path, None, "finns inte / does not exist") from None
    except OSError as error:
        raise GoldFileError(path, None, f"kan inte läsas / cannot be read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GoldFileError(path, None, f"är inte UTF-8 / is not UTF-8 (byte {error.start})") from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldFileError(
                path, number, f"ogiltig JSON / invalid JSON: {error.msg} (column {error.colno})"
            ) from None
        if not isinstance(record, dict):
            raise GoldFileError(path, number, "raden är inget JSON-objekt / the line is not a JSON object")
        records.append((number, record))
    if not records:
        raise GoldFileError(path, None, "innehåller inga poster / holds no records")
    return records


def _validation_message(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(record)"
    return f"fältet '{field}' / field '{field}': {first['msg']}"


def gold_mode(path: str | os.PathLike) -> Literal["items", "documents", "links", "findings", "goals"]:
    """'findings' when the records judge findings (a verdict), 'goals' when they list a document's goals,
    'links' when the records name a document and the goals of a requirement, 'documents' when they
    name a document and carry no item label, else 'items'."""
    records = _records(Path(path))
    first = records[0][1]
    if "verdict" in first:
        return "findings"
    if "document" in first and "goals" in first:
        return "goals"
    if "document" in first and "goal_ids" in first:
        return "links"
    return "documents" if "document" in first and "lang" not in first else "items"


def load_links(path: str | os.PathLike) -> list[GoldLink]:
    path = Path(path)
    links = []
    for number, record in _records(path):
        try:
            links.append(GoldLink.model_validate(record))
        except ValidationError as error:
            raise GoldFileError(path, number, _validation_message(error)) from None
    return links


def load_items(path: str | os.PathLike) -> list[GoldItem]:
    path = Path(path)
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    from .gold_checks import EXTRA_ITEM_KEYS, unknown_keys

    for number, record in _records(path):
        problem = unknown_keys(record, set(GoldItem.model_fields) | EXTRA_ITEM_KEYS)
        if problem is None and isinstance(record.get("context"), dict):
            problem = unknown_keys(record["context"], ItemContext.model_fields)
        if problem is not None:
            raise GoldFileError(path, number, problem)
        try:
            item = GoldItem.model_validate(record)
        except ValidationError as error:
            raise GoldFileError(path, number, _validation_message(error)) from None
        if item.id in seen:
            raise GoldFileError(
                path,
                number,
                f"id '{item.id}' finns redan på rad {seen[item.id]} / duplicate id (first on line {seen[item.id]})",
            )
        seen[item.id] = number
        items.append(item)
    return items


def load_spans(path: str | os.PathLike) -> list[GoldSpan]:
    path = Path(path)
    spans = []
    for number, record in _records(path):
        try:
            spans.append(GoldSpan.model_validate(record))
        except ValidationError as error:
            raise GoldFileError(path, number, _validation_message(error)) from None
    return spans
