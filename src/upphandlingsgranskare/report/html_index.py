"""The folder-mode index page: one line per document, with totals and links to each one's reports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

from .. import __version__
from ..models import Language
from .html_labels import LABELS
from .html_page import escape as _e
from .html_page import overall_share, page_head, share_text


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
    labels = LABELS[lang]
    ok = [e for e in entries if not e.error]
    total_requirements = sum(e.requirements for e in ok)
    total_in_scope = sum(e.in_scope for e in ok)
    total_flagged = sum(e.flagged for e in ok)
    overall = overall_share((e.need_stated_share, e.in_scope) for e in ok)
    errors = len(entries) - len(ok)

    out = [page_head(labels["index_title"], lang, script=False), "<body>\n"]
    out.append(f'<header class="page"><h1>{_e(labels["index_title"])}</h1></header>\n<main>\n')
    out.append(f'<section id="summary"><h2>{_e(labels["summary"])}</h2><dl class="figures">')
    figures = [
        ("documents", str(len(entries))),
        ("requirements", str(total_requirements)),
        ("flagged", str(total_flagged)),
        ("share", share_text(overall, lang)),
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
                f'<td class="num">{_e(share_text(entry.need_stated_share, lang))}</td>'
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
        f'<td class="num">{_e(share_text(overall, lang))}</td>'
        f"<td></td><td>{failed_note}</td></tr></tfoot>"
    )
    out.append(
        f'<section id="index"><h2>{_e(labels["documents"])}</h2><table id="documents"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table></section>\n"
    )
    out.append(f"</main>\n<footer>{_e(labels['generated'])} {_e(__version__)}</footer>\n</body>\n</html>\n")
    return "".join(out)
