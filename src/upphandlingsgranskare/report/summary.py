"""`review --summary`: figures only, in the style of `ruff --statistics`.

Per document one line (requirements, flagged, share with a stated need), then per check one line with
its count, code, name and severity, most frequent first, tab-separated so it sorts and greps well.
"""

from __future__ import annotations

import io
from collections import Counter

from ..models import DocumentReview, Severity
from .schema import summarise

SEVERITY_RANK: dict[Severity, int] = {"error": 3, "warning": 2, "info": 1}


def visible(review: DocumentReview, show_info: bool) -> DocumentReview:
    """The review with its info findings left out unless ``show_info``: the terminal report's default."""
    if show_info or not any(f.severity == "info" for f in review.findings):
        return review
    return review.model_copy(update={"findings": tuple(f for f in review.findings if f.severity != "info")})


def fails(reviews: list[DocumentReview], fail_on: Severity) -> bool:
    """Any finding at ``fail_on`` or more severe (``--fail-on``)."""
    floor = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= floor for r in reviews for f in r.findings)


def render_summary(reviews: list[DocumentReview], *, show_info: bool = False) -> str:
    out = io.StringIO()
    width = max([len(r.path) for r in reviews if not r.skipped] + [len("dokument / document")])
    out.write(
        f"{'dokument / document':<{width}}  {'krav/reqs':>9}  {'flaggade/flagged':>16}  {'med behov/need stated':>21}\n"
    )
    counts: Counter[tuple[str, str, str]] = Counter()
    hidden = skipped = 0
    for review in reviews:
        if review.skipped:
            skipped += 1  # unsupported files met in a folder: counted, not listed
            continue
        if review.error:
            out.write(f"{review.path:<{width}}  fel / error: {review.error}\n")
            continue
        shown = visible(review, show_info)
        hidden += len(review.findings) - len(shown.findings)
        s = summarise(shown)
        share = "–" if s.need_stated_share is None else f"{s.need_stated_share:.0%}"
        out.write(f"{review.path:<{width}}  {s.requirements:>9}  {s.flagged:>16}  {share:>21}\n")
        counts.update((f.code, f.name, f.severity) for f in shown.findings)
    out.write("\n")
    for (code, name, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0][0])):
        out.write(f"{count:>5}\t{code}\t{name}\t({severity})\n")
    total = sum(counts.values())
    out.write(f"{total:>5}\tanmärkningar / findings")
    if hidden:
        out.write(f"; {hidden} info dolda / hidden (--show-info)")
    if skipped:
        out.write(f"; {skipped} filer hoppades över / files skipped")
    out.write("\n")
    return out.getvalue()
