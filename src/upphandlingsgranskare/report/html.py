"""The HTML report: one self-contained file per review run (the folder-mode index page is in html_index).

Everything is inline (CSS, JS, no fonts or images from anywhere), so the file can be mailed,
archived or opened from disk offline. All document text goes through ``html.escape``; the
script carries no document data at all (it only reads ``data-*`` attributes), and a
Content-Security-Policy with the hashes of the one style and one script block stops
anything else from running or loading even if some text ever slipped through unescaped.

Filters: each finding carries ``data-code`` and ``data-severity``; the page reads an
initial filter from the URL fragment or query (``#code=UG001&severity=warning,info``) and
writes the current one back, so a filtered view can be bookmarked or linked.

The texts are in html_labels, the <head> and the share figure in html_page (shared with the index
page), the goal matrix in html_matrix, the finding cards in html_cards, the CSS and JS in html_assets.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import __version__
from ..models import DocumentReview, Finding, Language, Requirement, Severity
from .emit import llm_line
from .html_assets import JS as _JS
from .html_cards import card_html, cards
from .html_labels import LABELS
from .html_matrix import matrix_section
from .html_page import escape as _e
from .html_page import overall_share, page_head, share_text
from .schema import summarise

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


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


def render_html(reviews: list[DocumentReview]) -> str:
    """The whole review as one self-contained HTML page, in the first document's language."""
    language: Language = reviews[0].language if reviews else "sv"
    labels = LABELS[language]
    readable = [r for r in reviews if not r.error]
    unreadable = [r for r in reviews if r.error and not r.skipped]
    skipped = [r for r in reviews if r.error and r.skipped]
    summaries = {id(r): summarise(r) for r in reviews}
    total_requirements = sum(summaries[id(r)].requirements for r in readable)
    total_flagged = sum(summaries[id(r)].flagged for r in readable)
    overall = overall_share((summaries[id(r)].need_stated_share, summaries[id(r)].in_scope) for r in readable)
    all_findings = [f for r in readable for f in r.findings]
    checks = _checks_in(readable)

    title = labels["title"] + (f" – {reviews[0].path}" if len(reviews) == 1 else "")
    out: list[str] = [page_head(title, language, script=True), "<body>\n"]
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
        ("share", share_text(overall, language)),
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
        out.append(matrix_section(readable, labels))
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
            f'<td class="num">{_e(share_text(s.need_stated_share, language))}</td>'
            f'<td class="num">{len(review.goals)}</td></tr>'
        )
    foot = ""
    if len(reviews) > 1:
        foot = (
            f'<tfoot><tr><td>{_e(labels["total"])}</td><td></td><td class="num">{sums[0]}</td>'
            f'<td class="num">{sums[1]}</td><td class="num">{sums[2]}</td>'
            f'<td class="num">{_e(share_text(overall_share(shares), language))}</td>'
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
