"""The data that flows through the pipeline: extracted blocks, requirements, findings.

Extraction produces ``ExtractedDocument`` (a list of ``Block``), segmentation turns blocks
into ``Requirement`` and goal statements, checks turn requirements into ``Finding``. Every
emitter (terminal, JSON, Markdown) reads the same frozen objects.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_serializer, model_validator
from pydantic.json_schema import SkipJsonSchema

from .labels import Label, Reason, reason_text


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Frozen):
    """Where a piece of text came from, precise enough to find it again in the source.

    ``start``/``end`` are character offsets into ``ExtractedDocument.text`` (the blocks'
    texts joined by a newline), so a finding can be highlighted in the extracted text and
    mapped back to its block.
    """

    file: str
    page: int | None = None  # PDF: 1-based page number
    sheet: str | None = None  # XLSX: sheet title
    cell: str | None = None  # XLSX: cell reference of the text, e.g. "C7"
    row: int | None = None  # XLSX: 1-based sheet row; DOCX: 0-based row in its table
    table: int | None = None  # DOCX: 0-based table index in document order
    paragraph: int | None = None  # DOCX/TXT/MD: 0-based paragraph index; PDF: block index on the page
    start: int | None = None
    end: int | None = None

    def describe(self) -> str:
        """Short human-readable form: ``kravspec.docx, tabell 2 rad 4`` style, language neutral."""
        parts: list[str] = [self.file]
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.sheet is not None:
            parts.append(f"{self.sheet}!{self.cell}" if self.cell else self.sheet)
        elif self.table is not None:
            parts.append(f"table {self.table + 1} row {0 if self.row is None else self.row + 1}")
        elif self.paragraph is not None and self.page is None:
            parts.append(f"¶ {self.paragraph + 1}")
        return ", ".join(parts)


class CellRole(StrEnum):
    """What a table or sheet column holds, read from its header row."""

    ID = "id"
    TEXT = "text"
    KIND = "kind"  # ska/bör, mandatory/desirable, "Skall-krav", "M/D"
    RATIONALE = "rationale"  # Motivering, Syfte, Varför, Rationale, Justification
    OTHER = "other"


class Cell(_Frozen):
    text: str
    role: CellRole = CellRole.OTHER
    header: str | None = None  # the column's header text, where a header row was found
    ref: str | None = None  # XLSX cell reference ("C7"); DOCX: None


BlockKind = Literal["heading", "paragraph", "list_item", "table_row", "sheet_row"]


class Block(_Frozen):
    """One unit of extracted text in reading order: a heading, paragraph, list item or row.

    For rows, ``cells`` keeps each cell with its column role, and ``text`` is the cells'
    texts joined by " | ". ``is_header`` marks the header row itself (kept for context, not
    a requirement).
    """

    text: str
    kind: BlockKind
    location: Location
    level: int | None = None  # heading level, 1 = top
    list_label: str | None = None  # rendered list number or bullet: "1.", "2.3", "a)", "•"
    cells: tuple[Cell, ...] = ()
    is_header: bool = False

    def cell(self, role: CellRole) -> Cell | None:
        for c in self.cells:
            if c.role is role and c.text.strip():
                return c
        return None


class ExtractedDocument(_Frozen):
    path: str  # as given by the user (used in every Location.file)
    format: Literal["pdf", "docx", "xlsx", "txt", "md"]
    blocks: tuple[Block, ...]
    pages: int | None = None  # PDF page count
    extractor: str = ""  # e.g. "pypdfium2 4.30", for the report's provenance line

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


RequirementKind = Literal["ska", "bör", "unknown"]  # mandatory / desirable / not stated
Language = Literal["sv", "en"]


Severity = Literal["error", "warning", "info"]
# "rules-fallback": the LLM backend was asked but failed (time-out, 429/5xx after retries, malformed or
# ungrounded answer), so the offline result stands, and says so.
Origin = Literal["rules", "llm", "rules-fallback"]


_STRING_OR_NULL = WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "null"}]})


class Requirement(_Frozen):
    id: str  # the document's own id ("K12", "4.2.1") or a generated one ("R7")
    text: str
    kind: RequirementKind
    location: Location
    language: Language
    heading_path: tuple[str, ...] = ()
    rationale: str | None = None  # attached rationale: rationale cell or "Motivering:" paragraph
    context: str | None = None  # surrounding text (previous sentence, lead-in of a list)
    source_id: bool = False  # True when ``id`` was taken from the document
    matrix_row: bool = False  # a row of a requirement matrix (no modal verb needed)
    # Set by the labelling stage (``labelling``): the annotation-guide label, what decided it and who gave it.
    # In the reports' schema as strings, as they always were (the reason with the LLM's quote is no member).
    label: Annotated[Label | None, _STRING_OR_NULL] = Field(default=None, title="Label")
    label_reason: Annotated[Reason | None, _STRING_OR_NULL] = Field(default=None, title="Label Reason")
    label_origin: Origin | None = None  # who gave the label: the rules or the model
    # The LLM's quote where it decided the label (reason ``llm``): reported with the reason ("llm: <quote>").
    label_quote: SkipJsonSchema[str | None] = Field(default=None, exclude=True)
    # What else the labelling stage knew (``labelling.Labelling``: the words that decided, the feature, the
    # model's probability, the LLM's decision), for UG001's finding; not part of any report.
    labelling: SkipJsonSchema[object | None] = Field(default=None, exclude=True, repr=False)

    @field_serializer("label_reason")
    def _reason_as_reported(self, reason: Reason | None) -> str | None:
        return reason_text(reason, self.label_quote)

    @model_validator(mode="before")
    @classmethod
    def _reason_as_read(cls, data: object) -> object:
        """A report read back (a resumed run, a copy with readable names): "llm: <quote>" is the reason and
        its quote."""
        if isinstance(data, dict) and isinstance(data.get("label_reason"), str):
            reason, colon, quote = data["label_reason"].partition(": ")
            if colon and reason == Reason.LLM:  # the inverse of ``labels.reason_text``
                data = {**data, "label_reason": reason, "label_quote": quote}
        return data


class Goal(_Frozen):
    """A stated purpose, goal or need of the procurement (Syfte, Mål, Effektmål, Behov; a need stated under Bakgrund).

    Segmentation gives every goal an id: the document's own ("Effektmål 2", "O3"), or a generated
    one ("M1", "M2" … in document order, ``generated`` True) so links and reports can name it.
    """

    id: str | None  # "Effektmål 2", "O3" where the document numbers its goals; else generated ("M1")
    text: str
    heading: str
    location: Location
    generated: bool = False  # True when ``id`` is no text of the document (so no requirement can cite it)
    label: str | None = None  # the list number the document shows for the goal ("2.", "b)"), if any


LinkMethod = Literal["reference", "meaning"]


class GoalLink(_Frozen):
    """A solution requirement tied to a stated goal it serves.

    ``reference``: the requirement or its rationale names the goal ("bidrar till effektmål 2",
    "(O3)"); ``meaning``: requirement and goal share content words or domain concepts, scored
    offline (see ``trace.link``). ``evidence`` says why: the reference as written, or the shared terms.
    """

    requirement_id: str
    goal_id: str
    method: LinkMethod
    score: float  # 1.0 for a reference; the similarity (0-1) for a meaning link
    evidence: str
    terms: tuple[str, ...] = ()  # meaning links: the shared lemmas and concepts, strongest first


def fingerprint(code: str, file: str, requirement_text: str) -> str:
    """Stable id of a finding: survives moved lines and re-extraction, changes with the text.

    The file counts as the SARIF report names it (``portable_path``): ``anbud/krav.docx``,
    ``./anbud/krav.docx`` and its absolute path give one fingerprint.
    """
    normalised = " ".join(requirement_text.split()).casefold()
    # surrogateescape: a file name that is not UTF-8 (b"\xff" -> "\udcff") hashes as its bytes
    digest = hashlib.sha256(f"{code}\x1f{portable_path(file)}\x1f{normalised}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:16]


def portable_path(file: str) -> str:
    """``file`` relative to the working directory when it lies below it, else absolute; in POSIX form.

    The same rule as the SARIF report's artifact URIs (``report.sarif``), so a fingerprint does not
    change with how the folder was typed on the command line.
    """
    import os

    return _portable_path(file, os.getcwd())


@lru_cache(maxsize=4096)  # every finding of a document names the same file: resolve it once
def _portable_path(file: str, working_directory: str) -> str:
    import os
    from pathlib import Path

    raw = Path(file)
    if raw.is_absolute() or ".." in raw.parts:
        cwd = Path(working_directory)
        try:
            absolute, base = (cwd / raw).resolve(), cwd.resolve()
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            absolute, base = Path(os.path.normpath(cwd / raw)), cwd
        return absolute.relative_to(base).as_posix() if absolute.is_relative_to(base) else absolute.as_posix()
    return raw.as_posix()


class Finding(_Frozen):
    code: str  # stable check code, e.g. "UG001"
    name: str  # check name, e.g. "feature-without-need"
    severity: Severity
    message: str  # in the document's language
    question: str  # the question the business owner should answer
    suggestion: str  # need-based rewrite
    location: Location
    requirement_id: str
    requirement_text: str
    language: Language
    origin: Origin = "rules"
    evidence: str | None = None  # the model's verbatim quote from the requirement that grounds its judgement
    # Free text on the origin: for rules-fallback why the model's answer was not used; for rules, where the
    # statistical label model overrode the rules' label, its probability and what the rules had said.
    origin_detail: str | None = None
    # What the finding is about: one requirement, a stated goal (requirement_id/text then hold the goal's
    # id and text), or the document as a whole (anchored on its first requirement on the solution).
    subject: Literal["requirement", "goal", "document"] = "requirement"
    fingerprint: str = Field(default="")

    def model_post_init(self, __context: object) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", fingerprint(self.code, self.location.file, self.requirement_text))


class LLMUsage(_Frozen):
    """What the LLM backend did for one document: what it sent, what it cost, what failed."""

    backend: Literal["llm", "hybrid"]
    model: str
    prompt: str  # prompt id and version, e.g. "review.v1"
    requirements_judged: int = 0  # requirements the backend asked the model about (sent or cached)
    cached: int = 0  # answered from the cache, no call made
    calls: int = 0  # HTTP requests that got an answer (repairs included)
    requests: int = 0  # HTTP requests sent, failed ones and retries included
    disagreements: int = 0  # rules flags the model would clear without quoting a reason: kept, both views shown
    instruction_like: int = 0  # requirements with text addressed to a model: judged alone, never cleared
    fallbacks: int = 0  # requirements left with the rules result because the model failed
    rejected_quotes: int = 0  # judgements dropped because their quote is not in the requirement
    rewrites_dropped: int = 0  # rewrites dropped because they changed ska/bör, a number or a negation
    repairs: int = 0  # malformed answers sent back once for repair
    prompt_tokens: int = 0
    completion_tokens: int = 0
    errors: tuple[str, ...] = ()  # distinct failure messages, never the API key

    tokens_per_requirement: float | None = None  # (prompt + completion tokens) / requirements answered; None: none


class DocumentReview(_Frozen):
    """Everything the pipeline knows about one reviewed document."""

    path: str
    format: str
    language: Language
    requirements: tuple[Requirement, ...]
    goals: tuple[Goal, ...]
    findings: tuple[Finding, ...]
    in_scope: int = 0  # requirements on the solution (the check's denominator)
    pages: int | None = None
    extractor: str = ""
    error: str | None = None  # set when the document could not be read
    skipped: bool = False  # an unsupported file met in a folder: named in the report, not an error
    llm: LLMUsage | None = None  # set when an LLM backend took part
    suppressed: int = 0  # findings accepted by a marker in the document ("ugr: ignorera UG101")
    baselined: int = 0  # findings accepted by the baseline file
    unused_suppressions: tuple[str, ...] = ()  # markers that accept nothing: "K12: ugr: ignorera UG101 (text)"
    links: tuple[GoalLink, ...] = ()  # which stated goal each requirement on the solution serves


class ExtractionError(Exception):
    """A file that cannot be read. The message names the file and says what to do."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedLanguageError(ExtractionError):
    """A document in a language the review does not read (Norwegian, Danish): named, never misread."""
