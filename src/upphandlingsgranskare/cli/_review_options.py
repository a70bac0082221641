"""Small helpers of the review command's options."""

from __future__ import annotations


def split_values(values: list[str] | None) -> list[str] | None:
    """`--select UG001,UG101` and `--select UG001 --select UG101` alike."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
