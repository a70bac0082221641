"""DOCX extraction: python-docx opens the package, the body is walked as XML with lxml.

Walking the XML directly (rather than ``document.paragraphs``/``document.tables``) keeps
paragraphs and tables in document order, reaches content controls (``w:sdt``), nested tables
and text boxes, and lets us render list numbers the way Word shows them.

Locations: paragraph-like blocks (headings, paragraphs, list items, text-box paragraphs) get
``Location(paragraph=i)`` where ``i`` is a running 0-based counter of the non-table blocks
emitted. Table rows get ``Location(table=t, row=r)``: ``t`` counts every table, nested ones
included, in document order; ``r`` is the 0-based row in that table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..models import Block, Cell, CellRole, ExtractedDocument, ExtractionError, Location
from ._docx_numbering import _Numbering  # noqa: F401 - also imported from here by report.annotate_docx
from ._emphasis import heading_shaped, rpr_emphasised, runs_emphasised
from .characters import normalize
from .limits import Deadline
from .offsets import build_document
from .roles import detect_roles, looks_like_header

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t")
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML, W_SMART_TAG = _w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag")
W_TXBX = _w("txbxContent")
W_VAL = _w("val")
MC_FALLBACK = f"{{{MC_NS}}}Fallback"

# Wrappers whose children are laid out as if they were the wrapper's siblings.
_TRANSPARENT = {W_SDT, W_SDT_CONTENT, W_CUSTOM_XML, W_SMART_TAG}
# Subtrees that never contribute to a paragraph's own text.
_SKIP_IN_TEXT = {W_TXBX, MC_FALLBACK, _w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("sdtPr")}
_HEADING_NAME = re.compile(
    r"^(?:heading|rubrik|overskrift|otsikko|überschrift|titre|kop|nagłówek)\s*(\d)$", re.IGNORECASE
)
_TITLE_NAMES = {"title", "titel", "tittel", "rubrik", "otsikko", "titre"}
_TOC_NAME = re.compile(r"^(?:toc|innehåll|innholdsfortegnelse)\b", re.IGNORECASE)


def read_docx(path: Path, shown: str, *, deadline: Deadline | None = None) -> ExtractedDocument:
    """Read a DOCX; ``extract()`` has checked the package first (size, zip bomb, DTDs)."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ExtractionError(
            shown,
            "filen är inte en giltig DOCX (trasig eller lösenordsskyddad) / "
            f"not a valid DOCX file (corrupt or password-protected): {exc}",
        ) from exc
    styles = _Styles(document.styles.element)
    numbering_el = None
    try:
        numbering_el = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        pass  # no numbering.xml: no list labels
    walker = _Walker(shown, styles, _Numbering(numbering_el, styles), deadline=deadline)
    walker.walk_container(document.element.body)
    return build_document(shown, "docx", walker.blocks, extractor=f"python-docx {_version()}")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("python-docx")
    except Exception:  # pragma: no cover
        return ""


# --- styles ----------------------------------------------------------------------------


@dataclass
class _StyleInfo:
    name: str
    based_on: str | None
    outline: int | None  # 0-based outline level, None for body text
    num_id: str | None
    ilvl: int | None
    emphasis: bool | None = None  # the style's run properties set bold or underline (None: not said)


class _Styles:
    def __init__(self, styles_el: etree._Element):
        self._by_id: dict[str, _StyleInfo] = {}
        for st in styles_el.iterchildren(_w("style")):
            sid = st.get(_w("styleId"))
            if not sid:
                continue
            name_el = st.find(_w("name"))
            based = st.find(_w("basedOn"))
            outline = st.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            num_pr = st.find(f"{_w('pPr')}/{_w('numPr')}")
            num_id = ilvl = None
            if num_pr is not None:
                nid = num_pr.find(_w("numId"))
                lvl = num_pr.find(_w("ilvl"))
                num_id = nid.get(W_VAL) if nid is not None else None
                ilvl = _int(lvl.get(W_VAL)) if lvl is not None else None
            self._by_id[sid] = _StyleInfo(
                name=(name_el.get(W_VAL) if name_el is not None else sid) or sid,
                based_on=based.get(W_VAL) if based is not None else None,
                outline=_int(outline.get(W_VAL)) if outline is not None else None,
                num_id=num_id,
                ilvl=ilvl,
                emphasis=rpr_emphasised(st.find(_w("rPr"))),
            )

    def chain(self, style_id: str | None) -> Iterator[_StyleInfo]:
        seen = set()
        while style_id and style_id in self._by_id and style_id not in seen:
            seen.add(style_id)
            info = self._by_id[style_id]
            yield info
            style_id = info.based_on

    def name(self, style_id: str | None) -> str:
        info = self._by_id.get(style_id or "")
        return info.name if info else (style_id or "")

    def heading_level(self, style_id: str | None) -> int | None:
        for info in self.chain(style_id):
            m = _HEADING_NAME.match(info.name.strip())
            if m:
                return max(1, int(m[1]))
            if info.name.strip().casefold() in _TITLE_NAMES:
                return 1
            if info.outline is not None and 0 <= info.outline < 9:
                return info.outline + 1
        return None

    def emphasised(self, style_id: str | None) -> bool:
        """The style, or the nearest style it is based on that says so, sets bold or underline."""
        for info in self.chain(style_id):
            if info.emphasis is not None:
                return info.emphasis
        return False

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        for info in self.chain(style_id):
            if info.num_id is not None:
                return info.num_id, info.ilvl
        return None, None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# --- walking the body ------------------------------------------------------------------


def _children(el: etree._Element) -> Iterator[etree._Element]:
    """Child elements, looking through content controls and custom-XML wrappers."""
    for child in el:
        if child.tag in _TRANSPARENT:
            yield from _children(child)
        else:
            yield child


def _paragraph_text(p: etree._Element) -> str:
    """The paragraph's own text: runs, hyperlinks, fields, insertions; not its text boxes."""
    parts: list[str] = []

    def visit(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_TEXT:
                continue
            if tag == W_T:
                parts.append(child.text or "")
            elif tag in (_w("tab"), _w("br"), _w("cr")):
                parts.append(" ")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            else:
                visit(child)

    visit(p)
    return "".join(parts)


def _text_boxes(el: etree._Element) -> list[etree._Element]:
    """Outermost w:txbxContent elements under ``el``, skipping mc:Fallback duplicates."""
    found: list[etree._Element] = []

    def visit(node: etree._Element) -> None:
        for child in node:
            if child.tag == MC_FALLBACK:
                continue
            if child.tag == W_TXBX:
                found.append(child)
                continue
            visit(child)

    visit(el)
    return found


@dataclass
class _Para:
    text: str
    kind: str
    level: int | None
    label: str | None
    ilvl: int | None = None  # list level of a numbered paragraph


class _Walker:
    def __init__(self, shown: str, styles: _Styles, numbering: _Numbering, deadline: Deadline | None = None):
        self.shown = shown
        self.deadline = deadline
        self.styles = styles
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.paragraph_index = 0
        self.table_index = 0
        self.styled_level = 0  # level of the last heading a style or outline level made

    def walk_container(self, container: etree._Element) -> None:
        for n, child in enumerate(_children(container)):
            if self.deadline is not None and not n % 256:
                self.deadline.check()
            if child.tag == W_P:
                self.emit_paragraph(child)
            elif child.tag == W_TBL:
                self.emit_table(child)

    # paragraphs

    def read_paragraph(self, p: etree._Element) -> _Para | None:
        """Text, kind, level and label of a paragraph; advances list counters. None for TOC lines."""
        ppr = p.find(_w("pPr"))
        style_id = None
        num_id: str | None = None
        ilvl: int | None = None
        outline: int | None = None
        if ppr is not None:
            st = ppr.find(_w("pStyle"))
            style_id = st.get(W_VAL) if st is not None else None
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                nid, lvl = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
                num_id = nid.get(W_VAL) if nid is not None else None
                ilvl = _int(lvl.get(W_VAL)) if lvl is not None else None
            ol = ppr.find(_w("outlineLvl"))
            outline = _int(ol.get(W_VAL)) if ol is not None else None
        if _TOC_NAME.match(self.styles.name(style_id)):
            return None  # table-of-contents lines repeat the headings
        style_num, style_ilvl = self.styles.numbering(style_id)
        if num_id is None:
            num_id = style_num
        if ilvl is None:
            ilvl = style_ilvl if num_id == style_num else 0
        label = self.numbering.label(num_id, ilvl)

        level = outline + 1 if outline is not None and 0 <= outline < 9 else self.styles.heading_level(style_id)
        text = normalize(_paragraph_text(p))
        if level is not None:
            if label and label != "•" and not text.startswith(label):
                text = f"{label} {text}" if text else ""
            return _Para(text, "heading", level, None)
        if label:
            return _Para(text, "list_item", None, label, ilvl)
        return _Para(text, "paragraph", None, None)

    def formatted_heading(self, p: etree._Element, para: _Para) -> _Para:
        """A short paragraph all in bold or underline, with no heading style, as a heading under the last
        styled one: a numbered one ("1. Introduction:") one level down, a plain one ("Business Need") two."""
        if para.kind == "heading":
            self.styled_level = para.level or 1
            return para
        if para.label == "•" or not heading_shaped(para.text.rstrip(":")):
            return para
        if not para.label and para.text.endswith(":"):
            return para  # "Exempelvis:", "In Scope:": a lead-in of what follows, kept as one
        ppr = p.find(_w("pPr"))
        st = ppr.find(_w("pStyle")) if ppr is not None else None
        runs = [r for r in p.iter(_w("r")) if next(r.iterancestors(W_P), None) is p]
        if not runs_emphasised(
            runs, self.styles.emphasised(st.get(W_VAL) if st is not None else None), self.styles.emphasised
        ):
            return para
        text = f"{para.label} {para.text}" if para.label else para.text
        level = self.styled_level + (1 + (para.ilvl or 0) if para.label else 2)
        return _Para(text, "heading", level, None)

    def emit_paragraph(self, p: etree._Element) -> None:
        para = self.read_paragraph(p)
        if para is not None and para.text:
            para = self.formatted_heading(p, para)
            loc = Location(file=self.shown, paragraph=self.paragraph_index)
            self.paragraph_index += 1
            self.blocks.append(
                Block(text=para.text, kind=para.kind, location=loc, level=para.level, list_label=para.label)  # type: ignore[arg-type]
            )
        # Text boxes anchored in this paragraph follow it.
        for box in _text_boxes(p):
            self.walk_container(box)

    # tables

    def emit_table(self, tbl: etree._Element) -> None:
        t = self.table_index
        self.table_index += 1
        rows = [tr for tr in _children(tbl) if tr.tag == W_TR]
        parsed = []
        for n, tr in enumerate(rows):
            if self.deadline is not None and not n % 256:
                self.deadline.check()
            parsed.append(self.read_row(tr))

        header_at: int | None = None
        for r, row in enumerate(parsed[:3]):
            if looks_like_header([c.text for c in row.cells]):
                header_at = r
                break
        columns: list[tuple[int, int, CellRole, str]] = []  # (first grid col, last, role, header)
        if header_at is not None:
            head = parsed[header_at]
            roles = detect_roles([c.text for c in head.cells])
            columns = [(c.col, c.col + c.span - 1, role, c.text) for c, role in zip(head.cells, roles)]

        for r, row in enumerate(parsed):
            cells = []
            for c in row.cells:
                if header_at is not None and r == header_at:
                    role = next((col[2] for col in columns if col[0] == c.col), CellRole.OTHER)
                    cells.append(Cell(text=c.text, role=role))
                elif header_at is not None and r > header_at:
                    col = next((col for col in columns if col[0] <= c.col <= col[1]), None)
                    if col is None:
                        cells.append(Cell(text=c.text))
                    else:
                        cells.append(Cell(text=c.text, role=col[2], header=col[3] or None))
                else:
                    cells.append(Cell(text=c.text))
            text = " | ".join(c.text for c in cells if c.text)
            if text:
                self.blocks.append(
                    Block(
                        text=text,
                        kind="table_row",
                        location=Location(file=self.shown, table=t, row=r),
                        cells=tuple(cells),
                        is_header=header_at is not None and r == header_at,
                    )
                )
            # Nested tables and text boxes inside the row's cells come right after the row.
            for nested in row.nested:
                if nested.tag == W_TBL:
                    self.emit_table(nested)
                else:
                    self.walk_container(nested)

    def read_row(self, tr: etree._Element) -> _Row:
        row = _Row()
        col = 0
        trpr = tr.find(_w("trPr"))
        if trpr is not None:
            before = trpr.find(_w("gridBefore"))
            col = _int(before.get(W_VAL)) or 0 if before is not None else 0
        for tc in _children(tr):
            if tc.tag != W_TC:
                continue
            tcpr = tc.find(_w("tcPr"))
            span = 1
            if tcpr is not None:
                gs = tcpr.find(_w("gridSpan"))
                span = max(1, _int(gs.get(W_VAL)) or 1) if gs is not None else 1
            texts = []
            for child in _children(tc):
                if child.tag == W_P:
                    para = self.read_paragraph(child)
                    if para is not None:
                        piece = para.text
                        # Numbered cell paragraphs show their number ("K3"), bullets do not.
                        if para.label and para.label != "•":
                            piece = f"{para.label} {piece}".strip()
                        if piece:
                            texts.append(piece)
                    row.nested.extend(_text_boxes(child))
                elif child.tag == W_TBL:
                    row.nested.append(child)
            # One Cell per w:tc: a merged cell is one element; vMerge continuations are empty.
            row.cells.append(_RawCell(text=normalize(" ".join(texts)), col=col, span=span))
            col += span
        return row


@dataclass
class _RawCell:
    text: str
    col: int
    span: int


@dataclass
class _Row:
    cells: list[_RawCell] = field(default_factory=list)
    nested: list[etree._Element] = field(default_factory=list)  # nested w:tbl and w:txbxContent
