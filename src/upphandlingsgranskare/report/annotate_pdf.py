"""An annotated copy of a reviewed PDF: a highlight over each flagged requirement, with a note.

Each ``Finding`` becomes one /Highlight annotation whose quad points cover the requirement's
characters line by line, found with PDFium's text page; its /Contents (shown in a popup)
hold the check, the message, the question for the business owner and the suggestion, in the
finding's language. The annotations are written with pypdf into a copy; the input is never
touched.

Finding the requirement on the page: the extracted text has been normalised (whitespace,
line breaks, hyphenation, headers dropped), so both sides are reduced to a *key* of
case-folded letters and digits (NFKD: ligatures and accents decomposed), and every key
character remembers the PDFium character it came from. Search order: the stated page, the
next and the previous page, a split over a page break (the requirement runs onto the next
page, past the footer), a match interrupted by a few characters the extractor dropped. When
all fail, a sticky note (/Text) goes at the top of the stated page and the finding counts as
unanchored.

Coordinates: PDFium's character boxes are in the page's default user space (unrotated, not
shifted by MediaBox/CropBox), which is also the space of /QuadPoints and /Rect, so they are
used as they are; page rotation and CropBox matter only for placing notes and popups.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Literal, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.annotations import Highlight, Popup, Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from .. import __version__
from ..fileio import write_atomic
from ..models import DocumentReview, Finding
from .annotated import AUTHOR, AnnotationResult, heading, labels
from .package import PDF_MARKER_KEY

_UNANCHORED = {
    "sv": "Kravet kunde inte hittas i sidans text; anteckningen gäller",
    "en": "The requirement could not be found in the page text; this note concerns",
}

# Highlight colours by severity (RGB 0..1), drawn with multiply blending so the text stays readable.
_COLOURS = {
    "error": (1.0, 0.62, 0.45),
    "warning": (1.0, 0.92, 0.23),
    "info": (0.62, 0.85, 1.0),
}

_FLAG_PRINT, _FLAG_NO_ZOOM, _FLAG_NO_ROTATE = 4, 8, 16

# A split over a page break: the first part must end near the bottom of its page and the
# second start near the top of the next (only a footer/header between), counted in key chars.
_PAGE_EDGE = 300
_PIECE, _GAP = 8, 60  # an interrupted match: key chars matched at least, key chars skipped at most

Method = Literal["exact", "neighbour", "split", "interrupted", "unanchored"]
Quad = tuple[float, float, float, float, float, float, float, float]  # UL, UR, LL, LR (x, y)


@dataclass(frozen=True)
class Anchor:
    """Where one finding's highlight goes.

    ``parts`` holds (1-based page, quads) per highlighted page: one part, or two when the
    requirement runs over a page break; empty when unanchored (the note goes on ``page``).
    """

    finding: Finding
    page: int
    method: Method
    parts: tuple[tuple[int, tuple[Quad, ...]], ...] = ()

    @property
    def anchored(self) -> bool:
        return bool(self.parts)


# --- page text ---------------------------------------------------------------------------------


def _key_chars(ch: str) -> str:
    """The key form of one character: ligatures/accents decomposed, case-folded, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKD", ch).casefold() if c.isalnum())


def text_key(text: str) -> str:
    """The key of a text, as compared with a page's key (exposed for tests)."""
    return "".join(_key_chars(ch) for ch in text)


@dataclass
class _PageText:
    """One page's characters as PDFium sees them, and their key with the way back."""

    textpage: pdfium.PdfTextPage
    key: str
    key_to_char: list[int]
    used: set[int] = field(default_factory=set)  # key offsets already taken by another requirement

    @classmethod
    def read(cls, page: pdfium.PdfPage) -> "_PageText":
        textpage = page.get_textpage()
        key: list[str] = []
        key_to_char: list[int] = []
        # Per character, not get_text_range: its string can drift from the char indices.
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            if not code or code > 0x10FFFF:
                continue
            part = _key_chars(chr(code))
            key.append(part)
            key_to_char.extend([i] * len(part))
        return cls(textpage, "".join(key), key_to_char)

    def occurrences(self, needle: str) -> list[int]:
        found, at = [], self.key.find(needle)
        while at >= 0:
            found.append(at)
            at = self.key.find(needle, at + 1)
        return found

    def char(self, index: int) -> str:
        return chr(pdfium_c.FPDFText_GetUnicode(self.textpage, index) or 32)

    def quads(self, ranges: Sequence[tuple[int, int]], lead: str = "", trail: str = "") -> tuple[Quad, ...]:
        """One quad per line covering the characters behind the key ranges (start, end).

        ``lead``/``trail``: punctuation the requirement starts or ends with (the key has none),
        taken in when the page has it right there, so the final full stop is highlighted too.
        """
        spans = [[self.key_to_char[start], self.key_to_char[end - 1]] for start, end in ranges]
        for ch in reversed(lead):
            if spans[0][0] > 0 and self.char(spans[0][0] - 1) == ch:
                spans[0][0] -= 1
        for ch in trail:
            if spans[-1][1] + 1 < self.textpage.count_chars() and self.char(spans[-1][1] + 1) == ch:
                spans[-1][1] += 1
        lines: list[_Line] = []
        for i in (i for first, last in spans for i in range(first, last + 1)):
            ch = self.char(i)
            if ch.isspace() or pdfium_c.FPDFText_IsGenerated(self.textpage, i) == 1:
                continue  # generated line breaks sit at the line's end and would stretch the quad
            left, bottom, right, top = self.textpage.get_charbox(i, loose=True)
            if right - left <= 0 and top - bottom <= 0:
                continue
            angle = pdfium_c.FPDFText_GetCharAngle(self.textpage, i)
            angle = 0.0 if angle < 0 else angle  # -1 means unknown
            if not lines or not lines[-1].add(left, bottom, right, top, angle):
                lines.append(_Line.start(left, bottom, right, top, angle))
        return tuple(line.quad() for line in lines)


@dataclass
class _Line:
    """Characters on one line, measured along the text direction (s) and across it (t)."""

    angle: float
    s0: float
    s1: float
    t0: float
    t1: float

    @staticmethod
    def _axes(angle: float) -> tuple[float, float, float, float]:
        """Text direction and glyph-up direction in user space. PDFium measures the angle clockwise."""
        cos, sin = math.cos(angle), math.sin(angle)
        return cos, -sin, sin, cos

    @classmethod
    def _project(cls, left: float, bottom: float, right: float, top: float,
                 angle: float) -> tuple[float, float, float, float]:
        dx, dy, ux, uy = cls._axes(angle)
        corners = ((left, bottom), (left, top), (right, bottom), (right, top))
        s = [x * dx + y * dy for x, y in corners]
        t = [x * ux + y * uy for x, y in corners]
        return min(s), max(s), min(t), max(t)

    @classmethod
    def start(cls, left: float, bottom: float, right: float, top: float, angle: float) -> "_Line":
        return cls(angle, *cls._project(left, bottom, right, top, angle))

    def add(self, left: float, bottom: float, right: float, top: float, angle: float) -> bool:
        """Extend the line with a character, or return False when the character starts a new line."""
        if abs(math.remainder(angle - self.angle, 2 * math.pi)) > 0.02:
            return False
        s0, s1, t0, t1 = self._project(left, bottom, right, top, self.angle)
        height = min(self.t1 - self.t0, t1 - t0) or 1.0
        overlap = min(self.t1, t1) - max(self.t0, t0)
        if overlap < 0.5 * height:
            return False
        # Going back means a new line; a wide jump forward means another column of a table.
        if s0 < self.s1 - height or s0 > self.s1 + 3 * height:
            return False
        self.s0, self.s1 = min(self.s0, s0), max(self.s1, s1)
        self.t0, self.t1 = min(self.t0, t0), max(self.t1, t1)
        return True

    def quad(self) -> Quad:
        dx, dy, ux, uy = self._axes(self.angle)

        def point(s: float, t: float) -> tuple[float, float]:
            return s * dx + t * ux, s * dy + t * uy

        # Acrobat's order, relative to the text: upper left, upper right, lower left, lower right.
        ul, ur = point(self.s0, self.t1), point(self.s1, self.t1)
        ll, lr = point(self.s0, self.t0), point(self.s1, self.t0)
        return (*ul, *ur, *ll, *lr)  # type: ignore[return-value]


# --- locating findings ---------------------------------------------------------------------


class _Pages:
    def __init__(self, document: pdfium.PdfDocument):
        self._document = document
        self._pages: dict[int, _PageText] = {}
        self.count = len(document)

    def __call__(self, number: int) -> _PageText:
        if number not in self._pages:
            self._pages[number] = _PageText.read(self._document[number - 1])
        return self._pages[number]


def _edge_punctuation(text: str) -> tuple[str, str]:
    """The punctuation a text starts and ends with ("(", "." ...), which its key leaves out."""
    text = text.strip()
    lead = re.match(r"[^\w\s]*", text)
    trail = re.search(r"[^\w\s]*$", text)
    return (lead[0] if lead else ""), (trail[0] if trail else "")


def _longest(found: Callable[[int], bool], low: int, high: int) -> int:
    """Largest k in [low, high] with found(k), for a monotone predicate; low - 1 when none."""
    best = low - 1
    while low <= high:
        mid = (low + high) // 2
        if found(mid):
            best, low = mid, mid + 1
        else:
            high = mid - 1
    return best


class _Locator:
    def __init__(self, pages: _Pages):
        self.pages = pages
        self._taken: dict[tuple[str, int | None], tuple[tuple[int, int, int], ...]] = {}

    def locate(self, finding: Finding) -> Anchor:
        stated = finding.location.page
        page = min(max(stated or 1, 1), self.pages.count)
        needle = text_key(finding.requirement_text)
        # Several findings on one requirement share its highlight position.
        identity = (finding.requirement_id + "\x1f" + needle, finding.location.start)
        spans = self._taken.get(identity)
        method: Method = "exact"
        if spans is None and needle:
            spans, method = self._search(needle, page, stated is None)
            if spans:
                self._taken[identity] = spans
                for number, start, _ in spans:
                    self.pages(number).used.add(start)
        if not spans:
            return Anchor(finding, page, "unanchored")
        # Spans on one page (an interrupted match) make one highlight; a page break makes two.
        pages = list(dict.fromkeys(number for number, _, _ in spans))
        lead, trail = _edge_punctuation(finding.requirement_text)
        parts = tuple((number, self.pages(number).quads([(s, e) for n, s, e in spans if n == number],
                                                        lead if number == pages[0] else "",
                                                        trail if number == pages[-1] else ""))
                      for number in pages)
        if not all(quads for _, quads in parts):
            return Anchor(finding, page, "unanchored")
        return Anchor(finding, spans[0][0], method, parts)

    def _search(self, needle: str, page: int, anywhere: bool) -> tuple[tuple[tuple[int, int, int], ...], Method]:
        near = [page, page + 1, page - 1]
        if anywhere:  # no page stated: any page will do
            near += [n for n in range(1, self.pages.count + 1) if n not in near]
        near = [n for n in near if 1 <= n <= self.pages.count]
        for number in near:
            text = self.pages(number)
            free = [at for at in text.occurrences(needle) if at not in text.used]
            if free:
                return ((number, free[0], free[0] + len(needle)),), "exact" if number == page else "neighbour"
        for first in (page, page - 1):
            split = self._split(needle, first)
            if split:
                return split, "split"
        for number in near[:3]:
            pieces = self._interrupted(needle, self.pages(number))
            if pieces:
                return tuple((number, start, end) for start, end in pieces), "interrupted"
        return (), "unanchored"

    def _split(self, needle: str, first: int) -> tuple[tuple[int, int, int], ...]:
        """The requirement's start at the bottom of page ``first`` and its rest at the top of the next."""
        if not 1 <= first < self.pages.count:
            return ()
        head, tail = self.pages(first).key, self.pages(first + 1).key
        k = _longest(lambda k: needle[:k] in head, 1, len(needle) - 1)
        if k < 1 or needle[k:] not in tail:
            return ()
        at_head, at_tail = head.rfind(needle[:k]), tail.find(needle[k:])
        # A short part could turn up anywhere: it must sit right at the edge, past a header at most.
        edge_head = _PAGE_EDGE if k >= _PIECE else _PAGE_EDGE // 3
        edge_tail = _PAGE_EDGE if len(needle) - k >= _PIECE else _PAGE_EDGE // 3
        if len(head) - (at_head + k) > edge_head or at_tail > edge_tail:
            return ()
        return (first, at_head, at_head + k), (first + 1, at_tail, at_tail + len(needle) - k)

    @staticmethod
    def _interrupted(needle: str, text: _PageText) -> list[tuple[int, int]] | None:
        """The requirement with short insertions on the page that the extractor left out.

        A page number, a bare list label or a footnote mark between its words: the needle is
        matched piece by piece, each next piece of at least ``_PIECE`` key chars found within
        ``_GAP`` of where the previous one ended.
        """
        if len(needle) < 2 * _PIECE:
            return None
        key = text.key
        for start in text.occurrences(needle[:_PIECE]):
            if start in text.used:
                continue
            pos, at, pieces = 0, start, []
            while True:
                begin = at
                while pos < len(needle) and at < len(key) and needle[pos] == key[at]:
                    pos, at = pos + 1, at + 1
                pieces.append((begin, at))
                if pos == len(needle):
                    return pieces  # the skipped characters stay out of the highlight
                piece = needle[pos:pos + _PIECE]
                # A short remainder after a gap could be found anywhere; allow it only a tiny gap.
                reach = _GAP if len(piece) == _PIECE else 4
                found = key.find(piece, at, at + reach + len(piece))
                if found < 0:
                    break
                at = found
        return None


def locate_findings(source: Path | bytes, findings: Sequence[Finding]) -> list[Anchor]:
    """Find each finding's requirement in the PDF (in the order given)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    document = pdfium.PdfDocument(data)
    try:
        locator = _Locator(_Pages(document))
        # Document order, so identical requirement texts take their occurrences in order.
        order = sorted(range(len(findings)),
                       key=lambda i: (findings[i].location.page or 0, findings[i].location.start or 0, i))
        anchors: dict[int, Anchor] = {i: locator.locate(findings[i]) for i in order}
        return [anchors[i] for i in range(len(findings))]
    finally:
        document.close()


# --- writing annotations -------------------------------------------------------------------


_SEPARATOR = "\n\n\u2014\n\n"  # between the findings of one requirement in its note


def _by_requirement(anchors: list) -> list[tuple[int, list]]:
    """Consecutive anchors of findings on the same requirement, with the index of the first: one note each."""
    groups: list[tuple[int, list]] = []
    for number, anchor in enumerate(anchors):
        if groups and _requirement(groups[-1][1][0].finding) == _requirement(anchor.finding):
            groups[-1][1].append(anchor)
        else:
            groups.append((number, [anchor]))
    return groups


def _requirement(f: Finding) -> tuple:
    return f.subject, f.requirement_id, f.requirement_text, f.location.page


def note_text(finding: Finding, unanchored: bool = False) -> str:
    """The note's content: check, message, question and suggestion, in the finding's language."""
    text = labels(finding.language)
    parts = [heading(finding)]
    if unanchored:
        parts.append(f"{_UNANCHORED.get(finding.language, _UNANCHORED['sv'])} {finding.requirement_id}: "
                     f"\u201c{finding.requirement_text}\u201d")
    parts += [
        finding.message,
        f"{text['question']} {finding.question}",
        f"{text['suggestion']} {finding.suggestion}",
    ]
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _box(page: PageObject) -> tuple[float, float, float, float]:
    box = page.cropbox  # pypdf resolves inheritance and falls back to the MediaBox
    return float(box.left), float(box.bottom), float(box.right), float(box.top)


def _display_to_user(page: PageObject, dx: float, dy: float) -> tuple[float, float]:
    """A point given from the top left corner of the page as shown (rotated, cropped), in user space."""
    x0, y0, x1, y1 = _box(page)
    rotation = (page.rotation or 0) % 360
    if rotation == 90:
        return x0 + dy, y0 + dx
    if rotation == 180:
        return x1 - dx, y0 + dy
    if rotation == 270:
        return x1 - dy, y1 - dx
    return x0 + dx, y1 - dy


def _display_rect(page: PageObject, dx0: float, dy0: float, dx1: float,
                  dy1: float) -> tuple[float, float, float, float]:
    corners = [_display_to_user(page, dx, dy) for dx in (dx0, dx1) for dy in (dy0, dy1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _bounds(quads: Sequence[Quad]) -> tuple[float, float, float, float]:
    xs = [q[i] for q in quads for i in (0, 2, 4, 6)]
    ys = [q[i] for q in quads for i in (1, 3, 5, 7)]
    return min(xs), min(ys), max(xs), max(ys)


def _appearance(writer: PdfWriter, quads: Sequence[Quad], rect: tuple[float, float, float, float],
                colour: tuple[float, float, float]) -> DictionaryObject:
    """A normal appearance for the highlight, so every viewer draws the same thing.

    BBox equals /Rect and the matrix is the identity, so the stream draws in user space.
    """
    ops = ["/GS0 gs", "{:.3f} {:.3f} {:.3f} rg".format(*colour)]
    for q in quads:
        ul, ur, ll, lr = q[0:2], q[2:4], q[4:6], q[6:8]
        ops.append("{:.3f} {:.3f} m {:.3f} {:.3f} l {:.3f} {:.3f} l {:.3f} {:.3f} l h f".format(*ul, *ur, *lr, *ll))
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in rect),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/ExtGState"): DictionaryObject({
                NameObject("/GS0"): DictionaryObject({
                    NameObject("/Type"): NameObject("/ExtGState"),
                    NameObject("/BM"): NameObject("/Multiply"),
                }),
            }),
        }),
    })
    # Streams must be indirect objects; pypdf has no public call for adding one.
    return DictionaryObject({NameObject("/N"): writer._add_object(stream)})


def _common(annotation: DictionaryObject, finding: Finding, name: str, content: str, now: str) -> None:
    annotation.update({
        NameObject("/Contents"): TextStringObject(content),
        NameObject("/NM"): TextStringObject(name),
        NameObject("/Subj"): TextStringObject(f"{finding.code} {finding.name}"),
        NameObject("/M"): TextStringObject(now),
        NameObject("/CreationDate"): TextStringObject(now),
    })


def _add_highlight(writer: PdfWriter, page_index: int, quads: Sequence[Quad], finding: Finding,
                   name: str, content: str, now: str) -> None:
    page = writer.pages[page_index]
    pad = 0.5
    left, bottom, right, top = _bounds(quads)
    rect = (left - pad, bottom - pad, right + pad, top + pad)
    colour = _COLOURS.get(finding.severity, _COLOURS["warning"])
    highlight = Highlight(
        rect=rect,
        quad_points=ArrayObject(FloatObject(round(v, 3)) for q in quads for v in q),
        highlight_color="{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in colour)),
        printing=True,
        title_bar=AUTHOR,
    )
    _common(highlight, finding, name, content, now)
    highlight[NameObject("/AP")] = _appearance(writer, quads, rect, colour)
    added = writer.add_annotation(page_index, highlight)
    # The popup beside the highlight, kept inside the visible page; closed until the reader opens it.
    x0, y0, x1, y1 = _box(page)
    width, height = min(240.0, x1 - x0), min(140.0, y1 - y0)
    px = right + 12 if right + 12 + width <= x1 else max(x0, left - 12 - width)
    py = min(max(y0, top - height), y1 - height)
    writer.add_annotation(page_index, Popup(rect=(px, py, px + width, py + height), parent=added, open=False))


def _add_note(writer: PdfWriter, page_index: int, slot: int, finding: Finding, name: str, content: str,
              now: str) -> None:
    page = writer.pages[page_index]
    offset = 24.0 * (slot % 20)  # several notes on one page sit side by side along the top edge
    rect = _display_rect(page, 6 + offset, 6, 26 + offset, 26)
    note = Text(rect=rect, text=content, open=False, title_bar=AUTHOR)
    del note["/Flags"]  # pypdf writes the flags under a non-standard key
    note[NameObject("/F")] = NumberObject(_FLAG_PRINT | _FLAG_NO_ZOOM | _FLAG_NO_ROTATE)
    note[NameObject("/Name")] = NameObject("/Comment")
    note[NameObject("/C")] = ArrayObject(FloatObject(c) for c in _COLOURS.get(finding.severity, _COLOURS["warning"]))
    _common(note, finding, name, content, now)
    writer.add_annotation(page_index, note)


def _writer(data: bytes, source: Path) -> PdfWriter:
    """A writer that appends the annotations as an incremental update.

    The original bytes stay as they are (a signature over them stays valid, nothing is
    re-encoded). An encrypted file that opens without a password is rewritten whole and
    decrypted: appending to it would mean encrypting the new objects, for AES with a
    dependency the project does not have.
    """
    reader = PdfReader(io.BytesIO(data))
    if not reader.is_encrypted:
        return PdfWriter(io.BytesIO(data), incremental=True)
    if not reader.decrypt(""):
        raise ValueError(f"{source}: PDF-filen är lösenordsskyddad / the PDF is password-protected")
    return PdfWriter(clone_from=reader)


def annotate_pdf(source: Path, review: DocumentReview, target: Path) -> AnnotationResult:
    """Write a copy of ``source`` to ``target`` with one highlight (or note) per flagged requirement, its note
    listing each of the requirement's findings.

    ``unanchored`` names, by requirement id, the findings whose text was not found and got a
    note at the top of their page instead.
    """
    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise ValueError(
            f"{target}: målfilen måste skilja sig från originalet / the target must differ from the source"
        )
    data = source.read_bytes()
    anchors = locate_findings(data, review.findings)

    writer = _writer(data, source)
    now = _pdf_date(datetime.now(timezone.utc))
    unanchored: list[str] = []
    notes: Counter[int] = Counter()
    from ..budget import check_budget

    for number, group in _by_requirement(anchors):
        check_budget()  # folder mode: the document's time budget holds for writing its copy too
        anchor = group[0]
        finding = anchor.finding
        name = f"ug-{finding.fingerprint}-{number}"
        if anchor.anchored:
            content = _SEPARATOR.join(note_text(a.finding) for a in group)
            for part, (page, quads) in enumerate(anchor.parts):
                _add_highlight(writer, page - 1, quads, finding, name if part == 0 else f"{name}-{part + 1}",
                               content, now)
        else:
            content = _SEPARATOR.join(note_text(a.finding, unanchored=n == 0) for n, a in enumerate(group))
            _add_note(writer, anchor.page - 1, notes[anchor.page], finding, name, content, now)
            notes[anchor.page] += 1
            unanchored.extend(a.finding.requirement_id for a in group)
    # The marker that tells a later run this is the tool's own copy (report.package.is_marked).
    writer.add_metadata({PDF_MARKER_KEY: __version__})
    out = io.BytesIO()
    writer.write(out)
    write_atomic(target, out.getvalue())
    # Every finding not highlighted got a note at the top of its page: all are fallbacks.
    return AnnotationResult(target=target, anchored=len(anchors) - len(unanchored), unanchored=tuple(unanchored),
                            fallback=len(unanchored))
