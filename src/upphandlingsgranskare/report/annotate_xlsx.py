"""The tender handed back with comments, spreadsheet side.

``annotate_xlsx``: a requirement matrix comes back as a copy with three columns added to the
right of each flagged sheet's used range (flag, comment, suggestion), filled on the flagged
rows, so the business owner answers in the matrix they already know. The workbook is
loaded in full (not read-only) so styles, formulas, merged cells, validations and the other
sheets are saved back; openpyxl does not keep drawn shapes or charts, see ``annotate_xlsx``.

``findings_workbook``: for every other input, a new workbook listing the findings, one row each,
and per document a "Mål och krav" sheet (``goal_matrix_sheet``): the requirements on the solution
by the goals they serve.
"""

from __future__ import annotations

import io
import warnings
from copy import copy
from pathlib import Path

from ..fileio import write_atomic
from ..models import DocumentReview, Finding, Language
from .annotated import AnnotationResult, heading, labels

# Widths in Excel character units: a code fits in the first, prose wraps in the others.
_WIDTHS = (16, 60, 60)
_FINDINGS_COLUMNS: dict[Language, tuple[str, ...]] = {
    "sv": ("Dokument", "Krav-id", "Plats", "Kravtext", "Kod", "Allvarlighetsgrad", "Anmärkning",
           "Fråga till verksamheten", "Förslag", "Ursprung"),
    "en": ("Document", "Requirement id", "Location", "Requirement text", "Code", "Severity", "Message",
           "Question for the business owner", "Suggestion", "Origin"),
}
_FINDINGS_WIDTHS = (30, 12, 30, 60, 8, 12, 60, 50, 60, 12)
_SHEET_TITLE: dict[Language, str] = {"sv": "Anmärkningar", "en": "Findings"}
_MATRIX_TEXT: dict[Language, dict[str, str]] = {
    "sv": {"sheet": "Mål och krav", "title": "Mål och krav", "id": "Krav-id", "requirement": "Krav",
           "served_by": "Krav som bidrar", "goals": "Mål", "goal": "Mål", "text": "Mållydelse", "links": "Kopplingar",
           "method": "Sätt", "score": "Poäng", "why": "Varför", "reference": "hänvisning", "meaning": "innehåll",
           "no_goals": "Dokumentet anger inga mål.",
           "legend": "● kravet hänvisar till målet, ○ kravet knyts till målet genom sitt innehåll "
                     "(delade ord och begrepp)."},
    "en": {"sheet": "Goals and requirements", "title": "Goals and requirements", "id": "Requirement id",
           "requirement": "Requirement", "served_by": "Requirements serving it", "goals": "Goals", "goal": "Goal",
           "text": "Goal text", "links": "Links", "method": "Method", "score": "Score", "why": "Why",
           "reference": "reference", "meaning": "meaning", "no_goals": "The document states no goals.",
           "legend": "● the requirement refers to the goal, ○ its content ties it to the goal "
                     "(shared words and concepts)."},
}


def annotate_xlsx(source: Path, review: DocumentReview, target: Path) -> AnnotationResult:
    """Write a copy of the workbook ``source`` to ``target`` with the findings in three new columns.

    Per sheet with findings: the header goes in the row extraction took for the header row
    (else the row above the first flagged row), values on each flagged row. Findings without
    a sheet row, or on a sheet the workbook lacks, are not written and are listed in
    ``unanchored``. Limitation of openpyxl: drawn shapes (text boxes) and charts are not
    carried over to the copy.
    """
    import openpyxl

    source, target = Path(source), Path(target)
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: kopian får inte skriva över originalet / the copy must not overwrite the input")
    from ..extract.xlsx_merges import clip_merged_ranges

    header_rows = _header_rows(source)
    clipped = clip_merged_ranges(source)  # a merge over the whole sheet would be billions of cells in openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported extensions: openpyxl warns and drops them
        # rich_text keeps formatted runs inside cells; keep_vba keeps an .xlsm's macros.
        wb = openpyxl.load_workbook(io.BytesIO(clipped) if clipped is not None else str(source), rich_text=True,
                                    keep_vba=source.suffix.lower() == ".xlsm")
    text = labels(review.language)
    by_row: dict[str, dict[int, list[Finding]]] = {}
    missing: list[str] = []
    for finding in review.findings:
        loc = finding.location
        if loc.sheet is None or loc.row is None or loc.sheet not in wb.sheetnames:
            missing.append(finding.requirement_id)
            continue
        by_row.setdefault(loc.sheet, {}).setdefault(loc.row, []).append(finding)

    written = 0
    for title, rows in by_row.items():
        ws = wb[title]
        last = _last_used_column(ws)
        first_col = last + 1
        header_row = header_rows.get(title)
        if header_row is None:
            header_row = min(rows) - 1 or None
        if header_row is not None and header_row not in rows:
            template = ws.cell(row=header_row, column=last) if last else None
            for offset, key in enumerate(("flag", "comment", "rewrite")):
                cell = ws.cell(row=header_row, column=first_col + offset)
                _set_text(cell, text[key])
                _header_style(cell, template)
            _extend_filter(ws, header_row, first_col + 2)
        for row, findings in rows.items():
            values = (
                ", ".join(dict.fromkeys(f.code for f in findings)),
                "\n\n".join(_comment(f, text, len(findings) > 1) for f in findings),
                "\n\n".join(_suggestion(f, len(findings) > 1) for f in findings if f.suggestion),
            )
            for offset, value in enumerate(values):
                cell = ws.cell(row=row, column=first_col + offset)
                _set_text(cell, value)
                cell.alignment = _wrap(cell.alignment)
            written += len(findings)
        for offset, width in enumerate(_WIDTHS):
            ws.column_dimensions[_letter(first_col + offset)].width = width

    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    write_atomic(target, buffer.getvalue())
    return AnnotationResult(target=target, anchored=written, unanchored=tuple(missing), fallback=0)


def findings_workbook(reviews: list[DocumentReview], target: Path, language: Language | None = None) -> Path:
    """A new workbook with one sheet listing every finding of ``reviews``; returns ``target``.

    ``language`` picks the sheet's headers; by default the language most of the reviews have.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    target = Path(target)
    if language is None:
        languages = [r.language for r in reviews if not r.error]
        language = "en" if languages and languages.count("en") > len(languages) / 2 else "sv"
    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET_TITLE[language]
    columns = _FINDINGS_COLUMNS[language]
    for col, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col)
        _set_text(cell, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    row = 1
    for review in reviews:
        for finding in review.findings:
            row += 1
            values = (review.path, finding.requirement_id, finding.location.describe(), finding.requirement_text,
                      finding.code, finding.severity, finding.message, finding.question, finding.suggestion,
                      finding.origin)
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col)
                _set_text(cell, value)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for col, width in enumerate(_FINDINGS_WIDTHS, start=1):
        ws.column_dimensions[_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{_letter(len(columns))}{row}"
    for review in reviews:
        if not review.error:
            goal_matrix_sheet(wb, review, language)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(target, buffer.getvalue())
    return target


def goal_matrix_sheet(workbook, review: DocumentReview, language: Language | None = None):
    """Add a "Mål och krav" ("Goals and requirements") sheet to ``workbook`` and return it: the requirements
    on the solution (rows) by the stated goals (columns), ● for a reference and ○ for a link by meaning; below,
    each goal with the requirements that serve it, and each link with its method, score and why."""
    from openpyxl.styles import Alignment, Font

    from ..trace import LINKED_LABELS

    language = language or review.language
    text = _MATRIX_TEXT[language]
    ws = workbook.create_sheet(_unique_title(workbook, text["sheet"]))
    bold, wrap = Font(bold=True), Alignment(vertical="top", wrap_text=True)

    def put(row: int, col: int, value: object, *, font=None, align=wrap) -> None:
        cell = ws.cell(row=row, column=col)
        _set_text(cell, value)
        if font is not None:
            cell.font = font
        cell.alignment = align

    line = Alignment(vertical="top")  # one line over the columns, not wrapped inside column A
    put(1, 1, f"{text['title']} – {review.path}", font=Font(bold=True, size=12), align=line)
    goals = [g for g in review.goals if g.id]
    if not goals:
        put(3, 1, text["no_goals"], align=line)
        ws.column_dimensions["A"].width = 60
        return ws
    put(2, 1, text["legend"], align=line)
    center = Alignment(horizontal="center", vertical="top")
    put(4, 1, text["id"], font=bold)
    put(4, 2, text["requirement"], font=bold)
    for offset, goal in enumerate(goals):
        put(4, 3 + offset, goal.id, font=bold, align=center)
    links = {(link.requirement_id, link.goal_id): link for link in review.links}
    linked_ids = {link.requirement_id for link in review.links}
    row, seen = 4, set()
    for requirement in review.requirements:
        if requirement.id in seen or not (requirement.label in LINKED_LABELS or requirement.id in linked_ids):
            continue
        seen.add(requirement.id)
        row += 1
        put(row, 1, requirement.id)
        put(row, 2, requirement.text)
        for offset, goal in enumerate(goals):
            link = links.get((requirement.id, goal.id))
            if link is not None:
                put(row, 3 + offset, "●" if link.method == "reference" else "○", align=center)
    row += 1
    put(row, 2, text["served_by"], font=bold)
    for offset, goal in enumerate(goals):
        put(row, 3 + offset, len({link.requirement_id for link in review.links if link.goal_id == goal.id}),
            align=center)
    ws.freeze_panes = "C5"

    row += 2
    put(row, 1, text["goals"], font=bold)
    for col, name in enumerate((text["goal"], text["text"], text["served_by"]), start=1):
        put(row + 1, col, name, font=bold)
    row += 1
    for goal in goals:
        row += 1
        served = list(dict.fromkeys(link.requirement_id for link in review.links if link.goal_id == goal.id))
        put(row, 1, goal.id)
        put(row, 2, goal.text)
        put(row, 3, ", ".join(served) or "–")

    row += 2
    put(row, 1, text["links"], font=bold)
    for col, name in enumerate((text["id"], text["goal"], text["method"], text["score"], text["why"]), start=1):
        put(row + 1, col, name, font=bold)
    row += 1
    for link in review.links:
        row += 1
        for col, value in enumerate((link.requirement_id, link.goal_id, text[link.method], link.score, link.evidence),
                                    start=1):
            put(row, col, value)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    for offset in range(len(goals)):
        ws.column_dimensions[_letter(3 + offset)].width = max(12, len(goals[offset].id or "") + 2)
    return ws


def _unique_title(workbook, title: str) -> str:
    """``title``, or ``title (2)``, ``title (3)`` … when the workbook has it (Excel's limit: 31 characters)."""
    names = {name.casefold() for name in workbook.sheetnames}
    candidate, n = title[:31], 1
    while candidate.casefold() in names:
        n += 1
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)] + suffix
    return candidate


# --- helpers ----------------------------------------------------------------------------


def _header_rows(source: Path) -> dict[str, int]:
    """{sheet title: the row extraction took for the header}, so the new header lines up with it."""
    from ..extract.xlsx import read_xlsx

    out: dict[str, int] = {}
    for block in read_xlsx(source, str(source)).blocks:
        loc = block.location
        if block.is_header and loc.sheet is not None and loc.row is not None:
            out.setdefault(loc.sheet, loc.row)
    return out


def _last_used_column(ws) -> int:
    """The rightmost column holding a value or a merged range; formatting alone does not count."""
    last = 0
    for row in ws.iter_rows():
        for cell in reversed(row):
            if cell.value not in (None, ""):
                last = max(last, cell.column)
                break
    for merged in ws.merged_cells.ranges:
        last = max(last, merged.max_col)
    return last


def _comment(finding: Finding, text: dict[str, str], several: bool) -> str:
    # The flag column names the check; the code is repeated only to tell several findings apart.
    parts = [f"{heading(finding)}: {finding.message}" if several else finding.message]
    if finding.question:
        parts.append(f"{text['question']} {finding.question}")
    return "\n".join(parts)


def _suggestion(finding: Finding, several: bool) -> str:
    return f"{finding.code}: {finding.suggestion}" if several else finding.suggestion


def _set_text(cell, value: object) -> None:
    """Store text as text: never as a formula, and without characters XML cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=..." for a formula


def _wrap(alignment):
    new = copy(alignment)
    new.wrap_text = True
    new.vertical = "top"
    return new


def _header_style(cell, template) -> None:
    """Look like the sheet's own header: its font, fill and border, bold at least, wrapped."""

    if template is not None and template.has_style:
        cell.font = copy(template.font)
        cell.fill = copy(template.fill)
        cell.border = copy(template.border)
    if not cell.font.bold:
        font = copy(cell.font)
        font.bold = True
        cell.font = font
    cell.alignment = _wrap(template.alignment if template is not None else cell.alignment)


def _extend_filter(ws, header_row: int, last_col: int) -> None:
    """An autofilter on the header row grows to take in the new columns."""
    from openpyxl.utils.cell import range_boundaries

    ref = ws.auto_filter.ref
    if not ref:
        return
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if min_row == header_row and max_col < last_col:
        ws.auto_filter.ref = f"{_letter(min_col)}{min_row}:{_letter(last_col)}{max_row}"


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
