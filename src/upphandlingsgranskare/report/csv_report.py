"""CSV: one row per finding, for a spreadsheet or a follow-up list.

Two dialects. ``excel-sv`` (default) is what Excel with Swedish regional settings opens by
double-click: ";" as separator (the comma is the decimal sign there) and a UTF-8 byte order
mark (without it Excel reads the file as Windows-1252 and breaks å, ä, ö). ``rfc4180`` is
plain RFC 4180: "," and no BOM, for other tools. Both end lines with CRLF and quote fields
that need it.

Cells are made safe against CSV (formula) injection: a text starting with = + - @ or a tab
or carriage return gets a leading apostrophe, so a requirement text such as
``=HYPERLINK(...)`` is shown as text and never evaluated by a spreadsheet.

The string returned already carries the BOM for ``excel-sv``: write it with
``encoding="utf-8"``, not ``"utf-8-sig"`` (which would add a second one).
"""

from __future__ import annotations

import csv
import io
from typing import Literal

from ..models import DocumentReview, Finding

Dialect = Literal["excel-sv", "rfc4180"]

# Stable, English column names: tools and macros key on them whatever the document's language.
COLUMNS: tuple[str, ...] = (
    "document",
    "requirement_id",
    "location",
    "page",
    "sheet",
    "cell",
    "code",
    "name",
    "severity",
    "origin",
    "requirement_text",
    "message",
    "question",
    "suggestion",
    "fingerprint",
)

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # numbers are data, never formulas; "-3" stays a number
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(review: DocumentReview, finding: Finding) -> list[str]:
    loc = finding.location
    values: list[object] = [
        review.path,
        finding.requirement_id,
        loc.describe(),
        loc.page,
        loc.sheet,
        loc.cell,
        finding.code,
        finding.name,
        finding.severity,
        finding.origin,
        finding.requirement_text,
        finding.message,
        finding.question,
        finding.suggestion,
        finding.fingerprint,
    ]
    return [safe_cell(v) for v in values]


def to_csv(reviews: list[DocumentReview], dialect: Dialect = "excel-sv") -> str:
    """Every finding of every readable document as CSV text (unreadable documents have no rows)."""
    if dialect not in ("excel-sv", "rfc4180"):
        raise ValueError(f"unknown CSV dialect {dialect!r}: use 'excel-sv' or 'rfc4180'")
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=";" if dialect == "excel-sv" else ",",
        quotechar='"',
        quoting=csv.QUOTE_MINIMAL,
        doublequote=True,
        lineterminator="\r\n",
    )
    writer.writerow(COLUMNS)
    for review in reviews:
        for finding in review.findings:
            writer.writerow(_row(review, finding))
    text = buffer.getvalue()
    return BOM + text if dialect == "excel-sv" else text
