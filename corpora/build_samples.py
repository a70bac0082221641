#!/usr/bin/env python3
"""Render the fictional sample tenders in corpora/samples/ from their YAML source.

    python corpora/build_samples.py [--out DIR] [--no-verify]

Reads every ``corpora/samples/source/*.yaml`` and writes, for each, the document named by
its ``output`` key (.docx via python-docx, .xlsx via openpyxl, .pdf via fpdf2) and
``<output stem>.labels.jsonl``: one record per requirement item in document order, in the record
format of shared/annotation-guide.md. Each label record is produced from the same YAML value
that is written into the document, so the ``text`` of a record is always exactly the text in
the document.

The output is byte-for-byte deterministic for given library versions: fixed document
metadata and dates, and the zip containers (.docx/.xlsx) are rewritten with fixed timestamps.

After building, the script opens each output again (python-docx, openpyxl, pypdfium2) and
checks that every labelled text can be found in the extracted text; ``--no-verify`` skips this.

The PDF needs a Unicode TrueType font so that å/ä/ö render. The script looks for DejaVu Sans
(then Liberation Sans, Noto Sans) in the usual font folders, or takes the regular and bold
.ttf files from SAMPLES_TTF / SAMPLES_TTF_BOLD. Without one it stops with an error; it never
strips diacritics. On Debian/Ubuntu: ``apt-get install fonts-dejavu-core``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE / "samples" / "source"
DEFAULT_OUT = HERE / "samples"
SOURCE_PREFIX = "corpora/samples/"  # the "source" field of every label record

FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
LABELS = ("feature_without_need", "feature_with_need", "need", "out_of_scope")

# A sentence in plain (unlabelled) text that matches one of these may be taken for a
# requirement by a segmenter; the build warns so that it is either reworded or labelled.
MODAL_RE = {
    "sv": re.compile(r"\b(ska|skall|måste|bör|får inte|behöver|behov)\b", re.IGNORECASE),
    "en": re.compile(r"\b(shall|must|should|will|needs? to|required)\b", re.IGNORECASE),
}


class BuildError(Exception):
    pass


@dataclass
class Item:
    """One labelled requirement item, as written into the document."""

    id: str
    text: str
    label: str
    heading: str | None
    rationale: str | None = None
    goals: list[str] = field(default_factory=list)
    ambiguous: bool = False

    def record(self, lang: str, source: str) -> dict:
        return {
            "id": self.id,
            "lang": lang,
            "text": self.text,
            "context": {"heading": self.heading, "rationale": self.rationale, "goals": self.goals},
            "label": self.label,
            "ambiguous": self.ambiguous,
            "source": source,
        }


@dataclass
class Built:
    spec: dict
    items: list[Item]
    plain_texts: list[str]  # unlabelled text written into the document (for the modal scan)
    pages: int | None = None


# --------------------------------------------------------------------------- helpers


def _heading_level(text: str) -> int:
    m = re.match(r"(\d+(?:\.\d+)*)\s", text)
    if not m:
        raise BuildError(f"heading without a section number: {text!r}")
    return m.group(1).count(".") + 1


class _Goals:
    """Goal statements seen so far (``goal: true`` items), for ``goals: [...]`` references."""

    def __init__(self) -> None:
        self._by_id: dict[str, str] = {}

    def add(self, gid: str, rendered: str) -> None:
        self._by_id[gid] = rendered

    def resolve(self, ids: list[str] | None, where: str) -> list[str]:
        out = []
        for gid in ids or []:
            if gid not in self._by_id:
                raise BuildError(f"{where}: refers to goal {gid!r}, which is not defined before it")
            out.append(self._by_id[gid])
        return out


def _item(d: dict, heading: str | None, goals: _Goals, *, where: str) -> Item:
    for key in ("id", "text", "label"):
        if not d.get(key):
            raise BuildError(f"{where}: item without {key!r}: {d}")
    if d["label"] not in LABELS:
        raise BuildError(f"{where}: {d['id']}: unknown label {d['label']!r}")
    text = str(d["text"])
    if text != text.strip() or "  " in text or "\n" in text:
        raise BuildError(f"{where}: {d['id']}: text has stray whitespace")
    rationale = d.get("rationale")
    return Item(
        id=str(d["id"]),
        text=text,
        label=d["label"],
        heading=heading,
        rationale=str(rationale) if rationale else None,
        goals=goals.resolve(d.get("goals"), f"{where}: {d['id']}"),
        ambiguous=bool(d.get("ambiguous", False)),
    )


def _rendered(d: dict) -> str:
    """The paragraph text of a ``req`` block: "<id><sep><text>" or the text alone."""
    if d.get("show_id", True):
        return f"{d['id']}{d.get('sep', ' ')}{d['text']}"
    return str(d["text"])


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip container with fixed timestamps and attributes, entries in original order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


# --------------------------------------------------------------------------- DOCX


def build_docx(spec: dict, path: Path) -> Built:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = docx.Document()
    props = spec.get("properties", {})
    cp = doc.core_properties
    cp.title = props.get("title", "")
    cp.subject = props.get("subject", "")
    cp.author = props.get("author", "")
    cp.keywords = props.get("keywords", "")
    cp.category = props.get("category", "")
    cp.comments = "Fictional sample written for the upphandlingsgranskare project."
    cp.last_modified_by = props.get("author", "")
    cp.language = "sv-SE" if spec["lang"] == "sv" else "en-US"
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.revision = 1

    # document language on the Normal style, so Word proofs Swedish text as Swedish
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:val"), cp.language)
    rpr.append(lang_el)

    rationale_prefix = spec.get("rationale_prefix", "Motivering: ")
    goals = _Goals()
    items: list[Item] = []
    plain: list[str] = []
    heading: str | None = None
    where = spec["output"]

    def id_paragraph(ident: str, rest: str, style: str | None = None):
        p = doc.add_paragraph(style=style)
        p.add_run(ident).bold = True
        p.add_run(rest)
        return p

    for block in spec["blocks"]:
        (kind, value), = block.items()
        if kind == "title":
            doc.add_paragraph(value, style="Title")
            plain.append(value)
        elif kind == "subtitle":
            doc.add_paragraph(value, style="Subtitle")
            plain.append(value)
        elif kind == "heading":
            doc.add_heading(value, level=_heading_level(value))
            heading = value
        elif kind == "p":
            doc.add_paragraph(value)
            plain.append(value)
        elif kind == "req":
            item = _item(value, heading, goals, where=where)
            if value.get("show_id", True):
                id_paragraph(item.id, f"{value.get('sep', ' ')}{item.text}")
            else:
                doc.add_paragraph(item.text)
            if item.rationale:
                p = doc.add_paragraph()
                p.add_run(rationale_prefix.strip()).italic = True
                p.add_run(" " + item.rationale)
            if value.get("goal"):
                goals.add(item.id, _rendered(value))
            items.append(item)
        elif kind == "list":
            lead = value["lead"]
            id_paragraph(str(lead["id"]), f"{lead.get('sep', ' ')}{lead['text']}")
            for d in value["items"]:
                item = _item(d, heading, goals, where=where)
                doc.add_paragraph(item.text, style="List Number")
                items.append(item)
        elif kind == "table":
            cols = value["columns"]
            if len(cols) != 4:
                raise BuildError(f"{where}: a DOCX table has the columns id | text | kind | rationale")
            table = doc.add_table(rows=1, cols=len(cols))
            table.style = doc.styles["Table Grid"]
            widths = [Cm(2.0), Cm(7.5), Cm(2.0), Cm(5.5)]
            hdr = table.rows[0]
            # repeat the header row on every page, as in a real requirement table
            trpr = hdr._tr.get_or_add_trPr()
            tbl_header = OxmlElement("w:tblHeader")
            tbl_header.set(qn("w:val"), "true")
            trpr.append(tbl_header)
            for cell, text, width in zip(hdr.cells, cols, widths):
                cell.width = width
                cell.paragraphs[0].add_run(text).bold = True
            for d in value["rows"]:
                item = _item(d, heading, goals, where=where)
                cells = table.add_row().cells
                for cell, text, width in zip(
                    cells, (item.id, item.text, d.get("kind", ""), item.rationale or ""), widths
                ):
                    cell.width = width
                    cell.text = text
                items.append(item)
            doc.add_paragraph()
        else:
            raise BuildError(f"{where}: unknown block type {kind!r}")

    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.5)
    doc.styles["Normal"].font.size = Pt(11)

    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_normalize_zip(buf.getvalue()))
    return Built(spec, items, plain)


def extract_docx(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


# --------------------------------------------------------------------------- XLSX


def build_xlsx(spec: dict, path: Path) -> Built:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    props = spec.get("properties", {})
    wp = wb.properties
    wp.title = props.get("title")
    wp.subject = props.get("subject")
    wp.creator = props.get("creator")
    wp.lastModifiedBy = props.get("creator")
    wp.keywords = props.get("keywords")
    wp.category = props.get("category")
    wp.description = "Fictional sample written for the upphandlingsgranskare project."
    wp.language = "sv-SE" if spec["lang"] == "sv" else "en-US"
    fixed = FIXED_DATE.replace(tzinfo=None)  # openpyxl stores naive UTC
    wp.created = fixed
    wp.modified = fixed

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    section_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap_top = Alignment(wrap_text=True, vertical="top")

    goals = _Goals()
    items: list[Item] = []
    plain: list[str] = []
    where = spec["output"]

    for sheet in spec["sheets"]:
        ws = wb.create_sheet(sheet["name"])
        ncols = len(sheet.get("columns") or [None])
        for i, width in enumerate(sheet.get("widths", []), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        r = 1
        for i, text in enumerate(sheet.get("title_rows", [])):
            c = ws.cell(row=r, column=1, value=text)
            c.font = Font(bold=True, size=14) if i == 0 else Font(italic=True)
            plain.append(text)
            r += 1
        if sheet.get("title_rows"):
            r += 1  # blank row between title and table
        heading = sheet["name"]
        if "columns" in sheet:
            header_row = r
            for col, text in enumerate(sheet["columns"], start=1):
                c = ws.cell(row=r, column=col, value=text)
                c.font, c.fill, c.alignment = bold, header_fill, wrap_top
            ws.freeze_panes = ws.cell(row=r + 1, column=1)
            r += 1
            first_data = r
            cols = sheet["columns"]
            has_rationale = len(cols) >= 5
            for d in sheet.get("rows", []):
                if "section" in d:
                    c = ws.cell(row=r, column=1, value=d["section"])
                    c.font, c.fill = bold, section_fill
                    for col in range(2, ncols + 1):
                        ws.cell(row=r, column=col).fill = section_fill
                    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
                    heading = d["section"]
                    plain.append(d["section"])
                    r += 1
                    continue
                item = _item(d, heading, goals, where=f"{where}/{sheet['name']}")
                if item.rationale and not has_rationale:
                    raise BuildError(f"{where}: {item.id}: sheet {sheet['name']} has no Motivering column")
                values = [item.id, item.text, d.get("kind", "")]
                if has_rationale:
                    values.append(item.rationale)
                values.append(None)  # Leverantörens svar: left for the tenderer
                for col, v in enumerate(values, start=1):
                    c = ws.cell(row=r, column=col, value=v if v != "" else None)
                    c.alignment = wrap_top
                items.append(item)
                r += 1
            # the answer column takes Ja/Nej, as in a real matrix
            dv = DataValidation(type="list", formula1='"Ja,Nej"', allow_blank=True)
            ws.add_data_validation(dv)
            answer_col = get_column_letter(len(cols))
            dv.add(f"{answer_col}{first_data}:{answer_col}{max(first_data, r - 1)}")
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{r - 1}"
        for i, line in enumerate(sheet.get("lines", [])):
            if isinstance(line, dict):
                d = dict(line)
                d.setdefault("id", f"{sheet['name']}!A{r}")
                item = _item(d, heading, goals, where=f"{where}/{sheet['name']}")
                c = ws.cell(row=r, column=1, value=item.text)
                items.append(item)
            else:
                c = ws.cell(row=r, column=1, value=line)
                if i == 0:
                    c.font = Font(bold=True, size=14)
                plain.append(line)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            r += 1

    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl.save_workbook() would overwrite "modified" with now()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    path.write_bytes(_normalize_zip(buf.getvalue()))
    return Built(spec, items, plain)


def extract_xlsx(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True)
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    wb.close()
    return "\n".join(parts)


# --------------------------------------------------------------------------- PDF

FONT_CANDIDATES = [  # (regular, bold)
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
]
FONT_DIRS = [
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path(sys.prefix),  # a font shipped inside a package in the virtualenv
]


def find_font() -> tuple[Path, Path]:
    env_regular, env_bold = os.environ.get("SAMPLES_TTF"), os.environ.get("SAMPLES_TTF_BOLD")
    if env_regular:
        regular = Path(env_regular)
        bold = Path(env_bold) if env_bold else regular
        if not regular.is_file() or not bold.is_file():
            raise BuildError(f"SAMPLES_TTF/SAMPLES_TTF_BOLD do not name existing files: {regular}, {bold}")
        return regular, bold
    for regular_name, bold_name in FONT_CANDIDATES:
        for d in FONT_DIRS:
            if not d.is_dir():
                continue
            regular = next(iter(sorted(d.rglob(regular_name))), None)
            if regular:
                bold = regular.with_name(bold_name)
                return regular, bold if bold.is_file() else regular
    raise BuildError(
        "no Unicode TrueType font found for the PDF sample (looked for "
        + ", ".join(r for r, _ in FONT_CANDIDATES)
        + " under "
        + ", ".join(str(d) for d in FONT_DIRS)
        + "). Install one (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set SAMPLES_TTF"
        " and SAMPLES_TTF_BOLD to .ttf files. Diacritics (å, ä, ö) are never stripped."
    )


_MD_MARKERS = ("**", "__", "--", "~~")


def _md_safe(text: str, where: str) -> str:
    for m in _MD_MARKERS:
        if m in text:
            raise BuildError(f"{where}: text contains {m!r}, which fpdf2 markdown would interpret")
    return text


def build_pdf(spec: dict, path: Path) -> Built:
    from fpdf import FPDF

    regular, bold = find_font()
    header_text = spec["header"]

    class SamplePDF(FPDF):
        def header(self) -> None:
            self.set_font("Sans", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, header_text, new_x="LMARGIN", new_y="NEXT")
            y = self.get_y() + 1
            self.set_draw_color(160, 160, 160)
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.set_y(y + 6)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Sans", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 10, f"Sida {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = SamplePDF(format="A4")
    pdf.add_font("Sans", "", str(regular))
    pdf.add_font("Sans", "B", str(bold))
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    props = spec.get("properties", {})
    pdf.set_title(props.get("title", ""))
    pdf.set_subject(props.get("subject", ""))
    pdf.set_author(props.get("author", ""))
    pdf.set_keywords(props.get("keywords", ""))
    pdf.set_creator("corpora/build_samples.py (upphandlingsgranskare)")
    pdf.set_lang("sv-SE" if spec["lang"] == "sv" else "en-US")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()

    rationale_prefix = spec.get("rationale_prefix", "Motivering: ").strip()
    goals = _Goals()
    items: list[Item] = []
    plain: list[str] = []
    heading: str | None = None
    where = spec["output"]
    body_size, line_h = 10.5, 5.4

    def para(text: str, *, markdown: bool = False, after: float = 2.5) -> None:
        pdf.set_font("Sans", "", body_size)
        pdf.multi_cell(0, line_h, text, markdown=markdown, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)

    for block in spec["blocks"]:
        (kind, value), = block.items()
        if kind == "title":
            pdf.set_font("Sans", "B", 17)
            pdf.multi_cell(0, 8, value, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            plain.append(value)
        elif kind == "subtitle":
            pdf.set_font("Sans", "", 10)
            pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
            plain.append(value)
        elif kind == "heading":
            level = _heading_level(value)
            if pdf.get_y() > pdf.h - 45:  # keep a heading with the text below it
                pdf.add_page()
            pdf.ln(3 if level == 1 else 1.5)
            pdf.set_font("Sans", "B", 13 if level == 1 else 11.5)
            pdf.multi_cell(0, 7 if level == 1 else 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
            heading = value
        elif kind == "p":
            para(_md_safe(value, where))
            plain.append(value)
        elif kind == "req":
            item = _item(value, heading, goals, where=where)
            _md_safe(item.text, where)
            if value.get("show_id", True):
                sep = value.get("sep", " ")
                para(f"**{item.id}{sep.rstrip()}**{' ' if sep.endswith(' ') else ''}{item.text}",
                     markdown=True, after=1.5 if item.rationale else 2.5)
            else:
                para(item.text, after=1.5 if item.rationale else 2.5)
            if item.rationale:
                para(f"**{rationale_prefix}** {_md_safe(item.rationale, where)}", markdown=True)
            if value.get("goal"):
                goals.add(item.id, _rendered(value))
            items.append(item)
        else:
            raise BuildError(f"{where}: block type {kind!r} is not supported in PDF samples")

    pages = pdf.page_no()
    path.write_bytes(bytes(pdf.output()))
    return Built(spec, items, plain, pages=pages)


def extract_pdf(path: Path, header: str) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    parts = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            text = page.get_textpage().get_text_range()
            for line in text.splitlines():
                if line.strip() == header or re.fullmatch(r"Sida \d+/\d+", line.strip()):
                    continue
                parts.append(line)
    finally:
        pdf.close()
    return "\n".join(parts)


# --------------------------------------------------------------------------- main

BUILDERS = {"docx": build_docx, "xlsx": build_xlsx, "pdf": build_pdf}


def _squash(s: str) -> str:
    """Compare PDF text without whitespace: line wrapping may fall anywhere."""
    # pdfium reports a hyphen at the end of a line as U+FFFE (or U+0002 in some versions)
    s = s.replace("\ufffe", "-").replace("\x02", "-").replace("\u00ad", "")
    return re.sub(r"\s+", "", s)


def verify(built: Built, path: Path) -> list[str]:
    fmt = built.spec["format"]
    problems = []
    if fmt == "docx":
        text = extract_docx(path)
        found = lambda t: t in text  # noqa: E731
    elif fmt == "xlsx":
        text = extract_xlsx(path)
        found = lambda t: t in text  # noqa: E731
    else:
        try:
            text = extract_pdf(path, built.spec["header"])
        except ImportError:
            return ["pypdfium2 not installed: PDF text not verified"]
        squashed = _squash(text)
        found = lambda t: _squash(t) in squashed  # noqa: E731
        if built.spec["lang"] == "sv":
            missing = [ch for ch in "åäöÅÄÖ" if ch not in text]
            # capital Å/Ä/Ö need not occur; lower-case ones must
            if any(ch in missing for ch in "åäö"):
                problems.append(f"diacritics missing from extracted PDF text: {missing}")
    for item in built.items:
        if not found(item.text):
            problems.append(f"{item.id}: text not found in extracted document text: {item.text!r}")
        if item.rationale and not found(item.rationale):
            problems.append(f"{item.id}: rationale not found in extracted text")
    return problems


def modal_warnings(built: Built) -> list[str]:
    rx = MODAL_RE[built.spec["lang"]]
    return [f"unlabelled text with a modal verb ({m.group(0)!r}): {t[:90]!r}"
            for t in built.plain_texts if (m := rx.search(t))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: corpora/samples)")
    ap.add_argument("--source", type=Path, default=SOURCE_DIR, help="folder of YAML sources")
    ap.add_argument("--no-verify", action="store_true", help="skip reading the outputs back")
    args = ap.parse_args(argv)

    sources = sorted(args.source.glob("*.yaml"))
    if not sources:
        print(f"no YAML sources in {args.source}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for src in sources:
        spec = yaml.safe_load(src.read_text(encoding="utf-8"))
        fmt = spec.get("format")
        if fmt not in BUILDERS:
            print(f"{src.name}: unknown format {fmt!r}", file=sys.stderr)
            return 1
        out_path = args.out / spec["output"]
        try:
            built = BUILDERS[fmt](spec, out_path)
        except BuildError as e:
            print(f"error: {src.name}: {e}", file=sys.stderr)
            return 1
        ids = Counter(i.id for i in built.items)
        dupes = [i for i, n in ids.items() if n > 1]
        if dupes:
            print(f"error: {src.name}: duplicate item ids {dupes}", file=sys.stderr)
            return 1
        source = SOURCE_PREFIX + spec["output"]
        labels_path = args.out / (Path(spec["output"]).stem + ".labels.jsonl")
        with labels_path.open("w", encoding="utf-8", newline="\n") as f:
            for item in built.items:
                f.write(json.dumps(item.record(spec["lang"], source), ensure_ascii=False) + "\n")

        counts = Counter(i.label for i in built.items)
        amb = sum(i.ambiguous for i in built.items)
        digest = hashlib.sha256(out_path.read_bytes()).hexdigest()[:12]
        pages = f", {built.pages} pages" if built.pages else ""
        print(f"{spec['output']}: {len(built.items)} items{pages} (sha256 {digest})")
        print("    " + ", ".join(f"{lab} {counts.get(lab, 0)}" for lab in LABELS) + f"; ambiguous {amb}")
        for w in modal_warnings(built):
            print(f"    warning: {w}")
        if not args.no_verify:
            for p in verify(built, out_path):
                print(f"    VERIFY FAILED: {p}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
