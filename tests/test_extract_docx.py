"""DOCX extraction: headings, list numbering, tables with roles, nested tables, text boxes."""

from __future__ import annotations

import collections
from pathlib import Path

import docx  # noqa: E402
import pytest
from docx.oxml import parse_xml  # noqa: E402

from tests import extract_helpers as cx
from upphandlingsgranskare.extract import extract  # noqa: E402
from upphandlingsgranskare.models import CellRole  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

TEXT_BOX = f"""
<mc:AlternateContent {NS}>
  <mc:Choice Requires="wps">
    <w:drawing><wp:anchor><a:graphic><a:graphicData>
      <wps:wsp><wps:txbx><w:txbxContent>
        <w:p><w:r><w:t>Syftet med mallen är att stödja avropet.</w:t></w:r></w:p>
        <w:p><w:r><w:t>Andra stycket i textrutan.</w:t></w:r></w:p>
      </w:txbxContent></wps:txbx></wps:wsp>
    </a:graphicData></a:graphic></wp:anchor></w:drawing>
  </mc:Choice>
  <mc:Fallback>
    <w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>Syftet med mallen är att stödja avropet.</w:t></w:r></w:p>
      <w:p><w:r><w:t>Andra stycket i textrutan.</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:shape></w:pict>
  </mc:Fallback>
</mc:AlternateContent>
"""

# A multi-level list for numbered headings ("1.", "1.1") and lettered items ("a)").
ABSTRACT_NUM = f"""
<w:abstractNum {NS} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
"""
NUM = f'<w:num {NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def _number(paragraph, num_id: int, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _make_docx(path: Path) -> None:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(ABSTRACT_NUM))  # abstractNum elements precede num elements
    numbering.append(parse_xml(NUM))

    d.add_paragraph("Avropsmall IT-konsulttjänster")
    anchor = d.add_paragraph("Stycke med textruta.")
    anchor.runs[0]._r.append(parse_xml(TEXT_BOX))

    _number(d.add_heading("Inledning", level=1), 90, 0)
    d.add_paragraph("Det här är en\u00a0avropsförfrågan.  Med   extra mellanslag.")
    _number(d.add_heading("Bakgrund", level=2), 90, 1)
    _number(d.add_paragraph("Första bokstavspunkten"), 90, 2)
    _number(d.add_paragraph("Andra bokstavspunkten"), 90, 2)
    _number(d.add_heading("Omfattning", level=2), 90, 1)
    _number(d.add_paragraph("Ny bokstavsnumrering"), 90, 2)  # deeper level restarts: a)
    for text in ("Ett", "Två", "Tre"):
        d.add_paragraph(text, style="List Number")
    d.add_paragraph("En punkt", style="List Bullet")
    d.add_heading("Titel på dokumentet", level=0)  # "Title" style

    table = d.add_table(rows=4, cols=4)
    rows = [
        ("Krav-id", "Krav", "Ska/Bör", "Motivering"),
        ("K1", "Systemet ska logga alla inloggningar.", "Ska", "Spårbarhet krävs enligt lag."),
        ("K2", "Systemet bör ha mörkt läge.", "Bör", ""),
        ("K3", "Sammanslagen cell", "", ""),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    merged = table.cell(3, 1).merge(table.cell(3, 3))  # one cell spanning three columns
    merged.text = "Leverantören ska utbilda användare."

    d.add_paragraph("Text mellan tabellerna.")
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "Fråga"
    outer.cell(0, 1).text = "Svar"
    outer.cell(1, 0).text = "Beskriv lösningen."
    inner = outer.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Inre cell A"
    inner.cell(0, 1).text = "Inre cell B"
    d.add_paragraph("Sista stycket.")
    d.save(str(path))


@pytest.fixture()
def tender_docx(tmp_path: Path) -> Path:
    path = tmp_path / "mall.docx"
    _make_docx(path)
    return path


def test_paragraphs_headings_lists(tender_docx: Path) -> None:
    doc = extract(tender_docx)
    cx.assert_consistent(doc, str(tender_docx))
    assert doc.format == "docx" and doc.extractor.startswith("python-docx")
    blocks = [b for b in doc.blocks if b.kind != "table_row"]
    by_text = {b.text: b for b in blocks}

    # numbered headings carry their rendered number
    assert by_text["1. Inledning"].kind == "heading" and by_text["1. Inledning"].level == 1
    assert by_text["1.1 Bakgrund"].level == 2
    assert by_text["1.2 Omfattning"].level == 2
    assert by_text["Titel på dokumentet"].kind == "heading"

    labels = {b.text: b.list_label for b in blocks if b.kind == "list_item"}
    assert labels["Första bokstavspunkten"] == "a)"
    assert labels["Andra bokstavspunkten"] == "b)"
    assert labels["Ny bokstavsnumrering"] == "a)"
    assert [labels["Ett"], labels["Två"], labels["Tre"]] == ["1.", "2.", "3."]
    assert labels["En punkt"] == "•"

    assert "Det här är en avropsförfrågan. Med extra mellanslag." in by_text

    # text box paragraphs follow their anchor paragraph, once (the VML fallback is skipped)
    texts = [b.text for b in blocks]
    i = texts.index("Stycke med textruta.")
    assert texts[i + 1 : i + 3] == ["Syftet med mallen är att stödja avropet.", "Andra stycket i textrutan."]
    assert sum(t == "Syftet med mallen är att stödja avropet." for t in doc.text.split("\n")) == 1

    # paragraph index: running counter over non-table blocks
    assert [b.location.paragraph for b in blocks] == list(range(len(blocks)))
    assert all(b.location.table is None for b in blocks)


def test_tables_roles_merged_and_nested(tender_docx: Path) -> None:
    doc = extract(tender_docx)
    rows = [b for b in doc.blocks if b.kind == "table_row"]

    head, k1, k2, k3 = rows[:4]
    assert head.is_header and head.location.table == 0 and head.location.row == 0
    assert [c.role for c in head.cells] == [CellRole.ID, CellRole.TEXT, CellRole.KIND, CellRole.RATIONALE]
    assert k1.text == "K1 | Systemet ska logga alla inloggningar. | Ska | Spårbarhet krävs enligt lag."
    assert k1.cell(CellRole.TEXT).text == "Systemet ska logga alla inloggningar."
    assert k1.cell(CellRole.TEXT).header == "Krav"
    assert k1.cell(CellRole.ID).text == "K1" and k1.cell(CellRole.KIND).text == "Ska"
    assert k1.cell(CellRole.RATIONALE).header == "Motivering"
    assert k2.text == "K2 | Systemet bör ha mörkt läge. | Bör"
    assert k2.location.row == 2
    # merged cell: one Cell, not three copies
    assert len(k3.cells) == 2
    assert k3.text == "K3 | Leverantören ska utbilda användare."
    assert k3.cell(CellRole.TEXT).text == "Leverantören ska utbilda användare."

    outer_rows = [b for b in rows if b.location.table == 1]
    inner_rows = [b for b in rows if b.location.table == 2]
    assert [b.text for b in outer_rows] == ["Fråga | Svar", "Beskriv lösningen."]
    assert [b.text for b in inner_rows] == ["Inre cell A | Inre cell B"]
    # the nested table's row comes right after its parent row, and its text is not in the parent
    order = [b.text for b in doc.blocks]
    assert order.index("Inre cell A | Inre cell B") == order.index("Beskriv lösningen.") + 1
    assert order[-1] == "Sista stycket."


def test_input_not_modified(tender_docx: Path) -> None:
    before = cx.sha256(tender_docx)
    extract(tender_docx)
    assert cx.sha256(tender_docx) == before


# --- real documents ----------------------------------------------------------------------


def test_real_adda_template() -> None:
    path = cx.realdoc("sv/adda-mall-avropsforfragan-resursuppdrag.docx")
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    kinds = collections.Counter(b.kind for b in doc.blocks)
    assert kinds["heading"] >= 20 and kinds["table_row"] >= 30 and kinds["list_item"] >= 5
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert "1. Inledning" in headings  # number rendered from numbering.xml
    assert "4.1 Form, innehåll och språk" in headings  # lvlText "4.%1"
    assert "5.4 Krav på konsulten" in headings
    # the text box at the top is extracted exactly once
    box = [b for b in doc.blocks if b.text.startswith("Syftet med mallen är att den ska vara ett stöd")]
    assert len(box) == 1
    tables = {b.location.table for b in doc.blocks if b.kind == "table_row"}
    assert max(tables) + 1 >= 25


def test_real_indigo_requirement_tables() -> None:
    path = cx.realdoc("no/indigo-ikt-kravspesifikasjon.docx")
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    headers = [b for b in doc.blocks if b.kind == "table_row" and b.is_header]
    assert len(headers) >= 20
    reqs = [b for b in doc.blocks if b.kind == "table_row" and not b.is_header and b.cell(CellRole.TEXT)]
    assert len(reqs) >= 100
    first = next(b for b in reqs if b.cell(CellRole.ID) and b.cell(CellRole.ID).text == "K1")
    assert first.cell(CellRole.TEXT).text.startswith("Kunden har behov for en løsning")
    assert first.cell(CellRole.KIND).text == "AV"
    # table-of-contents lines are not repeated as text
    assert not any(b.text.startswith("7.4Funksjonalitetskrav") for b in doc.blocks)
    assert "1 Innledning" in [b.text for b in doc.blocks if b.kind == "heading"]


@pytest.mark.parametrize(
    "name, header, matrix",
    [
        ("virginia-vdot-oracle-hcm-sor.docx", "Functional Area | Implementation Expectations", True),
        # A table of the buyer's staff: "Description" describes a role, it is no requirement text.
        ("virginia-vdot-cnsp-sor.docx", "Role | Description | % Project Availability", False),
        ("virginia-vita-salesforce-om-sor.docx", "Role | Description | % Project Availability", False),
    ],
)
def test_real_virginia(name: str, header: str, matrix: bool) -> None:
    path = cx.realdoc(f"en/{name}")
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    head = next(b for b in doc.blocks if b.text == header)
    following = [b for b in doc.blocks if b.location.table == head.location.table and b is not head]
    if matrix:
        assert head.is_header and CellRole.TEXT in [c.role for c in head.cells]
        assert following and all(b.cells[0].header for b in following)
    else:
        assert not head.is_header and following
        assert all(c.role is CellRole.OTHER for b in [head, *following] for c in b.cells)
    assert any(b.kind == "list_item" for b in doc.blocks)
    # "Event | Date" tables have no requirement column: no header roles
    event = next(b for b in doc.blocks if b.text == "Event | Date")
    assert not event.is_header and all(c.role is CellRole.OTHER for c in event.cells)
