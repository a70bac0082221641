"""Headings known only by their formatting: a short line set in bold, underlined or a larger font.

Real tenders often title their sections with direct formatting instead of a heading style: the
Virginia statements underline "Business Need", the Indiana PDF sets "Objectives" and "Benefits" in
bold. The readers ask this module whether such a line is a heading; the format-specific part
(which runs are bold in DOCX, which characters are bold or large in PDFium) stays in each reader.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._common import LIST_ITEM, REQUIREMENT_ID, starts_uppercase
from .characters import normalize

if TYPE_CHECKING:  # lxml only types the DOCX helpers: a PDF review need not import it (12 ms)
    from lxml import etree

MAX_WORDS = 8  # "Project Management and Organizational Structure" is 5; a sentence is longer
MAX_CHARS = 80
LARGER_FONT = 1.15  # a line whose font is this much larger than the body's reads as a heading
BOLD_WEIGHT = 600  # PDFium font weight: 400 regular, 700 bold

_SENTENCE_END = re.compile(r"[.!?;,]['\"”’)\]]*$")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def heading_shaped(text: str) -> bool:
    """Short, capitalised, not a sentence, no list label or requirement id: a title, if emphasised."""
    text = text.strip()
    if not text or len(text) > MAX_CHARS or len(text.split()) > MAX_WORDS:
        return False
    if _SENTENCE_END.search(text) or LIST_ITEM.match(text) or REQUIREMENT_ID.match(text):
        return False
    return starts_uppercase(text)


def _on(el: etree._Element | None) -> bool:
    """A toggle property (w:b, w:u) that is present and not switched off."""
    if el is None:
        return False
    value = el.get(f"{_W}val")
    return value is None or value.casefold() not in ("0", "false", "off", "none")


def rpr_emphasised(rpr: etree._Element | None) -> bool | None:
    """True/False when run properties set bold or underline on or off; None when they say nothing."""
    if rpr is None:
        return None
    said = None
    for tag in ("b", "u"):
        el = rpr.find(f"{_W}{tag}")
        if el is not None:
            if _on(el):
                return True
            said = False
    return said


def runs_emphasised(runs: Iterable[etree._Element], style_emphasis: bool, char_style_emphasis) -> bool:
    """Every run that holds visible text is bold or underlined, directly, by its character style or by
    the paragraph's style. ``char_style_emphasis(style_id)`` answers for a character style."""
    seen_text = False
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
        if not text.strip():
            continue
        seen_text = True
        rpr = run.find(f"{_W}rPr")
        direct = rpr_emphasised(rpr)
        if direct is None and rpr is not None:
            rstyle = rpr.find(f"{_W}rStyle")
            if rstyle is not None and char_style_emphasis(rstyle.get(f"{_W}val")):
                continue
        if direct is False or (direct is None and not style_emphasis):
            return False
    return seen_text


def pdf_line_emphasised(sizes: list[float], weights: list[int], body_size: float) -> bool:
    """Every visible character of a PDF line is bold, or the line's font is clearly larger than the body's."""
    if not sizes:
        return False
    if all(w >= BOLD_WEIGHT for w in weights):
        return True
    return body_size > 0 and min(sizes) >= body_size * LARGER_FONT


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BODY_LINE = 40  # a line this long is body text: its font size counts towards the body's


def pdf_line_styles(textpage, text: str, body_sizes: Counter[float], raw) -> list[tuple[str, list[float], list[int]]]:  # noqa: ANN001
    """Font sizes and weights of the page's heading-shaped lines (only those: reading every character's
    style would cost more than the text itself); long lines add their font size to ``body_sizes``. ``raw``:
    ``pypdfium2.raw``, PDFium's C functions; ``textpage`` a pypdfium2 text page."""
    if textpage.count_chars() != len(text):
        return []  # characters outside the BMP shift PDFium's indices: no styles rather than wrong ones
    out = []
    start = 0
    page, font_size, font_weight = textpage.raw, raw.FPDFText_GetFontSize, raw.FPDFText_GetFontWeight
    for brk in [*_LINE_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        line = normalize(text[start:end])
        if len(line) >= _BODY_LINE:
            body_sizes[round(font_size(page, start + (end - start) // 2), 1)] += 1
        elif heading_shaped(line):
            visible = [i for i in range(start, end) if not text[i].isspace()]
            out.append((line, [round(font_size(page, i), 1) for i in visible], [font_weight(page, i) for i in visible]))
        start = brk.end() if brk else end
    return out
