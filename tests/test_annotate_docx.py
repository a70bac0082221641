"""The DOCX handed back with comments: one Word comment per flagged requirement, listing its findings, on the
requirement's own text."""

from __future__ import annotations

import hashlib
import os
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from docx.shared import Pt
from lxml import etree

from tests.tools import require_tool
from upphandlingsgranskare.extract import extract
from upphandlingsgranskare.extract.characters import normalize
from upphandlingsgranskare.models import DocumentReview, Finding
from upphandlingsgranskare.report.annotate_docx import annotate_docx
from upphandlingsgranskare.review import review_document

SAMPLES = Path(__file__).resolve().parent.parent / "corpora" / "samples"
SV = SAMPLES / "sv-kravspecifikation-arendehantering.docx"
EN = SAMPLES / "en-rfp-case-management.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def comment_ranges(path: Path) -> dict[int, str]:
    """{comment id: the text between its commentRangeStart and commentRangeEnd}, read from document.xml."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    ranges: dict[int, list[str]] = {}
    open_ids: set[int] = set()
    for el in root.iter():
        if el.tag == _w("commentRangeStart"):
            open_ids.add(int(el.get(_w("id"))))
            ranges.setdefault(int(el.get(_w("id"))), [])
        elif el.tag == _w("commentRangeEnd"):
            open_ids.discard(int(el.get(_w("id"))))
        elif el.tag in (_w("t"), _w("tab")):
            for i in open_ids:
                ranges[i].append(el.text or "" if el.tag == _w("t") else " ")
    return {i: normalize("".join(parts)) for i, parts in ranges.items()}


def comments(path: Path) -> list:
    return list(docx.Document(str(path)).comments)


# --- the sample documents ----------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out = tmp_path_factory.mktemp("annotated")
    results = {}
    for source in (SV, EN):
        before = sha256(source)
        review = review_document(source)
        result = annotate_docx(source, review, out / source.name)
        results[source.name] = (source, before, review, result)
    return results


def _groups(findings) -> list[list]:
    """The review's findings by requirement, in order: one comment each."""
    groups: dict[tuple, list] = {}
    for f in findings:
        groups.setdefault(
            (f.location.paragraph, f.location.table, f.location.row, f.location.start, f.requirement_text), []
        ).append(f)
    return list(groups.values())


@pytest.mark.parametrize("name", [SV.name, EN.name])
def test_one_comment_per_requirement_on_the_requirement_text(samples, name):
    source, before, review, result = samples[name]
    assert review.findings, "the sample should have findings"
    assert sha256(source) == before, "the input file must not change"
    assert result.target.is_file() and result.target != source
    # Every finding of the samples is anchored exactly: no fallback anchors.
    assert (result.anchored, result.fallback, result.unanchored) == (len(review.findings), 0, ())

    found = comments(result.target)
    groups = _groups(review.findings)
    assert len(found) == len(groups) < len(review.findings)  # the samples have requirements with two findings
    ranges = comment_ranges(result.target)
    assert len(ranges) == len(found)
    labels = (
        ("Fråga till verksamheten:", "Förslag:")
        if review.language == "sv"
        else ("Question for the business owner:", "Suggestion:")
    )
    for comment, findings in zip(found, groups):  # comments are added in finding order
        assert comment.author == "Upphandlingsgranskare"
        assert comment.initials == "UG"
        text = comment.text
        assert text.startswith(f"{findings[0].code} {findings[0].name}\n")
        for finding in findings:
            assert f"{finding.code} {finding.name}\n" in text
            assert finding.message in text
            assert f"{labels[0]} {finding.question}" in text
            assert f"{labels[1]} {finding.suggestion}" in text
        assert ranges[comment.comment_id] == normalize(findings[0].requirement_text), findings[0].requirement_id


@pytest.mark.parametrize("name", [SV.name, EN.name])
def test_text_of_the_copy_is_unchanged(samples, name):
    # Split runs and comment markers add no text: extraction reads the copy exactly like the original.
    source, _, _, result = samples[name]
    original, copy = extract(source), extract(result.target)
    assert [(b.text, b.location.paragraph, b.location.table, b.location.row) for b in copy.blocks] == [
        (b.text, b.location.paragraph, b.location.table, b.location.row) for b in original.blocks
    ]


def test_table_row_finding_is_anchored_in_its_cell(samples):
    _, _, review, result = samples[SV.name]
    table_findings = [f for f in review.findings if f.location.table is not None]
    assert table_findings, "the Swedish sample has flagged table rows"
    ranges = comment_ranges(result.target)
    found = comments(result.target)
    for comment, findings in zip(found, _groups(review.findings)):
        if findings[0].location.table is not None:
            assert ranges[comment.comment_id] == findings[0].requirement_text


def test_copy_may_not_replace_the_input(tmp_path, samples):
    source, _, review, _ = samples[SV.name]
    copy = tmp_path / "same.docx"
    copy.write_bytes(source.read_bytes())
    with pytest.raises(ValueError):
        annotate_docx(copy, review, copy)


# --- a document built here: runs with mixed formatting, a table cell, fallbacks ----------


K1 = "Systemet ska kunna exportera ärendelistor till Excel."
K2 = "Systemet ska stödja BankID."
SCIM = "Lösningen ska ha stöd för SCIM 2.0."
ELSEWHERE = "Leverantören ska ha en kontaktperson."


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    out = tmp_path_factory.mktemp("edge")
    source = out / "edge.docx"
    document = docx.Document()
    document.add_heading("Krav", level=1)
    document.add_paragraph("")  # empty paragraphs are not counted by the extractor
    p = document.add_paragraph()
    for text, fmt in (
        ("K1 Sys", "bold"),
        ("temet ska kunna ", None),
        ("exportera", "italic"),
        (" ärendelistor till ", "underline"),
        ("Excel. Det", "bold"),
        (" behövs för uppföljning.", None),
    ):
        run = p.add_run(text)
        if fmt:
            setattr(run, fmt, True)
    p = document.add_paragraph()
    p.add_run("K3 Lösningen\u00a0ska  ha").font.size = Pt(14)  # NBSP and a double space normalise away
    p.add_run("\tstöd för SCIM 2.0.")
    document.add_paragraph(f"K4 {ELSEWHERE}")
    document.add_paragraph("K5 Detta stycke får en kommentar på hela stycket.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Krav-id", "Krav", "Ska/Bör")):
        cell.text = text
    row = table.rows[1].cells
    row[0].text = "K2"
    cell_p = row[1].paragraphs[0]
    cell_p.add_run("Systemet ska stödja ")
    cell_p.add_run("BankID").bold = True
    cell_p.add_run(". Det är viktigt för säkerheten.")
    row[1].add_paragraph("Andra stycket i cellen.")
    row[2].text = "Ska"
    document.save(str(source))

    blocks = {b.text: b for b in extract(source).blocks}

    def finding(req_id: str, text: str, block_text: str, code: str = "UG001", **moved) -> Finding:
        block = blocks[block_text]
        offset = block.text.find(text)
        start = (block.location.start or 0) + max(offset, 0)
        loc = block.location.model_copy(update={"start": start, "end": start + len(text), **moved})
        return Finding(
            code=code,
            name="feature-without-need",
            severity="warning",
            message=f"Meddelande om {req_id}.",
            question=f"Vilket behov har {req_id}?",
            suggestion=f"{text} Motivering: [behov].",
            location=loc,
            requirement_id=req_id,
            requirement_text=text,
            language="sv",
        )

    k1_block = next(t for t in blocks if t.startswith("K1 "))
    findings = (
        finding("K1", K1, k1_block),
        finding("K1", K1, k1_block, code="UG999"),  # a second finding on the same requirement
        finding("K3", SCIM, next(t for t in blocks if t.startswith("K3 "))),
        finding("K2", K2, next(t for t in blocks if t.startswith("K2 |"))),
        # The location names the heading, the text is in another paragraph: found elsewhere.
        finding("K4", ELSEWHERE, next(t for t in blocks if t.startswith("K4 ")), paragraph=0),
        # Text that is nowhere: the whole paragraph of the location gets the comment.
        finding("K5", "Texten finns inte i dokumentet.", next(t for t in blocks if t.startswith("K5 "))),
    )
    review = DocumentReview(
        path=str(source), format="docx", language="sv", requirements=(), goals=(), findings=findings
    )
    before = sha256(source)
    result = annotate_docx(source, review, out / "edge.annotated.docx")
    return source, before, review, result


def test_edge_document_anchors(edge):
    source, before, _, result = edge
    assert sha256(source) == before
    assert result.anchored == 4  # K1 twice, K3, K2
    assert result.fallback == 2
    assert result.unanchored == ("K4", "K5")
    found = comments(result.target)
    ranges = comment_ranges(result.target)
    got = [(c.text.split("\n")[0], ranges[c.comment_id]) for c in found]
    assert got == [
        ("UG001 feature-without-need", K1),  # K1's two findings share one comment
        ("UG001 feature-without-need", SCIM),
        ("UG001 feature-without-need", K2),
        ("UG001 feature-without-need", ELSEWHERE),
        ("UG001 feature-without-need", "K5 Detta stycke får en kommentar på hela stycket."),
    ]


def test_split_runs_keep_their_formatting(edge):
    source, _, _, result = edge
    document = docx.Document(str(result.target))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("K1 "))
    original = next(p for p in docx.Document(str(source)).paragraphs if p.text.startswith("K1 "))
    assert paragraph.text == original.text
    runs = [(r.text, r.bold, r.italic, r.underline) for r in paragraph.runs if r.text]
    assert runs == [
        ("K1 ", True, None, None),
        ("Sys", True, None, None),  # "K1 Sys" split at the requirement's start
        ("temet ska kunna ", None, None, None),
        ("exportera", None, True, None),
        (" ärendelistor till ", None, None, True),
        ("Excel.", True, None, None),
        (" Det", True, None, None),  # split at its end
        (" behövs för uppföljning.", None, None, None),
    ]
    # The range starts right before "Sys" and ends right after "Excel.".
    xml = etree.tostring(paragraph._p, encoding="unicode")
    assert (
        xml.index('commentRangeStart w:id="0"')
        < xml.index(">Sys<")
        < xml.index(">Excel.<")
        < xml.index('commentRangeEnd w:id="0"')
        < xml.index("> Det<")
    )
    cell = document.tables[0].rows[1].cells[1]
    assert cell.text == "Systemet ska stödja BankID. Det är viktigt för säkerheten.\nAndra stycket i cellen."
    assert [(r.text, r.bold) for r in cell.paragraphs[0].runs if r.text] == [
        ("Systemet ska stödja ", None),
        ("BankID", True),
        (".", None),
        (" Det är viktigt för säkerheten.", None),
    ]


def test_edge_document_text_unchanged(edge):
    source, _, _, result = edge
    assert [b.text for b in extract(result.target).blocks] == [b.text for b in extract(source).blocks]


# --- LibreOffice opens the copies ---------------------------------------------------------


def _soffice(files: list[Path], fmt: str, outdir: Path, work: Path) -> subprocess.CompletedProcess:
    exe = require_tool("soffice", "libreoffice")
    # Own HOME and profile: parallel runs must not share LibreOffice's user installation.
    env = {**os.environ, "HOME": str(work / "home")}
    command = [
        exe,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


# ExportNotes: the comments become PDF text notes, so one conversion shows LibreOffice read them.
PDF_WITH_NOTES = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'


@pytest.fixture(scope="module")
def converted(samples, edge, tmp_path_factory):
    work = tmp_path_factory.mktemp("soffice")
    runs = [(review, result) for _, _, review, result in [*samples.values(), edge]]
    proc = _soffice([result.target for _, result in runs], PDF_WITH_NOTES, work / "pdf", work)
    return runs, work, proc


def test_libreoffice_converts_the_copies_to_pdf_with_every_comment(converted):
    runs, work, proc = converted
    assert proc.returncode == 0, proc.stderr
    for review, result in runs:
        out = work / "pdf" / f"{result.target.stem}.pdf"
        assert out.is_file() and out.stat().st_size > 0, (result.target, proc.stdout, proc.stderr)
        notes = [annot.get_object() for page in pypdf.PdfReader(out).pages for annot in page.get("/Annots") or []]
        notes = [n for n in notes if n.get("/Subtype") == "/Text"]
        assert len(notes) == len(_groups(review.findings)), result.target.name
        assert all(str(n.get("/T", "")).startswith("Upphandlingsgranskare") for n in notes)
