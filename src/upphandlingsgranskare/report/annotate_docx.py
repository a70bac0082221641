"""The tender handed back with comments: a copy of the DOCX with a Word comment on each finding.

Each comment is anchored on the requirement's own text. The paragraph or table row is found
by re-walking the body with the extractor's own walker, so ``Location.paragraph`` and
``Location.table``/``row`` are counted exactly as extraction counted them; inside it the
requirement text is matched against the normalised text of the runs, and the runs are split
at the match boundaries so the comment covers the requirement and nothing else, whatever
formatting its runs carry. When the text is not where the location says, the anchor falls
back to the text found elsewhere in the document, then to the whole paragraph or cell.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..extract.characters import normalize
from ..extract.docx_reader import (
    _SKIP_IN_TEXT,
    W_P,
    W_T,
    W_TC,
    W_TR,
    _children,
    _Numbering,
    _Para,
    _Styles,
    _w,
    _Walker,
)
from ..extract.offsets import with_offsets
from ..models import DocumentReview, Finding
from .annotated import AnnotationResult
from .docx_comments import Comments
from .package import Package, serialise

W_R = _w("r")
W_RPR = _w("rPr")
_BREAKS = {_w("tab"): " ", _w("br"): " ", _w("cr"): " ", _w("noBreakHyphen"): "-"}
# The extractor's normalisation, applied one character at a time so each output character
# remembers where it came from.
_TRANSLATE = {
    **dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u3000\t\v\f", " "),
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}


def annotate_docx(source: Path, review: DocumentReview, target: Path) -> AnnotationResult:
    """Write a copy of ``source`` to ``target`` with one Word comment per flagged requirement of ``review``,
    listing each of its findings (message, question, suggestion).

    Edited at package level: only the document part, the comments part (with its relationship and
    content type when new) and the marker property change; every other part is the original's bytes.
    A requirement whose comment the copy already holds (the tool's own annotated copy, reviewed again)
    gets no second one.
    """
    import docx

    from ..budget import check_budget

    source, target = Path(source), Path(target)
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: kopian får inte skriva över originalet / the copy must not overwrite the input")
    document = docx.Document(str(source))
    body = _Body(document)
    comments = Comments(document)
    anchored, fallback = 0, 0
    unanchored: list[str] = []
    # Findings on one requirement share one anchor and one comment: two comments asking nearly the same
    # question on the same text only make the officer read twice.
    groups: dict[tuple, list[Finding]] = {}
    for finding in review.findings:
        loc = finding.location
        key = (loc.paragraph, loc.table, loc.row, loc.start, finding.requirement_text)
        groups.setdefault(key, []).append(finding)
    for findings in groups.values():
        check_budget()  # folder mode: the document's time budget holds for writing its copy too
        anchor = body.anchor(findings[0])
        if anchor is None:
            unanchored.extend(f.requirement_id for f in findings)
            continue
        first, last, exact = anchor
        comments.add(first, last, findings)
        if exact:
            anchored += len(findings)
        else:
            fallback += len(findings)
            unanchored.extend(f.requirement_id for f in findings)
    package = Package.read(source)
    if comments.added:  # untouched, the document part keeps its original bytes
        package.set(document.part.partname.lstrip("/"), serialise(document.part.element))
    comments.save(package, document.part.partname.lstrip("/"))
    package.mark()
    package.write(target)
    return AnnotationResult(target=target, anchored=anchored, unanchored=tuple(unanchored), fallback=fallback)


# --- text with its origin ---------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """One source character: ``child`` (a w:t, w:tab, ...) of run ``run``, character ``index``."""

    run: etree._Element
    child: etree._Element
    index: int


@dataclass
class _Mapped:
    """Normalised text; ``atoms[i]`` is where character i came from (None: added, e.g. a list label)."""

    text: str = ""
    atoms: list[_Atom | None] = field(default_factory=list)

    def __add__(self, other: _Mapped) -> _Mapped:
        return _Mapped(self.text + other.text, self.atoms + other.atoms)

    @staticmethod
    def synthetic(text: str) -> _Mapped:
        return _Mapped(text, [None] * len(text))


def _raw_atoms(p: etree._Element) -> Iterator[tuple[str, _Atom | None]]:
    """The paragraph's characters as ``_paragraph_text`` in the extractor reads them."""
    for el in _walk_text(p):
        parent = el.getparent()
        run = parent if parent is not None and parent.tag == W_R else None
        if el.tag == W_T:
            for i, ch in enumerate(el.text or ""):
                yield ch, _Atom(run, el, i) if run is not None else None
        else:
            yield _BREAKS[el.tag], _Atom(run, el, 0) if run is not None else None


def _walk_text(el: etree._Element) -> Iterator[etree._Element]:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_TEXT:
            continue
        if tag == W_T or tag in _BREAKS:
            yield child
        else:
            yield from _walk_text(child)


def _normalised(chars: Iterator[tuple[str, _Atom | None]]) -> _Mapped:
    """``normalize`` with a source map: spaces fixed, whitespace runs collapsed, stripped."""
    out = _Mapped()
    text: list[str] = []
    for ch, atom in chars:
        ch = _TRANSLATE.get(ch, ch)
        if not ch:
            continue
        if ch.isspace():
            if not text or text[-1] == " ":
                continue  # leading or repeated whitespace
            ch = " "
        text.append(ch)
        out.atoms.append(atom)
    while text and text[-1] == " ":
        text.pop()
        out.atoms.pop()
    out.text = "".join(text)
    return out


def _paragraph(p: etree._Element, shown: str | None) -> _Mapped:
    """The paragraph's text as the extractor showed it: a list label it prefixed is synthetic."""
    mapped = _normalised(_raw_atoms(p))
    if shown and shown != mapped.text and shown.endswith(mapped.text):
        return _Mapped.synthetic(shown[: len(shown) - len(mapped.text)]) + mapped
    return mapped


def _join(parts: list[_Mapped], sep: str) -> _Mapped:
    out = _Mapped()
    for part in parts:
        if not part.text:
            continue
        if out.text:
            out = out + _Mapped.synthetic(sep)
        out = out + part
    return out


def _loose(mapped: _Mapped) -> _Mapped:
    """Case and whitespace dropped, for the second, more forgiving search."""
    out = _Mapped()
    text: list[str] = []
    for ch, atom in zip(mapped.text, mapped.atoms):
        if ch.isspace():
            continue
        for folded in _fold(ch):
            text.append(folded)
            out.atoms.append(atom)
    out.text = "".join(text)
    return out


_QUOTES = str.maketrans({"”": '"', "“": '"', "„": '"', "’": "'", "‘": "'", "–": "-", "—": "-", "‑": "-"})


def _fold(ch: str) -> str:
    return ch.translate(_QUOTES).casefold()


def _loose_text(text: str) -> str:
    return "".join(_fold(ch) for ch in text if not ch.isspace())


# --- finding the unit a location names --------------------------------------------------


class _RecordingWalker(_Walker):
    """The extractor's walker, noting which element each block and table came from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paragraphs: dict[int, etree._Element] = {}
        self.tables: dict[int, etree._Element] = {}
        self.read: dict[etree._Element, _Para | None] = {}

    def read_paragraph(self, p: etree._Element) -> _Para | None:
        para = super().read_paragraph(p)
        self.read[p] = para  # list labels are rendered once: keep what the walk saw
        return para

    def emit_paragraph(self, p: etree._Element) -> None:
        index, before = self.paragraph_index, len(self.blocks)
        super().emit_paragraph(p)
        if len(self.blocks) > before and self.blocks[before].location.paragraph == index:
            self.paragraphs[index] = p

    def emit_table(self, tbl: etree._Element) -> None:
        self.tables[self.table_index] = tbl
        super().emit_table(tbl)


class _Body:
    def __init__(self, document):
        styles = _Styles(document.styles.element)
        numbering_el = None
        try:
            numbering_el = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            pass
        walker = _RecordingWalker("", styles, _Numbering(numbering_el, styles))
        walker.walk_container(document.element.body)
        self.walker = walker
        # Block start offsets, to turn a finding's document offset into one inside its block.
        self.starts: dict[tuple[int | None, int | None, int | None], tuple[int, str]] = {}
        for block in with_offsets(walker.blocks):
            loc = block.location
            self.starts[(loc.paragraph, loc.table, loc.row)] = (loc.start or 0, block.text)

    # units: the mapped text of a paragraph block or a table row

    def _shown(self, p: etree._Element) -> str | None:
        para = self.walker.read.get(p)
        return para.text if para is not None else None

    def paragraph_unit(self, index: int) -> _Mapped | None:
        p = self.walker.paragraphs.get(index)
        return _paragraph(p, self._shown(p)) if p is not None else None

    def _cells(self, tr: etree._Element) -> list[_Mapped]:
        cells = []
        for tc in _children(tr):
            if tc.tag != W_TC:
                continue
            parts = []
            for child in _children(tc):
                if child.tag != W_P or child not in self.walker.read or self.walker.read[child] is None:
                    continue  # table-of-contents lines are left out, as extraction leaves them out
                para = self.walker.read[child]
                mapped = _paragraph(child, para.text)
                # Numbered cell paragraphs show their number ("K3"), bullets do not.
                if para.label and para.label != "•":
                    mapped = _Mapped.synthetic(f"{para.label} " if mapped.text else para.label) + mapped
                parts.append(mapped)
            cells.append(_join(parts, " "))
        return cells

    def _row(self, table: int, row: int) -> etree._Element | None:
        tbl = self.walker.tables.get(table)
        if tbl is None:
            return None
        rows = [tr for tr in _children(tbl) if tr.tag == W_TR]
        return rows[row] if 0 <= row < len(rows) else None

    def row_unit(self, table: int, row: int) -> _Mapped | None:
        tr = self._row(table, row)
        return _join(self._cells(tr), " | ") if tr is not None else None

    def units(self) -> Iterator[_Mapped]:
        for index in sorted(self.walker.paragraphs):
            unit = self.paragraph_unit(index)
            if unit is not None:
                yield unit
        for _, tbl in sorted(self.walker.tables.items()):
            for tr in (tr for tr in _children(tbl) if tr.tag == W_TR):
                yield from self._cells(tr)

    # anchoring

    def anchor(self, finding: Finding) -> tuple[etree._Element, etree._Element, bool] | None:
        """(first run, last run, exact) of the range to comment; runs are split as needed."""
        loc = finding.location
        wanted = normalize(finding.requirement_text)
        unit = None
        key: tuple[int | None, int | None, int | None] | None = None
        if loc.paragraph is not None and loc.table is None:
            unit, key = self.paragraph_unit(loc.paragraph), (loc.paragraph, None, None)
        elif loc.table is not None and loc.row is not None:
            unit, key = self.row_unit(loc.table, loc.row), (None, loc.table, loc.row)
        if unit is not None and wanted:
            expected = None
            if key in self.starts and loc.start is not None:
                block_start, block_text = self.starts[key]
                if block_text == unit.text:  # offsets mean something only when the texts agree
                    expected = loc.start - block_start
            span = _find(unit, wanted, expected)
            if span is not None:
                return (*_cut(unit, *span), True)
        if wanted:
            for other in self.units():
                span = _find(other, wanted, None)
                if span is not None:
                    return (*_cut(other, *span), False)
        if unit is not None and loc.table is not None:
            unit = self._best_cell(loc.table, loc.row or 0, wanted)
        if unit is None or not any(unit.atoms):
            unit = next((u for u in self.units() if any(u.atoms)), None)
        if unit is None:
            return None
        return (*_cut(unit, 0, len(unit.text)), False)

    def _best_cell(self, table: int, row: int, wanted: str) -> _Mapped | None:
        tr = self._row(table, row)
        if tr is None:
            return None
        words = set(wanted.casefold().split())
        cells = [c for c in self._cells(tr) if any(c.atoms)]
        return max(cells, key=lambda c: len(words & set(c.text.casefold().split())), default=None)


def _find(unit: _Mapped, wanted: str, expected: int | None) -> tuple[int, int] | None:
    """Span of ``wanted`` in ``unit``: at ``expected`` if it is there, else the first; then loosely."""
    if expected is not None and unit.text.startswith(wanted, expected):
        return expected, expected + len(wanted)
    at = unit.text.find(wanted)
    if at >= 0:
        # Text made up only of a rendered list label has no runs to comment on.
        return (at, at + len(wanted)) if any(unit.atoms[at : at + len(wanted)]) else None
    loose, key = _loose(unit), _loose_text(wanted)
    at = loose.text.find(key) if key else -1
    if at < 0:
        return None
    # Back to the unit's positions through the source characters the loose text kept.
    real = [a for a in loose.atoms[at : at + len(key)] if a is not None]
    if not real:
        return None
    positions = {id(a): i for i, a in enumerate(unit.atoms) if a is not None}
    return positions[id(real[0])], positions[id(real[-1])] + 1


# --- splitting runs ---------------------------------------------------------------------


def _cut(unit: _Mapped, start: int, end: int) -> tuple[etree._Element, etree._Element]:
    """Split runs so that characters ``start:end`` of ``unit`` are whole runs; their first and last."""
    real = [a for a in unit.atoms[start:end] if a is not None]
    if not real:
        real = [a for a in unit.atoms if a is not None]
    first, last = real[0], real[-1]
    # The end first: the left part stays the original element, so ``first`` remains valid.
    last_run = _split(last.run, last.child, last.index + 1)[0]
    if first.run is last.run:
        # ``first`` is still in the left part (the original element); its right part is the range.
        right = _split(first.run, first.child, first.index)[1]
        return right, right
    first_run = _split(first.run, first.child, first.index)[1]
    return first_run, last_run


def _split(run: etree._Element, child: etree._Element, index: int) -> tuple[etree._Element, etree._Element]:
    """Split ``run`` before character ``index`` of ``child``: (left, right), left being ``run``.

    When one side would be empty nothing is split and ``run`` is returned for both.
    """
    content = [c for c in run if c.tag != W_RPR]
    i = content.index(child)
    length = len(child.text or "") if child.tag == W_T else 1
    if (i == 0 and index == 0) or (i == len(content) - 1 and index >= length):
        return run, run
    if index >= length:  # at the child's end: split between it and the next child
        i, index = i + 1, 0
        child = content[i]
    right = copy.deepcopy(run)
    right_content = [c for c in right if c.tag != W_RPR]
    for c in right_content[:i]:
        right.remove(c)
    for c in content[i + 1 :] if index else content[i:]:
        run.remove(c)
    if index:
        text = child.text or ""
        child.text = text[:index]
        right_content[i].text = text[index:]
        for t in (child, right_content[i]):
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addnext(right)
    return run, right


__all__ = ["AnnotationResult", "annotate_docx"]
