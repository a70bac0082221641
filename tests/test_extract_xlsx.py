"""XLSX extraction: header detection, roles, cell references, values, caps, real workbook."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import openpyxl  # noqa: E402
import pytest

from tests import extract_helpers as cx
from upphandlingsgranskare.extract import extract, xlsx  # noqa: E402
from upphandlingsgranskare.models import CellRole  # noqa: E402


def _make_xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Krav"
    ws["A1"] = "Kravspecifikation för e-tjänst"
    ws["A2"] = "Version 2"
    # row 3 empty
    ws.append([])
    ws["B4"], ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "Krav-id", "Kravtext", "Ska/Bör", "Motivering", "Poäng"
    ws.append([None, "K1", "Systemet ska   exportera\ndata.", "Ska", "Arkivlagen", 2.0])
    ws.append([None, "K2", "Systemet bör ha mörkt läge.", "Bör", None, 1.5])
    ws.append([None, "K3", "Leverantören ska utbilda.", "Ska", dt.datetime(2024, 3, 1), "=1+1"])
    ws.append([])
    ws.append([None, None, "Avslutande rad utan id", None, None, 10])

    other = wb.create_sheet("Övrigt")
    other["A1"] = "Fritt"
    other["B1"] = "Blad utan rubrikrad"
    other["A3"] = 3
    wb.save(str(path))


@pytest.fixture()
def tender_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "krav.xlsx"
    _make_xlsx(path)
    return path


def test_header_roles_and_rows(tender_xlsx: Path) -> None:
    doc = extract(tender_xlsx)
    cx.assert_consistent(doc, str(tender_xlsx))
    assert doc.format == "xlsx"
    krav = [b for b in doc.blocks if b.location.sheet == "Krav"]

    # title rows above the header are paragraphs
    assert [(b.kind, b.text, b.location.row, b.location.cell) for b in krav[:2]] == [
        ("paragraph", "Kravspecifikation för e-tjänst", 1, "A1"),
        ("paragraph", "Version 2", 2, "A2"),
    ]
    head = krav[2]
    assert head.kind == "sheet_row" and head.is_header and head.location.row == 4
    assert [c.role for c in head.cells] == [
        CellRole.ID,
        CellRole.TEXT,
        CellRole.KIND,
        CellRole.RATIONALE,
        CellRole.OTHER,
    ]

    k1, k2, k3, last = krav[3:]
    assert k1.text == "K1 | Systemet ska exportera data. | Ska | Arkivlagen | 2"
    assert k1.location.cell == "C5" and k1.location.row == 5
    text_cell = k1.cell(CellRole.TEXT)
    assert text_cell.ref == "C5" and text_cell.header == "Kravtext"
    assert k1.cell(CellRole.ID).ref == "B5" and k1.cell(CellRole.RATIONALE).text == "Arkivlagen"
    assert k2.text.endswith("| 1.5") and k2.cell(CellRole.RATIONALE) is None
    assert "2024-03-01" in k3.text
    assert "=1+1" not in doc.text  # formulas are never read, only cached values
    assert last.location.row == 9 and last.location.cell == "C9"
    assert last.cell(CellRole.TEXT).text == "Avslutande rad utan id"

    # a sheet without a recognisable header: rows of OTHER cells, workbook order kept
    other = [b for b in doc.blocks if b.location.sheet == "Övrigt"]
    assert [b.text for b in other] == ["Fritt | Blad utan rubrikrad", "3"]
    assert all(b.kind == "sheet_row" and not b.is_header for b in other)
    assert all(c.role is CellRole.OTHER and c.header is None for b in other for c in b.cells)
    assert other[1].location.cell == "A3"
    assert doc.blocks[-1].location.sheet == "Övrigt"


def test_row_cap_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "stor.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Id", "Krav"])
    for i in range(1, 26):
        ws.append([f"K{i}", f"Krav nummer {i}"])
    wb.save(str(path))
    monkeypatch.setattr(xlsx, "MAX_ROWS_PER_SHEET", 10)
    doc = extract(path)
    rows = [b for b in doc.blocks if b.kind == "sheet_row"]
    assert len(rows) == 10
    note = doc.blocks[-1]
    assert note.kind == "paragraph" and "16 rows after row 10 were not read" in note.text


def test_format_value() -> None:
    assert xlsx.format_value(3.0) == "3"
    assert xlsx.format_value(103.41199999999999) == "103.412"
    assert xlsx.format_value(dt.datetime(2022, 9, 26)) == "2022-09-26"
    assert xlsx.format_value(dt.datetime(2022, 9, 26, 14, 30)) == "2022-09-26 14:30"
    assert xlsx.format_value(dt.date(2022, 9, 26)) == "2022-09-26"
    assert xlsx.format_value(True) == "TRUE"
    assert xlsx.format_value("  a\u00a0 b\n c ") == "a b c"


def test_input_not_modified(tender_xlsx: Path) -> None:
    before = cx.sha256(tender_xlsx)
    extract(tender_xlsx)
    assert cx.sha256(tender_xlsx) == before


def test_real_adda_workbook() -> None:
    path = cx.realdoc("sv/adda-efterfragat-resursbehov-bilaga-b.xlsx")
    before = cx.sha256(path)
    doc = extract(path)  # ~1 s here; deliberately no timing assert
    cx.assert_consistent(doc, str(path))
    assert cx.sha256(path) == before
    sheets = collections.Counter(b.location.sheet for b in doc.blocks)
    assert len(sheets) >= 5
    # Each sheet after the bold title row of "Index Prissättning" starts under its own title (issue 17).
    assert sheets["DB"] == 1345 + 1 and sheets["Prislista 2025-05-01"] >= 1340
    assert [b.text for b in doc.blocks if b.location.sheet == "DB"][0] == "DB"
    # instruction text lives in a drawn text box: it is extracted too
    assert any(
        b.location.sheet == "Instruktioner" and b.text.startswith("För att fastställa rangordningen")
        for b in doc.blocks
    )
    # numbers are rendered as Excel shows them, not as float reprs
    assert "103.412" in doc.text and "103.41199999999999" not in doc.text
