"""What a file really is (magic bytes), and a safety check of DOCX/XLSX packages before reading.

python-docx and openpyxl read ZIP members whole and parse them as XML, so a hostile package
is stopped here first: declared sizes and compression ratios are checked without unpacking
anything, then every member is unpacked once through a size-capped stream (actual sizes,
CRCs, the time budget), XML parts are searched for DTDs (OOXML never uses one; a DTD is how
entity-expansion and external-entity attacks get in), and worksheet rows are counted so a
million-row sheet is refused in a fraction of the time openpyxl would take to walk it.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from pathlib import Path

from ..models import ExtractionError
from .limits import Deadline, ExtractionLimits, limit_exceeded

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .doc/.xls
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# A member this large that unpacks this many times over is padding, not a document: real
# DOCX/XLSX parts compress 5-30:1 (measured on the real tender documents).
_BOMB_MIN_BYTES = 10 * 1024 * 1024
_BOMB_RATIO = 200
_MAX_MEMBERS = 10_000
_CHUNK = 1 << 20

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
# Encodings under which an ASCII byte search sees the markup as the XML parser will.
_ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}
_MEDIA_SUFFIXES = (".svg",)  # media blobs are never parsed by the libraries; SVGs may carry a DOCTYPE
_TAIL = 64  # overlap between chunks, longer than any pattern above


def sniff(path: Path) -> str:
    """The file's real type from its content.

    One of "pdf", "docx", "xlsx", "zip" (other ZIP), "zip-broken" (ZIP signature, unreadable
    directory: truncated or corrupt), "ole" (encrypted Office file or .doc/.xls), "text",
    "binary".
    """
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(OLE_MAGIC):
        return "ole"
    if b"%PDF-" in head[:1024]:  # PDF readers accept junk before the header, up to 1 KB
        return "pdf"
    if head.startswith(_ZIP_MAGICS):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return "zip-broken"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    from .text import looks_like_text

    return "text" if looks_like_text(head) else "binary"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_package(path: Path, shown: str, kind: str, limits: ExtractionLimits, deadline: Deadline) -> None:
    """Refuse a DOCX/XLSX package that is corrupt, a zip bomb, carries a DTD or has too many rows."""
    label = kind.upper()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExtractionError(
            shown,
            f"filen är inte en giltig {label}: ZIP-paketet är trasigt eller ofullständigt (avkortat?) / "
            f"not a valid {label} file: the ZIP package is corrupt or incomplete (truncated?): {exc}",
        ) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise ExtractionError(
                shown,
                f"ZIP-paketet har {len(infos)} delar, fler än {_MAX_MEMBERS}; filen vägras / "
                f"the ZIP package has {len(infos)} members, more than {_MAX_MEMBERS}; the file is refused",
            )
        # Declared sizes first: a bomb is refused before a single byte is unpacked.
        for info in infos:
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > _BOMB_MIN_BYTES and ratio > _BOMB_RATIO:
                raise ExtractionError(
                    shown,
                    f"misstänkt zip-bomb: delen {info.filename} packas upp från {_mb(info.compress_size)} till "
                    f"{_mb(info.file_size)} ({ratio:.0f}:1); filen vägras / suspected zip bomb: member "
                    f"{info.filename} unpacks from {_mb(info.compress_size)} to {_mb(info.file_size)} "
                    f"({ratio:.0f}:1); the file is refused",
                )
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_decompressed_bytes:
            raise _too_big(shown, label, declared, limits)
        _scan_members(zf, infos, shown, kind, limits, deadline)


def _too_big(shown: str, label: str, size: int, limits: ExtractionLimits) -> ExtractionError:
    return limit_exceeded(
        shown,
        "max_decompressed_mb",
        f"{label}-filen packas upp till {_mb(size)}, mer än gränsen {limits.max_decompressed_mb:g} MB",
        f"the {label} unpacks to {_mb(size)}, more than the limit of {limits.max_decompressed_mb:g} MB",
    )


def _scan_members(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    shown: str,
    kind: str,
    limits: ExtractionLimits,
    deadline: Deadline,
) -> None:
    label = kind.upper()
    total = 0
    rows = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        count_rows = kind == "xlsx" and name.startswith("xl/worksheets/")
        scan: _XmlScan | None = None
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.max_decompressed_bytes:  # zipfile caps at declared sizes; belt and braces
                        raise _too_big(shown, label, total, limits)
                    deadline.check()
                    if scan is None:
                        scan = _XmlScan.start(chunk, name, shown, count_rows)
                    if scan.active:
                        scan.feed(chunk)
                        if rows + scan.rows > limits.max_rows:
                            raise _too_many_rows(shown, rows + scan.rows, limits)
        except ExtractionError:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:  # CRC mismatch, bad deflate data, encrypted or exotic member
            raise ExtractionError(
                shown,
                f"filen är inte en giltig {label}: delen {name} är trasig / "
                f"not a valid {label} file: member {name} is corrupt: {exc}",
            ) from exc
        if scan is not None:
            rows += scan.rows


def _too_many_rows(shown: str, found: int, limits: ExtractionLimits) -> ExtractionError:
    # Counting stops at the first chunk past the limit, so ``found`` is a lower bound.
    return limit_exceeded(
        shown,
        "max_rows",
        f"arbetsboken har fler än {limits.max_rows} rader (minst {found})",
        f"the workbook has more than {limits.max_rows} rows (at least {found})",
    )


class _XmlScan:
    """Streaming search of one member for DTD markup (and, in worksheets, for row elements)."""

    def __init__(
        self, name: str, shown: str, count_rows: bool, decoder: codecs.IncrementalDecoder | None, active: bool
    ):
        self.name = name
        self.shown = shown
        self.count_rows = count_rows
        self.decoder = decoder
        self.active = active
        self.rows = 0
        self._tail = b""

    @classmethod
    def start(cls, first: bytes, name: str, shown: str, count_rows: bool) -> _XmlScan:
        family = _xml_family(first)
        lowered = name.lower()
        if lowered.endswith(_MEDIA_SUFFIXES) or (family is None and not lowered.endswith((".xml", ".rels", ".vml"))):
            return cls(name, shown, False, None, active=False)
        decoder = None
        if family and family.startswith(("utf-16", "utf-32")):
            decoder = codecs.getincrementaldecoder(family)(errors="replace")
        else:
            # An 8-bit part must not switch to an encoding (UTF-7, EBCDIC ...) that hides markup
            # from a byte search.
            declared = _XML_DECL_ENCODING.match(first.removeprefix(codecs.BOM_UTF8))
            encoding = declared[1].decode("ascii", "replace").strip().lower() if declared else "utf-8"
            if encoding not in _ASCII_COMPATIBLE:
                raise ExtractionError(
                    shown,
                    f"delen {name} använder teckenkodningen {encoding!r}; OOXML tillåter bara UTF-8 och "
                    f"UTF-16, så filen vägras / member {name} uses the encoding {encoding!r}; OOXML allows "
                    f"only UTF-8 and UTF-16, so the file is refused",
                )
        return cls(name, shown, count_rows, decoder, active=True)

    def feed(self, chunk: bytes) -> None:
        if self.decoder is not None:  # search UTF-16/32 parts as the parser will read them
            chunk = self.decoder.decode(chunk).encode("utf-8")
        buf = self._tail + chunk
        skip = len(self._tail)  # matches ending inside the tail were counted last time
        if _DTD.search(buf):
            raise ExtractionError(
                self.shown,
                f"delen {self.name} innehåller en DTD (<!DOCTYPE>/<!ENTITY>); Office-filer använder aldrig "
                f"DTD:er och de används i XML-attacker (entitetsexpansion, XXE), så filen vägras / member "
                f"{self.name} contains a DTD (<!DOCTYPE>/<!ENTITY>); Office files never use DTDs and they "
                f"carry XML attacks (entity expansion, XXE), so the file is refused",
            )
        if self.count_rows:
            self.rows += sum(1 for m in _ROW.finditer(buf) if m.end() > skip)
        self._tail = buf[-_TAIL:]


def _xml_family(first: bytes) -> str | None:
    """How an XML part is encoded, from its first bytes (XML 1.0 appendix F); None when not XML.

    "utf-16"/"utf-32" (with BOM) or their -le/-be forms (without) need decoding before a
    search; "8bit" parts are searched as bytes.
    """
    for bom, family in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "8bit"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if first.startswith(bom):
            return family
    for prefix, family in (
        (b"<\0\0\0", "utf-32-le"),
        (b"\0\0\0<", "utf-32-be"),
        (b"<\0", "utf-16-le"),
        (b"\0<", "utf-16-be"),
    ):
        if first.startswith(prefix):
            return family
    return "8bit" if first.lstrip(b" \t\r\n").startswith(b"<") else None
