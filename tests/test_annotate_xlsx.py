"""The requirement matrix handed back with three added columns, and the findings workbook."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from tests.tools import require_tool
from upphandlingsgranskare.extract.xlsx import read_xlsx
from upphandlingsgranskare.models import DocumentReview, Finding, Location
from upphandlingsgranskare.report.annotate_xlsx import annotate_xlsx, findings_workbook
from upphandlingsgranskare.review import review_document

SAMPLES = Path(__file__).resolve().parent.parent / "corpora" / "samples"
MATRIX = SAMPLES / "sv-kravmatris-e-arkiv.xlsx"
PDF = SAMPLES / "sv-forfragningsunderlag-lonesystem.pdf"
HEADERS_SV = ("Upphandlingsgranskare: flagga", "Upphandlingsgranskare: kommentar", "Upphandlingsgranskare: förslag")
HEADERS_EN = ("Upphandlingsgranskare: flag", "Upphandlingsgranskare: comment", "Upphandlingsgranskare: suggestion")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def style(cell) -> tuple[str, ...]:
    # openpyxl's style proxies do not compare equal; their reprs list every attribute.
    return (
        *(repr(x) for x in (cell.font, cell.fill, cell.border, cell.alignment, cell.protection)),
        cell.number_format,
    )


def last_column(ws) -> int:
    return max(
        [c.column for row in ws.iter_rows() for c in row if c.value not in (None, "")]
        + [r.max_col for r in ws.merged_cells.ranges]
    )


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx")
    before = sha256(MATRIX)
    review = review_document(MATRIX)
    result = annotate_xlsx(MATRIX, review, out / "kravmatris.annotated.xlsx")
    english = annotate_xlsx(MATRIX, review.model_copy(update={"language": "en"}), out / "kravmatris.en.xlsx")
    return before, review, result, english


def test_headers_in_the_header_row_right_of_the_used_range(matrix):
    _, review, result, english = matrix
    assert result.anchored == len(review.findings) and result.unanchored == () and result.fallback == 0
    header_rows = {b.location.sheet: b.location.row for b in read_xlsx(MATRIX, "x").blocks if b.is_header}
    original = openpyxl.load_workbook(MATRIX)
    copy = openpyxl.load_workbook(result.target)
    copy_en = openpyxl.load_workbook(english.target)
    sheets = {f.location.sheet for f in review.findings}
    assert sheets == {"Kravmatris", "Leverantörskrav"}
    assert header_rows["Kravmatris"] == 4 and header_rows["Leverantörskrav"] == 3
    for title in sheets:
        first = last_column(original[title]) + 1
        row = header_rows[title]
        assert tuple(copy[title].cell(row=row, column=first + i).value for i in range(3)) == HEADERS_SV
        assert tuple(copy_en[title].cell(row=row, column=first + i).value for i in range(3)) == HEADERS_EN
        header = copy[title].cell(row=row, column=first)
        assert header.font.bold and header.alignment.wrap_text
        # Same look as the sheet's own header cells.
        assert header.fill.fgColor.rgb == original[title].cell(row=row, column=first - 1).fill.fgColor.rgb
        widths = [copy[title].column_dimensions[openpyxl.utils.get_column_letter(first + i)].width for i in range(3)]
        assert widths[0] >= 12 and widths[1] >= 40 and widths[2] >= 40
        assert copy[title].max_column == first + 2
    # The autofilter on the header row takes in the new columns.
    assert copy["Kravmatris"].auto_filter.ref == "A4:H39"
    assert copy["Leverantörskrav"].auto_filter.ref == "A3:G12"


def test_values_on_the_flagged_rows_only(matrix):
    _, review, result, _ = matrix
    original = openpyxl.load_workbook(MATRIX)
    copy = openpyxl.load_workbook(result.target)
    flagged: dict[tuple[str, int], list] = {}
    for f in review.findings:
        flagged.setdefault((f.location.sheet, f.location.row), []).append(f)
    header_rows = {b.location.sheet: b.location.row for b in read_xlsx(MATRIX, "x").blocks if b.is_header}
    for title in {sheet for sheet, _ in flagged}:
        ws = copy[title]
        first = last_column(original[title]) + 1
        for row in range(1, ws.max_row + 1):
            values = [ws.cell(row=row, column=first + i).value for i in range(3)]
            findings = flagged.get((title, row))
            if findings is None:
                if row != header_rows[title]:
                    assert values == [None, None, None], (title, row)
                continue
            flag, comment, suggestion = values
            assert flag == ", ".join(dict.fromkeys(f.code for f in findings))
            for finding in findings:
                assert finding.message in comment
                assert f"Fråga till verksamheten: {finding.question}" in comment
                assert finding.suggestion in suggestion
            # The row is the requirement's: its text cell holds the requirement text.
            assert ws[finding.location.cell].value == finding.requirement_text
            assert ws.cell(row=row, column=first + 1).alignment.wrap_text


def test_everything_else_is_unchanged(matrix):
    before, _, result, _ = matrix
    assert sha256(MATRIX) == before, "the input file must not change"
    original = openpyxl.load_workbook(MATRIX)
    copy = openpyxl.load_workbook(result.target)
    assert copy.sheetnames == original.sheetnames
    for ws in original.worksheets:
        other = copy[ws.title]
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
            for cell in row:
                twin = other[cell.coordinate]
                assert twin.value == cell.value, cell.coordinate
                assert style(twin) == style(cell), cell.coordinate
        assert sorted(map(str, other.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges))
        assert other.freeze_panes == ws.freeze_panes
        assert [str(v.sqref) for v in other.data_validations.dataValidation] == [
            str(v.sqref) for v in ws.data_validations.dataValidation
        ]
        for key, dim in ws.column_dimensions.items():
            assert other.column_dimensions[key].width == dim.width
    # A sheet without findings gets no columns at all.
    assert copy["Instruktioner"].max_column == original["Instruktioner"].max_column == 1


def test_formulas_codes_and_missing_rows(tmp_path):
    source = tmp_path / "matris.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Krav"
    ws.append(["Kravmatris för test"])
    ws.append(["Kravnr", "Kravtext", "Ska/Bör", "Poäng"])
    ws.append(["K1", "Systemet ska ha stöd för export till Excel.", "Ska", "=2*5"])
    ws.append(["K2", "Systemet ska ha en tillgänglighet om 99,9 %.", "Ska", "=SUM(D3:D3)"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    validation = DataValidation(type="list", formula1='"Ja,Nej"')
    validation.add("C3:C4")
    ws.add_data_validation(validation)
    wb.create_sheet("Data").append(["värde", 42])
    wb.save(source)
    before = sha256(source)

    def finding(code: str, sheet: str, row: int, message: str, req_id: str = "K1") -> Finding:
        return Finding(
            code=code,
            name="check",
            severity="warning",
            message=message,
            question="Varför?",
            suggestion=f"Förslag {code}.",
            requirement_id=req_id,
            requirement_text="x",
            language="en",
            location=Location(file=str(source), sheet=sheet, row=row, cell=f"B{row}"),
        )

    review = DocumentReview(
        path=str(source),
        format="xlsx",
        language="en",
        requirements=(),
        goals=(),
        findings=(
            finding("UG001", "Krav", 3, "=cmd|' /C calc'!A0 is text, not a formula"),
            finding("UG999", "Krav", 3, "Second finding."),
            finding("UG001", "Saknas", 3, "On a sheet the workbook lacks.", req_id="X1"),
        ),
    )
    result = annotate_xlsx(source, review, tmp_path / "out.xlsx")
    assert sha256(source) == before
    assert (result.anchored, result.unanchored, result.fallback) == (2, ("X1",), 0)
    copy = openpyxl.load_workbook(result.target)
    ws = copy["Krav"]
    assert ws["D3"].value == "=2*5" and ws["D4"].value == "=SUM(D3:D3)"  # formulas kept as formulas
    assert [ws.cell(row=2, column=c).value for c in (5, 6, 7)] == list(HEADERS_EN)  # English review, row 2
    assert ws["E3"].value == "UG001, UG999"
    assert ws["F3"].data_type == "s" and ws["F3"].value.startswith("UG001 check: =cmd")
    assert "Question for the business owner: Varför?" in ws["F3"].value
    assert ws["G3"].value == "UG001: Förslag UG001.\n\nUG999: Förslag UG999."
    assert ws["E4"].value is None
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["C3:C4"]
    assert copy["Data"]["B1"].value == 42 and copy["Data"].max_column == 2


# --- the findings workbook ---------------------------------------------------------------


@pytest.fixture(scope="module")
def listing(matrix, tmp_path_factory):
    _, review, _, _ = matrix
    pdf_review = review_document(PDF)
    out = tmp_path_factory.mktemp("findings")
    path = findings_workbook([review, pdf_review], out / "anmarkningar.xlsx")
    english = findings_workbook([review.model_copy(update={"language": "en"})], out / "findings.xlsx")
    return [review, pdf_review], path, english


def test_findings_workbook_lists_every_finding(listing):
    reviews, path, english = listing
    wb = openpyxl.load_workbook(path)
    # The findings, then per document its goals by requirements (trace.link; see test_trace.py for the sheet itself).
    assert wb.sheetnames == ["Anmärkningar", "Mål och krav", "Mål och krav (2)"]
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == [
        "Dokument",
        "Krav-id",
        "Plats",
        "Kravtext",
        "Kod",
        "Allvarlighetsgrad",
        "Anmärkning",
        "Fråga till verksamheten",
        "Förslag",
        "Ursprung",
    ]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    findings = [(r, f) for r in reviews for f in r.findings]
    assert ws.max_row == len(findings) + 1
    assert ws.auto_filter.ref == f"A1:J{len(findings) + 1}"
    for row, (review, f) in enumerate(findings, start=2):
        assert [c.value for c in ws[row]] == [
            review.path,
            f.requirement_id,
            f.location.describe(),
            f.requirement_text,
            f.code,
            f.severity,
            f.message,
            f.question,
            f.suggestion,
            f.origin,
        ]
    assert ws.column_dimensions["D"].width >= 40
    ws_en = openpyxl.load_workbook(english).active
    assert ws_en.title == "Findings"
    assert ws_en["A1"].value == "Document" and ws_en["H1"].value == "Question for the business owner"


# --- LibreOffice opens the copies ---------------------------------------------------------


def test_libreoffice_converts_the_workbooks_to_pdf(matrix, listing, tmp_path_factory):
    exe = require_tool("soffice", "libreoffice")
    work = tmp_path_factory.mktemp("soffice")
    files = [matrix[2].target, listing[1]]
    # Own HOME and profile: parallel runs must not share LibreOffice's user installation.
    env = {**os.environ, "HOME": str(work / "home")}
    command = [
        exe,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work / "pdf"),
        *map(str, files),
    ]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    for file in files:
        out = work / "pdf" / f"{file.stem}.pdf"
        assert out.is_file() and out.stat().st_size > 0, (proc.stdout, proc.stderr)
        assert out.read_bytes().startswith(b"%PDF")
