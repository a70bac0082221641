"""PDF extraction: headers/footers, paragraph joining, hyphenation, headings, real exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import extract_helpers as cx
from upphandlingsgranskare.extract import extract  # noqa: E402
from upphandlingsgranskare.extract.pdf import build_blocks, strip_headers_footers  # noqa: E402

fpdf = pytest.importorskip("fpdf")

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

HEADER = "Testkommunen Avropsförfrågan Konsulttjänster"
FOOTER = "Dokument 2024-001 Publicerad 2024-01-15 10:00"

PAGES = [
    [
        "1. Inledning",
        "Detta är en avropsförfrågan som gäller förnyad konkurrensutsättning av konsulter för",
        "kommunens verksamhet och omfattar även stöd vid framtagandet av upphandlings-",
        "dokumentet samt tillhörande bilagor enligt det gällande ramavtalet för kommunen.",
        "1.1 Bakgrund om uppdraget",
        "Avropet görs enligt ramavtalet IT-",
        "konsulttjänster 2021 och Offentlighets-",
        "och sekretesslagen gäller för alla handlingar som lämnas in till kommunen.",
        "Leverantören ska under hela avtalstiden ha tillgång till en ersättare med motsvarande",
    ],
    [
        "kompetens om den offererade konsulten blir sjuk eller av annat skäl inte kan arbeta.",
        "2. Krav på leverantören",
        "Leverantören ska:",
        "Ha erfarenhet av minst tre liknande uppdrag inom offentlig sektor under de senaste fem",
        "åren och kunna redovisa dessa. Referenser ska bifogas anbudet.",
        "•",
        "Kunna påbörja uppdraget inom två veckor.",
        "•",
        "Tillhandahålla CV för offererad konsult.",
        "•",
        "• Arbeta på plats i kommunens lokaler",
    ],
    [
        "3. Utvärdering",
        "Anbudet med lägst utvärderingspris antas. Avtalet omfattar följande handlingar:",
        "1. Detta kontrakt",
        "2. Bilagor till kontraktet",
        "2023-05-17",
        "118 82, Stockholm",
        "a) Första punkten i listan",
    ],
]


def _make_pdf(path: Path, pages: list[list[str]]) -> None:
    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(False)
    if DEJAVU.exists():
        pdf.add_font("DejaVu", "", str(DEJAVU))
        pdf.set_font("DejaVu", size=10)
    else:  # core font: latin-1 only, the bullet is not available
        pdf.set_font("Helvetica", size=10)
    n = len(pages)
    for i, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.cell(0, 6, HEADER, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        for line in lines:
            if not DEJAVU.exists():
                line = line.replace("•", "-")
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-25)
        pdf.cell(0, 6, FOOTER, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 6, f"Sida {i}/{n}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.fixture()
def tender_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "avrop.pdf"
    _make_pdf(path, PAGES)
    return path


def test_synthetic_pdf(tender_pdf: Path) -> None:
    doc = extract(tender_pdf)
    cx.assert_consistent(doc, str(tender_pdf))
    assert doc.format == "pdf" and doc.pages == 3
    assert doc.extractor.startswith("pypdfium2 ")
    texts = [b.text for b in doc.blocks]

    # headers, footers and page numbers are gone
    assert not any(re.search(r"Sida \d", t) for t in texts)
    assert not any("Publicerad 2024-01-15" in t or HEADER in t for t in texts)

    by_text = {b.text: b for b in doc.blocks}
    h1 = by_text["1. Inledning"]
    assert h1.kind == "heading" and h1.level == 1 and h1.location.page == 1
    assert h1.location.paragraph == 0
    assert by_text["1.1 Bakgrund om uppdraget"].level == 2
    assert by_text["2. Krav på leverantören"].location.page == 2

    # a paragraph broken over lines, with a hyphenated word, is one block
    assert (
        "Detta är en avropsförfrågan som gäller förnyad konkurrensutsättning av konsulter för "
        "kommunens verksamhet och omfattar även stöd vid framtagandet av upphandlingsdokumentet "
        "samt tillhörande bilagor enligt det gällande ramavtalet för kommunen."
    ) in texts
    # "IT-" keeps its hyphen; "Offentlighets- och" keeps hyphen and space
    assert any("ramavtalet IT-konsulttjänster 2021 och Offentlighets- och sekretesslagen gäller" in t for t in texts)

    # the paragraph continues across the page break and belongs to page 1
    across = next(b for b in doc.blocks if "med motsvarande kompetens om den offererade" in b.text)
    assert across.location.page == 1

    # lone bullets are never text; the item before them becomes a list item
    assert "•" not in texts and "-" not in texts
    if DEJAVU.exists():
        item = next(b for b in doc.blocks if b.text.startswith("Ha erfarenhet"))
        assert item.kind == "list_item" and item.list_label == "•"
        assert item.text.endswith("Referenser ska bifogas anbudet.")
        assert by_text["Kunna påbörja uppdraget inom två veckor."].kind == "list_item"
    assert by_text["Arbeta på plats i kommunens lokaler"].kind == "list_item"

    # numbered list items, dates and postal addresses are not headings
    assert by_text["Detta kontrakt"].kind == "list_item" and by_text["Detta kontrakt"].list_label == "1."
    assert by_text["2023-05-17"].kind == "paragraph"
    assert by_text["118 82, Stockholm"].kind == "paragraph"
    assert by_text["Första punkten i listan"].list_label == "a)"

    # paragraph index restarts on each page
    for page in (1, 2, 3):
        idx = [b.location.paragraph for b in doc.blocks if b.location.page == page]
        assert idx == list(range(len(idx)))


def test_strip_headers_footers_unit() -> None:
    pages = [
        ["Rapport 2024", "Innehåll sida ett", "Mer text", "Sida 1 av 3"],
        ["Rapport 2024", "Innehåll sida två", "Page 2 of 3"],
        ["Rapport 2024", "Innehåll sida tre", "- 3 -"],
    ]
    assert strip_headers_footers(pages) == [
        ["Innehåll sida ett", "Mer text"],
        ["Innehåll sida två"],
        ["Innehåll sida tre"],
    ]


def test_heading_rules_unit() -> None:
    lines = [
        "1. Avropsförfrågan",
        "Inledande text.",
        "3 Konsulten visar god förståelse",  # out of sequence: table cell, not a heading
        "2. Krav på utförandet av tjänsten",
        "2.1.4 Kommunikation och kontakt",
        "2.2 Detta är en mycket lång mening som slutar med punkt och därför inte ska bli någon rubrik alls.",
    ]
    blocks = build_blocks([lines], "x.pdf")
    kinds = {b.text: (b.kind, b.level) for b in blocks}
    assert kinds["1. Avropsförfrågan"] == ("heading", 1)
    assert kinds["2. Krav på utförandet av tjänsten"] == ("heading", 1)
    assert kinds["2.1.4 Kommunikation och kontakt"] == ("heading", 3)
    assert kinds["3 Konsulten visar god förståelse"][0] == "paragraph"
    assert all(k != "heading" for t, (k, _) in kinds.items() if t.startswith("2.2 Detta"))


def test_input_not_modified(tender_pdf: Path) -> None:
    before = cx.sha256(tender_pdf)
    extract(tender_pdf)
    assert cx.sha256(tender_pdf) == before


# --- real documents ----------------------------------------------------------------------


def test_real_inera_avrop_6() -> None:
    path = cx.realdoc("sv/inera-avrop-6.pdf")
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    assert doc.pages == 14
    texts = [b.text for b in doc.blocks]
    assert not any(re.search(r"Sida \d+/\d+", t) for t in texts)
    assert not any("Publicerad 2023-05-17 16:07" in t and t != "Publicerad 2023-05-17 16:07" for t in texts)
    assert not any(t.startswith("2023050009 Avropsförfrågan Processledare") for t in texts)
    assert "•" not in texts

    bakgrund = next(b for b in doc.blocks if b.text == "1.2 Bakgrund om uppdraget")
    assert bakgrund.kind == "heading" and bakgrund.level == 2 and bakgrund.location.page == 1
    assert any(b.kind == "heading" and b.text == "2.1.4 Kommunikation och kontakt" for b in doc.blocks)
    # a heading wrapped onto two lines is one heading
    assert "1.11 Förtydligande, kompletteringar eller frågor om upphandlingsdokumentet" in texts

    # a sentence broken over two lines in the source is one block
    assert any(
        "Inera driver ett projektkontor där vi följer upp projektverksamheten, stödjer medarbetare "
        "och ledning, förvaltar rutiner, modeller och projektsystem." in t
        for t in texts
    )
    # a paragraph continued over the page break 1 -> 2 starts on page 1
    cont = next(b for b in doc.blocks if "Förfrågan sänds ut till samtliga leverantörer som är antagna" in b.text)
    assert cont.location.page == 1

    # TendSign multi-line items with a trailing bullet are list items
    item = next(b for b in doc.blocks if b.text.startswith("Uppföljning av projekt och uppdrag en gång per månad"))
    assert item.kind == "list_item" and item.text.endswith("gå igenom status och åtgärder i deras portföljer")

    # numbered lists inside the contract are not headings
    assert next(b for b in doc.blocks if b.text == "Detta kontrakt").kind == "list_item"
    assert next(b for b in doc.blocks if b.text == "118 82, Stockholm").kind == "paragraph"


def test_real_inera_footer_over_several_lines() -> None:
    path = cx.realdoc("sv/inera-avrop-30.pdf")
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    texts = [b.text for b in doc.blocks]
    assert not any("2024030028 Avrop för konsultstöd utredning av Ineras" in t for t in texts)
    assert not any(re.search(r"Sida \d+/\d+", t) for t in texts)


def test_real_pdfs_all_extract() -> None:
    for path in cx.realdocs_glob("*/*.pdf"):
        doc = extract(path)
        cx.assert_consistent(doc, str(path))
        kinds = {b.kind for b in doc.blocks}
        assert "paragraph" in kinds
        # page-number lines never survive
        assert not any(re.fullmatch(r"(Sida|Page) \d+ ?(/|of) ?\d+", b.text) for b in doc.blocks)


def test_real_indiana_headers_removed() -> None:
    path = cx.realdoc("en/indiana-npefs-sor.pdf")
    doc = extract(path)
    texts = [b.text for b in doc.blocks]
    assert doc.pages == 13
    assert "Statement of Requirements (SOR)" not in texts
    assert not any(t.startswith("Page ") and " of 13" in t for t in texts)
    numbered = [b.text for b in doc.blocks if b.kind == "heading" and b.text[:1].isdigit()]
    assert numbered[:3] == ["1. Project Identification", "2. Acronyms/Definitions", "3. Scope of Work & Deliverables"]
    # The bold, unnumbered titles are headings too (issue 17), one level under the numbered ones.
    headings = {b.text: b.level for b in doc.blocks if b.kind == "heading"}
    assert headings["Objectives"] == headings["Benefits"] == 2


def test_bullet_ahead_is_one_pass_with_the_same_answers() -> None:
    """``_bullet_ahead`` reads each line once (it was ten regex passes a line); its answers are those of
    the plain definition: a lone bullet within ten lines, before any list item, heading or lead-in."""
    import random

    from upphandlingsgranskare.extract import pdf

    def by_definition(lines: list[str], reach: int = 10) -> list[bool]:
        out = []
        for i in range(len(lines)):
            found = False
            for line in lines[i : i + reach]:
                if pdf.LONE_BULLET.match(line):
                    found = True
                    break
                if pdf._hard_boundary(line) or line.endswith(":"):
                    break
            out.append(found)
        return out

    pool = ["•", "•  ", "- Punkt", "1.2 Rubrik", "Följande gäller:", "löptext", "K12 Systemet ska", ""]
    rng = random.Random(20)
    for _ in range(2_000):
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
        assert pdf._bullet_ahead(lines) == by_definition(lines), lines
