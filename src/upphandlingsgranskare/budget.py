"""One time budget per document, for every stage of its review.

``review_document`` opens the budget (``--seconds-per-document``) before the file is read; extraction,
segmentation, the NLP pipeline and the checks call ``check_budget()`` between units of work (blocks,
text chunks, requirements, checks). A document over budget raises the ``ExtractionError`` that says
which limit and how to raise it, so it gets one line and the batch goes on. The budget lives in a
context variable, so the stages need no extra argument and code run outside a review (tests, ``eval``)
has no budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

from .extract.limits import Deadline, ExtractionLimits, limit_exceeded

_CURRENT: ContextVar[tuple[Deadline, ExtractionLimits] | None] = ContextVar(
    "upphandlingsgranskare_document_budget", default=None
)


@contextmanager
def _opened(deadline: Deadline, limits: ExtractionLimits) -> Iterator[Deadline]:
    token = _CURRENT.set((deadline, limits))
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def document_budget(shown: str, limits: ExtractionLimits) -> AbstractContextManager[Deadline]:
    """The budget of the document ``shown`` while the block runs."""
    return _opened(Deadline(shown, limits.seconds_per_document), limits)


class _WritingDeadline(Deadline):
    """The same limit for writing a document's outputs, said as such."""

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise limit_exceeded(
                self.shown,
                "seconds_per_document",
                f"att skriva dokumentets rapporter och kommenterade kopior tog längre än gränsen {self.seconds:g} s "
                "och avbröts",
                f"writing the document's reports and annotated copies took longer than the limit of "
                f"{self.seconds:g} s and was stopped",
            )


def writing_budget(shown: str, limits: ExtractionLimits) -> AbstractContextManager[Deadline]:
    """The budget for writing the outputs of the document ``shown`` (folder mode): ``--seconds-per-document``
    again, on a clock of its own, checked per output format and by the annotators between requirements."""
    return _opened(_WritingDeadline(shown, limits.seconds_per_document), limits)


def current_deadline() -> Deadline | None:
    budget = _CURRENT.get()
    return budget[0] if budget is not None else None


def check_budget() -> None:
    """Raise the limit's ``ExtractionError`` when the current document is over its time budget."""
    budget = _CURRENT.get()
    if budget is not None:
        budget[0].check()


@contextmanager
def paused() -> Iterator[None]:
    """Time spent in the block does not count against the budget: the LLM backend's calls have their own
    timeouts, and a document must not fail after its requirements were sent and paid for."""
    budget = _CURRENT.get()
    token = _CURRENT.set(None)  # no checks in the block
    started = time.monotonic()
    try:
        yield
    finally:
        _CURRENT.reset(token)
        if budget is not None:
            budget[0].extend(time.monotonic() - started)


def check_requirement_count(count: int) -> None:
    """Refuse a document with more requirements than ``max_requirements`` (a 14 MB text of 200,000
    requirements needed 5.5 GB): the memory of a review grows with its requirements."""
    budget = _CURRENT.get()
    if budget is not None and count > budget[1].max_requirements:
        deadline, limits = budget
        raise limit_exceeded(
            deadline.shown,
            "max_requirements",
            f"dokumentet har fler än {limits.max_requirements} krav",
            f"the document has more than {limits.max_requirements} requirements",
        )
