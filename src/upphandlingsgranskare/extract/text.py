"""Plain text (.txt) and Markdown (.md).

Paragraphs are separated by blank lines. Inside a paragraph, a line that starts a list item
or a requirement id starts a new block; other line breaks are soft and joined with a space.
Markdown adds "#" headings and pipe tables. ``Location.paragraph`` counts the emitted
non-table blocks (0-based); table rows use ``table``/``row`` instead.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..models import Block, Cell, CellRole, ExtractedDocument, ExtractionError, Location
from ._common import LIST_ITEM, NUMBERED_HEADING, REQUIREMENT_ID, plausible_heading_title
from .characters import normalize
from .limits import Deadline
from .offsets import build_document
from .roles import detect_roles

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_MD_BULLETS = {"-", "*", "+", "•"}


_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The 8-bit code pages a Swedish or English text file is in: Windows and old Mac.
_CODE_PAGES = ("cp1252", "mac_roman")


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: a BOM, else UTF-16 guessed from NUL bytes, else UTF-8 (a few invalid
    bytes replaced when the rest is UTF-8), else the 8-bit code page charset-normalizer finds likeliest.

    Swedish .txt files from Windows are usually Windows-1252 (a superset of Latin-1 for
    letters), old Mac files Mac Roman. Counting where åäö would fall mistook €, … and “” in
    Windows-1252 for Mac Roman letters; the detector weighs every character.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), f"{encoding} BOM"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), f"{utf16} utan BOM / without BOM"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid_non_ascii = len(text) - len(text.encode("ascii", "ignore")) - invalid
    if valid_non_ascii >= 2 * invalid:  # UTF-8 with a stray byte, not a code page: keep the å, ä and ö
        return text, f"utf-8, {invalid} ogiltiga byte ersatta med \ufffd / invalid bytes replaced by \ufffd"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_CODE_PAGES)).best()
    encoding = "cp1252"  # by far the commoner; Mac Roman only when the detector and the letters agree on it
    if (
        best is not None
        and best.encoding == "mac_roman"
        and _letters_in_words(data, "mac_roman") > _letters_in_words(data, "cp1252")
    ):
        encoding = "mac_roman"
    return data.decode(encoding, errors="replace"), f"{encoding}, gissad / guessed"


_IN_WORD = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f]|[^\x00-\x7f](?=[A-Za-z])")
_WORD_LETTERS = frozenset("åäöÅÄÖéÉüÜ")


def _letters_in_words(data: bytes, encoding: str) -> int:
    """How Swedish the non-ASCII characters next to a letter look read as ``encoding``: å, ä, ö, é, ü count
    for it, anything else against. Windows-1252's €, … and “” are Mac Roman's Ä, Ö, ì and î, but they
    stand between words or around them ("“avtalet”" is "ìavtaletî"), not inside one."""
    score = 0
    for match in _IN_WORD.finditer(data[: 1 << 20].decode(encoding, errors="replace")):
        score += 1 if match.group() in _WORD_LETTERS else -1
    return score


def encoding_note(extractor: str) -> str | None:
    """What to tell the user about a text file read as anything but plain UTF-8, from its extractor line."""
    if not extractor.startswith("text (") or extractor in ("text (utf-8)", "text (utf-8 BOM)"):
        return None
    return f"läst som / read as {extractor[len('text (') : -1]}"


def decode(data: bytes) -> str:
    return decode_text(data)[0]


def _utf16_without_bom(data: bytes) -> str | None:
    """ASCII-range text in UTF-16 has a NUL in every other byte: even positions for BE, odd for LE."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 8:  # too little to tell
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > 0.3 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.3 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file read as text (few control characters once decoded)."""
    if not head:
        return False
    text, _ = decode_text(head)
    text = text.removesuffix("\ufffd")  # a multi-byte character cut at the end of the sample
    if not text:
        return False
    bad = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad <= 0.02 * len(text)


def read_text(path: Path, shown: str, *, deadline: Deadline | None = None) -> ExtractedDocument:
    markdown = path.suffix.lower() == ".md"
    text, encoding = decode_text(path.read_bytes())
    if "\x00" in text:
        raise ExtractionError(shown, "filen är inte en textfil (binärt innehåll) / not a text file (binary content)")
    blocks = parse_text(text, shown, markdown=markdown, deadline=deadline)
    return build_document(shown, "md" if markdown else "txt", blocks, extractor=f"text ({encoding})")


def _split_row(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [normalize(c.replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", inner)]


def _plain_heading_level(line: str) -> int | None:
    """ "4.2 Inloggning" or "4 Inloggning" alone on a line: a heading; "1. Text" is a list item."""
    m = NUMBERED_HEADING.match(line)
    if not m or not plausible_heading_title(m["title"], max_words=10) or m["title"][-1] in ".:;,":
        return None
    parts = m["num"].split(".")
    if len(parts) == 1 and m["dot"]:
        return None
    return len(parts)


class _Builder:
    def __init__(self, shown: str, markdown: bool):
        self.shown = shown
        self.markdown = markdown
        self.blocks: list[Block] = []
        self.paragraph = 0
        self.table = 0

    def add(self, text: str, kind: str, level: int | None = None, label: str | None = None) -> None:
        text = normalize(text)
        if not text:
            return
        loc = Location(file=self.shown, paragraph=self.paragraph)
        self.blocks.append(Block(text=text, kind=kind, location=loc, level=level, list_label=label))  # type: ignore[arg-type]
        self.paragraph += 1

    def add_table(self, rows: list[list[str]], has_header: bool) -> None:
        t = self.table
        self.table += 1
        header = rows[0] if has_header else []
        roles = detect_roles(header) if has_header else []
        for r, row in enumerate(rows):
            is_header = has_header and r == 0
            cells = []
            for c, value in enumerate(row):
                if is_header:
                    cells.append(Cell(text=value, role=roles[c] if c < len(roles) else CellRole.OTHER))
                elif has_header:
                    role = roles[c] if c < len(roles) else CellRole.OTHER
                    head = header[c] if c < len(header) and header[c] else None
                    cells.append(Cell(text=value, role=role, header=head))
                else:
                    cells.append(Cell(text=value))
            text = " | ".join(c.text for c in cells if c.text)
            if text:
                loc = Location(file=self.shown, table=t, row=r)
                self.blocks.append(
                    Block(text=text, kind="table_row", location=loc, cells=tuple(cells), is_header=is_header)
                )


def parse_text(text: str, shown: str, *, markdown: bool, deadline: Deadline | None = None) -> list[Block]:
    b = _Builder(shown, markdown)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Current soft-wrapped unit: (kind, label, parts)
    cur: list[str] = []
    cur_kind = "paragraph"
    cur_label: str | None = None
    in_code = False

    def flush() -> None:
        nonlocal cur, cur_kind, cur_label
        if cur:
            b.add(" ".join(cur), cur_kind, label=cur_label)
        cur, cur_kind, cur_label = [], "paragraph", None

    i = 0
    while i < len(lines):
        if deadline is not None and not i % 4096:
            deadline.check()
        raw = lines[i]
        line = normalize(raw)
        i += 1
        if markdown and line.startswith("```"):
            flush()
            in_code = not in_code
            continue
        if in_code:  # code blocks: keep each line as it is
            b.add(line, "paragraph")
            continue
        if not line:
            flush()
            continue
        if markdown and line.startswith("|") and i < len(lines) and _MD_TABLE_SEPARATOR.match(lines[i].strip()):
            flush()
            rows = [_split_row(line)]
            i += 1  # skip the separator
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_split_row(lines[i]))
                i += 1
            b.add_table(rows, has_header=True)
            continue
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                flush()
                b.add(m[2], "heading", level=len(m[1]))
                continue
            if re.fullmatch(r"(-{3,}|\*{3,}|_{3,})", line):  # thematic break
                flush()
                continue
            line = re.sub(r"^>\s?", "", line)  # block quote marker
        level = _plain_heading_level(line)
        # "4.2 Inloggning" may open a paragraph; a one-number heading must stand alone.
        if level is not None and not cur and (level > 1 or _ends_paragraph(lines, i)):
            b.add(line, "heading", level=level)
            continue
        item = LIST_ITEM.match(line)
        if item and (item["label"] != "o"):
            flush()
            label = item["label"]
            cur_kind, cur_label = "list_item", ("•" if label in _MD_BULLETS else label)
            cur = [item["text"]]
            continue
        if REQUIREMENT_ID.match(line):
            flush()
            cur = [line]
            continue
        cur.append(line)
    flush()
    return b.blocks


def _ends_paragraph(lines: list[str], i: int) -> bool:
    """True when the line before index ``i`` is the last of its paragraph."""
    return i >= len(lines) or not lines[i].strip()
