"""Bounds on what a failing endpoint can cost: a circuit breaker and time budgets.

One ``Limits`` lives as long as the judge, i.e. the whole run: the breaker trips across batches
and documents, and the run's budget is counted from the first request. A document's budget
starts with its first batch. Once the breaker is open or a budget is spent, every further
batch falls back to the rules at once, with the reason.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` time and the name of the budget it ends."""

    at: float
    budget: str  # "document" or "run"

    def remaining(self, now: float) -> float:
        return self.at - now


class Limits:
    def __init__(
        self,
        *,
        breaker_after: int,
        run_seconds: float | None,
        document_seconds: float | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.breaker_after = breaker_after
        self.run_seconds = run_seconds
        self.document_seconds = document_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures_in_a_row = 0
        self._open: str | None = None
        self._run_deadline: Deadline | None = None

    # -- circuit breaker ---------------------------------------------------------------------------

    def failed(self, reason: str) -> None:
        """A request timed out, was refused or got a 429/5xx: after ``breaker_after`` in a row, stop sending."""
        with self._lock:
            self._failures_in_a_row += 1
            if self._open is None and self._failures_in_a_row >= self.breaker_after:
                self._open = (
                    f"kretsbrytaren öppen efter {self._failures_in_a_row} misslyckade anrop i rad / circuit "
                    f"breaker open after {self._failures_in_a_row} failed requests in a row; last: {reason}"
                )

    def succeeded(self) -> None:
        with self._lock:
            self._failures_in_a_row = 0

    @property
    def open(self) -> str | None:
        """Why no request may be sent any more, or None."""
        with self._lock:
            return self._open

    def trip(self, reason: str) -> None:
        """Stop sending for good (the endpoint rejects every request: bad key, unknown model)."""
        with self._lock:
            self._open = self._open or reason

    # -- time budgets ------------------------------------------------------------------------------

    def document_deadline(self) -> Deadline | None:
        """The deadline for the document starting now, within the run's (started on first use)."""
        now = self._clock()
        with self._lock:
            if self._run_deadline is None and self.run_seconds is not None:
                self._run_deadline = Deadline(now + self.run_seconds, "run")
            run = self._run_deadline
        document = Deadline(now + self.document_seconds, "document") if self.document_seconds is not None else None
        candidates = [d for d in (run, document) if d is not None]
        return min(candidates, key=lambda d: d.at) if candidates else None

    def remaining(self, deadline: Deadline | None) -> float | None:
        return None if deadline is None else deadline.remaining(self._clock())

    def spent(self, deadline: Deadline | None) -> str | None:
        """Why the deadline forbids another request, or None."""
        left = self.remaining(deadline)
        if left is None or left > 0:
            return None
        assert deadline is not None
        name = {"document": "dokumentets / the document's", "run": "körningens / the run's"}[deadline.budget]
        seconds = self.document_seconds if deadline.budget == "document" else self.run_seconds
        return f"tidsbudgeten för LLM-anrop är slut ({name} {seconds:g} s) / LLM time budget spent"
