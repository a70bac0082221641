"""Merged ranges clipped to a sheet's used range, before a workbook is loaded in full.

openpyxl, loading a workbook for editing, makes one object for every cell a merged range covers:
a 77 KB workbook with the one range ``A1:XFD1048576`` took 5.8 GB and ended in a MemoryError.
``clip_merged_ranges`` returns the package with every merged range cut to the cells the sheet
really has (the rows and columns holding a ``<c>``), or None when no range reaches past them;
ranges wholly outside are dropped. Only the ``ref`` attributes of ``<mergeCell>`` change.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

_MERGE = re.compile(rb'(<(?:\w+:)?mergeCell\b[^>]*?\bref=")([A-Z]+)(\d+):([A-Z]+)(\d+)("[^>]*?/>)')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"')
_SLACK = 1  # a merge may reach one row and column past the last cell: the bottom-right of a merged block


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _letters(column: int) -> bytes:
    out = b""
    while column:
        column, rest = divmod(column - 1, 26)
        out = bytes([65 + rest]) + out
    return out


def _clip_sheet(xml: bytes) -> bytes | None:
    merges = list(_MERGE.finditer(xml))
    if not merges:
        return None
    max_row = max_col = 0
    for cell in _CELL_REF.finditer(xml):
        max_col = max(max_col, _column(cell[1]))
        max_row = max(max_row, int(cell[2]))
    max_row, max_col = max_row + _SLACK, max_col + _SLACK
    changed = False

    def clip(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        c1, r1, c2, r2 = _column(m[2]), int(m[3]), _column(m[4]), int(m[5])
        if c2 <= max_col and r2 <= max_row:
            return m[0]
        changed = True
        c2, r2 = min(c2, max_col), min(r2, max_row)
        if c1 >= c2 and r1 >= r2:
            return b""  # nothing left to merge
        return m[1] + m[2] + m[3] + b":" + _letters(c2) + str(r2).encode() + m[6]

    clipped = _MERGE.sub(clip, xml)
    return clipped if changed else None


def clip_merged_ranges(path: str | Path) -> bytes | None:
    """The workbook at ``path`` with merged ranges clipped to the used range, or None if none needed it."""
    out = io.BytesIO()
    changed = False
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                clipped = _clip_sheet(data)
                if clipped is not None:
                    data, changed = clipped, True
            target.writestr(info, data)
    return out.getvalue() if changed else None
