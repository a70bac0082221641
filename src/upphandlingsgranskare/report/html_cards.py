"""The HTML report's cards: one per flagged requirement (or goal, or note about the document), its id,
place and text once, then each of its findings with message, question and suggestion (issue 17: two
cards asking nearly the same question on one requirement made the officer read twice)."""

from __future__ import annotations

import html

from ..models import Finding
from ..suppression import strip_markers

SEVERITY_ORDER = ("error", "warning", "info")


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _subject_label(finding: Finding, labels: dict[str, str]) -> str:
    subject = getattr(finding, "subject", "requirement")
    if subject == "goal":
        return labels["goal"]
    if subject == "document":
        return f"{labels['document']} ({labels['about_document']})"
    return labels["requirement"]


def _finding_html(finding: Finding, element_id: str, labels: dict[str, str]) -> str:
    """One finding inside its requirement's card: check, severity and its message, question and suggestion."""
    sev = finding.severity
    origin = labels.get(f"origin_{finding.origin}", finding.origin)
    if finding.origin in ("rules-fallback", "rules") and finding.origin_detail:
        origin += f" – {finding.origin_detail}"
    rows = [
        (labels["reason"], finding.message),
        (labels["question"], finding.question),
        (labels["suggestion"], finding.suggestion),
    ]
    if finding.evidence and finding.origin == "llm":  # a model's quote; the rules' evidence is in the message
        rows.append((labels["evidence"], f"”{finding.evidence}”"))
    rows.append((labels["origin"], origin))
    details = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return (
        f'<section class="finding sev-{_e(sev)}" id="{_e(element_id)}" data-code="{_e(finding.code)}" '
        f'data-severity="{_e(sev)}" data-origin="{_e(finding.origin)}" data-fingerprint="{_e(finding.fingerprint)}">'
        f'<div class="head"><span class="badge sev-{_e(sev)}" title="{_e(labels["severity"])}">'
        f"{_e(labels.get('sev_' + sev, sev))}</span>"
        f'<span class="code">{_e(finding.code)} {_e(finding.name)}</span></div>'
        f"<dl>{details}</dl></section>"
    )


def card_html(findings: list[Finding], first_id: int, prefix: str, labels: dict[str, str]) -> str:
    """One card per requirement (or goal, or document note): its id, place and text once, then each finding."""
    head = findings[0]
    worst = min((f.severity for f in findings), key=SEVERITY_ORDER.index)
    body = "".join(_finding_html(f, f"{prefix}-{first_id + n}", labels) for n, f in enumerate(findings))
    return (
        f'<article class="card group sev-{_e(worst)}"><div class="head">'
        f'<span class="req-id">{_e(_subject_label(head, labels))} {_e(head.requirement_id)}</span>'
        f'<span class="loc" title="{_e(labels["location"])}">{_e(head.location.describe())}</span></div>'
        f'<blockquote class="req-text">{_e(strip_markers(head.requirement_text))}</blockquote>{body}</article>'
    )


def cards(findings: list[Finding]) -> list[list[Finding]]:
    """Consecutive findings on the same requirement (goal, document) together: one card each."""
    out: list[list[Finding]] = []
    for finding in findings:
        anchor = (finding.subject, finding.requirement_id, finding.requirement_text)
        if out and (out[-1][0].subject, out[-1][0].requirement_id, out[-1][0].requirement_text) == anchor:
            out[-1].append(finding)
        else:
            out.append([finding])
    return out
