"""Annotated DOCX and PDF copies keep the original's other parts: the DOCX is edited at package level,
the PDF gets an incremental update; both carry the tool's marker; comments are added with ids counted
once, and a copy reviewed again gets no second comment on a finding it already holds."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest

from tests.tools import package_parts
from upphandlingsgranskare.models import DocumentReview, Finding, Location
from upphandlingsgranskare.report.annotate_docx import annotate_docx
from upphandlingsgranskare.report.annotate_pdf import annotate_pdf
from upphandlingsgranskare.report.package import is_marked
from upphandlingsgranskare.review import review_document

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
SALESFORCE = REALDOCS / "en" / "virginia-vita-salesforce-om-sor.docx"
SAMPLES = Path(__file__).resolve().parent.parent / "corpora" / "samples"
SV_DOCX = SAMPLES / "sv-kravspecifikation-arendehantering.docx"
SV_PDF = SAMPLES / "sv-forfragningsunderlag-lonesystem.pdf"
MAY_CHANGE = re.compile(
    r"^(word/document\.xml|word/comments\d*\.xml|word/_rels/document\.xml\.rels"
    r"|\[Content_Types\]\.xml|_rels/\.rels|docProps/custom\.xml)$"
)


@pytest.mark.parametrize("source", [SALESFORCE, SV_DOCX], ids=lambda p: p.name)
def test_docx_copy_changes_only_the_parts_it_needs(source, tmp_path):
    if not source.is_file():
        pytest.skip(f"{source} not present")
    original = source.read_bytes()
    review = review_document(source)
    assert review.findings
    copy = annotate_docx(source, review, tmp_path / "copy.docx").target
    assert source.read_bytes() == original
    before, after = package_parts(source), package_parts(copy)
    assert set(before) <= set(after)
    assert all(MAY_CHANGE.match(name) for name in set(after) - set(before))
    changed = {name for name in before if before[name] != after[name]}
    assert all(MAY_CHANGE.match(name) for name in changed), sorted(changed)
    with zipfile.ZipFile(source) as zs, zipfile.ZipFile(copy) as zc:
        assert zc.namelist()[: len(before)] == zs.namelist()
    assert is_marked(copy) and not is_marked(source)
    # One comment per flagged requirement, listing its findings (issue 17).
    requirements = {
        (f.location.paragraph, f.location.table, f.location.row, f.location.start, f.requirement_text)
        for f in review.findings
    }
    assert len(list(docx.Document(str(copy)).comments)) == len(requirements)


def test_reviewing_the_annotated_copy_adds_no_second_comment(tmp_path):
    first = annotate_docx(SV_DOCX, review_document(SV_DOCX), tmp_path / "krav.granskad.docx").target
    count = len(list(docx.Document(str(first)).comments))
    again = review_document(first)
    assert (
        len(
            {
                (f.location.paragraph, f.location.table, f.location.row, f.location.start, f.requirement_text)
                for f in again.findings
            }
        )
        == count
    )  # one comment per flagged requirement
    second = annotate_docx(first, again, tmp_path / "krav.granskad.granskad.docx").target
    assert len(list(docx.Document(str(second)).comments)) == count


def test_comment_ids_continue_after_the_existing_ones(tmp_path):
    source = tmp_path / "with-comments.docx"
    document = docx.Document()
    paragraphs = [document.add_paragraph(f"Systemet ska ha stöd för export nummer {n}.") for n in range(4)]
    for paragraph in paragraphs[:2]:
        document.add_comment(paragraph.runs, text="Beställarens kommentar", author="Beställare")
    document.save(source)
    # An id far above the others, as documents merged from several sources have.
    data = package_parts(source)
    data["word/comments.xml"] = data["word/comments.xml"].replace(b'w:id="1"', b'w:id="900"')
    data["word/document.xml"] = data["word/document.xml"].replace(b'w:id="1"', b'w:id="900"')
    with zipfile.ZipFile(source, "w") as out:
        for name, blob in data.items():
            out.writestr(name, blob)

    def finding(n: int) -> Finding:
        text = f"Systemet ska ha stöd för export nummer {n}."
        return Finding(
            code="UG001",
            name="feature-without-need",
            severity="warning",
            message=f"Behov {n}?",
            question="Varför?",
            suggestion="",
            requirement_id=f"R{n}",
            requirement_text=text,
            language="sv",
            location=Location(file=str(source), paragraph=n),
        )

    review = DocumentReview(
        path=str(source),
        format="docx",
        language="sv",
        requirements=(),
        goals=(),
        findings=tuple(finding(n) for n in range(4)),
    )
    copy = annotate_docx(source, review, tmp_path / "copy.docx").target
    found = list(docx.Document(str(copy)).comments)
    ids = [c.comment_id for c in found]
    assert len(ids) == len(set(ids)) == 6
    assert sorted(ids) == [0, 900, 901, 902, 903, 904]
    assert Counter(c.author for c in found) == {"Beställare": 2, "Upphandlingsgranskare": 4}
    xml = package_parts(copy)["word/document.xml"].decode()
    for comment_id in (901, 902, 903, 904):
        assert xml.count(f'w:commentRangeStart w:id="{comment_id}"') == 1
        assert xml.count(f'w:commentReference w:id="{comment_id}"') == 1


def test_pdf_copy_keeps_the_original_bytes_and_is_marked(tmp_path):
    original = SV_PDF.read_bytes()
    copy = annotate_pdf(SV_PDF, review_document(SV_PDF), tmp_path / "copy.pdf").target
    assert SV_PDF.read_bytes() == original
    assert copy.read_bytes().startswith(original)  # an incremental update: every original object untouched
    assert is_marked(copy) and not is_marked(SV_PDF)
