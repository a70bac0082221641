"""Formulas without saved values: the cells a review of an XLSX cannot read.

Extraction reads the values Excel saved with each formula (it never evaluates one). A workbook
written by a program that does not calculate (openpyxl, many exports) has formulas and no
values, and was reviewed as "krav: 0" with exit 0. ``check_cached_values`` refuses such a
workbook in which no requirement was found with what to do: open and save it in Excel, or recalculate it with LibreOffice.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..models import ExtractionError

# A cell's formula followed by no value, or an empty one, before the cell ends.
_UNCACHED = re.compile(
    rb"<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
    rb"\s*</(?:\w+:)?c>"
)
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]|<(?:\w+:)?is>")  # a saved value or an inline string
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_CHUNK = 1 << 20


def count_cells(path: Path) -> tuple[int, int]:
    """(formula cells without a saved value, cells with a value) over every worksheet, read in chunks."""
    uncached = valued = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            rest = b""
            with zf.open(name) as part:
                while chunk := part.read(_CHUNK):
                    data = rest + chunk
                    ends = [m.end() for m in _CELL_END.finditer(data, max(0, len(data) - 65536))]
                    cut = ends[-1] if ends else 0  # count whole cells only; the rest waits for the next chunk
                    uncached += len(_UNCACHED.findall(data, 0, cut))
                    valued += len(_VALUE.findall(data, 0, cut))
                    rest = data[cut:]
            uncached += len(_UNCACHED.findall(rest))
            valued += len(_VALUE.findall(rest))
    return uncached, valued


def check_cached_values(path: Path, shown: str) -> None:
    """Refuse a workbook that has formulas without a saved value (called when no requirement was found in it:
    numbers nobody calculated in a matrix that has its requirement texts do not stop a review)."""
    uncached, _ = count_cells(path)
    if uncached:
        raise ExtractionError(
            shown,
            f"arbetsboken har {uncached} formler utan sparade värden, så deras text kan inte läsas; öppna och "
            "spara den i Excel, eller räkna om den med LibreOffice: soffice --headless --convert-to xlsx "
            f"--outdir OMRÄKNAD {Path(shown).name} / the workbook has {uncached} formulas without saved values, "
            "so their text cannot be read; open and save it in Excel, or recalculate it with LibreOffice: "
            f"soffice --headless --convert-to xlsx --outdir RECALCULATED {Path(shown).name}",
        )
