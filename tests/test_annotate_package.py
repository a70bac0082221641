"""Annotated XLSX copies edited at package level: every part the annotation does not need is the
original's bytes (drawings, images, charts, validations, text boxes, comments), and LibreOffice
renders the copy as the original plus the added columns."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.worksheet.datavalidation import DataValidation

from tests.tools import package_parts, require_tool
from upphandlingsgranskare.models import DocumentReview, Finding, Location
from upphandlingsgranskare.report.annotate_xlsx import annotate_xlsx
from upphandlingsgranskare.report.package import is_marked

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "sv"
ADDA = REALDOCS / "adda-efterfragat-resursbehov-bilaga-b.xlsx"
# The parts an annotation may change: the flagged sheets, styles (wrapped formats), the workbook
# (filter names), and the marker property with its relationship and content type.
MAY_CHANGE = re.compile(
    r"^(xl/worksheets/sheet\d+\.xml|xl/styles\.xml|xl/workbook\.xml|\[Content_Types\]\.xml"
    r"|_rels/\.rels|docProps/custom\.xml)$"
)


def finding(source: Path, sheet: str, row: int, code: str = "UG001", message: str = "Ange behovet.") -> Finding:
    return Finding(
        code=code,
        name="feature-without-need",
        severity="warning",
        message=message,
        question="Vilket behov?",
        suggestion="Beskriv behovet i stället.",
        requirement_id=f"R{row}",
        requirement_text="x",
        language="sv",
        location=Location(file=str(source), sheet=sheet, row=row),
    )


def review_of(source: Path, *findings: Finding) -> DocumentReview:
    return DocumentReview(path=str(source), format="xlsx", language="sv", requirements=(), goals=(), findings=findings)


def validations(path: Path) -> int:
    # Excel keeps list validations that point to other sheets as x14:dataValidation in the sheet's extLst.
    pattern = re.compile(rb"<(?:\w+:)?dataValidation[\s>]")
    return sum(
        len(pattern.findall(data)) for name, data in package_parts(path).items() if name.startswith("xl/worksheets/")
    )


def assert_only_needed_parts_changed(source: Path, copy: Path, flagged_sheets: set[str]) -> None:
    before, after = package_parts(source), package_parts(copy)
    assert set(before) <= set(after), f"parts lost: {sorted(set(before) - set(after))}"
    assert set(after) - set(before) <= {"docProps/custom.xml"}
    with zipfile.ZipFile(source) as zs, zipfile.ZipFile(copy) as zc:
        assert zc.namelist()[: len(before)] == zs.namelist()  # the original order
    changed = {name for name in before if before[name] != after[name]}
    assert all(MAY_CHANGE.match(name) for name in changed), sorted(changed)
    assert {n for n in changed if n.startswith("xl/worksheets/")} == flagged_sheets
    assert is_marked(copy) and not is_marked(source)


def test_realdocs_workbook_keeps_all_47_parts(tmp_path):
    if not ADDA.is_file():
        pytest.skip(f"{ADDA} not present")
    before_hash = ADDA.read_bytes()
    review = review_of(ADDA, finding(ADDA, "Efterfrågat resursbehov", 6), finding(ADDA, "Efterfrågat resursbehov", 20))
    result = annotate_xlsx(ADDA, review, tmp_path / "adda.granskad.xlsx")
    assert ADDA.read_bytes() == before_hash
    assert len(package_parts(ADDA)) == 47 and result.anchored == 2
    assert_only_needed_parts_changed(ADDA, result.target, {"xl/worksheets/sheet2.xml"})
    assert validations(result.target) == validations(ADDA) == 3
    ws = openpyxl.load_workbook(result.target)["Efterfrågat resursbehov"]
    flags = [c.value for row in ws.iter_rows() for c in row if c.value == "UG001"]
    assert len(flags) == 2


def sample_workbook(path: Path) -> None:
    """A matrix with a drop-down, a cell comment, a picture, a chart and a text box."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Krav"
    ws.append(["Kravnr", "Kravtext", "Ska/Bör", "Poäng"])
    ws.append(["K1", "Systemet ska ha stöd för export till Excel.", "Ska", 3])
    ws.append(["K2", "Systemet ska kunna skriva ut rapporter.", "Bör", 5])
    ws.append(["K3", "Leverantören ska ha ISO 27001.", "Ska", 2])
    validation = DataValidation(type="list", formula1='"Ska,Bör"')
    validation.add("C2:C4")
    ws.add_data_validation(validation)
    ws["B2"].comment = Comment("Kommentar från beställaren", "Beställare")
    ws.column_dimensions.group("E", "H", hidden=False)  # a <col> range the new columns fall inside
    image = io.BytesIO()
    from PIL import Image as Pillow

    Pillow.new("RGB", (40, 20), (200, 30, 30)).save(image, format="PNG")
    ws.add_image(Image(image), "A14")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=4), titles_from_data=True)
    chart.width, chart.height = 5, 4  # left of the new columns, on the first page before and after
    ws.add_chart(chart, "A16")
    wb.create_sheet("Instruktioner").append(["Fyll i kolumn C."])
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl draws no shapes: a text box goes into the sheet's drawing by hand.
    with zipfile.ZipFile(buffer) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == "xl/drawings/drawing1.xml":
                assert data.endswith(b"</wsDr>")
                data = data.replace(b"</wsDr>", TEXT_BOX + b"</wsDr>")
            out.writestr(info, data)


TEXT_BOX = (  # in openpyxl's drawing the spreadsheetDrawing namespace is the default one
    b'<twoCellAnchor xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><from><col>0</col>'
    b"<colOff>0</colOff><row>6</row><rowOff>0</rowOff></from><to><col>4</col><colOff>0</colOff><row>12</row>"
    b'<rowOff>0</rowOff></to><sp macro="" textlink=""><nvSpPr><cNvPr id="99" name="Textruta"/>'
    b'<cNvSpPr txBox="1"/></nvSpPr><spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3000000" cy="900000"/>'
    b'</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr><txBody><a:bodyPr/><a:lstStyle/>'
    b'<a:p><a:r><a:rPr lang="sv-SE"/><a:t>Instruktion i textruta</a:t></a:r></a:p></txBody></sp>'
    b"<clientData/></twoCellAnchor>"
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("package")
    source = folder / "matris.xlsx"
    sample_workbook(source)
    review = review_of(
        source,
        finding(source, "Krav", 2),
        finding(source, "Krav", 3, "UG102", "Vagt."),
        finding(source, "Krav", 3, "UG001"),
    )
    result = annotate_xlsx(source, review, folder / "matris.granskad.xlsx")
    return source, review, result


def test_sample_keeps_shapes_validations_comments_and_charts(sample):
    source, _, result = sample
    names = set(package_parts(source))
    assert {"xl/comments/comment1.xml", "xl/charts/chart1.xml", "xl/media/image1.png"} <= names
    assert_only_needed_parts_changed(source, result.target, {"xl/worksheets/sheet1.xml"})
    assert b"Instruktion i textruta" in package_parts(result.target)["xl/drawings/drawing1.xml"]
    assert validations(result.target) == 1


def test_sample_columns_values_and_widths(sample):
    source, review, result = sample
    assert result.anchored == 3 and result.unanchored == ()
    wb = openpyxl.load_workbook(result.target)
    ws = wb["Krav"]
    assert [ws.cell(row=1, column=c).value for c in (5, 6, 7)] == [
        "Upphandlingsgranskare: flagga",
        "Upphandlingsgranskare: kommentar",
        "Upphandlingsgranskare: förslag",
    ]
    assert ws["E1"].font.bold and ws["F2"].alignment.wrap_text
    assert ws["E2"].value == "UG001" and ws["E3"].value == "UG102, UG001"
    assert ws["E4"].value is None and ws.max_column == 7
    assert ws["B2"].comment is not None and ws["B2"].comment.text.startswith("Kommentar från beställaren")
    widths = {c: ws.column_dimensions[c].width for c in "EFG"}
    assert widths == {"E": 16, "F": 60, "G": 60}
    assert ws.column_dimensions["H"].outlineLevel == 1  # the rest of the split <col> range stays grouped


def _render_text(files: list[Path], work: Path) -> dict[str, list[str]]:
    """Each file converted to PDF by LibreOffice, then its text per page (pdftotext)."""
    soffice, pdftotext = require_tool("soffice", "libreoffice"), require_tool("pdftotext")
    env = {**os.environ, "HOME": str(work / "home")}
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work / "pdf"),
        *map(str, files),
    ]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    out = {}
    for file in files:
        pdf = work / "pdf" / f"{file.stem}.pdf"
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        out[file.name] = text.split("\f")
    return out


def _words(pages: list[str]) -> Counter:
    return Counter(word for page in pages for word in page.split())


def test_libreoffice_renders_the_copy_as_the_original_plus_the_columns(sample, tmp_path):
    if not ADDA.is_file():
        pytest.skip(f"{ADDA} not present")
    source, review, result = sample
    adda_review = review_of(ADDA, finding(ADDA, "Efterfrågat resursbehov", 6))
    copy = tmp_path / "adda-kopia.xlsx"
    annotate_xlsx(ADDA, adda_review, copy)
    rendered = _render_text([ADDA, copy, source, result.target], tmp_path)
    before, after = rendered[ADDA.name], rendered[copy.name]
    # Page 1 is the sheet "Instruktioner", whose text is in a text box: still there, unchanged.
    assert "INSTRUKTIONER" in before[0] and "Välj län" in before[0]
    assert after[0] == before[0]
    for original, annotated, findings in (
        (before, after, adda_review.findings),
        (rendered[source.name], rendered[result.target.name], review.findings),
    ):
        added = _words(annotated) - _words(original)
        missing = _words(original) - _words(annotated)
        assert not missing, missing
        # Every new word is part of the added text (a narrow column may wrap inside a word), or a word the
        # original printed (a wider sheet prints on more pages, each with the sheet's page header).
        added_text = "Upphandlingsgranskare: flagga kommentar förslag" + "".join(
            f"{f.code}, {f.name}: {f.message} Fråga till verksamheten: {f.question} {f.code}: {f.suggestion}"
            for f in findings
        )
        added_text = "".join(added_text.split())
        seen = set(_words(original))

        def explained(word: str, added_text: str = added_text, seen: set[str] = seen) -> bool:
            # lines of an overfull cell print over each other: "UG102till"
            return (
                word in added_text
                or word in seen
                or any(word[:i] in added_text and word[i:] in added_text for i in range(1, len(word)))
            )

        unexplained = {w for w in added if not explained(w)}
        assert not unexplained, unexplained


def test_cli_writes_no_copy_of_the_clean_workbook_unless_asked(tmp_path):
    from typer.testing import CliRunner

    from upphandlingsgranskare.cli.app import app

    if not ADDA.is_file():
        pytest.skip(f"{ADDA} not present")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(app, ["review", str(ADDA), "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output  # the workbook has no findings
    assert not list(out.glob("*.xlsx"))
    assert "xlsx: 1 dokument utan anmärkningar fick ingen kommenterad kopia" in result.stderr
    result = runner.invoke(app, ["review", str(ADDA), "-f", "xlsx", "-o", str(out), "--annotate-clean"])
    copy = out / "adda-efterfragat-resursbehov-bilaga-b.granskad.xlsx"
    assert result.exit_code == 0 and copy.is_file()
    before, after = package_parts(ADDA), package_parts(copy)
    assert len(before) == 47 and set(after) == set(before) | {"docProps/custom.xml"}
    assert {n for n in before if before[n] != after[n]} == {"[Content_Types].xml", "_rels/.rels"}
    assert validations(copy) == 3


def test_new_columns_inside_a_hidden_column_range_are_shown(tmp_path):
    source = tmp_path / "dold.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Krav"
    ws.append(["Kravnr", "Kravtext"])
    ws.append(["K1", "Systemet ska ha stöd för export till Excel."])
    ws.column_dimensions.group("C", "F", hidden=True)  # columns kept out of sight by the buyer
    wb.save(source)
    result = annotate_xlsx(source, review_of(source, finding(source, "Krav", 2)), tmp_path / "kopia.xlsx")
    copy = openpyxl.load_workbook(result.target)["Krav"]
    assert copy["C2"].value == "UG001"
    assert [copy.column_dimensions[c].hidden for c in "CDE"] == [False, False, False]
    assert copy.column_dimensions["F"].hidden  # the rest of the range stays hidden


def test_the_tools_own_copy_annotated_again_keeps_its_three_columns(tmp_path):
    from upphandlingsgranskare.review import review_document

    matrix = Path(__file__).resolve().parent.parent / "corpora" / "samples" / "sv-kravmatris-e-arkiv.xlsx"
    first = annotate_xlsx(matrix, review_document(matrix), tmp_path / "kravmatris.granskad.xlsx").target
    again = review_document(first)
    second = annotate_xlsx(first, again, tmp_path / "kravmatris.granskad.granskad.xlsx").target
    one, two = openpyxl.load_workbook(first), openpyxl.load_workbook(second)
    for title in one.sheetnames:
        assert two[title].max_column == one[title].max_column, title
        assert [[c.value for c in row] for row in two[title].iter_rows()] == [
            [c.value for c in row] for row in one[title].iter_rows()
        ], title
