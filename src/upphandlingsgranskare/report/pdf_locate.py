"""Where each finding of a reviewed PDF stands on its pages, for ``annotate_pdf``.

Finding the requirement on the page: the extracted text has been normalised (whitespace,
line breaks, hyphenation, headers dropped), so both sides are reduced to a *key* of
case-folded letters and digits (NFKD: ligatures and accents decomposed), and every key
character remembers the PDFium character it came from. Search order: the stated page, the
next and the previous page, a split over a page break (the requirement runs onto the next
page, past the footer), a match interrupted by a few characters the extractor dropped. When
all fail, a sticky note (/Text) goes at the top of the stated page and the finding counts as
unanchored.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..models import Finding

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
    def read(cls, page: pdfium.PdfPage) -> _PageText:
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
    def _project(
        cls, left: float, bottom: float, right: float, top: float, angle: float
    ) -> tuple[float, float, float, float]:
        dx, dy, ux, uy = cls._axes(angle)
        corners = ((left, bottom), (left, top), (right, bottom), (right, top))
        s = [x * dx + y * dy for x, y in corners]
        t = [x * ux + y * uy for x, y in corners]
        return min(s), max(s), min(t), max(t)

    @classmethod
    def start(cls, left: float, bottom: float, right: float, top: float, angle: float) -> _Line:
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
        return (*ul, *ur, *ll, *lr)


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
        parts = tuple(
            (
                number,
                self.pages(number).quads(
                    [(s, e) for n, s, e in spans if n == number],
                    lead if number == pages[0] else "",
                    trail if number == pages[-1] else "",
                ),
            )
            for number in pages
        )
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
                piece = needle[pos : pos + _PIECE]
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
        order = sorted(
            range(len(findings)), key=lambda i: (findings[i].location.page or 0, findings[i].location.start or 0, i)
        )
        anchors: dict[int, Anchor] = {i: locator.locate(findings[i]) for i in order}
        return [anchors[i] for i in range(len(findings))]
    finally:
        document.close()
