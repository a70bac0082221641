"""A batch of files: collecting the inputs from paths and folders, and reviewing them one by one or in
several processes. A file that cannot be read becomes a ``DocumentReview`` with ``error`` set, so a batch
goes on past it.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .models import DocumentReview, ExtractionError, UnsupportedLanguageError

if TYPE_CHECKING:
    from .llm.review import LLMReviewer
    from .options import ReviewOptions


@dataclass(frozen=True)
class InputFile:
    path: Path
    skipped_reason: str | None = None  # unsupported file met inside a folder


def supported_extensions() -> frozenset[str]:
    from .extract import SUPPORTED_EXTENSIONS

    return frozenset(SUPPORTED_EXTENSIONS)


def collect_inputs(paths: Sequence[str | os.PathLike]) -> list[InputFile]:
    """Files to review, in a stable order. Folders are searched recursively by extension.

    A path that does not exist raises ``FileNotFoundError``. A file named explicitly is
    always returned (an unsupported one fails in extraction with a clear message); inside a
    folder, unsupported files are returned as skipped so the report can name them.
    Symbolic links to folders are not followed (no loops, no escaping the folder); a
    subfolder that cannot be read, a broken or looping link and a FIFO are returned as
    inputs, so that extraction gives each an error entry instead of the batch failing.
    """
    extensions = supported_extensions()
    found: list[InputFile] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():  # a looping or broken link is reported by extraction
            raise FileNotFoundError(f"{path}: finns inte / does not exist")
        candidates = _folder_inputs(path, extensions) if path.is_dir() else [InputFile(path)]
        for candidate in candidates:
            try:
                key = candidate.path.resolve()
            except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
                key = candidate.path.absolute()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _folder_inputs(path: Path, extensions: frozenset[str]) -> list[InputFile]:
    entries: list[Path] = []

    def unreadable(error: OSError) -> None:
        entries.append(Path(error.filename) if error.filename else path)

    for folder, dirnames, filenames in os.walk(path, onerror=unreadable, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # .git and other hidden folders
        entries.extend(Path(folder, name) for name in filenames)
    candidates = []
    for child in sorted(set(entries)):
        if child.name.startswith("."):
            continue  # hidden files (.DS_Store)
        if child.name.startswith("~$"):
            continue  # Office lock files
        if child.suffix.lower() in extensions or child.is_dir():
            candidates.append(InputFile(child))
        else:
            reason = (
                f"hoppades över: filtypen {child.suffix or '(ingen)'} stöds inte / skipped: unsupported "
                f"file type; supported: {', '.join(sorted(extensions))}"
            )
            candidates.append(InputFile(child, skipped_reason=reason))
    return candidates


def review_paths(
    inputs: Iterable[InputFile],
    on_done: Callable[[InputFile, DocumentReview], None] | None = None,
    llm: LLMReviewer | None = None,
    options: ReviewOptions | None = None,
    jobs: int = 1,
) -> list[DocumentReview]:
    """Review every input, in input order; a broken file gives a review with ``error`` and the batch goes on.

    ``jobs`` > 1 reviews documents in that many processes, this one included (spaCy is
    single-threaded, so processes, not threads). With an LLM backend the documents go one at a time: the model calls
    are concurrent already, and the client and cache live in this process. ``on_done`` is called
    in this process as each document finishes, in whatever order they finish.
    """
    items = list(inputs)
    if jobs <= 1 or llm is not None or len(items) < 2:
        reviews = []
        for item in items:
            review = _review_one(item, llm, options)
            reviews.append(review)
            if on_done is not None:
                on_done(item, review)
        return reviews

    return _review_in_parallel(items, on_done, options, jobs)


_IN_FLIGHT = 2  # documents handed to a worker at a time: the one it reads and the next


class _SharedQueue:
    """The documents still to review, largest first, and the finished ones, shared by this process's
    review loop and the threads that feed the workers."""

    def __init__(
        self,
        items: list[InputFile],
        on_done: Callable[[InputFile, DocumentReview], None] | None,
        options: ReviewOptions | None,
    ) -> None:
        self.items, self.on_done, self.options = items, on_done, options
        # Largest files first, so nobody is left with one big document at the end while the others idle.
        self.waiting = deque(sorted(range(len(items)), key=lambda n: -_size(items[n].path)))
        self.lock = threading.Lock()
        self.finished: queue.Queue[tuple[int, DocumentReview]] = queue.Queue()
        self.results: dict[int, DocumentReview] = {}

    def take(self) -> int | None:
        with self.lock:
            return self.waiting.popleft() if self.waiting else None

    def review_here(self, deliver: bool) -> None:
        """Review the documents left in this process; with ``deliver``, hand on the finished ones after each."""
        while (n := self.take()) is not None:
            self.finished.put((n, _review_one(self.items[n], None, self.options)))
            if deliver:
                self.deliver()

    def feed(self, pool: ProcessPoolExecutor) -> None:
        """Keep ``_IN_FLIGHT`` documents in the one-process ``pool`` until the queue runs dry or it dies."""
        in_flight: deque[tuple[int, Future]] = deque()  # in the order the one worker reads them
        while True:
            while len(in_flight) < _IN_FLIGHT and (n := self.take()) is not None:
                try:
                    in_flight.append((n, pool.submit(_review_one, self.items[n], None, self.options)))
                except (BrokenProcessPool, RuntimeError):
                    with self.lock:
                        self.waiting.appendleft(n)  # this process reviews it
                    break
            if not in_flight:
                return
            n, future = in_flight.popleft()
            try:
                self.finished.put((n, future.result()))
            except BrokenProcessPool as error:
                self.finished.put(
                    (
                        n,
                        _failed(
                            self.items[n].path,
                            "oväntat fel / unexpected error: "
                            f"granskningsprocessen dog / the review process died ({error})",
                        ),
                    )
                )
                with self.lock:  # queued behind the one it was reading: never started
                    self.waiting.extendleft(m for m, _ in reversed(in_flight))
                return
            except Exception as error:  # noqa: BLE001 - that file fails, the batch goes on
                self.finished.put((n, _unexpected(self.items[n].path, error)))

    def deliver(self) -> None:
        """Record the finished reviews and call ``on_done`` for each; in this (the main) thread only."""
        while True:
            try:
                n, review = self.finished.get_nowait()
            except queue.Empty:
                return
            self.results[n] = review
            if self.on_done is not None:
                self.on_done(self.items[n], review)


def _review_in_parallel(
    items: list[InputFile],
    on_done: Callable[[InputFile, DocumentReview], None] | None,
    options: ReviewOptions | None,
    jobs: int,
) -> list[DocumentReview]:
    """This process and ``jobs - 1`` forked workers take documents from one queue, largest first.

    This process reviews too (on 2 cores a third, mostly idle, coordinating process only adds
    start-up and competes for a core). Each worker is a pool of its own with one process, fed by a
    thread here that keeps two documents in it: the next one waits there, so the worker never idles
    while this busy process's threads get their turn to hand it one (up to a tenth of a worker's time
    with one at a time). A worker that dies (memory, a signal) fails only the document it was
    reading: the one queued behind it never started and goes back to the queue, and this process
    reviews whatever is left. ``on_done`` runs in this thread only.
    """
    import multiprocessing

    from .process_control import stop_workers, worker_init

    shared = _SharedQueue(items, on_done, options)
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pools = [
        ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=worker_init, initargs=(os.getpid(),))
        for _ in range(jobs - 1)
    ]
    # The pools' threads here read the workers' results from a pipe a few kilobytes at a time, and
    # each read waits for this busy thread to let go of the GIL (every 5 ms by default) while the
    # worker, its pipe full, waits too: hand over every half millisecond instead.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, 0.0005))
    try:
        # Fork the workers now, while this is the only thread: a fork from a feeder thread could copy a
        # lock the main thread holds mid-review.
        for pool in pools:
            pool.submit(int).result()
        feeders = [threading.Thread(target=shared.feed, args=(pool,), daemon=True) for pool in pools]
        for feeder in feeders:
            feeder.start()
        shared.review_here(deliver=True)
        for feeder in feeders:
            feeder.join()
        # A worker that died after this loop ran dry put the documents queued behind it back: review them.
        shared.review_here(deliver=False)
    except BaseException:
        stop_workers(pools)  # Ctrl-C, SIGTERM: no worker outlives the run
        raise
    finally:
        sys.setswitchinterval(switch_interval)
        for pool in pools:
            pool.shutdown()
    shared.deliver()
    return [shared.results[n] for n in range(len(items))]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _review_one(item: InputFile, llm: LLMReviewer | None, options: ReviewOptions | None) -> DocumentReview:
    # Looked up when called: review.py re-exports this module, and tests replace review.review_document.
    from . import review

    if item.skipped_reason:
        return _failed(item.path, item.skipped_reason, skipped=True)
    try:
        return review.review_document(item.path, llm, options)
    except UnsupportedLanguageError as error:  # reported like an unsupported file type: named, not an error
        return _failed(item.path, error.reason, skipped=True)
    except ExtractionError as error:
        return _failed(item.path, error.reason)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a batch
        return _unexpected(item.path, error)


def _unexpected(path: Path, error: Exception) -> DocumentReview:
    return _failed(path, f"oväntat fel / unexpected error: {type(error).__name__}: {error}")


def _failed(path: Path, reason: str, skipped: bool = False) -> DocumentReview:
    return DocumentReview(
        path=str(path),
        format=path.suffix.lower().lstrip(".") or "unknown",
        language="sv",
        requirements=(),
        goals=(),
        findings=(),
        error=reason,
        skipped=skipped,
    )
