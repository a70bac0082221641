"""Extraction: turn a tender document into an ``ExtractedDocument`` of blocks in reading order.

    >>> doc = extract("kravspec.docx")
    >>> for block in doc.blocks:
    ...     print(block.kind, block.location.describe(), block.text)

Every block carries a ``Location`` precise enough to find it again (page, table/row, sheet/cell,
paragraph) plus ``start``/``end`` offsets into ``doc.text``. Anything that goes wrong while
reading is raised as ``ExtractionError`` with a message naming the file and what to do.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..models import ExtractedDocument, ExtractionError
from ._offsets import build_document, with_offsets

SUPPORTED_EXTENSIONS = {".pdf", ".docx", ".xlsx", ".txt", ".md"}

__all__ = ["SUPPORTED_EXTENSIONS", "ExtractionError", "build_document", "extract", "with_offsets"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .doc/.xls


def _reader(ext: str) -> Callable[[Path, str], ExtractedDocument]:
    # Imported lazily so that reading a .txt does not load PDFium, lxml or openpyxl.
    if ext == ".pdf":
        from .pdf import read_pdf

        return read_pdf
    if ext == ".docx":
        from .docx_reader import read_docx

        return read_docx
    if ext == ".xlsx":
        from .xlsx import read_xlsx

        return read_xlsx
    from .text import read_text

    return read_text


def _check_office_container(path: Path, shown: str, kind: str) -> None:
    """DOCX/XLSX are ZIP files; say clearly when this one is not (encrypted, old format, corrupt)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise ExtractionError(
            shown,
            f"filen är lösenordsskyddad eller i det gamla binära formatet; spara den som en vanlig "
            f".{kind} utan lösenord / the file is password-protected or in the old binary format; "
            f"save it as a plain .{kind} without a password",
        )
    if not zipfile.is_zipfile(path):
        raise ExtractionError(
            shown,
            f"filen är inte en giltig {kind.upper()} (trasig eller lösenordsskyddad) / "
            f"not a valid {kind.upper()} file (corrupt or password-protected)",
        )


def extract(path: str | os.PathLike[str]) -> ExtractedDocument:
    """Read a .pdf, .docx, .xlsx, .txt or .md file into blocks in reading order.

    ``Location.file`` of every block is ``str(path)`` as given. The input file is only read.
    Raises ``ExtractionError`` for missing, unsupported, empty, corrupt or encrypted files and
    for PDFs without a text layer.
    """
    shown = str(path)
    p = Path(path)
    if not p.exists():
        raise ExtractionError(shown, "filen finns inte / file not found")
    if p.is_dir():
        raise ExtractionError(shown, "sökvägen är en mapp, inte en fil / the path is a folder, not a file")
    ext = p.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise ExtractionError(
            shown,
            f"filtypen {ext or '(ingen)'} stöds inte; spara som en av {supported} / "
            f"unsupported file type {ext or '(none)'}; save it as one of {supported}",
        )
    try:
        if p.stat().st_size == 0:
            raise ExtractionError(shown, "filen är tom / the file is empty")
        if ext in (".docx", ".xlsx"):
            _check_office_container(p, shown, ext[1:])
        doc = _reader(ext)(p, shown)
    except ExtractionError:
        raise
    except PermissionError as exc:
        raise ExtractionError(shown, "saknar behörighet att läsa filen / permission denied") from exc
    except Exception as exc:  # a library failure must not escape: name the file instead
        raise ExtractionError(
            shown,
            f"filen kunde inte läsas (trasig eller i ett oväntat format) / could not read the file "
            f"(corrupt or in an unexpected format): {type(exc).__name__}: {exc}",
        ) from exc
    if not doc.blocks:
        raise ExtractionError(shown, "filen innehåller ingen text / the file contains no text")
    return doc
