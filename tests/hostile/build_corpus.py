#!/usr/bin/env python3
"""Generate the hostile-input corpus: broken, lying, hostile and huge files to review.

    python tests/hostile/build_corpus.py OUTDIR

or, from a test, ``build_corpus(folder) -> {name: path}``. Nothing here is committed as a
binary: every file is built from code in a few seconds (the zip bomb and the million-row
sheet are streamed, never held in memory). Needs pypdf, fpdf2 (test extra), python-docx,
openpyxl and Pillow (an fpdf2 dependency).

The names in the returned dict are the keys ``tests/test_hostile_inputs.py`` checks.
"""

from __future__ import annotations

import io
import os
import random
import struct
import sys
import textwrap
import time
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

PASSWORD = "hemligt"
BOMB_BYTES = 119 * (16 << 20)  # ~2.0 GB of spaces (stays below ZIP64 sizes)
MILLION_ROWS = 1_048_576  # every row an Excel sheet can have
BIG_PDF_PAGES = 2000

SWEDISH = (
    "Bakgrund\n\n"
    "Kommunen ska byta sitt ärendehanteringssystem för att förkorta handläggningstiden.\n\n"
    "Leverantören ska säkerställa att handläggare kan söka ärenden på diarienummer, "
    "så att svar till medborgare kan lämnas inom två arbetsdagar.\n\n"
    "Systemet bör stödja åtkomst från mobil enhet för fältpersonal i hemtjänsten.\n"
)

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_LAUGHS = (
    '<!DOCTYPE {root} [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">\n' for i in range(1, 10))
    + "]>\n"
)
_XXE = '<!DOCTYPE {root} [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'


# --- helpers -----------------------------------------------------------------------------


def _pdf(pages: Iterable[list[str]]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(True)
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.text(20, 30 + 8 * i, line)  # text() is 5x faster than multi_cell for 2,000 pages
    return bytes(pdf.output())


def _swedish_lines() -> list[str]:
    lines: list[str] = []
    for paragraph in SWEDISH.split("\n\n"):
        lines.extend(textwrap.wrap(paragraph.replace("\n", " "), 80))
        lines.append("")
    return lines


def _small_pdf() -> bytes:
    # One page: text repeated on every page would be dropped as a running header.
    return _pdf([_swedish_lines()])


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Kravspecifikation", level=1)
    for i in range(1, 41):
        document.add_paragraph(
            f"K{i} Leverantören ska säkerställa att handläggare kan registrera ärende {i}, "
            "så att väntetiden för medborgaren blir kortare."
        )
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Krav"
    ws.append(["Id", "Krav", "Typ"])
    for i in range(1, 31):
        ws.append([f"K{i}", f"Systemet ska kunna exportera rapport {i} till Excel.", "Ska"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _replace_members(package: bytes, replacements: dict[str, bytes]) -> bytes:
    """The ZIP package with some members' content replaced (same names, same order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replacements.get(info.filename, src.read(info)))
    return out.getvalue()


def _flip_member(package: bytes, member: str, seed: int) -> bytes:
    """Flip bytes inside one member's compressed data: the ZIP directory stays intact."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        info = zf.getinfo(member)
    data = bytearray(package)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    rng = random.Random(seed)
    for _ in range(16):
        data[start + rng.randrange(8, max(9, info.compress_size - 8))] ^= 0xFF
    return bytes(data)


def _crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC of A+B from crc(A), crc(B), len(B) (zlib's crc32_combine, which Python does not expose)."""

    def times(mat: list[int], vec: int) -> int:
        s, i = 0, 0
        while vec:
            if vec & 1:
                s ^= mat[i]
            vec >>= 1
            i += 1
        return s

    def square(mat: list[int]) -> list[int]:
        return [times(mat, mat[n]) for n in range(32)]

    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if len2 & 1:
            crc1 = times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = square(even)
        if len2 & 1:
            crc1 = times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _write_raw_zip(path: Path, members: list[tuple[str, int, int, list[bytes]]]) -> None:
    """A ZIP of deflated members given as (name, crc, uncompressed size, raw deflate pieces)."""
    central = []
    with open(path, "wb") as fh:
        for name, crc, size, pieces in members:
            encoded = name.encode()
            offset = fh.tell()
            csize = sum(len(p) for p in pieces)
            fh.write(struct.pack(zipfile.structFileHeader, zipfile.stringFileHeader, 20, 0, 0, 8, 0, 0x21,
                                 crc, csize, size, len(encoded), 0))
            fh.write(encoded)
            fh.writelines(pieces)
            central.append(struct.pack(zipfile.structCentralDir, zipfile.stringCentralDir, 20, 0, 20, 0, 0, 8,
                                       0, 0x21, crc, csize, size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        start = fh.tell()
        fh.writelines(central)
        fh.write(struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(central),
                             len(central), fh.tell() - start, start, 0))


def _deflated(data: bytes) -> tuple[int, int, list[bytes]]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return zlib.crc32(data), len(data), [c.compress(data) + c.flush()]


def _bomb(path: Path, declared_size: int | None = None) -> None:
    """A DOCX whose word/document.xml unpacks to ~2 GB of spaces; builds in well under a second.

    After a full flush the compressor starts afresh, so one compressed 16 MB block of spaces
    can be written over and over; the CRC is combined arithmetically instead of computed
    over 2 GB. ``declared_size`` writes a smaller (lying) size into the ZIP headers.
    """
    block = b" " * (16 << 20)
    blocks = BOMB_BYTES // len(block)
    head = f'{_XML}<w:document xmlns:w="{_W_NS}"><w:body><w:p><w:r><w:t xml:space="preserve">'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head_z = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block_z = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    tail_z = c.compress(tail) + c.flush()
    # CRC of `blocks` copies of the block, by doubling (binary exponentiation)
    crc_blocks, size_blocks = 0, 0
    crc_pow, len_pow, n = zlib.crc32(block), len(block), blocks
    while n:
        if n & 1:
            crc_blocks = _crc32_combine(crc_blocks, crc_pow, len_pow) if size_blocks else crc_pow
            size_blocks += len_pow
        n >>= 1
        if n:
            crc_pow = _crc32_combine(crc_pow, crc_pow, len_pow)
            len_pow *= 2
    crc = _crc32_combine(_crc32_combine(zlib.crc32(head), crc_blocks, size_blocks), zlib.crc32(tail), len(tail))
    size = len(head) + size_blocks + len(tail)
    members = _docx_frame()
    members.append(("word/document.xml", crc, declared_size or size, [head_z] + [block_z] * blocks + [tail_z]))
    _write_raw_zip(path, members)


def _docx_frame() -> list[tuple[str, int, int, list[bytes]]]:
    content_types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    return [("[Content_Types].xml", *_deflated(content_types.encode())), ("_rels/.rels", *_deflated(rels.encode()))]


def _xlsx_package(
    path: Path, sheet_rows: Iterable[bytes], *, dimension: str | None = None, sheet_prolog: str = "",
    shared_strings: str | None = None, sheet_epilog: str = "",
) -> None:
    """A minimal XLSX written straight into the ZIP: openpyxl would take minutes for a million rows.

    ``sheet_prolog`` goes between the XML declaration and <worksheet> (a DOCTYPE);
    ``shared_strings`` is the whole xl/sharedStrings.xml, referenced from the workbook.
    """
    shared_type = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sharedStrings+xml"/>') if shared_strings else ""
    shared_rel = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/sharedStrings" Target="sharedStrings.xml"/>') if shared_strings else ""
    files = {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>' + shared_type + '</Types>'
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_S_NS}" xmlns:r="{_R_NS}"><sheets>'
            '<sheet name="Krav" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>' + shared_rel + '</Relationships>'
        ),
    }
    if shared_strings:
        files["xl/sharedStrings.xml"] = shared_strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        # By name, so the archive's compresslevel=1 applies (fast; still ~9:1 on these rows)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            out.write(f'{_XML}{sheet_prolog}<worksheet xmlns="{_S_NS}">{dim}<sheetData>'.encode())
            for chunk in sheet_rows:
                out.write(chunk)
            out.write(b"</sheetData>" + sheet_epilog.encode() + b"</worksheet>")


def _million_rows() -> Iterable[bytes]:
    step = 65536
    for first in range(1, MILLION_ROWS + 1, step):
        yield "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Rad {r}</t></is></c></row>'
            for r in range(first, min(first + step, MILLION_ROWS + 1))
        ).encode()


def _big_pdf(pages: int) -> bytes:
    # Varied words, so that no line repeats on half the pages and is dropped as a header.
    a = ("Bilagan", "Avsnittet", "Tabellen", "Kapitlet", "Protokollet", "Underlaget", "Sammanställningen")
    b = ("beskriver", "redovisar", "sammanfattar", "förtecknar", "kommenterar", "jämför", "belyser",
         "granskar", "listar", "omfattar", "återger")
    c = ("lokalerna", "avtalen", "rutinerna", "kostnaderna", "tidplanen", "riskerna", "leveranserna",
         "utbildningen", "driften", "säkerheten", "arkivet", "e-tjänsterna", "statistiken")
    return _pdf(
        [[f"{a[n % 7]} {n} {b[n % 11]} {c[n % 13]} för förvaltning {n % 17}."] for n in range(1, pages + 1)]
    )


def _scanned_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(image)
    for y in range(30, 280, 24):  # lines that look like text to a person, not to a PDF reader
        draw.rectangle((40, y, 40 + (y * 7) % 480 + 60, y + 10), fill=0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=15, y=20, w=180)
    pdf.rect(15, 120, 180, 40)
    return bytes(pdf.output())


def _encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_small_pdf())))
    writer.encrypt(user_password=user_password, owner_password="ägarlösen")  # RC4-128: needs no extra package
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the corpus --------------------------------------------------------------------------


def build_corpus(folder: Path) -> dict[str, Path]:
    """Write the corpus into ``folder`` (created if needed); returns {case name: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, filename: str, data: bytes) -> Path:
        path = folder / filename
        path.write_bytes(data)
        out[name] = path
        return path

    put.out = out  # type: ignore[attr-defined]

    pdf, docx_bytes, xlsx_bytes = _small_pdf(), _docx(), _xlsx()

    # Encryption
    put("pdf_encrypted", "krypterad.pdf", _encrypted_pdf(PASSWORD))
    put("pdf_owner_password_only", "krypterad-bara-ägarlösen.pdf", _encrypted_pdf(""))
    # No text layer
    put("pdf_scanned", "inskannad.pdf", _scanned_pdf())
    # Truncated and corrupt
    ten_pages = _pdf([_swedish_lines()] * 10)
    put("pdf_truncated", "avkortad.pdf", ten_pages[: len(ten_pages) * 6 // 10])
    flipped = bytearray(pdf)
    for i in range(200, len(flipped) - 200, 37):  # keeps header and trailer, breaks the objects
        flipped[i] ^= 0xFF
    put("pdf_corrupt", "trasig.pdf", bytes(flipped))
    put("docx_truncated", "avkortad.docx", docx_bytes[: len(docx_bytes) * 6 // 10])
    put("docx_corrupt", "trasig.docx", _flip_member(docx_bytes, "word/document.xml", seed=1))
    put("xlsx_truncated", "avkortad.xlsx", xlsx_bytes[: len(xlsx_bytes) * 6 // 10])
    put("xlsx_corrupt", "trasig.xlsx", _flip_member(xlsx_bytes, "xl/worksheets/sheet1.xml", seed=2))
    # Empty files
    for ext in ("pdf", "docx", "xlsx", "txt", "md"):
        put(f"empty_{ext}", f"tom.{ext}", b"")
    # Lying extensions
    put("docx_named_pdf", "docx-som-heter.pdf", docx_bytes)
    put("pdf_named_docx", "pdf-som-heter.docx", pdf)
    put("text_named_xlsx", "text-som-heter.xlsx", b"Id;Krav\nK1;Systemet ska ha inloggning\n")
    # Zip bombs
    _bomb(folder / "zipbomb.docx")
    out["docx_zip_bomb"] = folder / "zipbomb.docx"
    _bomb(folder / "zipbomb-ljuger-om-storlek.docx", declared_size=100_000)
    out["docx_zip_bomb_lying_size"] = folder / "zipbomb-ljuger-om-storlek.docx"
    # XML entities: billion laughs and an external entity (XXE)
    body = "<w:body><w:p><w:r><w:t>{ref}</w:t></w:r></w:p></w:body></w:document>"
    laughs_doc = _XML + _LAUGHS.format(root="w:document") + f'<w:document xmlns:w="{_W_NS}">' + body.format(ref="&lol9;")
    xxe_doc = _XML + _XXE.format(root="w:document") + f'<w:document xmlns:w="{_W_NS}">' + body.format(ref="&xxe;")
    put("docx_billion_laughs", "miljard-skratt.docx", _replace_members(docx_bytes, {"word/document.xml": laughs_doc.encode()}))
    put("docx_xxe", "xxe.docx", _replace_members(docx_bytes, {"word/document.xml": xxe_doc.encode()}))
    _xlsx_package(folder / "miljard-skratt.xlsx", [b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'],
                  sheet_prolog=_LAUGHS.format(root="worksheet"))
    out["xlsx_billion_laughs"] = folder / "miljard-skratt.xlsx"
    shared = (f'{_XML}{_XXE.format(root="sst")}<sst xmlns="{_S_NS}" count="2" uniqueCount="2">'
              "<si><t>&xxe;</t></si><si><t>Systemet ska ha inloggning.</t></si></sst>")
    _xlsx_package(folder / "xxe.xlsx", [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                                        b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'], shared_strings=shared)
    out["xlsx_xxe"] = folder / "xxe.xlsx"
    # Huge: a million rows (refused by max_rows), a sheet whose stored size lies, 2,000 pages (legal)
    _xlsx_package(folder / "miljon-rader.xlsx", _million_rows())
    out["xlsx_million_rows"] = folder / "miljon-rader.xlsx"
    few = [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{t}</t></is></c></row>'.encode()
           for r, t in ((1, "Krav"), (2, "Systemet ska logga alla inloggningar."), (3, "Systemet bör ha en app."))]
    _xlsx_package(folder / "dimension-ljuger.xlsx", few, dimension="A1:XFD1048576")
    out["xlsx_lying_dimension"] = folder / "dimension-ljuger.xlsx"
    put("pdf_2000_pages", "2000-sidor.pdf", _big_pdf(BIG_PDF_PAGES))
    # Text in unexpected encodings
    text = SWEDISH
    put("text_utf16le_bom", "utf16le-bom.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    put("text_utf16be_bom", "utf16be-bom.txt", b"\xfe\xff" + text.encode("utf-16-be"))
    put("text_utf16le", "utf16le-utan-bom.txt", text.encode("utf-16-le"))
    put("text_utf16be", "utf16be-utan-bom.txt", text.encode("utf-16-be"))
    put("text_cp1252", "windows-1252.txt", text.replace("\n", "\r\n").encode("cp1252"))
    put("text_latin1", "latin1.txt", text.encode("latin-1"))
    put("text_utf8_bom", "utf8-bom.md", b"\xef\xbb\xbf" + ("# Krav\n\n" + text).encode("utf-8"))
    put("text_mac_roman", "mac-roman.txt", text.replace("\n", "\r").encode("mac_roman"))
    from pathological import add_pathological  # beside this file

    add_pathological(folder, put)
    # Folders: a symlink loop, links in a circle, a FIFO, unreadable file and folder
    loop_dir = folder / "slinga"
    loop_dir.mkdir(exist_ok=True)
    _symlink(loop_dir / "loop", ".", directory=True)
    _symlink(loop_dir / "a.txt", "b.txt")
    _symlink(loop_dir / "b.txt", "a.txt")
    out["symlink_loop_dir"] = loop_dir
    out["symlink_loop_file"] = loop_dir / "a.txt"
    if hasattr(os, "mkfifo"):
        fifo = folder / "fifo.pdf"
        if not fifo.exists():
            os.mkfifo(fifo)
        out["fifo"] = fifo
    unreadable = put("unreadable_file", "oläsbar.txt", b"Leverantoren ska svara inom tva dagar.\n")
    unreadable.chmod(0)
    locked = folder / "låst-mapp"
    locked.mkdir(exist_ok=True)
    (locked / "inne.txt").write_bytes(b"Leverantoren ska svara inom tva dagar.\n")
    locked.chmod(0)
    out["unreadable_folder"] = locked
    return out


def _symlink(link: Path, target: str, directory: bool = False) -> None:
    if not os.path.lexists(link):
        os.symlink(target, link, target_is_directory=directory)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    started = time.perf_counter()
    from pathological import build_large

    corpus = build_corpus(Path(argv[0])) | build_large(Path(argv[0]) / "stora")
    for name, path in corpus.items():
        size = path.stat().st_size if path.is_file() and os.access(path, os.R_OK) and not path.is_fifo() else 0
        print(f"{name:28} {size:>12,} {path}")
    print(f"{len(corpus)} files in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
