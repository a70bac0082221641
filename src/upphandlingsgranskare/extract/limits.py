"""Limits on what one input file may cost to read, with safe defaults.

A tender document is at most a few hundred pages; the defaults leave a wide margin above
that while keeping hostile input (zip bombs, million-row sheets, endless PDFs) from
exhausting memory or time. Every limit maps to a command-line option and a key under
``[limits]`` in ``upphandlingsgranskare.toml`` with the same name (``max_pages`` ->
``--max-pages``); an exceeded limit is reported as an ``ExtractionError`` that says which
one and how to raise it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Annotated

from pydantic import Field

from ..models import ExtractionError

CONFIG_NAME = "upphandlingsgranskare.toml"


@dataclass(frozen=True)
class ExtractionLimits:
    # The descriptions are the [limits] section's documentation in the settings model (settings.py).
    max_file_mb: Annotated[float, Field(description="Filens storlek på disk, MB / size of the file on disk, MB.")] = 200
    max_decompressed_mb: Annotated[
        float, Field(description="DOCX/XLSX: alla ZIP-delar uppackade, MB / all ZIP members unpacked, together, MB.")
    ] = 500
    max_pages: Annotated[int, Field(description="PDF-sidor / PDF pages.")] = 5000
    max_rows: Annotated[int, Field(description="XLSX-rader, alla blad / XLSX rows, all sheets together.")] = 200_000
    # checked in every stage, between pages/rows/blocks/chunks/requirements
    seconds_per_document: Annotated[float, Field(description="Tid per dokument, s / time per document, s.")] = 120
    # each costs memory through the review (a tender has < 3,000)
    max_requirements: Annotated[int, Field(description="Krav per dokument / requirements per document.")] = 20_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or value == float("inf")
            ):  # inf made every file "corrupt" (int(inf) bytes)
                raise ValueError(
                    f"{f.name} måste vara ett ändligt positivt tal / must be a finite positive number: {value!r}"
                )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ExtractionLimits:
        """Limits from a ``[limits]`` table; unknown keys are an error so typos do not pass silently."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"okänd gräns / unknown limit: {', '.join(unknown)}; kända / known: {', '.join(sorted(known))}"
            )
        return cls(**values)  # type: ignore[arg-type]

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_decompressed_bytes(self) -> int:
        return int(self.max_decompressed_mb * 1024 * 1024)


DEFAULT_LIMITS = ExtractionLimits()


def option_name(limit: str) -> str:
    """The command-line option for a limit field: ``max_pages`` -> ``--max-pages``."""
    return "--" + limit.replace("_", "-")


def limit_exceeded(shown: str, limit: str, sv: str, en: str) -> ExtractionError:
    """An error for an exceeded limit: what was found, the limit's name, and how to raise it."""
    opt = option_name(limit)
    return ExtractionError(
        shown,
        f"{sv} ({limit}); höj gränsen med {opt} eller {limit} under [limits] i {CONFIG_NAME} / "
        f"{en} ({limit}); raise the limit with {opt} or {limit} under [limits] in {CONFIG_NAME}",
    )


class Deadline:
    """Time budget for one document, checked cooperatively between units of work: by the readers while
    the file is read, and (see ``upphandlingsgranskare.budget``) by segmentation, the NLP pipeline and the
    checks while it is reviewed."""

    def __init__(self, shown: str, seconds: float):
        self.shown = shown
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def extend(self, seconds: float) -> None:
        self._end += seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise limit_exceeded(
                self.shown,
                "seconds_per_document",
                f"granskningen av dokumentet tog längre än gränsen {self.seconds:g} s och avbröts",
                f"reviewing the document took longer than the limit of {self.seconds:g} s and was stopped",
            )


def unlimited_deadline(shown: str = "") -> Deadline:
    """For readers called directly (tests, tools) without a budget."""
    return Deadline(shown, float("inf"))
