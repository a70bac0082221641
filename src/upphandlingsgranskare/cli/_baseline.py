"""Baselines in a review: hide the findings a baseline file accepts, or accept every current finding into it."""

from __future__ import annotations

from pathlib import Path

import typer


def apply_baseline(reviews: list, baseline: Path, update: bool) -> list:
    """Hide the findings the baseline accepts; with ``update``, first accept every current finding."""
    from ..fileio import write_atomic
    from ..suppression import baseline_document, load_baseline

    if update:
        write_atomic(baseline, baseline_document(f for r in reviews for f in r.findings))
        typer.echo(f"upphandlingsgranskare: baslinjen skriven / baseline written: {baseline} "
                   f"({sum(len(r.findings) for r in reviews)} anmärkningar / findings)", err=True)
    accepted = load_baseline(baseline)
    used: set[str] = set()
    filtered = [filter_review(review, accepted, used) for review in reviews]
    stale = len(set(accepted) - used)
    if stale:
        typer.echo(f"upphandlingsgranskare: {baseline}: {stale} godtagna anmärkningar matchar inget längre / accepted "
                   "findings no longer match anything (run with --update-baseline to drop them)", err=True)
    return filtered


def filter_review(review, accepted: dict, used: set[str]):
    """The review without the findings the baseline accepts; ``used`` collects the keys that matched."""
    from ..suppression import baseline_key

    kept = []
    for finding in review.findings:
        key = baseline_key(finding.code, finding.requirement_text)
        if key in accepted:
            used.add(key)
        else:
            kept.append(finding)
    return review.model_copy(update={"findings": tuple(kept), "baselined": review.baselined + len(review.findings) - len(kept)})
