"""Extraction: turn a tender document into an ``ExtractedDocument`` of blocks in reading order.

    >>> doc = extract("kravspec.docx")
    >>> for block in doc.blocks:
    ...     print(block.kind, block.location.describe(), block.text)

Every block carries a ``Location`` precise enough to find it again (page, table/row, sheet/cell,
paragraph) plus ``start``/``end`` offsets into ``doc.text``. Anything that goes wrong while
reading is raised as ``ExtractionError`` with a message naming the file and what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..models import ExtractedDocument, ExtractionError
from .limits import DEFAULT_LIMITS, Deadline, ExtractionLimits, limit_exceeded
from .offsets import build_document, with_offsets

SUPPORTED_EXTENSIONS = {".pdf", ".docx", ".xlsx", ".txt", ".md"}

__all__ = ["SUPPORTED_EXTENSIONS", "ExtractionError", "ExtractionLimits", "build_document", "extract", "with_offsets"]

_LABELS = {"pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX", "txt": "text", "md": "text"}


def extract(
    path: str | os.PathLike[str], *, password: str | None = None, limits: ExtractionLimits | None = None
) -> ExtractedDocument:
    """Read a .pdf, .docx, .xlsx, .txt or .md file into blocks in reading order.

    ``Location.file`` of every block is ``str(path)`` as given. The input file is only read.
    ``password`` opens an encrypted PDF (a PDF with only an owner password opens without
    one). ``limits`` bound size, pages, rows and time (defaults: ``ExtractionLimits()``).

    The file is read as what its content is (magic bytes), not what its name says: a DOCX
    named .pdf is read as a DOCX and ``extractor`` says so. Content that is only text under
    a .pdf/.docx/.xlsx name is refused, since a CSV or a stray file reviewed as prose would
    give meaningless findings.

    Raises ``ExtractionError`` for missing, unreadable, unsupported, empty, corrupt, encrypted
    or hostile files, for PDFs without a text layer and for exceeded limits.
    """
    shown = str(path)
    p = Path(path)
    limits = limits or DEFAULT_LIMITS
    ext = p.suffix.lower()
    try:
        info = _stat(p, shown)
        if stat.S_ISDIR(info.st_mode):
            if not os.access(p, os.R_OK | os.X_OK):
                raise ExtractionError(
                    shown,
                    "mappen kunde inte läsas (saknar behörighet) / the folder could not be read (permission denied)",
                )
            raise ExtractionError(shown, "sökvägen är en mapp, inte en fil / the path is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO or a device could block forever or never end.
            raise ExtractionError(
                shown,
                "inte en vanlig fil (t.ex. en namngiven pipe eller en enhet) / "
                "not a regular file (e.g. a named pipe or a device)",
            )
        if ext not in SUPPORTED_EXTENSIONS:
            supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
            raise ExtractionError(
                shown,
                f"filtypen {ext or '(ingen)'} stöds inte; spara som en av {supported} / "
                f"unsupported file type {ext or '(none)'}; save it as one of {supported}",
            )
        if info.st_size == 0:
            raise ExtractionError(shown, "filen är tom (0 byte) / the file is empty (0 bytes)")
        if info.st_size > limits.max_file_bytes:
            raise limit_exceeded(
                shown,
                "max_file_mb",
                f"filen är {info.st_size / 2**20:.0f} MB, större än gränsen {limits.max_file_mb:g} MB",
                f"the file is {info.st_size / 2**20:.0f} MB, larger than the limit of {limits.max_file_mb:g} MB",
            )
        from ..budget import current_deadline

        deadline = current_deadline() or Deadline(shown, limits.seconds_per_document)  # a review's, started earlier
        kind, note = _real_kind(p, shown, ext[1:])
        doc = _read(kind, p, shown, password, limits, deadline)
    except ExtractionError:
        raise
    except PermissionError as exc:
        raise ExtractionError(shown, "saknar behörighet att läsa filen / permission denied") from exc
    except MemoryError as exc:
        raise ExtractionError(shown, "filen kräver för mycket minne / the file needs too much memory") from exc
    except Exception as exc:  # a library failure must not escape: name the file instead
        raise ExtractionError(
            shown,
            f"filen kunde inte läsas (trasig eller i ett oväntat format) / could not read the file "
            f"(corrupt or in an unexpected format): {type(exc).__name__}: {exc}",
        ) from exc
    if not doc.blocks:
        raise ExtractionError(shown, "filen innehåller ingen text / the file contains no text")
    if note:
        doc = doc.model_copy(update={"extractor": f"{doc.extractor}; {note}"})
    return doc


def _stat(p: Path, shown: str) -> os.stat_result:
    try:
        return p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ExtractionError(shown, "symboliska länkar i en slinga / a loop of symbolic links") from exc
        if isinstance(exc, PermissionError):
            raise ExtractionError(shown, "saknar behörighet att läsa filen / permission denied") from exc
        if os.path.lexists(p):
            raise ExtractionError(
                shown, "symbolisk länk till en fil som inte finns / a symbolic link to a file that does not exist"
            ) from exc
        raise ExtractionError(shown, "filen finns inte / file not found") from exc


def _real_kind(p: Path, shown: str, named: str) -> tuple[str, str | None]:
    """The format to read the file as, and a note when that is not what its name says."""
    from ._package import sniff

    found = sniff(p)
    label = _LABELS[named]
    if found == "ole":
        raise ExtractionError(
            shown,
            "filen är lösenordsskyddad eller ett Office-dokument i det gamla binära formatet (.doc/.xls); "
            "spara den som .docx/.xlsx utan lösenord / the file is password-protected or an Office document "
            "in the old binary format (.doc/.xls); save it as .docx/.xlsx without a password",
        )
    if found in ("pdf", "docx", "xlsx"):
        if found == named:
            return named, None
        real = _LABELS[found]
        return found, (
            f"innehållet är {real} fast filen heter .{named} / the content is {real} though the file is named .{named}"
        )
    if named in ("txt", "md"):
        if found == "text":
            return named, None
        raise ExtractionError(shown, "filen är inte en textfil (binärt innehåll) / not a text file (binary content)")
    if found == "text":
        raise ExtractionError(
            shown,
            f"filen är inte en {label} utan ser ut att vara vanlig text; byt filändelsen till .txt / "
            f"the file is not {_article(label)} {label} but appears to be plain text; rename it to .txt",
        )
    if found == "zip-broken":
        raise ExtractionError(
            shown,
            f"filen är inte en giltig {label}: ZIP-paketet är trasigt eller ofullständigt (avkortat?) / "
            f"not a valid {label} file: the ZIP package is corrupt or incomplete (truncated?)",
        )
    if named == "pdf":
        sv, en = ("ett ZIP-arkiv", "a ZIP archive") if found == "zip" else ("okänt innehåll", "unknown content")
        raise ExtractionError(
            shown,
            f"filen är inte en giltig PDF (saknar %PDF-huvud; {sv}) / not a valid PDF file (no %PDF header; {en})",
        )
    if found == "zip":
        raise ExtractionError(
            shown,
            f"filen är inte en giltig {label}: ett ZIP-arkiv utan {label}-innehåll / "
            f"not a valid {label} file: a ZIP archive without {label} content",
        )
    raise ExtractionError(
        shown,
        f"filen är inte en giltig {label} (trasig eller lösenordsskyddad) / "
        f"not a valid {label} file (corrupt or password-protected)",
    )


def _article(label: str) -> str:
    return "an" if label == "XLSX" else "a"


def _read(
    kind: str, p: Path, shown: str, password: str | None, limits: ExtractionLimits, deadline: Deadline
) -> ExtractedDocument:
    # Imported lazily so that reading a .txt does not load PDFium, lxml or openpyxl.
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(p, shown, password=password, limits=limits, deadline=deadline)
    if kind in ("docx", "xlsx"):
        from ._package import check_package

        check_package(p, shown, kind, limits, deadline)
        if kind == "docx":
            from .docx_reader import read_docx

            return read_docx(p, shown, deadline=deadline)
        from .xlsx import read_xlsx

        return read_xlsx(p, shown, limits=limits, deadline=deadline)
    from .text import read_text

    return read_text(p, shown, deadline=deadline)
