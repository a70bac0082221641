"""Three columns added to a worksheet's XML, and the cell formats they need added to styles.xml.

The rest of the sheet stays as it is (cells, formulas, merged ranges, validations, drawings,
conditional formats); only the new cells, their column widths, the sheet's dimension and an
autofilter on the header row change. Text goes in as inline strings, so sharedStrings.xml is
left alone; every new format is a copy of an existing one with wrapped text (and a bold font for
the header), appended to styles.xml.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

_CELL_REF = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _parse_ref(ref: str) -> tuple[int, int]:
    match = _CELL_REF.match(ref.strip().upper())
    if match is None:
        raise ValueError(ref)
    return column_number(match.group(1)), int(match.group(2))


def range_bounds(ref: str) -> tuple[int, int, int, int]:
    """``"B3:D9"`` -> (min col, min row, max col, max row)."""
    first, _, last = ref.partition(":")
    c1, r1 = _parse_ref(first)
    c2, r2 = _parse_ref(last or first)
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


class Styles:
    """styles.xml's cell formats: wrapped (and bold) copies of existing ones, each made once."""

    def __init__(self, root: etree._Element | None):
        self.root = root
        self.ns = etree.QName(root).namespace if root is not None else ""
        self._made: dict[tuple[int, bool], int] = {}
        self._bold_fonts: dict[int, int] = {}
        self.changed = False

    def _q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def wrapped(self, base: int, bold: bool = False) -> int | None:
        """A cell format like ``base`` with wrapped, top-aligned text (bold too with ``bold``)."""
        if self.root is None:
            return None
        key = (base, bold)
        if key in self._made:
            return self._made[key]
        xfs = self.root.find(self._q("cellXfs"))
        if xfs is None or not len(xfs):
            return None
        existing = xfs.findall(self._q("xf"))
        xf = copy.deepcopy(existing[base] if 0 <= base < len(existing) else existing[0])
        alignment = xf.find(self._q("alignment"))
        if alignment is None:
            alignment = etree.Element(self._q("alignment"))
            xf.insert(0, alignment)
        alignment.set("wrapText", "1")
        alignment.set("vertical", "top")
        xf.set("applyAlignment", "1")
        if bold:
            xf.set("fontId", str(self._bold_font(int(xf.get("fontId", "0")))))
            xf.set("applyFont", "1")
        xfs.append(xf)
        xfs.set("count", str(len(xfs.findall(self._q("xf")))))
        self._made[key] = len(existing)
        self.changed = True
        return self._made[key]

    def _bold_font(self, font_id: int) -> int:
        if font_id in self._bold_fonts:
            return self._bold_fonts[font_id]
        if self.root is None:
            return font_id
        fonts = self.root.find(self._q("fonts"))
        items = fonts.findall(self._q("font")) if fonts is not None else []
        if not 0 <= font_id < len(items):
            return font_id
        b = items[font_id].find(self._q("b"))
        if b is not None and b.get("val", "1") not in ("0", "false"):
            self._bold_fonts[font_id] = font_id
            return font_id
        font = copy.deepcopy(items[font_id])
        for old in font.findall(self._q("b")):
            font.remove(old)
        font.insert(0, etree.Element(self._q("b")))
        fonts.append(font)
        fonts.set("count", str(len(items) + 1))
        self._bold_fonts[font_id] = len(items)
        return len(items)


class Sheet:
    """One worksheet's XML, with its rows by number and each row's cells by column."""

    def __init__(self, root: etree._Element, shared_strings: list[str]):
        self.root = root
        self.ns = etree.QName(root).namespace
        self.shared = shared_strings
        self.data = root.find(self._q("sheetData"))
        if self.data is None:
            self.data = etree.SubElement(root, self._q("sheetData"))
        self.rows: dict[int, etree._Element] = {}
        number = 0
        for row in self.data.findall(self._q("row")):
            number = int(row.get("r") or number + 1)
            self.rows[number] = row

    def _q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def cells(self, row: etree._Element) -> dict[int, etree._Element]:
        out, col = {}, 0
        for cell in row.findall(self._q("c")):
            ref = cell.get("r")
            col = _parse_ref(ref)[0] if ref else col + 1
            out[col] = cell
        return out

    def _has_value(self, cell: etree._Element) -> bool:
        if cell.find(self._q("f")) is not None:
            return True
        if cell.get("t") == "inlineStr":
            return bool("".join(cell.find(self._q("is")).itertext())) if cell.find(self._q("is")) is not None else False
        v = cell.find(self._q("v"))
        if v is None or not v.text:
            return False
        if cell.get("t") == "s":
            index = int(v.text) if v.text.strip().isdigit() else -1
            return 0 <= index < len(self.shared) and self.shared[index] != ""
        return True

    def text(self, row: int, col: int) -> str:
        """The text of a string cell (shared or inline); "" for anything else."""
        element = self.rows.get(row)
        cell = self.cells(element).get(col) if element is not None else None
        if cell is None:
            return ""
        if cell.get("t") == "inlineStr":
            holder = cell.find(self._q("is"))
            return "".join(holder.itertext()) if holder is not None else ""
        v = cell.find(self._q("v"))
        if cell.get("t") == "s" and v is not None and (v.text or "").strip().isdigit():
            index = int(v.text)
            return self.shared[index] if index < len(self.shared) else ""
        return (v.text or "") if cell.get("t") == "str" and v is not None else ""

    def clear_columns(self, first: int, last: int, keep_row: int | None) -> None:
        """Remove the cells of columns ``first``..``last`` from every row but ``keep_row``."""
        for number, row in self.rows.items():
            if number == keep_row:
                continue
            for col, cell in self.cells(row).items():
                if first <= col <= last:
                    row.remove(cell)

    def last_used_column(self) -> int:
        """The rightmost column holding a value or a merged range; formatting alone does not count."""
        last = 0
        for row in self.rows.values():
            for col, cell in sorted(self.cells(row).items(), reverse=True):
                if col <= last:
                    break
                if self._has_value(cell):
                    last = col
                    break
        merges = self.root.find(self._q("mergeCells"))
        for merge in merges if merges is not None else ():
            try:
                last = max(last, range_bounds(merge.get("ref", ""))[2])
            except ValueError:
                continue
        return last

    def style_of(self, row: int, col: int) -> int | None:
        element = self.rows.get(row)
        cell = self.cells(element).get(col) if element is not None else None
        return int(cell.get("s")) if cell is not None and (cell.get("s") or "").isdigit() else None

    def put_text(self, row: int, col: int, text: str, style: int | None) -> None:
        """Text in a cell, as an inline string (never a formula), replacing whatever was there."""
        element = self._row(row)
        ref = f"{column_letters(col)}{row}"
        cell = etree.Element(self._q("c"), r=ref)
        if style is not None:
            cell.set("s", str(style))
        cell.set("t", "inlineStr")
        holder = etree.SubElement(cell, self._q("is"))
        t = etree.SubElement(holder, self._q("t"))
        t.text = _XML_ILLEGAL.sub("", text)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        cells = self.cells(element)
        if col in cells:
            element.replace(cells[col], cell)
        else:
            after = [c for n, c in cells.items() if n > col]
            if after:
                after[0].addprevious(cell)
            else:
                element.append(cell)
        spans = element.get("spans")
        if spans and ":" in spans:
            low, _, high = spans.partition(":")
            if low.isdigit() and high.isdigit():
                element.set("spans", f"{min(int(low), col)}:{max(int(high), col)}")

    def _row(self, number: int) -> etree._Element:
        if number in self.rows:
            return self.rows[number]
        element = etree.Element(self._q("row"), r=str(number))
        later = [r for n, r in sorted(self.rows.items()) if n > number]
        if later:
            later[0].addprevious(element)
        else:
            self.data.append(element)
        self.rows[number] = element
        return element

    def set_width(self, col: int, width: float) -> None:
        """Column ``col`` gets ``width``; a <col> range covering it is split around it."""
        cols = self.root.find(self._q("cols"))
        if cols is None:
            cols = etree.Element(self._q("cols"))
            self.data.addprevious(cols)
        for existing in cols.findall(self._q("col")):
            low, high = int(existing.get("min", "0")), int(existing.get("max", "0"))
            if not low <= col <= high:
                continue
            if low < col:
                left = copy.deepcopy(existing)
                left.set("max", str(col - 1))
                existing.addprevious(left)
            if col < high:
                right = copy.deepcopy(existing)
                right.set("min", str(col + 1))
                existing.addnext(right)
            existing.set("min", str(col))
            existing.set("max", str(col))
            existing.set("width", str(width))
            existing.set("customWidth", "1")
            existing.attrib.pop("hidden", None)  # the added columns are there to be read
            return
        new = etree.Element(self._q("col"), min=str(col), max=str(col), width=str(width), customWidth="1")
        after = [c for c in cols.findall(self._q("col")) if int(c.get("min", "0")) > col]
        if after:
            after[0].addprevious(new)
        else:
            cols.append(new)

    def extend_dimension(self, last_col: int, last_row: int) -> None:
        dimension = self.root.find(self._q("dimension"))
        if dimension is None:
            return
        try:
            c1, r1, c2, r2 = range_bounds(dimension.get("ref", "A1"))
        except ValueError:
            return
        c2, r2 = max(c2, last_col), max(r2, last_row)
        dimension.set("ref", f"{column_letters(c1)}{r1}:{column_letters(c2)}{r2}")

    def extend_filter(self, header_row: int, last_col: int) -> str | None:
        """An autofilter on the header row grows to take in the new columns; returns its new range."""
        auto = self.root.find(self._q("autoFilter"))
        if auto is None or not auto.get("ref"):
            return None
        try:
            c1, r1, c2, r2 = range_bounds(auto.get("ref"))
        except ValueError:
            return None
        if r1 != header_row or c2 >= last_col:
            return None
        ref = f"{column_letters(c1)}{r1}:{column_letters(last_col)}{r2}"
        auto.set("ref", ref)
        return ref


def shared_strings(root: etree._Element | None) -> list[str]:
    if root is None:
        return []
    ns = etree.QName(root).namespace
    return ["".join(t.text or "" for t in si.iter(f"{{{ns}}}t")) for si in root.findall(f"{{{ns}}}si")]
