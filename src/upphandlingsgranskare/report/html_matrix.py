"""The HTML report's goal matrix: per document, the requirements on the solution by the goals they serve."""

from __future__ import annotations

from ..models import DocumentReview
from .html_page import escape as _e


def matrix_section(readable: list[DocumentReview], labels: dict[str, str]) -> str:
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
