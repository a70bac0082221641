"""The HTML report: one self-contained file per review run, and an index page for folder mode.

Everything is inline (CSS, JS, no fonts or images from anywhere), so the file can be mailed,
archived or opened from disk offline. All document text goes through ``html.escape``; the
script carries no document data at all (it only reads ``data-*`` attributes), and a
Content-Security-Policy with the hashes of the one style and one script block stops
anything else from running or loading even if some text ever slipped through unescaped.

Filters: each finding carries ``data-code`` and ``data-severity``; the page reads an
initial filter from the URL fragment or query (``#code=UG001&severity=warning,info``) and
writes the current one back, so a filtered view can be bookmarked or linked.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from .. import __version__
from ..models import DocumentReview, Finding, Language, Requirement, Severity
from .emit import llm_line
from .html_assets import CSS as _CSS
from .html_assets import JS as _JS
from .html_cards import card_html, cards
from .schema import summarise

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

_LABELS: dict[Language, dict[str, str]] = {
    "sv": {
        "title": "Granskningsrapport",
        "index_title": "Granskade dokument",
        "summary": "Sammanfattning",
        "documents": "Dokument",
        "document": "Dokument",
        "language": "Språk",
        "requirements": "Krav",
        "in_scope": "Krav på lösningen",
        "flagged": "Flaggade krav",
        "share": "Andel med angivet behov",
        "share_hint": "Andel av kraven på lösningen som anger ett verksamhetsbehov eller mål.",
        "goals": "Mål",
        "total": "Totalt",
        "per_check": "Anmärkningar per kontroll",
        "check": "Kontroll",
        "description": "Beskrivning",
        "about": "Om kontrollen",
        "findings": "Anmärkningar",
        "filter_check": "Kontroll",
        "filter_severity": "Allvarlighetsgrad",
        "show_all": "Visa alla",
        "shown_of": "av",
        "shown_tail": "anmärkningar visas",
        "no_findings": "Inga anmärkningar.",
        "no_match": "Inga anmärkningar matchar filtret.",
        "no_documents": "Inga dokument granskades.",
        "requirement": "Krav",
        "location": "Plats",
        "reason": "Skäl",
        "question": "Fråga till verksamheten",
        "suggestion": "Förslag till omskrivning",
        "origin": "Bedömd av",
        "severity": "Allvarlighetsgrad",
        "evidence": "Modellens belägg",
        "no_heading": "(utan rubrik)",
        "unreadable": "Dokument som inte kunde läsas",
        "skipped": "Filer som hoppades över",
        "error": "kunde inte läsas",
        "skipped_short": "hoppades över",
        "status": "Status",
        "ok": "granskad",
        "outputs": "Rapporter",
        "generated": "Skapad av upphandlingsgranskare",
        "findings_count": "anmärkningar",
        "filters": "Filtrera anmärkningar",
        "sev_error": "fel",
        "sev_warning": "varning",
        "sev_info": "info",
        "origin_rules": "regler",
        "origin_llm": "språkmodell",
        "origin_rules-fallback": "regler (språkmodellen misslyckades)",
        "accepted": "godtagna anmärkningar: {suppressed} genom markering i dokumentet, {baselined} genom baslinjen",
        "unused": "markering som inte godtar något",
        "matrix": "Mål och krav",
        "goal": "Mål",
        "served_by": "Krav som bidrar",
        "no_goals": "Dokumentet anger inga mål.",
        "matrix_hint": "● kravet hänvisar till målet, ○ kravet knyts till målet genom sitt innehåll (delade ord och "
        "begrepp); muspekaren över en markering visar varför. Kraven på lösningen, i dokumentets ordning.",
        "link_reference": "hänvisning",
        "link_meaning": "innehåll",
        "unlinked": "inget mål",
        "about_document": "hela dokumentet, vid krav",
    },
    "en": {
        "title": "Review report",
        "index_title": "Reviewed documents",
        "summary": "Summary",
        "documents": "Documents",
        "document": "Document",
        "language": "Language",
        "requirements": "Requirements",
        "in_scope": "Requirements on the solution",
        "flagged": "Flagged requirements",
        "share": "Share with a stated need",
        "share_hint": "Share of the requirements on the solution that state a business need or goal.",
        "goals": "Goals",
        "total": "Total",
        "per_check": "Findings per check",
        "check": "Check",
        "description": "Description",
        "about": "About the check",
        "findings": "Findings",
        "filter_check": "Check",
        "filter_severity": "Severity",
        "show_all": "Show all",
        "shown_of": "of",
        "shown_tail": "findings shown",
        "no_findings": "No findings.",
        "no_match": "No findings match the filter.",
        "no_documents": "No documents were reviewed.",
        "requirement": "Requirement",
        "location": "Location",
        "reason": "Reason",
        "question": "Question for the business owner",
        "suggestion": "Suggested rewrite",
        "origin": "Judged by",
        "severity": "Severity",
        "evidence": "Model's evidence",
        "no_heading": "(no heading)",
        "unreadable": "Documents that could not be read",
        "skipped": "Files skipped",
        "error": "could not be read",
        "skipped_short": "skipped",
        "status": "Status",
        "ok": "reviewed",
        "outputs": "Reports",
        "generated": "Generated by upphandlingsgranskare",
        "findings_count": "findings",
        "filters": "Filter findings",
        "sev_error": "error",
        "sev_warning": "warning",
        "sev_info": "info",
        "origin_rules": "rules",
        "origin_llm": "language model",
        "origin_rules-fallback": "rules (the language model failed)",
        "accepted": "accepted findings: {suppressed} by markers in the document, {baselined} by the baseline",
        "unused": "marker that accepts nothing",
        "matrix": "Goals and requirements",
        "goal": "Goal",
        "served_by": "Requirements serving it",
        "no_goals": "The document states no goals.",
        "matrix_hint": "● the requirement refers to the goal, ○ its content ties it to the goal (shared words and "
        "concepts); hover over a mark to see why. The requirements on the solution, in document order.",
        "link_reference": "reference",
        "link_meaning": "meaning",
        "unlinked": "no goal",
        "about_document": "the whole document, at requirement",
    },
}


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def _head(title: str, language: Language, *, script: bool) -> str:
    # default-src 'none' forbids every load (images, fonts, frames, fetch); only our own
    # style and script blocks, identified by hash, may run.
    policy = f"default-src 'none'; style-src {_csp_hash(_CSS)}; base-uri 'none'; form-action 'none'"
    if script:
        policy += f"; script-src {_csp_hash(_JS)}"
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(policy)}">\n'
        f'<meta name="referrer" content="no-referrer">\n'
        f'<meta name="generator" content="upphandlingsgranskare {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
    )


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _share_text(share: float | None, language: Language) -> str:
    if share is None:
        return "–"
    percent = round(share * 100)
    # Swedish writes a space before the percent sign.
    return f"{percent}\u00a0%" if language == "sv" else f"{percent}%"


def _overall_share(parts: Iterable[tuple[float | None, int]]) -> float | None:
    """The share over several documents from each one's (share, in_scope): weighted by in_scope,
    so it is the documents' requirements with a stated need over all their requirements on the
    solution, whatever each document's share counts as 'without a need'."""
    weighted = [(share, in_scope) for share, in_scope in parts if share is not None and in_scope]
    total = sum(in_scope for _, in_scope in weighted)
    return None if total == 0 else round(sum(share * in_scope for share, in_scope in weighted) / total, 4)


def _checks_in(reviews: Iterable[DocumentReview]) -> list[tuple[str, str, dict[str, str], str]]:
    """(code, name, summary per language, documentation) of every registered check, plus any
    code met in the findings that the registry does not know (an older or foreign review)."""
    from ..checks import ALL_CHECKS

    checks: list[tuple[str, str, dict[str, str], str]] = [
        (c.code, c.name, {str(lang): line for lang, line in c.summary.items()}, c.documentation()) for c in ALL_CHECKS
    ]
    known = {c[0] for c in checks}
    for review in reviews:
        for finding in review.findings:
            if finding.code not in known:
                known.add(finding.code)
                checks.append((finding.code, finding.name, {}, ""))
    return checks


def _sections(review: DocumentReview) -> list[tuple[tuple[str, ...], list[Finding]]]:
    """Findings grouped by their requirement's heading path (a goal's: its heading), in order of first appearance."""
    # Ids are not unique in every document (generated ids, repeated numbering): match id and text.
    index: dict[tuple[str, str], Requirement] = {(r.id, r.text): r for r in review.requirements}
    goal_headings = {(g.id, g.text): (g.heading,) if g.heading else () for g in review.goals}
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding in review.findings:
        if getattr(finding, "subject", "requirement") == "goal":
            key: tuple[str, ...] = goal_headings.get((finding.requirement_id, finding.requirement_text), ())
        else:
            requirement = index.get((finding.requirement_id, finding.requirement_text))
            key = requirement.heading_path if requirement is not None else ()
        groups.setdefault(tuple(key), []).append(finding)
    return list(groups.items())


def _matrix_section(readable: list[DocumentReview], labels: dict[str, str]) -> str:
    """Per document, a table of the requirements on the solution (rows) by the stated goals (columns),
    a mark where a requirement serves a goal; the method and why in the mark's title."""
    from ..trace import LINKED_LABELS

    out = [
        f'<section id="goal-matrix"><h2>{_e(labels["matrix"])}</h2>\n<p class="muted">{_e(labels["matrix_hint"])}</p>\n'
    ]
    for doc_index, review in enumerate(readable):
        out.append(
            f'<section class="matrix-doc" lang="{_e(review.language)}" data-path="{_e(review.path)}"><h3>{_e(review.path)}</h3>'
        )
        goals = [g for g in review.goals if g.id]
        if not goals:
            out.append(f'<p class="muted">{_e(labels["no_goals"])}</p></section>\n')
            continue
        out.append(
            '<dl class="goal-list">' + "".join(f"<dt>{_e(g.id)}</dt><dd>{_e(g.text)}</dd>" for g in goals) + "</dl>"
        )
        links = {(link.requirement_id, link.goal_id): link for link in review.links}
        linked_ids = {link.requirement_id for link in review.links}
        rows = [r for r in review.requirements if r.label in LINKED_LABELS or r.id in linked_ids]
        head = f"<th>{_e(labels['requirement'])}</th>" + "".join(
            f'<th class="goal" scope="col" title="{_e(g.text)}">{_e(g.id)}</th>' for g in goals
        )
        body: list[str] = []
        seen: set[str] = set()
        for requirement in rows:
            if requirement.id in seen:
                continue  # a repeated id: its links are shown on the first row
            seen.add(requirement.id)
            cells = []
            for goal in goals:
                link = links.get((requirement.id, goal.id or ""))  # every goal here has an id
                if link is None:
                    cells.append('<td class="mark"></td>')
                    continue
                how = labels["link_" + link.method]
                title = (
                    f"{how}: {link.evidence}"
                    if link.method == "reference"
                    else f"{how} {link.score:.2f}: {link.evidence}"
                )
                mark = "●" if link.method == "reference" else "○"
                cells.append(
                    f'<td class="mark" data-method="{_e(link.method)}" title="{_e(title)}">'
                    f'<span aria-label="{_e(title)}">{mark}</span></td>'
                )
            unlinked = requirement.id not in linked_ids
            text = requirement.text if len(requirement.text) <= 140 else requirement.text[:139] + "…"
            body.append(
                f'<tr class="{"unlinked" if unlinked else "linked"}" data-requirement="{_e(requirement.id)}">'
                f'<td class="req"><span class="req-id">{_e(requirement.id)}</span> {_e(text)}'
                + (f' <span class="muted">({_e(labels["unlinked"])})</span>' if unlinked else "")
                + f"</td>{''.join(cells)}</tr>"
            )
        served = [len({link.requirement_id for link in review.links if link.goal_id == g.id}) for g in goals]
        counts = "".join(f'<td class="num mark">{n}</td>' for n in served)
        out.append(
            f'<div class="matrix-wrap"><table class="matrix" id="matrix-{doc_index + 1}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody><tfoot><tr><td>{_e(labels['served_by'])}</td>{counts}"
            f"</tr></tfoot></table></div></section>\n"
        )
    out.append("</section>\n")
    return "".join(out)


def render_html(reviews: list[DocumentReview]) -> str:
    """The whole review as one self-contained HTML page, in the first document's language."""
    language: Language = reviews[0].language if reviews else "sv"
    labels = _LABELS[language]
    readable = [r for r in reviews if not r.error]
    unreadable = [r for r in reviews if r.error and not r.skipped]
    skipped = [r for r in reviews if r.error and r.skipped]
    summaries = {id(r): summarise(r) for r in reviews}
    total_requirements = sum(summaries[id(r)].requirements for r in readable)
    total_flagged = sum(summaries[id(r)].flagged for r in readable)
    overall = _overall_share((summaries[id(r)].need_stated_share, summaries[id(r)].in_scope) for r in readable)
    all_findings = [f for r in readable for f in r.findings]
    checks = _checks_in(readable)

    title = labels["title"] + (f" – {reviews[0].path}" if len(reviews) == 1 else "")
    out: list[str] = [_head(title, language, script=True), "<body>\n"]
    out.append(f'<header class="page"><h1>{_e(labels["title"])}</h1>')
    subtitle = (
        ", ".join(r.path for r in reviews) if len(reviews) <= 3 else f"{len(reviews)} {labels['documents'].lower()}"
    )
    out.append(f'<p class="meta">{_e(subtitle)}</p></header>\n<main>\n')

    # Summary: headline figures, then per document, then per check.
    out.append(f'<section id="summary"><h2>{_e(labels["summary"])}</h2>\n<dl class="figures">')
    for key, value in (
        ("documents", str(len(reviews))),
        ("requirements", str(total_requirements)),
        ("flagged", str(total_flagged)),
        ("share", _share_text(overall, language)),
    ):
        out.append(f'<div id="figure-{key}"><dt>{_e(labels[key])}</dt><dd>{_e(value)}</dd></div>')
    out.append(f'</dl>\n<p class="muted">{_e(labels["share_hint"])}</p>\n')
    if reviews:
        out.append(_documents_table(reviews, summaries, labels, language))
        out.append(_checks_table(checks, all_findings, labels, language))
    else:
        out.append(f"<p>{_e(labels['no_documents'])}</p>")
    out.append("</section>\n")

    if unreadable or skipped:
        out.append('<section id="unreadable">')
        for heading, items in ((labels["unreadable"], unreadable), (labels["skipped"], skipped)):
            if items:
                out.append(f'<h2>{_e(heading)}</h2><ul class="error-list">')
                out.extend(
                    f'<li><strong>{_e(r.path)}</strong>: <span class="error-text">{_e(r.error)}</span></li>'
                    for r in items
                )
                out.append("</ul>")
        out.append("</section>\n")

    if readable:
        out.append(_matrix_section(readable, labels))
        out.append(_findings_section(readable, all_findings, checks, labels))

    out.append(f"</main>\n<footer>{_e(labels['generated'])} {_e(__version__)}</footer>\n")
    out.append(f"<script>{_JS}</script>\n</body>\n</html>\n")
    return "".join(out)


def _documents_table(reviews: list[DocumentReview], summaries: dict, labels: dict[str, str], language: Language) -> str:
    head = "".join(
        f'<th class="{c}">{_e(labels[k])}</th>'
        for k, c in (
            ("document", ""),
            ("language", ""),
            ("requirements", "num"),
            ("in_scope", "num"),
            ("flagged", "num"),
            ("share", "num"),
            ("goals", "num"),
        )
    )
    rows: list[str] = []
    sums = [0, 0, 0, 0]
    shares: list[tuple[float | None, int]] = []
    for review in reviews:
        if review.error:
            status = labels["skipped_short"] if review.skipped else labels["error"]
            rows.append(
                f'<tr><td class="path">{_e(review.path)}</td><td></td>'
                f'<td colspan="5" class="error-text">{_e(status)}</td></tr>'
            )
            continue
        s = summaries[id(review)]
        sums = [sums[0] + s.requirements, sums[1] + s.in_scope, sums[2] + s.flagged, sums[3] + len(review.goals)]
        shares.append((s.need_stated_share, s.in_scope))
        llm = llm_line(review)
        notes = [llm] if llm else []
        notes.extend(_acceptance_notes(review, labels))
        llm_html = "".join(f'<br><span class="muted">{_e(note)}</span>' for note in notes)
        rows.append(
            f'<tr><td class="path">{_e(review.path)}{llm_html}</td><td>{_e(review.language)}</td>'
            f'<td class="num">{s.requirements}</td><td class="num">{s.in_scope}</td><td class="num">{s.flagged}</td>'
            f'<td class="num">{_e(_share_text(s.need_stated_share, language))}</td>'
            f'<td class="num">{len(review.goals)}</td></tr>'
        )
    foot = ""
    if len(reviews) > 1:
        foot = (
            f'<tfoot><tr><td>{_e(labels["total"])}</td><td></td><td class="num">{sums[0]}</td>'
            f'<td class="num">{sums[1]}</td><td class="num">{sums[2]}</td>'
            f'<td class="num">{_e(_share_text(_overall_share(shares), language))}</td>'
            f'<td class="num">{sums[3]}</td></tr></tfoot>'
        )
    return f'<table id="documents"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>{foot}</table>\n'


def _acceptance_notes(review: DocumentReview, labels: dict[str, str]) -> list[str]:
    # getattr: suppression and baselines are newer than this report; older reviews lack them.
    suppressed, baselined = getattr(review, "suppressed", 0), getattr(review, "baselined", 0)
    unused = getattr(review, "unused_suppressions", ())
    notes = []
    if suppressed or baselined:
        notes.append(labels["accepted"].format(suppressed=suppressed, baselined=baselined))
    notes.extend(f"{labels['unused']}: {marker}" for marker in unused)
    return notes


def _checks_table(checks: list, findings: list[Finding], labels: dict[str, str], language: Language) -> str:
    head = (
        f"<th>{_e(labels['check'])}</th><th>{_e(labels['description'])}</th>"
        + "".join(f'<th class="num">{_e(labels["sev_" + s])}</th>' for s in SEVERITIES)
        + f'<th class="num">{_e(labels["total"])}</th>'
    )
    rows: list[str] = []
    for code, name, summary, documentation in checks:
        mine = [f for f in findings if f.code == code]
        per = "".join(f'<td class="num">{sum(1 for f in mine if f.severity == s)}</td>' for s in SEVERITIES)
        text = summary.get(language) or summary.get("en") or ""
        about = (
            f"<details><summary>{_e(labels['about'])}</summary><pre>{_e(documentation)}</pre></details>"
            if documentation
            else ""
        )
        rows.append(
            f'<tr data-code="{_e(code)}"><td><span class="code">{_e(code)}</span><br>{_e(name)}</td>'
            f'<td>{_e(text)}{about}</td>{per}<td class="num">{len(mine)}</td></tr>'
        )
    return (
        f'<h3>{_e(labels["per_check"])}</h3>\n<table id="checks"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )


def _findings_section(
    readable: list[DocumentReview], all_findings: list[Finding], checks: list, labels: dict[str, str]
) -> str:
    total = len(all_findings)
    out = [f'<section id="findings"><h2>{_e(labels["findings"])}</h2>\n']
    if total:
        # Hidden until the script runs: without JS the checkboxes would do nothing.
        out.append(
            f'<form id="filters" class="filters" hidden aria-label="{_e(labels["filters"])}">'
            f"<fieldset><legend>{_e(labels['filter_check'])}</legend>"
        )
        for code, name, _summary, _doc in checks:
            count = sum(1 for f in all_findings if f.code == code)
            out.append(
                f'<label><input type="checkbox" name="code" value="{_e(code)}" data-name="{_e(name)}" checked> '
                f"{_e(code)} {_e(name)} ({count})</label>"
            )
        out.append(f"</fieldset><fieldset><legend>{_e(labels['filter_severity'])}</legend>")
        for sev in SEVERITIES:
            count = sum(1 for f in all_findings if f.severity == sev)
            out.append(
                f'<label><input type="checkbox" name="severity" value="{sev}" checked> '
                f"{_e(labels['sev_' + sev])} ({count})</label>"
            )
        out.append(f'</fieldset><button type="button" id="show-all">{_e(labels["show_all"])}</button></form>\n')
    out.append(
        f'<p class="count" id="filter-status" role="status" aria-live="polite">'
        f'<span id="shown-count">{total}</span> {_e(labels["shown_of"])} '
        f'<span id="total-count">{total}</span> {_e(labels["shown_tail"])}</p>\n'
        f'<p id="no-match" class="muted" hidden>{_e(labels["no_match"])}</p>\n'
    )
    for doc_index, review in enumerate(readable):
        group = " group" if review.findings else ""
        out.append(
            f'<section class="document{group}" lang="{_e(review.language)}" data-path="{_e(review.path)}">'
            f"<h3>{_e(review.path)}</h3>"
        )
        if not review.findings:
            out.append(f'<p class="muted">{_e(labels["no_findings"])}</p></section>\n')
            continue
        n = 0
        for heading_path, findings in _sections(review):
            heading = " › ".join(heading_path) if heading_path else labels["no_heading"]
            out.append(f'<section class="section group"><h4>{_e(heading)}</h4>')
            for card in cards(findings):
                out.append(card_html(card, n + 1, f"f{doc_index + 1}", labels))
                n += len(card)
            out.append("</section>")
        out.append("</section>\n")
    out.append("</section>\n")
    return "".join(out)


@dataclass(frozen=True)
class IndexEntry:
    """One document's line on the folder-mode index page."""

    path: str  # the document's path relative to the folder
    outputs: dict[str, str]  # format ("html", "json", ...) -> file path relative to the index, not URL-encoded
    requirements: int
    in_scope: int
    flagged: int
    need_stated_share: float | None
    error: str | None
    language: Language | None = None  # the document's language, when it was read


def _href(link: str) -> str:
    # Links are file paths: percent-encode them, so a file named "javascript:x" or "a#b.pdf"
    # stays a relative path instead of becoming a URL scheme or a fragment.
    # The file system's bytes: a name that is not UTF-8 links to its real bytes (%FF).
    return _e(quote(os.fsencode(link.replace("\\", "/")), safe="/"))


def render_index(entries: list[IndexEntry], *, language: Language | None = None) -> str:
    """An index page across the documents of a folder run, with totals and links to each output."""
    lang: Language = language or next((e.language for e in entries if e.language), None) or "sv"
    labels = _LABELS[lang]
    ok = [e for e in entries if not e.error]
    total_requirements = sum(e.requirements for e in ok)
    total_in_scope = sum(e.in_scope for e in ok)
    total_flagged = sum(e.flagged for e in ok)
    overall = _overall_share((e.need_stated_share, e.in_scope) for e in ok)
    errors = len(entries) - len(ok)

    out = [_head(labels["index_title"], lang, script=False), "<body>\n"]
    out.append(f'<header class="page"><h1>{_e(labels["index_title"])}</h1></header>\n<main>\n')
    out.append(f'<section id="summary"><h2>{_e(labels["summary"])}</h2><dl class="figures">')
    figures = [
        ("documents", str(len(entries))),
        ("requirements", str(total_requirements)),
        ("flagged", str(total_flagged)),
        ("share", _share_text(overall, lang)),
    ]
    for key, value in figures:
        out.append(f'<div id="figure-{key}"><dt>{_e(labels[key])}</dt><dd>{_e(value)}</dd></div>')
    if errors:
        out.append(f'<div id="figure-errors"><dt>{_e(labels["unreadable"])}</dt><dd>{errors}</dd></div>')
    out.append(f'</dl><p class="muted">{_e(labels["share_hint"])}</p></section>\n')

    head = "".join(
        f'<th class="{c}">{_e(labels[k])}</th>'
        for k, c in (
            ("document", ""),
            ("requirements", "num"),
            ("in_scope", "num"),
            ("flagged", "num"),
            ("share", "num"),
            ("outputs", ""),
            ("status", ""),
        )
    )
    rows: list[str] = []
    for entry in entries:
        # The document's name links to its HTML report when there is one.
        target = entry.outputs.get("html")
        name = f'<a href="{_href(target)}">{_e(entry.path)}</a>' if target else _e(entry.path)
        links = " ".join(
            f'<a href="{_href(link)}" data-format="{_e(fmt)}">{_e(fmt)}</a>' for fmt, link in entry.outputs.items()
        )
        if entry.error:
            figures_html = '<td class="num">–</td>' * 4
            status = f'<span class="error-text">{_e(labels["error"])}: {_e(entry.error)}</span>'
        else:
            figures_html = (
                f'<td class="num">{entry.requirements}</td><td class="num">{entry.in_scope}</td>'
                f'<td class="num">{entry.flagged}</td>'
                f'<td class="num">{_e(_share_text(entry.need_stated_share, lang))}</td>'
            )
            status = _e(labels["ok"])
        rows.append(
            f'<tr class="entry{" failed" if entry.error else ""}" data-path="{_e(entry.path)}">'
            f'<td class="path">{name}</td>{figures_html}<td class="outputs">{links}</td>'
            f"<td>{status}</td></tr>"
        )
    failed_note = _e(f"{errors} {labels['error']}") if errors else ""
    foot = (
        f'<tfoot><tr><td>{_e(labels["total"])} ({len(entries)})</td><td class="num">{total_requirements}</td>'
        f'<td class="num">{total_in_scope}</td><td class="num">{total_flagged}</td>'
        f'<td class="num">{_e(_share_text(overall, lang))}</td>'
        f"<td></td><td>{failed_note}</td></tr></tfoot>"
    )
    out.append(
        f'<section id="index"><h2>{_e(labels["documents"])}</h2><table id="documents"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table></section>\n"
    )
    out.append(f"</main>\n<footer>{_e(labels['generated'])} {_e(__version__)}</footer>\n</body>\n</html>\n")
    return "".join(out)
