"""Goal sections under headings that are only formatted (issue 17): bold or underlined DOCX paragraphs
without a heading style, bold or larger PDF lines, and the goal-section titles real tenders use."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from upphandlingsgranskare.extract import extract
from upphandlingsgranskare.review import review_document
from upphandlingsgranskare.trace.goals import section_kind

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
needs_realdocs = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs not present")


def _formatted_statement(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Introduction:", style="List Number").runs[0].bold = True
    doc.add_paragraph().add_run("Business Need").underline = True
    doc.add_paragraph("The county needs to cut the time from application to decision from ten to four weeks.")
    doc.add_paragraph().add_run("Scope of Work").bold = True
    doc.add_paragraph("The system shall provide a dashboard with real-time KPIs.")
    bold_sentence = doc.add_paragraph().add_run("The system shall export reports.")
    bold_sentence.bold = True
    doc.save(path)
    return path


def test_docx_paragraphs_only_bold_or_underlined_are_headings(tmp_path: Path) -> None:
    blocks = extract(_formatted_statement(tmp_path / "sor.docx")).blocks
    kinds = {b.text: (b.kind, b.level) for b in blocks}
    assert kinds["Business Need"] == ("heading", 2)
    assert kinds["Scope of Work"] == ("heading", 2)
    assert kinds["1. Introduction:"] == ("heading", 1)
    # A bold sentence is emphasis, not a title.
    assert kinds["The system shall export reports."][0] == "paragraph"


def test_goal_under_an_underlined_business_need_is_found(tmp_path: Path) -> None:
    review = review_document(_formatted_statement(tmp_path / "sor.docx"))
    assert [g.heading for g in review.goals] == ["Business Need"]
    assert "UG201" not in {f.code for f in review.findings}


@pytest.mark.parametrize(
    ("title", "language"),
    [
        ("Benefits", "en"),
        ("Business Need", "en"),
        ("Desired outcomes", "en"),
        ("Objectives", "en"),
        ("Bakgrund och behov", "sv"),
        ("Verksamhetens behov", "sv"),
        ("Nyttor", "sv"),
        ("3.1 Effektmål", "sv"),
    ],
)
def test_goal_section_titles_of_real_tenders(title: str, language: str) -> None:
    assert section_kind(title, language) == "goal"


def test_background_alone_is_still_background() -> None:
    assert section_kind("Bakgrund", "sv") == "background"
    assert section_kind("Current situation", "en") == "background"


@needs_realdocs
def test_indiana_bold_objectives_and_benefits_are_goal_sections() -> None:
    pdf = REALDOCS / "en" / "indiana-npefs-sor.pdf"
    headings = {b.text: b.level for b in extract(pdf).blocks if b.kind == "heading"}
    assert headings["Objectives"] == headings["Benefits"] == 2  # under "1. Project Identification"
    review = review_document(pdf)
    sections = {g.heading for g in review.goals}
    assert sections == {"Objectives", "Benefits"}
    assert "UG201" not in {f.code for f in review.findings}


@needs_realdocs
@pytest.mark.parametrize(
    "name", ["virginia-vdot-cnsp-sor.docx", "virginia-vdot-oracle-hcm-sor.docx", "virginia-vita-salesforce-om-sor.docx"]
)
def test_virginia_business_need_is_a_goal_section(name: str) -> None:
    review = review_document(REALDOCS / "en" / name)
    assert "Business Need" in {g.heading for g in review.goals}
    codes = {f.code for f in review.findings}
    assert "UG201" not in codes
    # The Business Need sentence itself is a goal, never a flagged requirement.
    business_need = [g.text for g in review.goals if g.heading == "Business Need"]
    assert not [f for f in review.findings if f.code == "UG001" and f.requirement_text in business_need]


def test_xlsx_bold_title_row_opens_a_goal_section(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    goals = workbook.active
    goals.title = "Mål"
    goals["A1"] = "Effektmål"
    goals["A1"].font = Font(bold=True)
    goals["A2"] = "Handläggningstiden för bygglov ska minska från tio till fyra veckor."
    matrix = workbook.create_sheet("Krav")
    matrix.append(["Kravnr", "Kravtext", "Ska/Bör"])
    matrix.append(["K1", "Systemet ska ha stöd för inloggning med SITHS-kort.", "Ska"])
    path = tmp_path / "krav.xlsx"
    workbook.save(path)
    blocks = extract(path).blocks
    assert [(b.text, b.kind) for b in blocks if b.kind == "heading"] == [("Effektmål", "heading"), ("Krav", "heading")]
    review = review_document(path)
    assert [g.text for g in review.goals] == ["Handläggningstiden för bygglov ska minska från tio till fyra veckor."]
    # The next sheet is no part of the goal section: its requirement is a requirement.
    assert "K1" in {f.requirement_id for f in review.findings if f.code == "UG001"}
    assert "UG201" not in {f.code for f in review.findings}


def test_one_word_principles_and_deadlines_are_no_goals() -> None:
    from upphandlingsgranskare.trace.goals import is_goal_item

    assert not is_goal_item("Secure") and not is_goal_item("Scaleable")
    assert not is_goal_item("The project should be completed by June 1, 2023.")
    assert not is_goal_item("Systemet ska vara i drift senast 1 juni 2027.")
    assert is_goal_item("Kortare handläggningstider")
    assert is_goal_item("Ensure timely release of federal funds to schools based upon the NPEFS analysis and results.")


@needs_realdocs
def test_real_goal_lists_keep_goals_only() -> None:
    indiana = review_document(REALDOCS / "en" / "indiana-npefs-sor.pdf")
    assert len(indiana.goals) == 7 and not [g for g in indiana.goals if "June 1, 2023" in g.text]
    salesforce = review_document(REALDOCS / "en" / "virginia-vita-salesforce-om-sor.docx")
    assert not {"Secure", "Scaleable", "Repeatable"} & {g.text for g in salesforce.goals}
