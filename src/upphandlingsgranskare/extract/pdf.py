"""PDF text extraction with pypdfium2 (pypdf only if pypdfium2 cannot be imported).

PDFium gives each page's text as lines. From those lines we:

1. drop repeated page headers/footers (lines found, with digits masked, in the first or last
   three lines of at least half the pages) and page-number lines ("Sida 3/12", "Page 3 of 12");
2. join soft-wrapped lines into paragraphs, also across page breaks, and undo end-of-line
   hyphenation;
3. recognise numbered headings ("1.2 Bakgrund om uppdraget") and list items, including
   TendSign's lone "•" lines that follow the item they belong to.

``Location.page`` is the page where a block starts; ``Location.paragraph`` is the block's
0-based index among the blocks starting on that page.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Block, ExtractedDocument, ExtractionError, Location
from ._common import BULLET_CHARS, LIST_ITEM, LONE_BULLET, NUMBERED_HEADING, REQUIREMENT_ID, plausible_heading_title
from ._emphasis import heading_shaped, pdf_line_emphasised, pdf_line_styles
from .characters import normalize
from .limits import DEFAULT_LIMITS, Deadline, ExtractionLimits, limit_exceeded, unlimited_deadline
from .offsets import build_document

try:  # pypdfium2 is ~10x faster than pypdf on the real tender PDFs
    import pypdfium2 as _pdfium
except ImportError:  # pragma: no cover - exercised only where pypdfium2 is missing
    _pdfium = None

_EDGE_LINES = 3
_MAX_EDGE_LINES = 6

_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|side|sid|page|pg|p|s|seite)\.?\s*\d+(?:\s*(?:/|av|of|af|von|\()\s*\d+\)?)?"
    r"|\d+\s*(?:/|av|of|af)\s*\d+"
    r"|[-–—]\s*\d+\s*[-–—]"
    r"|\(?\d{1,4}\)?"
    r"|[ivxlc]{1,6})$",
    re.IGNORECASE,
)
# A bare list label with nothing after it ("4.", "b)"): noise left over from layout.
_BARE_LABEL = re.compile(r"^\(?(?:\d{1,2}|[a-zA-Z])[.)]$")
# TendSign answer fields: a line of their own that never continues a paragraph.
_FIELD_MARKER = re.compile(r"^(?:Bifogad fil|Fritext|Prisfält|Ja/Nej(?:\.\s*(?:Ja|Nej) krävs)?)$")
_SENTENCE_END = re.compile(r"[.!?;]['\"”’)\]]*$")
_CONJUNCTIONS = {"och", "eller", "samt", "respektive", "resp.", "and", "or", "nor", "og", "und", "oder"}
_URLISH = re.compile(r"www\.|https?:|/|@")
_SHORT_LINE = 0.6  # a line shorter than this share of a full line ended its paragraph


_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_EOF_WINDOW = 1024  # "%%EOF" must be this close to the end, as PDF readers look for it


def read_pdf(
    path: Path,
    shown: str,
    *,
    password: str | None = None,
    limits: ExtractionLimits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
) -> ExtractedDocument:
    deadline = deadline or unlimited_deadline(shown)
    _check_complete(path, shown)
    texts, extractor, has_objects, emphasised = _page_texts(path, shown, password, limits, deadline)
    if not any(t.strip() for t in texts):
        if has_objects:
            raise ExtractionError(
                shown,
                "inskannat dokument utan textlager, OCR behövs (kör OCR och granska den nya PDF:en) / "
                "scanned document without a text layer, OCR needed (run OCR and review the new PDF)",
            )
        raise ExtractionError(
            shown,
            "PDF-filens sidor är tomma eller går inte att läsa (trasig fil?) / "
            "the PDF's pages are blank or cannot be read (corrupt file?)",
        )
    pages = [[line for line in map(normalize, _resolve_pdfium_hyphens(t).splitlines()) if line] for t in texts]
    deadline.check()
    pages = strip_headers_footers(pages)
    blocks = build_blocks(pages, shown, emphasised=emphasised)
    return build_document(shown, "pdf", blocks, pages=len(texts), extractor=extractor)


def _check_complete(path: Path, shown: str) -> None:
    """A PDF cut short (an interrupted download) lacks its final "%%EOF"; PDFium would guess at the rest."""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - _EOF_WINDOW))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise ExtractionError(
            shown,
            "PDF-filen är ofullständig (avkortad, t.ex. en avbruten nedladdning); hämta den igen / "
            "the PDF is incomplete (truncated, e.g. an interrupted download); download it again",
        )


def _page_texts(
    path: Path, shown: str, password: str | None, limits: ExtractionLimits, deadline: Deadline
) -> tuple[list[str], str, bool, list[set[str]]]:
    """Each page's text, the extractor's name, whether any page has objects (images, paths), and each
    page's emphasised heading-shaped lines (see ``_emphasis.pdf_line_styles``)."""
    if _pdfium is None:  # pragma: no cover
        texts, extractor, has_objects = _page_texts_pypdf(path, shown, password, limits, deadline)
        return texts, extractor, has_objects, [set() for _ in texts]
    doc = _open(path, shown, password)
    body_sizes: Counter[float] = Counter()
    candidates: list[list[tuple[str, list[float], list[int]]]] = []
    try:
        n = len(doc)
        _check_pages(shown, n, limits)
        texts = []
        has_objects = False
        for i in range(n):
            deadline.check()
            try:
                page = doc[i]
            except _pdfium.PdfiumError as exc:
                raise ExtractionError(
                    shown,
                    f"filen är inte en giltig PDF: sidan {i + 1} är trasig / "
                    f"not a valid PDF file: page {i + 1} is corrupt: {exc}",
                ) from exc
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            candidates.append(pdf_line_styles(textpage, texts[-1], body_sizes, _pdfium.raw))
            textpage.close()
            if not has_objects and not texts[-1].strip():
                # Only looked at while no text is found: tells a scan from a blank or broken page.
                has_objects = next(iter(page.get_objects()), None) is not None
            page.close()
    finally:
        doc.close()
    body = body_sizes.most_common(1)[0][0] if body_sizes else 0.0
    emphasised = [
        {line for line, sizes, weights in page if pdf_line_emphasised(sizes, weights, body)} for page in candidates
    ]
    return texts, f"pypdfium2 {_pdfium.version.PYPDFIUM_INFO}", has_objects, emphasised


def _open(path: Path, shown: str, password: str | None):  # noqa: ANN202 - a PdfDocument
    # Without a password first: a PDF with only an owner password opens without one, and
    # PDFium refuses it when given a (batch-wide) password that does not match.
    try:
        return _pdfium.PdfDocument(str(path))
    except _pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) != _PASSWORD_ERROR:
            raise ExtractionError(shown, _open_error(str(exc))) from exc
        if password is None:
            raise ExtractionError(shown, ENCRYPTED) from exc
    try:
        return _pdfium.PdfDocument(str(path), password=password)
    except _pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            raise ExtractionError(shown, WRONG_PASSWORD) from exc
        raise ExtractionError(shown, _open_error(str(exc))) from exc


ENCRYPTED = "krypterad PDF: ange lösenord med --password / encrypted PDF: give the password with --password"
WRONG_PASSWORD = (
    "krypterad PDF: lösenordet stämmer inte, ange rätt lösenord med --password / "
    "encrypted PDF: the password is wrong, give the right one with --password"
)


def _check_pages(shown: str, n: int, limits: ExtractionLimits) -> None:
    if n > limits.max_pages:
        raise limit_exceeded(
            shown,
            "max_pages",
            f"PDF-filen har {n} sidor, fler än gränsen {limits.max_pages}",
            f"the PDF has {n} pages, more than the limit of {limits.max_pages}",
        )


def _page_texts_pypdf(
    path: Path, shown: str, password: str | None, limits: ExtractionLimits, deadline: Deadline
) -> tuple[list[str], str, bool]:  # pragma: no cover
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            if password is None:
                raise ExtractionError(shown, ENCRYPTED)
            if not reader.decrypt(password):
                raise ExtractionError(shown, WRONG_PASSWORD)
        _check_pages(shown, len(reader.pages), limits)
        texts = []
        for page in reader.pages:
            deadline.check()
            texts.append(page.extract_text() or "")
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(shown, _open_error(str(exc))) from exc
    return texts, f"pypdf {pypdf.__version__}", True


def _open_error(detail: str) -> str:
    if "password" in detail.lower():
        return ENCRYPTED
    return (
        "filen är inte en giltig PDF (trasig eller ofullständig) / "
        f"not a valid PDF file (corrupt or truncated): {detail}"
    )


# --- headers and footers ---------------------------------------------------------------


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line).casefold()


def _edge(lines: list[str], width: int) -> list[str]:
    return lines[:width] + lines[max(width, len(lines) - width) :]


def strip_headers_footers(pages: list[list[str]]) -> list[list[str]]:
    """Drop repeated header/footer lines and page numbers from the top and bottom of pages.

    Within the first and last three lines any repeated line or page number goes. A longer
    header or footer (TendSign's footer wraps onto four lines) is peeled off further, up to
    six lines, as long as every line peeled is repeated or a page number.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update(
            {
                _key(line)
                for line in _edge(lines, _MAX_EDGE_LINES)
                if not LONE_BULLET.match(line) and not _FIELD_MARKER.match(line)
            }
        )
    threshold = max(2, math.ceil(len(pages) / 2))
    repeated = {k for k, c in counts.items() if c >= threshold}

    def noise(line: str) -> bool:
        return _key(line) in repeated or bool(_PAGE_NUMBER.match(line))

    out = []
    for lines in pages:
        drop: set[int] = set()
        for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
            for depth, i in enumerate(order):
                if depth >= _MAX_EDGE_LINES:
                    break
                if noise(lines[i]):
                    drop.add(i)
                elif depth >= _EDGE_LINES - 1:
                    break
        out.append([line for i, line in enumerate(lines) if i not in drop])
    return out


# --- paragraphs ------------------------------------------------------------------------


@dataclass
class _Unit:
    kind: str
    page: int
    text: str
    last_line: str
    level: int | None = None
    label: str | None = None
    open_heading: bool = False  # a heading may take one lowercase continuation line
    closed: bool = False  # nothing continues it (TendSign answer fields)


@dataclass
class _State:
    shown: str
    full_width: float
    top: int = 0  # last top-level heading number seen
    numbered_level: int = 0  # level of the last numbered heading
    # TendSign style: multi-line list items are followed by a lone bullet, so a bulleted line
    # is a whole item and a capitalised line after it starts the next one.
    trailing_bullets: bool = False
    blocks: list[Block] = field(default_factory=list)
    per_page: Counter[int] = field(default_factory=Counter)
    offset: int = 0  # where the next block starts in the document's text (blocks joined by "\n")


def _hyphen_glue(left: str, right: str) -> str:
    """Join ``left`` + ``right`` around a hyphen that ended a line.

    "upphandlings" + "dokumentet" -> "upphandlingsdokumentet" (a word split by hyphenation);
    the hyphen stays for "IT-" + "konsulttjänster", "2021-" + "2023", "e-" + "post" (one-letter
    prefix) and URLs; "Offentlighets-" + "och sekretesslagen" keeps hyphen and space.
    """
    left_word = left.rsplit(None, 1)[-1] if left.strip() else ""
    right_word = right.split(None, 1)[0] if right.strip() else ""
    if right_word.casefold().rstrip(",.;:") in _CONJUNCTIONS:
        return f"{left}- {right}"
    bare = left_word.lstrip("(\"'“”‘’[")
    if (
        len(bare) >= 2
        and bare[-1].islower()
        and right_word[:1].islower()
        and not _URLISH.search(left_word + right_word)
    ):
        return left + right
    return f"{left}-{right}"


def _resolve_pdfium_hyphens(text: str) -> str:
    """PDFium joins a line ending in a hyphen with the next line and marks the hyphen U+FFFE."""
    if "\ufffe" not in text:
        return text
    parts = re.split(r"\ufffe[ \t]*(?:\r?\n)?", text)
    out = parts[0]
    for part in parts[1:]:
        out = _hyphen_glue(out, part) if out and part else f"{out}-{part}"
    return out


def _join(text: str, line: str) -> str:
    """Append a wrapped line, undoing end-of-line hyphenation where it is one."""
    if text.endswith("-") and len(text) >= 2 and text[-2].isalnum():
        return _hyphen_glue(text[:-1], line)
    return f"{text} {line}"


def _starts_lower(line: str) -> bool:
    return line[0].islower() or line[0] in ",;:)]"


def _continues(unit: _Unit, line: str, state: _State, bullet_ahead: bool = False) -> bool:
    if unit.closed:
        return False
    if state.trailing_bullets and unit.label == "•" and len(line) > 1 and line[0].isupper() and line[1].islower():
        return False
    prev = unit.last_line
    if prev.endswith(":"):  # a lead-in: what follows is a list or a block of its own
        return False
    if bullet_ahead:  # a TendSign item runs on, across sentences, to its trailing bullet
        return True
    if _starts_lower(line) or prev.endswith((",", "-", "–", "&")):
        return True
    if _SENTENCE_END.search(prev):
        return False
    # A line much shorter than a full line ended its paragraph (list items, short labels).
    return len(prev) >= _SHORT_LINE * state.full_width


def _heading_level(line: str, state: _State) -> int | None:
    """Level of a numbered heading line, or None.

    The top-level number must follow the previous one (1, 2, 3 ...), which keeps numbered
    lists ("1. Skriftliga tillägg ...", "2. Detta kontrakt") and table cells
    ("3 Konsulten visar ...") from becoming headings.
    """
    m = NUMBERED_HEADING.match(line)
    if not m or not plausible_heading_title(m["title"]):
        return None
    nums = [int(x) for x in m["num"].split(".")]
    if len(nums) == 1:
        if nums[0] != state.top + 1:
            return None
    elif state.top and nums[0] not in (state.top, state.top + 1):
        return None
    state.top = nums[0]
    return len(nums)


def _full_width(pages: list[list[str]]) -> float:
    lengths = sorted(len(line) for lines in pages for line in lines)
    if len(lengths) < 10:
        return 60.0
    return float(lengths[int(len(lengths) * 0.9)])


def _hard_boundary(line: str) -> bool:
    return bool(
        LIST_ITEM.match(line) or NUMBERED_HEADING.match(line) or _FIELD_MARKER.match(line) or REQUIREMENT_ID.match(line)
    )


def _bullet_ahead(lines: list[str], reach: int = 10) -> list[bool]:
    """For each line: does a lone bullet follow (within ``reach`` lines, itself included) before any list
    item, heading or lead-in? One pass from the end, each line classified once."""
    out = [False] * len(lines)
    nearest: tuple[int, bool] | None = None  # the closest line at or after i that decides: (index, is a bullet)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if LONE_BULLET.match(line):
            nearest = (i, True)
        elif _hard_boundary(line) or line.endswith(":"):
            nearest = (i, False)
        out[i] = nearest is not None and nearest[1] and nearest[0] - i < reach
    return out


def _heading_goes_on(cur: _Unit, line: str) -> bool:
    """The line after a numbered heading: True when it continues the heading (or turns it into the
    paragraph it really was) and is taken into it. Only the first line after a heading may."""
    cur.open_heading = False
    if line[0].islower() and len(line.split()) <= 6 and not _SENTENCE_END.search(line) and not LIST_ITEM.match(line):
        cur.text = _join(cur.text, line)  # "... frågor om" + "upphandlingsdokumentet"
        return True
    if line[0].islower() and not LIST_ITEM.match(line) and len(cur.text.split()) >= 8:
        # "3.3.1 Leverantören ska ha haft en årsomsättning om minst 30 miljoner kronor" +
        # "under det senaste räkenskapsåret.": a numbered paragraph that wrapped, not a heading
        cur.kind, cur.level = "paragraph", None
        cur.text = _join(cur.text, line)
        cur.last_line = line
        return True
    return False


def _list_item(line: str, cur: _Unit | None) -> re.Match[str] | None:
    """The line's list label and text, unless it is no list item."""
    item = LIST_ITEM.match(line)
    if item and item["label"].startswith("(") and cur is not None and item["text"][0].islower():
        # "... en\n(1) konsult för rollen": a parenthesised number inside a sentence
        if not _SENTENCE_END.search(cur.last_line) and not cur.last_line.endswith(":"):
            return None
    return item


def build_blocks(pages: list[list[str]], shown: str, *, emphasised: list[set[str]] | None = None) -> list[Block]:
    """Blocks from the pages' lines; ``emphasised``: per page, the lines set in bold or a larger font,
    which are headings when they stand alone and look like titles ("Objectives", "Business Need")."""
    lone_bullets = sum(1 for lines in pages for line in lines if LONE_BULLET.match(line))
    state = _State(shown=shown, full_width=_full_width(pages), trailing_bullets=lone_bullets >= 3)
    cur: _Unit | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None and cur.text:
            idx = state.per_page[cur.page]
            state.per_page[cur.page] += 1
            # The offsets in the document's text too, as ``with_offsets`` would set them: it then copies nothing.
            end = state.offset + len(cur.text)
            loc = Location(file=shown, page=cur.page, paragraph=idx, start=state.offset, end=end)
            state.offset = end + 1
            state.blocks.append(
                Block(text=cur.text, kind=cur.kind, location=loc, level=cur.level, list_label=cur.label)  # type: ignore[arg-type]
            )
        cur = None

    flat = [(page_no, line) for page_no, lines in enumerate(pages, start=1) for line in lines]
    bullet_ahead = _bullet_ahead([line for _, line in flat]) if state.trailing_bullets else []
    for i, (page_no, line) in enumerate(flat):
        if LONE_BULLET.match(line):
            if cur is not None and cur.kind == "paragraph":
                cur.kind, cur.label = "list_item", "•"
            close()
            continue
        if _BARE_LABEL.match(line):
            continue
        if _FIELD_MARKER.match(line):
            close()
            cur = _Unit("paragraph", page_no, line, line, closed=True)
            close()
            continue
        if cur is not None and cur.open_heading and _heading_goes_on(cur, line):
            continue
        level = _heading_level(line, state)
        if level is not None:
            close()
            state.numbered_level = level
            cur = _Unit("heading", page_no, line, line, level=level, open_heading=True)
            continue
        if emphasised and line in emphasised[page_no - 1] and heading_shaped(line):
            close()  # a formatted heading sits one level under the last numbered one
            cur = _Unit("heading", page_no, line, line, level=state.numbered_level + 1)
            continue
        if cur is not None and cur.kind == "heading":
            close()
        item = _list_item(line, cur)
        if item:
            close()
            label = item["label"]
            if label in BULLET_CHARS or label in "-–*+o":
                label = "•"
            cur = _Unit("list_item", page_no, item["text"], line, label=label)
            continue
        if REQUIREMENT_ID.match(line):
            close()
            cur = _Unit("paragraph", page_no, line, line)
            continue
        if cur is not None and _continues(cur, line, state, bool(bullet_ahead) and bullet_ahead[i]):
            cur.text = _join(cur.text, line)
            cur.last_line = line
            continue
        close()
        cur = _Unit("paragraph", page_no, line, line)
    close()
    return state.blocks
