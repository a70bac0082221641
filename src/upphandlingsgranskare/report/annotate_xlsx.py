"""The tender handed back with comments, spreadsheet side.

``annotate_xlsx``: a requirement matrix comes back as a copy with three columns added to the
right of each flagged sheet's used range (flag, comment, suggestion), filled on the flagged
rows, so the business owner answers in the matrix they already know. Only the flagged sheets'
XML and the parts they need change (``xlsx_sheet``); every other part of the package is copied
byte for byte (``package``), so drawings, charts, text boxes and validations stay.

``findings_workbook``: for every other input, a new workbook listing the findings, one row each,
and per document a "Mål och krav" sheet (``goal_matrix_sheet``): the requirements on the solution
by the goals they serve.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from ..fileio import write_atomic
from ..models import DocumentReview, Finding, Language
from .annotated import LABELS, AnnotationResult, heading, labels
from .package import Package, serialise
from .xlsx_sheet import Sheet, Styles, shared_strings

# Widths in Excel character units: a code fits in the first, prose wraps in the others.
_WIDTHS = (16, 60, 60)
_FINDINGS_COLUMNS: dict[Language, tuple[str, ...]] = {
    "sv": (
        "Dokument",
        "Krav-id",
        "Plats",
        "Kravtext",
        "Kod",
        "Allvarlighetsgrad",
        "Anmärkning",
        "Fråga till verksamheten",
        "Förslag",
        "Ursprung",
    ),
    "en": (
        "Document",
        "Requirement id",
        "Location",
        "Requirement text",
        "Code",
        "Severity",
        "Message",
        "Question for the business owner",
        "Suggestion",
        "Origin",
    ),
}
_FINDINGS_WIDTHS = (30, 12, 30, 60, 8, 12, 60, 50, 60, 12)
_SHEET_TITLE: dict[Language, str] = {"sv": "Anmärkningar", "en": "Findings"}
_MATRIX_TEXT: dict[Language, dict[str, str]] = {
    "sv": {
        "sheet": "Mål och krav",
        "title": "Mål och krav",
        "id": "Krav-id",
        "requirement": "Krav",
        "served_by": "Krav som bidrar",
        "goals": "Mål",
        "goal": "Mål",
        "text": "Mållydelse",
        "links": "Kopplingar",
        "method": "Sätt",
        "score": "Poäng",
        "why": "Varför",
        "reference": "hänvisning",
        "meaning": "innehåll",
        "no_goals": "Dokumentet anger inga mål.",
        "legend": "● kravet hänvisar till målet, ○ kravet knyts till målet genom sitt innehåll "
        "(delade ord och begrepp).",
    },
    "en": {
        "sheet": "Goals and requirements",
        "title": "Goals and requirements",
        "id": "Requirement id",
        "requirement": "Requirement",
        "served_by": "Requirements serving it",
        "goals": "Goals",
        "goal": "Goal",
        "text": "Goal text",
        "links": "Links",
        "method": "Method",
        "score": "Score",
        "why": "Why",
        "reference": "reference",
        "meaning": "meaning",
        "no_goals": "The document states no goals.",
        "legend": "● the requirement refers to the goal, ○ its content ties it to the goal "
        "(shared words and concepts).",
    },
}


def annotate_xlsx(source: Path, review: DocumentReview, target: Path) -> AnnotationResult:
    """Write a copy of the workbook ``source`` to ``target`` with the findings in three new columns.

    Per sheet with findings: the header goes in the row extraction took for the header row
    (else the row above the first flagged row), values on each flagged row. Findings without
    a sheet row, or on a sheet the workbook lacks, are not written and are listed in
    ``unanchored``. The copy is edited at package level (``package.Package``): only the flagged
    sheets' XML, styles.xml, the workbook's filter names and the marker property change; drawings,
    charts, images, validations and text boxes are the original bytes.
    """
    source, target = Path(source), Path(target)
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: kopian får inte skriva över originalet / the copy must not overwrite the input")
    package = Package.read(source)
    workbook_part = next(
        (name for kind, name in package.relationships("").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    workbook = package.xml(workbook_part)
    ns = etree.QName(workbook).namespace
    rels = package.relationships(workbook_part)
    sheet_parts: dict[str, str] = {}
    sheet_index: dict[str, int] = {}
    for index, sheet in enumerate(workbook.iter(f"{{{ns}}}sheet")):
        # r:id, in the transitional or the strict relationships namespace
        rel_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), "")
        rel = rels.get(rel_id)
        if rel is not None and rel[1] in package.parts:
            sheet_parts[sheet.get("name", "")] = rel[1]
            sheet_index[sheet.get("name", "")] = index
    text = labels(review.language)
    by_row: dict[str, dict[int, list[Finding]]] = {}
    missing: list[str] = []
    for finding in review.findings:
        loc = finding.location
        if loc.sheet is None or loc.row is None or loc.sheet not in sheet_parts:
            missing.append(finding.requirement_id)
            continue
        by_row.setdefault(loc.sheet, {}).setdefault(loc.row, []).append(finding)

    header_rows = _header_rows(source) if by_row else {}
    by_kind = {kind.rsplit("/", 1)[-1]: name for kind, name in rels.values()}
    styles_part = by_kind.get("styles")
    styles = Styles(package.xml(styles_part) if styles_part and package.get(styles_part) else None)
    strings_part = by_kind.get("sharedStrings")
    strings = shared_strings(package.xml(strings_part) if strings_part and package.get(strings_part) else None)
    filters: dict[int, tuple[str, str]] = {}
    written = 0
    for title, rows in by_row.items():
        sheet = Sheet(package.xml(sheet_parts[title]), strings)
        count, ref = _add_columns(sheet, rows, header_rows.get(title), styles, text)
        written += count
        if ref is not None:
            filters[sheet_index[title]] = (title, ref)
        package.set(sheet_parts[title], serialise(sheet.root))
    if styles.changed and styles_part:  # changed only when the workbook has a styles part
        package.set(styles_part, serialise(styles.root))
    if filters:
        _filter_names(workbook, filters)
        package.set(workbook_part, serialise(workbook))
    package.mark()
    package.write(target)
    return AnnotationResult(target=target, anchored=written, unanchored=tuple(missing), fallback=0)


def _add_columns(
    sheet: Sheet, rows: dict[int, list[Finding]], header_row: int | None, styles: Styles, text: dict[str, str]
) -> tuple[int, str | None]:
    """The flag, comment and suggestion columns right of the sheet's used range; returns the findings
    written and the autofilter's new range when the header row's filter grew."""
    if header_row is None:
        header_row = min(rows) - 1 or None
    first_col = _earlier_columns(sheet, header_row)
    if first_col is not None:  # the tool's own copy, annotated again: the same columns, this run's findings
        sheet.clear_columns(first_col, first_col + len(_WIDTHS) - 1, header_row)
        last = first_col - 1
    else:
        last = sheet.last_used_column()
        first_col = last + 1
    ref = None
    if header_row is not None and header_row not in rows:
        ref = sheet.extend_filter(header_row, first_col + 2)
        template = sheet.style_of(header_row, last) if last else None
        for offset, key in enumerate(("flag", "comment", "rewrite")):
            col = first_col + offset
            base = template if template is not None else sheet.style_of(header_row, col) or 0
            sheet.put_text(header_row, col, text[key], styles.wrapped(base, bold=True))
    from ..budget import check_budget

    written = 0
    for row, findings in sorted(rows.items()):
        check_budget()  # folder mode: the document's time budget holds for writing its copy too
        values = (
            ", ".join(dict.fromkeys(f.code for f in findings)),
            "\n\n".join(_comment(f, text, len(findings) > 1) for f in findings),
            "\n\n".join(_suggestion(f, len(findings) > 1) for f in findings if f.suggestion),
        )
        for offset, value in enumerate(values):
            col = first_col + offset
            if value:
                sheet.put_text(row, col, value, styles.wrapped(sheet.style_of(row, col) or 0))
        written += len(findings)
    for offset, width in enumerate(_WIDTHS):
        sheet.set_width(first_col + offset, width)
    sheet.extend_dimension(first_col + len(_WIDTHS) - 1, max(rows))
    return written, ref


def _earlier_columns(sheet: Sheet, header_row: int | None) -> int | None:
    """The first of the three columns an earlier run added (by their headers, in either language), or None."""
    if header_row is None or header_row not in sheet.rows:
        return None
    wanted = {tuple(LABELS[language][key] for key in ("flag", "comment", "rewrite")) for language in LABELS}
    for col in sorted(sheet.cells(sheet.rows[header_row])):
        if tuple(sheet.text(header_row, col + offset) for offset in range(3)) in wanted:
            return col
    return None


def _filter_names(workbook: etree._Element, filters: dict[int, tuple[str, str]]) -> None:
    """The workbook's hidden filter names follow the sheets' grown autofilters."""
    ns = etree.QName(workbook).namespace
    for name in workbook.iter(f"{{{ns}}}definedName"):
        local = name.get("localSheetId")
        if (
            name.get("name") == "_xlnm._FilterDatabase"
            and local is not None
            and local.isdigit()
            and int(local) in filters
        ):
            title, ref = filters[int(local)]
            low, _, high = ref.partition(":")
            absolute = "$" + re.sub(r"(\d+)", r"$\1", low) + ":$" + re.sub(r"(\d+)", r"$\1", high)
            name.text = "'" + title.replace("'", "''") + "'!" + absolute


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
            values = (
                review.path,
                finding.requirement_id,
                finding.location.describe(),
                finding.requirement_text,
                finding.code,
                finding.severity,
                finding.message,
                finding.question,
                finding.suggestion,
                finding.origin,
            )
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
            link = links.get((requirement.id, goal.id or ""))  # the goals shown here all have ids
            if link is not None:
                put(row, 3 + offset, "●" if link.method == "reference" else "○", align=center)
    row += 1
    put(row, 2, text["served_by"], font=bold)
    for offset, goal in enumerate(goals):
        put(
            row,
            3 + offset,
            len({link.requirement_id for link in review.links if link.goal_id == goal.id}),
            align=center,
        )
    ws.freeze_panes = "C5"

    _goal_and_link_lists(put, review, goals, text, row, bold)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    for offset in range(len(goals)):
        ws.column_dimensions[_letter(3 + offset)].width = max(12, len(goals[offset].id or "") + 2)
    return ws


def _goal_and_link_lists(
    put: Callable[..., None], review: DocumentReview, goals: list, text: dict[str, str], row: int, bold: object
) -> None:
    """Below the matrix, from ``row``: each goal with the requirements that serve it, then each link
    with its method, score and why. ``put`` writes one cell."""
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
        for col, value in enumerate(
            (link.requirement_id, link.goal_id, text[link.method], link.score, link.evidence), start=1
        ):
            put(row, col, value)


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


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
