"""XLSX extraction with openpyxl (read-only, cached values: formulas are never evaluated).

Per sheet, in workbook order: text in drawn shapes (instruction text boxes) first, then the
non-empty rows. A header row is looked for among the first rows; rows above it (titles)
become paragraphs, the header row and the rows below it become ``sheet_row`` blocks whose
cells carry the column's role, header text and cell reference. Without a recognisable header
every row is a ``sheet_row`` of OTHER cells.

``Location``: ``sheet`` = sheet title, ``row`` = 1-based sheet row, ``cell`` = reference of
the TEXT-role cell (or of the first non-empty cell).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import warnings
import zipfile
from pathlib import Path

from lxml import etree

from ..models import Block, Cell, CellRole, ExtractedDocument, ExtractionError, Location
from ._emphasis import heading_shaped
from .characters import normalize
from .limits import DEFAULT_LIMITS, Deadline, ExtractionLimits, limit_exceeded, unlimited_deadline
from .offsets import build_document
from .roles import detect_roles, looks_like_header
from .safe_xml import safe_xml_parser

MAX_ROWS_PER_SHEET = 5000
HEADER_SEARCH_ROWS = 15

_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def format_value(value: object) -> str:
    """A cell value as text: integers without ".0", dates in ISO form, strings normalised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return normalize(str(value))


def read_xlsx(
    path: Path, shown: str, *, limits: ExtractionLimits = DEFAULT_LIMITS, deadline: Deadline | None = None
) -> ExtractedDocument:
    """Read an XLSX; ``extract()`` has checked the package first (size, zip bomb, DTDs, row count)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, print areas ...
            wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise ExtractionError(
            shown,
            "filen är inte en giltig XLSX (trasig eller lösenordsskyddad) / "
            f"not a valid XLSX file (corrupt or password-protected): {exc}",
        ) from exc
    try:
        shapes = _shape_texts(path)
        blocks: list[Block] = []
        budget = _RowBudget(shown, limits, deadline or unlimited_deadline(shown))
        titled = False  # a bold title row made a heading: the next sheet must not read as part of its section
        for ws in wb.worksheets:
            shaped = _shape_blocks(shown, ws.title, shapes.get(ws.title, []))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sheet = _sheet_blocks(shown, ws, budget)
            if titled and (shaped or sheet):
                first = (shaped or sheet)[0].location  # the sheet's title stands at its first row
                blocks.append(
                    Block(
                        text=ws.title,
                        kind="heading",
                        level=1,
                        location=Location(file=shown, sheet=ws.title, row=first.row or 1, cell=first.cell),
                    )
                )
            titled = titled or any(b.kind == "heading" for b in sheet)
            blocks.extend(shaped)
            blocks.extend(sheet)
    finally:
        wb.close()  # read-only workbooks keep the file open
    return build_document(shown, "xlsx", blocks, extractor=f"openpyxl {openpyxl.__version__}")


class _RowBudget:
    """Rows read across the workbook, against ``max_rows`` and the time budget."""

    def __init__(self, shown: str, limits: ExtractionLimits, deadline: Deadline):
        self.shown = shown
        self.limits = limits
        self.deadline = deadline
        self.rows = 0
        self.steps = 0

    def step(self, real_row: bool) -> None:
        self.steps += 1
        if not self.steps % 1024:
            self.deadline.check()
        if real_row:
            self.rows += 1
            if self.rows > self.limits.max_rows:
                raise limit_exceeded(
                    self.shown,
                    "max_rows",
                    f"arbetsboken har fler än {self.limits.max_rows} rader",
                    f"the workbook has more than {self.limits.max_rows} rows",
                )


def _bold(row) -> bool:  # noqa: ANN001 - a row of openpyxl cells
    """Every cell of the row that holds a value is bold (read only for one-cell rows)."""
    cells = [c for c in row if getattr(c, "value", None) not in (None, "")]
    return bool(cells) and all(getattr(getattr(c, "font", None), "b", False) for c in cells)


def _sheet_blocks(shown: str, ws, budget: _RowBudget | None = None) -> list[Block]:  # noqa: ANN001 - openpyxl worksheet
    title = ws.title
    rows, bold_titles, skipped = _read_rows(ws, budget)
    header_at = _header_row(rows)
    blocks: list[Block] = []
    columns: dict[int, tuple[CellRole, str]] = {}
    if header_at is not None:
        _, head = rows[header_at]
        roles = detect_roles([t for _, _, t in head])
        columns = {col: (role, text) for (col, _, text), role in zip(head, roles)}

    for i, (row_no, cells) in enumerate(rows):
        first_ref = cells[0][1]
        if i in bold_titles and (header_at is None or i < header_at):
            # A bold one-cell row outside the matrix ("Effektmål" over a sheet of goals) is a heading.
            loc = Location(file=shown, sheet=title, row=row_no, cell=first_ref)
            blocks.append(Block(text=cells[0][2], kind="heading", level=1, location=loc))
            continue
        if header_at is not None and i < header_at:  # titles above the header
            text = " | ".join(t for _, _, t in cells)
            loc = Location(file=shown, sheet=title, row=row_no, cell=first_ref)
            blocks.append(Block(text=text, kind="paragraph", location=loc))
            continue
        blocks.append(
            _row_block(
                shown,
                title,
                row_no,
                cells,
                columns if header_at is not None else None,
                is_header=header_at is not None and i == header_at,
            )
        )
    if skipped:
        last_row = rows[-1][0]
        blocks.append(
            Block(
                text=(
                    f"[Bladet {title!r}: {skipped} rader efter rad {last_row} lästes inte "
                    f"(gräns {MAX_ROWS_PER_SHEET} rader) / sheet {title!r}: {skipped} rows after "
                    f"row {last_row} were not read (limit {MAX_ROWS_PER_SHEET} rows)]"
                ),
                kind="paragraph",
                location=Location(file=shown, sheet=title, row=last_row),
            )
        )
    return blocks


def _read_rows(
    ws,
    budget: _RowBudget | None,  # noqa: ANN001 - openpyxl worksheet
) -> tuple[list[tuple[int, list[tuple[int, str, str]]]], set[int], int]:
    """The sheet's non-empty rows as (row, [(col, ref, text)]), up to the cap; the indices of the one-cell
    rows set in bold that look like titles; and how many non-empty rows past the cap were not read."""
    rows: list[tuple[int, list[tuple[int, str, str]]]] = []
    bold_titles: set[int] = set()
    skipped = 0
    if hasattr(ws, "reset_dimensions"):
        # The stored dimension ("A1:XFD1048576") can lie; openpyxl pads every row to its width.
        ws.reset_dimensions()
    for row in ws.iter_rows():
        if budget is not None:
            budget.step(bool(row))  # gaps between stored rows come as empty tuples
        if len(rows) >= MAX_ROWS_PER_SHEET:
            # Past the cap: only count the non-empty rows left, so the cap bounds the work.
            if any(getattr(c, "value", None) not in (None, "") for c in row):
                skipped += 1
            continue
        cells = []
        row_no = 0
        for c in row:
            value = getattr(c, "value", None)  # EmptyCell fillers have value None
            if value is None:
                continue
            text = format_value(value)
            if text:
                cells.append((c.column, c.coordinate, text))
                row_no = c.row
        if cells:
            if len(cells) == 1 and _bold(row) and heading_shaped(cells[0][2]):
                bold_titles.add(len(rows))
            rows.append((row_no, cells))
    return rows, bold_titles, skipped


def _header_row(rows: list[tuple[int, list[tuple[int, str, str]]]]) -> int | None:
    """The index of the row among the first few that looks most like a matrix header, if any does."""
    header_at = None
    best = 0
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = looks_like_header([t for _, _, t in cells])
        if score > best:
            best, header_at = score, i
    return header_at


def _row_block(
    shown: str,
    title: str,
    row_no: int,
    cells: list[tuple[int, str, str]],
    columns: dict[int, tuple[CellRole, str]] | None,
    is_header: bool,
) -> Block:
    """One matrix row (``columns`` None: the sheet has no header), its cells with their column's role."""
    out_cells = []
    text_ref = None
    for col, ref, text in cells:
        if columns is None:
            out_cells.append(Cell(text=text, ref=ref))
            continue
        role, header = columns.get(col, (CellRole.OTHER, None))
        if is_header:
            out_cells.append(Cell(text=text, role=role, ref=ref))
        else:
            out_cells.append(Cell(text=text, role=role, header=header, ref=ref))
        if role is CellRole.TEXT and text_ref is None:
            text_ref = ref
    loc = Location(file=shown, sheet=title, row=row_no, cell=text_ref or cells[0][1])
    return Block(
        text=" | ".join(c.text for c in out_cells),
        kind="sheet_row",
        location=loc,
        cells=tuple(out_cells),
        is_header=is_header,
    )


# --- text in shapes (instruction boxes) ------------------------------------------------


def _shape_blocks(shown: str, title: str, shapes: list[tuple[int | None, str | None, str]]) -> list[Block]:
    return [
        Block(text=text, kind="paragraph", location=Location(file=shown, sheet=title, row=row, cell=ref))
        for row, ref, text in shapes
    ]


def _shape_texts(path: Path) -> dict[str, list[tuple[int | None, str | None, str]]]:
    """Paragraphs of text in each sheet's drawn shapes: {sheet title: [(row, anchor ref, text)]}.

    openpyxl does not read drawings, yet instruction sheets often keep all their text in a
    text box. Best effort: a drawing that cannot be parsed is skipped.
    """
    from openpyxl.utils import get_column_letter

    out: dict[str, list[tuple[int | None, str | None, str]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            workbook = etree.fromstring(zf.read("xl/workbook.xml"), safe_xml_parser())
            wb_rels = _rels(zf, "xl/_rels/workbook.xml.rels")
            for sheet in workbook.iterfind("main:sheets/main:sheet", _NS):
                target = wb_rels.get(sheet.get(f"{{{_NS['r']}}}id") or "")
                if not target:
                    continue
                sheet_path = _resolve("xl/workbook.xml", target)
                rels_path = posixpath.join(
                    posixpath.dirname(sheet_path), "_rels", posixpath.basename(sheet_path) + ".rels"
                )
                if rels_path not in names:
                    continue
                for rel_target in _rels(zf, rels_path, kind="/drawing").values():
                    drawing_path = _resolve(sheet_path, rel_target)
                    if drawing_path not in names:
                        continue
                    drawing = etree.fromstring(zf.read(drawing_path), safe_xml_parser())
                    for anchor in drawing:
                        row = anchor.findtext("xdr:from/xdr:row", namespaces=_NS)
                        col = anchor.findtext("xdr:from/xdr:col", namespaces=_NS)
                        r = int(row) + 1 if row and row.isdigit() else None
                        ref = f"{get_column_letter(int(col) + 1)}{r}" if col and col.isdigit() and r else None
                        for para in anchor.iterfind(".//xdr:txBody/a:p", _NS):
                            text = normalize("".join(t.text or "" for t in para.iterfind(".//a:t", _NS)))
                            if text:
                                out.setdefault(sheet.get("name", ""), []).append((r, ref, text))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError):
        return out
    return out


def _rels(zf: zipfile.ZipFile, rels_path: str, kind: str = "") -> dict[str, str]:
    root = etree.fromstring(zf.read(rels_path), safe_xml_parser())
    return {
        rel.get("Id", ""): rel.get("Target", "")
        for rel in root.iterfind("rel:Relationship", _NS)
        if rel.get("Type", "").endswith(kind) and rel.get("TargetMode") != "External"
    }


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
