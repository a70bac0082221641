"""Emitters: one report, three formats (JSON, Markdown, terminal text)."""

from __future__ import annotations

import io
import json
from typing import Literal

from ..models import DocumentReview, Finding, Language
from .schema import GoalCoverage, build_report, goal_coverage, summarise

Format = Literal["text", "json", "markdown"]

_LABELS: dict[Language, dict[str, str]] = {
    "sv": {
        "requirements": "krav", "flagged": "flaggade", "share": "andel med angivet behov", "findings": "Anmärkningar",
        "question": "Fråga till verksamheten", "suggestion": "Förslag", "none": "Inga anmärkningar.",
        "error": "kunde inte granskas", "goals": "mål", "requirement": "Krav", "evidence": "Modellens belägg",
        "origin_llm": "bedömd av språkmodell", "origin_fallback": "regelresultat, språkmodellen misslyckades",
        "coverage": "Mål och kraven som bidrar till dem", "goal": "Mål", "goal_text": "Lydelse", "linked": "Krav som bidrar",
        "no_requirement": "inget krav", "reference": "via hänvisning", "meaning": "via innehåll",
        "goals_served": "mål med krav", "requirements_linked": "krav knutna till mål",
    },
    "en": {
        "requirements": "requirements", "flagged": "flagged", "share": "share with a stated need", "findings": "Findings",
        "question": "Question for the business owner", "suggestion": "Suggestion", "none": "No findings.",
        "error": "could not be reviewed", "goals": "goals", "requirement": "Requirement", "evidence": "Model's evidence",
        "origin_llm": "judged by the language model", "origin_fallback": "rules result, the language model failed",
        "coverage": "Goals and the requirements that serve them", "goal": "Goal", "goal_text": "Stated as",
        "linked": "Requirements serving it",
        "no_requirement": "no requirement", "reference": "by reference", "meaning": "by meaning",
        "goals_served": "goals served", "requirements_linked": "requirements tied to a goal",
    },
}


def llm_line(review: DocumentReview) -> str | None:
    """One line on what the LLM backend did for the document (both languages, figures only)."""
    usage = review.llm
    if usage is None:
        return None
    per = "–" if usage.tokens_per_requirement is None else f"{usage.tokens_per_requirement:g}"
    line = (f"LLM ({usage.backend}, {usage.model}, {usage.prompt}): {usage.requirements_judged} krav / requirements, "
            f"{usage.cached} från cache / cached, {usage.calls} anrop / calls, "
            f"{usage.prompt_tokens + usage.completion_tokens} token ({per} per krav / per requirement)")
    if usage.fallbacks:
        line += f", {usage.fallbacks} reservfall till reglerna / fell back to the rules"
    if usage.rejected_quotes or usage.rewrites_dropped:
        line += (f", {usage.rejected_quotes} ogrundade svar / ungrounded answers, "
                 f"{usage.rewrites_dropped} förslag borttagna / rewrites dropped")
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
    return (f"{ids} ({len(row.requirements)}: {row.by_reference} {labels['reference']}, "
            f"{row.by_meaning} {labels['meaning']})")


def _short(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def to_json(reviews: list[DocumentReview]) -> str:
    return build_report(reviews).model_dump_json(indent=2) + "\n"


def _share(review: DocumentReview) -> str:
    share = summarise(review).need_stated_share
    return "–" if share is None else f"{share:.0%}"


def to_markdown(reviews: list[DocumentReview]) -> str:
    out = io.StringIO()
    out.write("# Granskningsrapport / Review report\n\n")
    for review in reviews:
        labels = _LABELS[review.language]
        out.write(f"## {review.path}\n\n")
        if review.error:
            out.write(f"**{labels['error']}:** {review.error}\n\n")
            continue
        s = summarise(review)
        out.write(f"- {labels['requirements']}: {s.requirements}\n- {labels['flagged']}: {s.flagged}\n"
                  f"- {labels['share']}: {_share(review)}\n- {labels['goals']}: {len(review.goals)}"
                  f" ({s.goals_served} {labels['goals_served']}, {s.linked} {labels['requirements_linked']})\n")
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
            out.write(f"#### {finding.code} {finding.name} — {finding.requirement_id} ({finding.location.describe()})\n\n")
            out.write(f"> {finding.requirement_text}\n\n{finding.message}\n\n")
            out.write(f"- **{labels['question']}:** {finding.question}\n")
            out.write(f"- **{labels['suggestion']}:** {finding.suggestion}\n")
            if finding.evidence:
                out.write(f"- **{labels['evidence']}:** ”{finding.evidence}”\n")
            if _origin_note(finding, labels):
                out.write(f"- *{_origin_note(finding, labels)}*\n")
            out.write("\n")
    return out.getvalue()


def render_text(reviews: list[DocumentReview], *, color: bool, width: int | None = None) -> str:
    """The terminal report (rich); plain text when ``color`` is False (files, pipes)."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width or 110,
                      highlight=False, soft_wrap=False)
    for review in reviews:
        labels = _LABELS[review.language]
        console.rule(f"[bold]{review.path}[/bold]")
        if review.error:
            style = "yellow" if review.skipped else "bold red"
            console.print(f"[{style}]{labels['error'] if not review.skipped else '–'}: {review.error}[/{style}]")
            continue
        s = summarise(review)
        console.print(f"{labels['requirements']}: [bold]{s.requirements}[/bold]   {labels['flagged']}: "
                      f"[bold]{s.flagged}[/bold]   {labels['share']}: [bold]{_share(review)}[/bold]   "
                      f"{labels['goals']}: {len(review.goals)} ({s.goals_served} {labels['goals_served']}, "
                      f"{s.linked} {labels['requirements_linked']})   ({review.language}, {review.format})")
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
        if llm_line(review):
            from rich.markup import escape

            console.print(f"[dim]{escape(llm_line(review))}[/dim]")
        if not review.findings:
            console.print(f"[green]{labels['none']}[/green]")
            continue
        table = Table(show_lines=True, expand=True)
        table.add_column(labels["requirement"], ratio=3)
        table.add_column(labels["findings"], ratio=4)
        for finding in review.findings:
            table.add_row(_requirement_cell(finding), _finding_cell(finding, labels))
        console.print(table)
    total_flagged = sum(len(r.findings) for r in reviews)
    errors = [r for r in reviews if r.error and not r.skipped]
    console.print(f"\n{len(reviews)} dokument / documents, {total_flagged} anmärkningar / findings"
                  + (f", [bold red]{len(errors)} fel / errors[/bold red]" if errors else ""))
    return buffer.getvalue()


def _requirement_cell(finding: Finding) -> str:
    from rich.markup import escape

    return (f"[bold]{escape(finding.requirement_id)}[/bold] [dim]{escape(finding.location.describe())}[/dim]\n"
            f"{escape(finding.requirement_text)}")


def _finding_cell(finding: Finding, labels: dict[str, str]) -> str:
    from rich.markup import escape

    color = "yellow" if finding.severity == "warning" else "cyan"
    cell = (f"[{color}]{finding.code} {finding.name}[/{color}] ({finding.severity})\n{escape(finding.message)}\n"
            f"[bold]{labels['question']}:[/bold] {escape(finding.question)}\n"
            f"[bold]{labels['suggestion']}:[/bold] {escape(finding.suggestion)}")
    if finding.evidence:
        cell += f"\n[bold]{labels['evidence']}:[/bold] ”{escape(finding.evidence)}”"
    note = _origin_note(finding, labels)
    if note:
        cell += f"\n[dim]{escape(note)}[/dim]"
    return cell


def render(reviews: list[DocumentReview], fmt: Format, *, color: bool = False) -> str:
    if fmt == "json":
        return to_json(reviews)
    if fmt == "markdown":
        return to_markdown(reviews)
    return render_text(reviews, color=color)


def json_dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
