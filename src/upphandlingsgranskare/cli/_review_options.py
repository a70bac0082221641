"""Small helpers of the review command: option lists, and the fingerprint of a run's settings."""

from __future__ import annotations


def settings_fingerprint(options, formats, backend, reviewer, baseline) -> str:
    """What decides a document's review and outputs, for --resume: a change means review again."""
    import hashlib

    from ..checks import ALL_CHECKS

    parts = [repr(options), ",".join(formats), str(backend), ",".join(c.code for c in ALL_CHECKS)]
    if reviewer is not None:
        settings = reviewer.judge.settings
        parts += [settings.model, settings.endpoint, reviewer.judge.prompt.id]
    if baseline is not None and baseline.exists():
        parts.append(hashlib.sha256(baseline.read_bytes()).hexdigest())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def split_values(values: list[str] | None) -> list[str] | None:
    """`--select UG001,UG101` and `--select UG001 --select UG101` alike."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
