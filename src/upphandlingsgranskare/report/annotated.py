"""What the annotators share: their result and the labels they write into the copy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import Finding, Language

AUTHOR = "Upphandlingsgranskare"
INITIALS = "UG"

LABELS: dict[Language, dict[str, str]] = {
    "sv": {
        "question": "Fråga till verksamheten:",
        "suggestion": "Förslag:",
        "flag": f"{AUTHOR}: flagga",
        "comment": f"{AUTHOR}: kommentar",
        "rewrite": f"{AUTHOR}: förslag",
    },
    "en": {
        "question": "Question for the business owner:",
        "suggestion": "Suggestion:",
        "flag": f"{AUTHOR}: flag",
        "comment": f"{AUTHOR}: comment",
        "rewrite": f"{AUTHOR}: suggestion",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["sv"])  # type: ignore[call-overload]


def heading(finding: Finding) -> str:
    """``UG001 feature-without-need``: the first line of every comment."""
    return f"{finding.code} {finding.name}"


@dataclass(frozen=True)
class AnnotationResult:
    """What an annotator wrote into the copy.

    ``anchored``: findings placed exactly (DOCX: a comment covering the requirement text at its
    location; XLSX: values on the requirement's row; PDF: a highlight on its words).
    ``unanchored``: requirement ids of the other findings, one entry per finding: placed on a
    fallback anchor (DOCX: the text found elsewhere, or the whole paragraph or cell) or, where
    the format has none (XLSX: no sheet row), not written. ``fallback``: how many of those got a
    fallback anchor, for annotators that count them (DOCX); 0 otherwise.
    """

    target: Path
    anchored: int
    unanchored: tuple[str, ...] = ()
    fallback: int = 0
