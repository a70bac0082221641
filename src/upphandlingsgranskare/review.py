"""The pipeline: file -> extraction -> segmentation -> checks -> ``DocumentReview``.

Plain functions, imported by the CLI and by tests. A file that cannot be read becomes a
``DocumentReview`` with ``error`` set, so a batch goes on past it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Literal, NamedTuple, Sequence

from .budget import check_budget
from .checks.base import Check
from .labels import Label
from .models import DocumentReview, ExtractionError, Finding, GoalLink, Requirement, UnsupportedLanguageError

if TYPE_CHECKING:
    from .checks.base import DocumentContext
    from .llm.review import LLMReviewer
    from .models import ExtractedDocument, Language, LLMUsage
    from .options import ReviewOptions
    from .segment.requirements import Segmentation
    from .suppression import CommentAnchor


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
        if not path.is_dir():
            candidates = [InputFile(path)]
        else:
            entries: list[Path] = []

            def unreadable(error: OSError, entries: list[Path] = entries, top: Path = path) -> None:
                entries.append(Path(error.filename) if error.filename else top)

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
                    reason = (f"hoppades över: filtypen {child.suffix or '(ingen)'} stöds inte / skipped: unsupported "
                              f"file type; supported: {', '.join(sorted(extensions))}")
                    candidates.append(InputFile(child, skipped_reason=reason))
        for candidate in candidates:
            try:
                key = candidate.path.resolve()
            except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
                key = candidate.path.absolute()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def review_document(path: str | os.PathLike, llm: "LLMReviewer | None" = None,
                    options: "ReviewOptions | None" = None) -> DocumentReview:
    """Review one file. Raises ``ExtractionError`` when the file cannot be read.

    With ``llm`` (an LLM backend), the model judges the requirements that backend sends it,
    after the rules have judged them all; see ``llm.review``. ``options`` selects checks, sets
    severities, the language and the rationale policy; markers in the document accept findings.
    """
    from .budget import document_budget
    from .options import ReviewOptions

    options = options or ReviewOptions()
    # One time budget for the whole review of this document: reading, segmentation, NLP and checks; the
    # modules (here) and the language's pipeline (_warm_up) load once per process, outside it.
    from .checks import DocumentContext  # noqa: F401
    from .segment.language import detect_document_language  # noqa: F401
    from .suppression import apply_markers  # noqa: F401

    from .nlp.pipeline import document_docs

    with document_budget(str(path), options.limits), document_docs():
        return _review_document(path, llm, options)


def _review_document(path: str | os.PathLike, llm: "LLMReviewer | None", options: "ReviewOptions") -> DocumentReview:
    from .extract import extract
    from .segment import segment
    from .segment.language import detect_document_language, unsupported_language_message
    from .suppression import read_comment_markers

    document = extract(path, password=options.password, limits=options.limits)
    language = options.language or detect_document_language(document.text)
    if language in ("no", "da"):
        raise UnsupportedLanguageError(document.path, unsupported_language_message(language))
    _warm_up(language, options)
    segmentation = segment(document, language)
    if not segmentation.requirements and document.format == "xlsx":
        from .extract.xlsx_formulas import check_cached_values

        check_cached_values(Path(path), document.path)  # "krav: 0" from formulas nobody calculated: say so
    return _review_segmented(document, segmentation, options, llm, read_comment_markers(path))


def _review_segmented(document: "ExtractedDocument", segmentation: "Segmentation", options: "ReviewOptions",
                      llm: "LLMReviewer | None" = None, markers: Sequence["CommentAnchor"] = ()) -> DocumentReview:
    """The review of a segmented document: labelling, checks, markers. ``review_document`` and ``lint_text``
    both end here, so a text typed in is judged as the same text read from a file."""
    from .checks import DocumentContext
    from .checks.ug001_words import rationale_columns
    from .suppression import apply_markers

    language = segmentation.language
    context = DocumentContext(path=document.path, language=language, goals=tuple(segmentation.goals),
                              rationale_policy=options.rationale_policy, label_model=options.label_model,
                              text=document.text, rationale_columns=rationale_columns(document.blocks))
    # The extracted blocks are not read after this: let them go before the checks' peak (a 1,000-page
    # PDF's blocks hold about 70 MB).
    shown, doc_format, pages, extractor = document.path, document.format, document.pages, document.extractor
    del document
    requirements, ordered, in_scope, usage, links = review_requirements(segmentation.requirements, context, options,
                                                                        llm)
    accepted = apply_markers(requirements, ordered, markers)
    return DocumentReview(
        path=shown,
        format=doc_format,
        language=language,
        requirements=tuple(requirements),
        goals=tuple(segmentation.goals),
        findings=tuple(accepted.kept),
        suppressed=len(accepted.suppressed),
        unused_suppressions=tuple(accepted.unused),
        in_scope=in_scope,
        pages=pages,
        extractor=extractor,
        llm=usage,
        links=links,
    )


@lru_cache(maxsize=None)
def _load_once(language: "Language", label_model: bool) -> None:
    from .options import ReviewOptions

    lint_text("Systemet ska ha inloggning.", language=language, options=ReviewOptions(label_model=label_model))


def _warm_up(language: "Language", options: "ReviewOptions") -> None:
    """Load spaCy, the word lists and the label model for ``language`` once per process, outside the document's
    budget: the first document of a process must not pay a second of it for what every document shares."""
    from .budget import paused

    with paused():
        _load_once(language, options.label_model)


def requirement_from_text(text: str, *, language: "Language", heading: str | None = None,
                          rationale: str | None = None, table_row: bool = False, lead_in: str | None = None,
                          goals: Sequence[str] = (), source: str = "text", requirement_id: str = "R1",
                          options: "ReviewOptions | None" = None) -> tuple[Requirement, "DocumentContext"]:
    """One item read alone, with its document's context, as the annotation guide labels a gold item (one at a
    time, whatever sentences it holds): the heading over it, its rationale cell, whether it is a matrix row,
    the lead-in of its list, and the document's stated goals ("Effektmål 2: …" keeps its id). Its kind
    (ska/bör) is read as segmentation reads it. The label evaluation and the label model's training read
    items so; ``lint_text`` reads a text as a document is read (segmentation first)."""
    from .checks import DocumentContext
    from .models import Goal, Location
    from .nlp.label_model import as_lead_in
    from .options import ReviewOptions
    from .segment.requirements import GOAL_ID, modal_kind

    options = options or ReviewOptions()
    location = Location(file=source)
    parsed = []
    for goal in goals:
        match = GOAL_ID.match(goal)
        parsed.append(Goal(id=match.group("id").strip() if match else None, text=goal, heading="", location=location))
    requirement = Requirement(id=requirement_id, text=text, kind=modal_kind(text, language), location=location,
                              language=language, heading_path=(heading,) if heading else (), rationale=rationale,
                              context=as_lead_in(lead_in), matrix_row=table_row)
    context = DocumentContext(path=source, language=language, goals=tuple(parsed),
                              rationale_policy=options.rationale_policy, label_model=options.label_model)
    return requirement, context


class Linted(NamedTuple):
    """What ``lint_text`` finds: the requirements segmentation read in the text, labelled, and their findings."""

    requirements: tuple[Requirement, ...]
    findings: tuple[Finding, ...]


def lint_text(text: str, *, language: "Language", heading: str | None = None, rationale: str | None = None,
              table_row: bool = False, lead_in: str | None = None, goals: Sequence[str] = (),
              select: Iterable[str] | None = None, source: str = "text", options: "ReviewOptions | None" = None
              ) -> Linted:
    """Review a text typed in, in the spirit of sqlfluff's ``lint_string``: the text in the document a file
    would give (``segment.typed``: a heading over it, a table row with a rationale cell, a list lead-in, a
    goal section), through the same segmentation, labelling and checks as ``review_document``.
    ``select``: only these check codes (else the options' selection)."""
    from .options import ReviewOptions
    from .segment import segment
    from .segment.typed import typed_document

    options = options or ReviewOptions()
    if select is not None:
        options = replace(options, select=frozenset(code.upper() for code in select))
    document = typed_document(text, language=language, source=source, heading=heading, rationale=rationale,
                              table_row=table_row, lead_in=lead_in, goals=goals)
    review = _review_segmented(document, segment(document, language), options)
    return Linted(review.requirements, review.findings)


def review_requirements(found: Sequence[Requirement], context: "DocumentContext", options: "ReviewOptions",
                        llm: "LLMReviewer | None" = None
                        ) -> tuple[list[Requirement], list[Finding], int, "LLMUsage | None", tuple[GoalLink, ...]]:
    """Label the requirements (``labelling``) and run every enabled check on them: returns the labelled
    requirements, the findings in document order (configured severities applied), how many are on the
    solution, what the LLM backend did, and the goal links."""
    from .checks import ALL_CHECKS
    from .checks.merge import merge_goal_findings
    from .labelling import label_requirements
    from .trace import goal_line, link_requirements

    requirements, usage = label_requirements(found, context, llm, [goal_line(g) for g in context.goals])
    in_scope = sum(1 for r in requirements if r.label != Label.OUT_OF_SCOPE)
    # The labels say which requirements are on the solution: those are tied to the goals they serve,
    # and the findings (UG001's names the goal a flagged requirement resembles) read the links.
    check_budget()
    links = link_requirements(requirements, context.goals, context.language)
    context = replace(context, links=links)
    checks = [c for c in ALL_CHECKS if options.enabled(c.code)]
    findings: list[tuple[int, Finding]] = []  # with the requirement's index, to report in document order
    for index, requirement in enumerate(requirements):
        check_budget()
        for check in checks:
            if check.applies_to(requirement):
                findings.extend((index, f) for f in run_isolated(check, context, requirement))
    # Document-level checks (goals and their coverage) last; a goal's finding goes first in the report,
    # as goals come first in a tender, the others with the requirement they are anchored on.
    position = {(r.id, r.text): i for i, r in reversed(list(enumerate(requirements)))}
    for check in checks:
        check_budget()
        findings.extend((-1 if f.subject == "goal" else position.get((f.requirement_id, f.requirement_text), -1), f)
                        for f in run_isolated(check, context, None, requirements))
    ordered = merge_goal_findings([f for _, f in sorted(findings, key=lambda pair: pair[0])], context.goals)
    if options.severity:
        ordered = [f.model_copy(update={"severity": options.severity[f.code]}) if f.code in options.severity else f
                   for f in ordered]
    return requirements, ordered, in_scope, usage, links


def run_isolated(check: Check, context: "DocumentContext", requirement: Requirement | None,
                 requirements: Sequence[Requirement] = ()) -> list[Finding]:
    """The check's findings on one requirement (or, without one, on the document), or, when it raises, one
    finding that names the check and the exception: the other checks go on, as sqlfluff's rules do. A time or
    size limit reached (``ExtractionError``) and memory running out are no fault of the check: they end the review."""
    try:
        if requirement is None:
            return list(check.run_document(requirements, context))
        return list(check.run(requirement, context))
    except (ExtractionError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - one faulty check must not cost the document its other findings
        if requirement is not None:
            return [check_failure(check, context, requirement, error)]
        return [check_failure(check, context, requirements[0] if requirements else None, error, subject="document")]


def check_failure(check: Check, context: "DocumentContext", requirement: Requirement | None, error: Exception,
                  subject: Literal["requirement", "document"] = "requirement") -> Finding:
    """The finding that reports a check which raised, named by its code with the exception as it was: on the
    requirement it read, or, for the document, anchored on its first requirement."""
    from .models import Location

    what = f"{type(error).__name__}: {error}"
    sv = f"Kontrollen {check.code} ({check.name}) kunde inte köras: {what}. Övriga kontroller har körts."
    en = f"The check {check.code} ({check.name}) failed: {what}. The other checks ran."
    return Finding(code=check.code, name=check.name, severity="error", message=sv if context.language == "sv" else en,
                   question=("Rapportera felet till verktygets förvaltare." if context.language == "sv"
                             else "Report the error to the tool's maintainers."),
                   suggestion=f"{sv} / {en}",
                   location=requirement.location if requirement else Location(file=context.path),
                   requirement_id=requirement.id if requirement else "", language=context.language,
                   requirement_text=requirement.text if requirement else "", origin="rules",
                   origin_detail=f"check error: {what}", subject=subject)


def review_paths(
    inputs: Iterable[InputFile],
    on_done: Callable[[InputFile, DocumentReview], None] | None = None,
    llm: "LLMReviewer | None" = None,
    options: "ReviewOptions | None" = None,
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


def _review_in_parallel(items: list[InputFile], on_done: Callable[[InputFile, DocumentReview], None] | None,
                        options: "ReviewOptions | None", jobs: int) -> list[DocumentReview]:
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
    import queue
    import threading
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Largest files first, so nobody is left with one big document at the end while the others idle.
    waiting = deque(sorted(range(len(items)), key=lambda n: -_size(items[n].path)))
    lock = threading.Lock()
    finished: "queue.Queue[tuple[int, DocumentReview]]" = queue.Queue()
    results: dict[int, DocumentReview] = {}

    def take() -> int | None:
        with lock:
            return waiting.popleft() if waiting else None

    def feed(pool: ProcessPoolExecutor) -> None:
        in_flight: deque[tuple[int, Future]] = deque()  # in the order the one worker reads them
        while True:
            while len(in_flight) < _IN_FLIGHT and (n := take()) is not None:
                try:
                    in_flight.append((n, pool.submit(_review_one, items[n], None, options)))
                except (BrokenProcessPool, RuntimeError):
                    with lock:
                        waiting.appendleft(n)  # this process reviews it
                    break
            if not in_flight:
                return
            n, future = in_flight.popleft()
            try:
                finished.put((n, future.result()))
            except BrokenProcessPool as error:
                finished.put((n, _failed(items[n].path, "oväntat fel / unexpected error: granskningsprocessen dog / "
                                                        f"the review process died ({error})")))
                with lock:  # queued behind the one it was reading: never started
                    waiting.extendleft(m for m, _ in reversed(in_flight))
                return
            except Exception as error:  # noqa: BLE001 - that file fails, the batch goes on
                finished.put((n, _unexpected(items[n].path, error)))

    def deliver() -> None:
        while True:
            try:
                n, review = finished.get_nowait()
            except queue.Empty:
                return
            results[n] = review
            if on_done is not None:
                on_done(items[n], review)

    from .process_control import stop_workers, worker_init

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pools = [ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=worker_init,
                                 initargs=(os.getpid(),)) for _ in range(jobs - 1)]
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
        feeders = [threading.Thread(target=feed, args=(pool,), daemon=True) for pool in pools]
        for feeder in feeders:
            feeder.start()
        while (n := take()) is not None:
            finished.put((n, _review_one(items[n], None, options)))
            deliver()
        for feeder in feeders:
            feeder.join()
        # A worker that died after this loop ran dry put the documents queued behind it back: review them.
        while (n := take()) is not None:
            finished.put((n, _review_one(items[n], None, options)))
    except BaseException:
        stop_workers(pools)  # Ctrl-C, SIGTERM: no worker outlives the run
        raise
    finally:
        sys.setswitchinterval(switch_interval)
        for pool in pools:
            pool.shutdown()
    deliver()
    return [results[n] for n in range(len(items))]


_IN_FLIGHT = 2  # documents handed to a worker at a time: the one it reads and the next


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _review_one(item: InputFile, llm: "LLMReviewer | None", options: "ReviewOptions | None") -> DocumentReview:
    if item.skipped_reason:
        return _failed(item.path, item.skipped_reason, skipped=True)
    try:
        return review_document(item.path, llm, options)
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
