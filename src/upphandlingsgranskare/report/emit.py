"""Emitters: one report, three formats (JSON, Markdown, terminal text)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from ..models import DocumentReview, Finding, Language
from ..suppression import strip_markers
from .schema import GoalCoverage, build_report, goal_coverage, summarise

if TYPE_CHECKING:
    from rich.console import Console

Format = Literal["text", "json", "markdown"]
# The markdown report's first line; own_outputs recognises an earlier report met in a reviewed folder by it.
MARKDOWN_HEADING = "# Granskningsrapport / Review report"

_LABELS: dict[Language, dict[str, str]] = {
    "sv": {
        "requirements": "krav",
        "flagged": "flaggade",
        "share": "andel med angivet behov",
        "findings": "Anmärkningar",
        "question": "Fråga till verksamheten",
        "suggestion": "Förslag",
        "none": "Inga anmärkningar.",
        "error": "kunde inte granskas",
        "goals": "mål",
        "evidence": "Modellens belägg",
        "origin_llm": "bedömd av språkmodell",
        "origin_fallback": "regelresultat, språkmodellen misslyckades",
        "coverage": "Mål och kraven som bidrar till dem",
        "goal": "Mål",
        "goal_text": "Lydelse",
        "linked": "Krav som bidrar",
        "no_requirement": "inget krav",
        "reference": "via hänvisning",
        "meaning": "via innehåll",
        "goals_served": "mål med krav",
        "requirements_linked": "krav knutna till mål",
    },
    "en": {
        "requirements": "requirements",
        "flagged": "flagged",
        "share": "share with a stated need",
        "findings": "Findings",
        "question": "Question for the business owner",
        "suggestion": "Suggestion",
        "none": "No findings.",
        "error": "could not be reviewed",
        "goals": "goals",
        "evidence": "Model's evidence",
        "origin_llm": "judged by the language model",
        "origin_fallback": "rules result, the language model failed",
        "coverage": "Goals and the requirements that serve them",
        "goal": "Goal",
        "goal_text": "Stated as",
        "linked": "Requirements serving it",
        "no_requirement": "no requirement",
        "reference": "by reference",
        "meaning": "by meaning",
        "goals_served": "goals served",
        "requirements_linked": "requirements tied to a goal",
    },
}


def llm_line(review: DocumentReview) -> str | None:
    """One line on what the LLM backend did for the document (both languages, figures only)."""
    usage = review.llm
    if usage is None:
        return None
    per = "–" if usage.tokens_per_requirement is None else f"{usage.tokens_per_requirement:g}"
    line = (
        f"LLM ({usage.backend}, {usage.model}, {usage.prompt}): {usage.requirements_judged} krav / requirements, "
        f"{usage.cached} från cache / cached, {usage.calls} besvarade anrop / answered calls "
        f"({usage.requests} HTTP-förfrågningar / requests), "
        f"{usage.prompt_tokens + usage.completion_tokens} token ({per} per krav / per requirement)"
    )
    if usage.fallbacks:
        line += f", {usage.fallbacks} reservfall till reglerna / fell back to the rules"
    if usage.rejected_quotes or usage.rewrites_dropped:
        line += (
            f", {usage.rejected_quotes} ogrundade svar / ungrounded answers, "
            f"{usage.rewrites_dropped} förslag borttagna / rewrites dropped"
        )
    if usage.disagreements:
        line += f", {usage.disagreements} där modellen inte håller med / where the model disagrees"
    if usage.instruction_like:
        line += f", {usage.instruction_like} med instruktionslik text / with instruction-like text"
    return line


def _origin_note(finding: Finding, labels: dict[str, str]) -> str | None:
    if finding.origin == "llm":
        return labels["origin_llm"]
    if finding.origin == "rules-fallback":
        return labels["origin_fallback"] + (f" ({finding.origin_detail})" if finding.origin_detail else "")
    return finding.origin_detail  # the label model decided rather than the rules: its probability and the rules' label


def coverage_line(row: GoalCoverage, labels: dict[str, str], *, most: int = 8) -> str:
    """``K5, K19 (2: 1 hänvisning, 1 innehåll)`` or ``inget krav``: who serves one goal."""
    if not row.requirements:
        return labels["no_requirement"]
    ids = ", ".join(row.requirements[:most]) + (", …" if len(row.requirements) > most else "")
    return (
        f"{ids} ({len(row.requirements)}: {row.by_reference} {labels['reference']}, "
        f"{row.by_meaning} {labels['meaning']})"
    )


def _short(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def to_json(reviews: list[DocumentReview]) -> str:
    return json_bytes(reviews).decode("utf-8")


def json_bytes(reviews: list[DocumentReview]) -> bytes:
    """The JSON report as UTF-8, straight from pydantic's serializer (what ``model_dump_json`` decodes): a
    1,000-page review's report is about 50 MB so, and twice that as a Python str of Swedish text."""
    report = build_report(reviews)
    return type(report).__pydantic_serializer__.to_json(report, indent=2) + b"\n"


def _share(review: DocumentReview) -> str:
    share = summarise(review).need_stated_share
    return "–" if share is None else f"{share:.0%}"


def to_markdown(reviews: list[DocumentReview]) -> str:
    out = io.StringIO()
    out.write(f"{MARKDOWN_HEADING}\n\n")
    for review in reviews:
        labels = _LABELS[review.language]
        out.write(f"## {review.path}\n\n")
        if review.error:
            out.write(f"**{labels['error']}:** {review.error}\n\n")
            continue
        s = summarise(review)
        out.write(
            f"- {labels['requirements']}: {s.requirements}\n- {labels['flagged']}: {s.flagged}\n"
            f"- {labels['share']}: {_share(review)}\n- {labels['goals']}: {len(review.goals)}"
            f" ({s.goals_served} {labels['goals_served']}, {s.linked} {labels['requirements_linked']})\n"
        )
        if llm_line(review):
            out.write(f"- {llm_line(review)}\n")
        out.write("\n")
        coverage = goal_coverage(review)
        if coverage:
            out.write(f"### {labels['coverage']}\n\n| {labels['goal']} | | {labels['linked']} |\n|---|---|---|\n")
            for row in coverage:
                cells = (row.goal_id, _short(row.text), coverage_line(row, labels))
                out.write("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
            out.write("\n")
        if not review.findings:
            out.write(f"{labels['none']}\n\n")
            continue
        out.write(f"### {labels['findings']}\n\n")
        for finding in review.findings:
            out.write(
                f"#### {finding.code} {finding.name} — {finding.requirement_id} ({finding.location.describe()})\n\n"
            )
            out.write(f"> {strip_markers(finding.requirement_text)}\n\n{finding.message}\n\n")
            out.write(f"- **{labels['question']}:** {finding.question}\n")
            out.write(f"- **{labels['suggestion']}:** {finding.suggestion}\n")
            if finding.evidence and finding.origin == "llm":  # a model's quote; the rules' evidence is in the message
                out.write(f"- **{labels['evidence']}:** ”{finding.evidence}”\n")
            if _origin_note(finding, labels):
                out.write(f"- *{_origin_note(finding, labels)}*\n")
            out.write("\n")
    return out.getvalue()


def render_text(reviews: list[DocumentReview], *, color: bool, width: int | None = None, show_info: bool = True) -> str:
    """The terminal report (rich); plain text when ``color`` is False (files, pipes). Without ``show_info``
    the info findings are left out and a closing line says how many and how to see them."""
    from rich.console import Console
    from rich.table import Table

    from .summary import visible

    hidden = sum(1 for r in reviews for f in r.findings if f.severity == "info") if not show_info else 0
    reviews = [visible(r, show_info) for r in reviews]

    buffer = io.StringIO()
    width = width or 110
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False, soft_wrap=False
    )
    for review in reviews:
        labels = _LABELS[review.language]
        console.rule(f"[bold]{review.path}[/bold]")
        if review.error:
            style = "yellow" if review.skipped else "bold red"
            console.print(f"[{style}]{labels['error'] if not review.skipped else '–'}: {review.error}[/{style}]")
            continue
        s = summarise(review)
        console.print(
            f"{labels['requirements']}: [bold]{s.requirements}[/bold]   {labels['flagged']}: "
            f"[bold]{s.flagged}[/bold]   {labels['share']}: [bold]{_share(review)}[/bold]   "
            f"{labels['goals']}: {len(review.goals)} ({s.goals_served} {labels['goals_served']}, "
            f"{s.linked} {labels['requirements_linked']})   ({review.language}, {review.format})"
        )
        coverage = goal_coverage(review)
        if coverage:
            from rich.markup import escape

            goals_table = Table(title=labels["coverage"], title_justify="left", expand=True, show_edge=False)
            goals_table.add_column(labels["goal"], ratio=1, no_wrap=True)
            goals_table.add_column(labels["goal_text"], ratio=4)
            goals_table.add_column(labels["linked"], ratio=3)
            for row in coverage:
                goals_table.add_row(escape(row.goal_id), escape(_short(row.text)), escape(coverage_line(row, labels)))
            console.print(goals_table)
        if line := llm_line(review):
            from rich.markup import escape

            console.print(f"[dim]{escape(line)}[/dim]")
        if not review.findings:
            console.print(f"[green]{labels['none']}[/green]")
            continue
        _print_findings(console, buffer, review.findings, labels, width, color)
    total_flagged = sum(len(r.findings) for r in reviews)
    errors = [r for r in reviews if r.error and not r.skipped]
    console.print(
        f"\n{len(reviews)} dokument / documents, {total_flagged} anmärkningar / findings"
        + (f", [bold red]{len(errors)} fel / errors[/bold red]" if errors else "")
        + (f"; {hidden} info-anmärkningar dolda / info findings hidden (--show-info)" if hidden else "")
    )
    return buffer.getvalue()


Piece = tuple[str, "str | None"]  # a piece of a line of the terminal report, and its rich style


def _print_findings(
    console: Console, buffer: io.StringIO, findings: Sequence[Finding], labels: dict[str, str], width: int, color: bool
) -> None:
    """Each requirement once (its id, place and text), then its findings indented; wrapped here.

    Written straight to the buffer, with the escape codes of each piece's style when coloured: a rich
    table (or markup, or Text) measured, parsed and wrapped every cell character by character, which
    took longer than the review itself (9 s for the findings of 40 documents; now about 0.3 s).
    """
    from rich.color import ColorSystem
    from rich.style import Style
    from rich.text import Text

    console.line()
    # Named colours and bold/dim only, so the 16-colour codes serve every colour terminal; a legacy
    # Windows console, which takes no escape codes, gets rich's own Text objects instead.
    direct = not color or not console.legacy_windows
    codes: dict[str, Style] = {}

    def shown(text: str, style: str | None) -> str:
        if not color or style is None or not text:
            return text
        if style not in codes:
            codes[style] = Style.parse(style)
        return codes[style].render(text, color_system=ColorSystem.STANDARD)

    for group in _findings_groups(findings, labels, width):
        if direct:
            buffer.write("".join("".join(shown(text, style) for text, style in line) + "\n" for line in group))
            continue
        out = Text()
        for number, line in enumerate(group):
            if number:
                out.append("\n")
            for text, style in line:
                out.append(text, style)
        console.print(out, soft_wrap=True)


def _findings_groups(findings: Sequence[Finding], labels: dict[str, str], width: int) -> list[list[list[Piece]]]:
    groups: list[list[list[Piece]]] = []
    lines: list[list[Piece]] = []
    previous: tuple[str, str, str] | None = None
    for finding in findings:
        anchor = (finding.requirement_id, finding.location.describe(), finding.requirement_text)
        if anchor != previous:
            if previous is not None:
                lines.append([])
            lines = []
            groups.append(lines)
            lines.append([(finding.requirement_id, "bold"), ("  ", None), (anchor[1], "dim")])
            lines.extend([(line, None)] for line in _wrap(strip_markers(finding.requirement_text), "  ", width))
            previous = anchor
        color = "yellow" if finding.severity == "warning" else "cyan"
        lines.append([("  ", None), (f"{finding.code} {finding.name}", color), (f" ({finding.severity})", None)])
        lines.extend([(line, None)] for line in _wrap(finding.message, "    ", width))
        lines.extend(_labelled(labels["question"], finding.question, width))
        lines.extend(_labelled(labels["suggestion"], finding.suggestion, width))
        if finding.evidence and finding.origin == "llm":  # a model's quote; the rules' evidence is in the message
            lines.extend(_labelled(labels["evidence"], f"”{finding.evidence}”", width))
        note = _origin_note(finding, labels)
        if note:
            lines.extend([(line, "dim")] for line in _wrap(note, "    ", width))
    return groups


@lru_cache(maxsize=8192)  # messages, questions and suggestions repeat from finding to finding
def _wrap(text: str, indent: str, width: int) -> tuple[str, ...]:
    import textwrap

    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        out.extend(
            textwrap.wrap(paragraph, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)
            or [indent.rstrip()]
        )
    return tuple(out)


def _labelled(label: str, text: str, width: int, indent: str = "    ") -> list[list[Piece]]:
    """``Label: text`` wrapped under ``indent``, the label in bold."""
    lines = _wrap(f"{label}: {text}", indent, width)
    head = f"{indent}{label}:"
    out: list[list[Piece]] = [[(line, None)] for line in lines]
    if lines[0].startswith(head):
        out[0] = [(indent, None), (f"{label}:", "bold"), (lines[0][len(head) :], None)]
    return out


def render(reviews: list[DocumentReview], fmt: Format, *, color: bool = False, show_info: bool = True) -> str:
    if fmt == "json":
        return to_json(reviews)
    if fmt == "markdown":
        return to_markdown(reviews)
    return render_text(reviews, color=color, show_info=show_info)


def json_dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
