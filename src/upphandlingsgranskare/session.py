"""A review session: collect the inputs, review them, filter (baseline; suppression markers and --fail-on/
--show-info are the review's and the report's), write the outputs and decide the exit code, by one code path
for one report and for a folder of outputs.

Exit codes (as ruff): 0 no findings, 1 findings, 2 usage error or a file that could not be read, 3 the LLM
backend failed (more requirements fell back to the rules than --max-fallbacks allows).
Messages go to standard error as ``upphandlingsgranskare: ...``; reports to standard output or files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from .models import DocumentReview
    from .review import InputFile
    from .settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_LLM_FAILED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class SessionError(Exception):
    """A problem that ends the session: its line (none when said already), exit 2."""


def say(message: str) -> None:
    typer.echo(f"upphandlingsgranskare: {message}", err=True)


def run_review(paths: Sequence[Path], output: Path | None, settings: Settings) -> int:
    """Review ``paths`` with ``settings`` and write the report to ``output`` (None: standard output), or each
    document's outputs and an index into the folder ``output``; returns the exit code."""
    if settings.review.embeddings:
        # Before any document: the one check of the encoder and the model (labelling.embeddings_model), so a
        # missing extra stops the run once instead of failing every document.
        from .labelling import embeddings_model
        from .nlp.embeddings import EmbeddingsUnavailable

        try:
            embeddings_model()
        except EmbeddingsUnavailable as error:
            say(str(error))
            return EXIT_ERROR
    try:
        return Session(list(paths), output, settings).run()
    except SessionError as error:
        if str(error):  # empty: said already
            say(str(error))
        return EXIT_ERROR


def review_command(
    paths: Sequence[Path], output: Path | None, config: Path | None = None, overrides: dict[str, Any] | None = None
) -> int:
    """``review`` as a plain function: the settings from ``config`` (or the config file nearest the first path)
    and the command line's ``overrides`` (``settings.load_settings``), then the session."""
    from .config import ConfigError
    from .settings import load_settings

    try:
        settings = load_settings(config, start=paths[0] if paths else None, overrides=overrides)
    except ConfigError as error:
        say(str(error))
        return EXIT_ERROR
    return run_review(paths, output, settings)


class BaselineFilter:
    """The findings a baseline file accepts, hidden document by document; which accepted ones matched nothing."""

    def __init__(self, path: Path, accepted: dict) -> None:
        self.path, self.accepted = path, accepted
        self.used: set[str] = set()

    @classmethod
    def load(cls, path: Path) -> BaselineFilter:
        from .suppression import load_baseline

        return cls(path, load_baseline(path))

    def apply(self, review: DocumentReview) -> DocumentReview:
        from .suppression import baseline_key

        kept = []
        for finding in review.findings:
            key = baseline_key(finding.code, finding.requirement_text)
            if key in self.accepted:
                self.used.add(key)
            else:
                kept.append(finding)
        return review.model_copy(
            update={"findings": tuple(kept), "baselined": review.baselined + len(review.findings) - len(kept)}
        )

    def warn_stale(self) -> None:
        stale = len(set(self.accepted) - self.used)
        if stale:
            say(
                f"{self.path}: {stale} godtagna anmärkningar matchar inget längre / accepted findings no longer match "
                "anything (run with --update-baseline to drop them)"
            )


def write_baseline(path: Path, reviews: list[DocumentReview]) -> BaselineFilter:
    """Accept every current finding into ``path``; the filter that then hides them."""
    from .fileio import write_atomic
    from .suppression import baseline_document

    write_atomic(path, baseline_document(f for r in reviews for f in r.findings))
    say(
        f"baslinjen skriven / baseline written: {path} ({sum(len(r.findings) for r in reviews)} anmärkningar / findings)"
    )
    return BaselineFilter.load(path)


class Session:
    """One run of ``review``; ``run`` does it. Folder mode writes each document's outputs as soon as it is
    reviewed, so an interrupted batch keeps what is finished and --resume skips it."""

    def __init__(self, paths: list[Path], output: Path | None, settings: Settings) -> None:
        from .report.outputs import ANNOTATED_FORMATS

        self.paths, self.output, self.settings, self.run_settings = paths, output, settings, settings.run
        self.formats = list(settings.output.formats)
        several = len(self.formats) > 1 or any(f in ANNOTATED_FORMATS for f in self.formats)
        self.folder_mode = output is not None and (several or output.is_dir() or str(output).endswith(("/", os.sep)))
        if output is None and several:
            raise SessionError(
                "flera format och kommenterade dokument kräver --output MAPP / several formats and "
                f"annotated documents need --output DIR ({', '.join(self.formats)})"
            )
        if self.run_settings.summary and (self.formats != ["text"] or self.folder_mode):
            raise SessionError(
                "--summary ger bara terminalrapporten / gives the terminal report only (-f text), inte "
                f"/ not {', '.join(self.formats)}"
            )
        self.reviewer: Any = None
        self.writer: Any = None  # FolderWriter in folder mode
        self.baseline: BaselineFilter | None = None  # not while the baseline is being updated
        self.reviewed: dict[Path, DocumentReview] = {}  # each document's review, baseline applied
        self.finished: dict[Path, Any] = {}  # folder mode: WrittenDocument per document written or resumed
        self.write_errors: list[str] = []

    def run(self) -> int:
        inputs = self._inputs()
        self.reviewer = self._reviewer()
        run = self.run_settings
        if run.baseline is not None and not run.update_baseline:
            try:
                self.baseline = BaselineFilter.load(run.baseline)
            except ValueError as error:
                raise SessionError(str(error)) from None
        if self.folder_mode:
            self._open_folder(inputs)
        todo = [item for item in inputs if item.path not in self.finished]
        reviews = review_interruptibly(
            todo, self._document_done, self.reviewer, self.settings.review_options(), run.jobs, run.progress
        )
        if run.dry_run:
            from .llm.dryrun import render_dry_run

            sys.stdout.write(render_dry_run(self.reviewer.planner, self.reviewer))
            return EXIT_CLEAN
        if self.reviewer is not None:
            self.reviewer.judge.close()
        llm_failed = self.reviewer is not None and report_fallbacks(reviews, run.max_fallbacks)
        if self.writer is not None:
            reviews = self._finish_folder(inputs)
        else:
            reviews = self._settle_baseline([self.reviewed[item.path] for item in inputs])
            self._write_report(reviews)
        return self._exit_code(reviews, llm_failed)

    def _inputs(self) -> list[InputFile]:
        from .own_outputs import screen_inputs
        from .review import collect_inputs

        try:
            inputs = collect_inputs(self.paths)
        except FileNotFoundError as error:
            raise SessionError(str(error)) from None
        inputs, lines, refused = screen_inputs(
            inputs, self.paths, self.output, self.folder_mode
        )  # outputs are never inputs
        for line in lines:
            say(line)
        if refused:
            raise SessionError("")
        if not inputs:
            raise SessionError("inga filer att granska / no files to review (.pdf, .docx, .xlsx, .txt, .md)")
        return inputs

    def _reviewer(self) -> Any:
        """The LLM reviewer of ``backend`` llm/hybrid, None for the rules; nothing is sent before it is chosen."""
        backend, dry_run = self.settings.backend, self.run_settings.dry_run
        if backend == "rules":
            if dry_run:
                raise SessionError("--dry-run gäller / applies to --backend llm|hybrid")
            return None
        from .llm.build import BackendUnavailable, build_reviewer

        try:
            reviewer = build_reviewer(backend, settings=self.settings.llm, require_endpoint=not dry_run)  # type: ignore[arg-type]
        except BackendUnavailable as error:
            raise SessionError(str(error)) from None
        if dry_run:  # the run's own selection, counted instead of sent
            from .llm.dryrun import Planner

            reviewer.planner = Planner(reviewer)
        else:
            llm = reviewer.judge.settings
            privacy = (
                "personuppgifter maskeras / personal data redacted" if llm.redact else "utan maskering / not redacted"
            )
            say(f"skickar krav till / sending requirements to {llm.endpoint} (modell / model {llm.model}, {privacy})")
        return reviewer

    def _open_folder(self, inputs: list[InputFile]) -> None:
        from .own_outputs import protected_paths
        from .report.outputs import FolderWriter, OutputError

        assert self.output is not None
        fingerprint = settings_fingerprint(self.settings, self.reviewer)
        try:
            self.writer = FolderWriter(
                self.output,
                self.paths,
                self.formats,
                fingerprint,
                protected=protected_paths(inputs),
                annotate_clean=self.settings.output.annotate_clean,
                limits=self.settings.limits,
            )
        except OutputError as error:
            raise SessionError(str(error)) from None
        except OSError as error:
            raise SessionError(f"{self.output}: {error.strerror or error}") from None
        if not self.run_settings.resume:
            return
        for item in inputs:
            if not item.skipped_reason and (done := self.writer.finished(item.path)) is not None:
                self.finished[item.path] = done
        if self.finished:
            say(f"{len(self.finished)} dokument redan klara / documents already done, hoppas över / skipped (--resume)")
        if (removed := self.writer.remove_half_written()) is not None:
            say(removed)

    def _document_done(self, item: InputFile, review: DocumentReview) -> None:
        from .models import ExtractionError
        from .process_control import check_terminated
        from .report.outputs import OutputError

        check_terminated()  # a safe point between documents, should SIGTERM's exception have been lost
        if self.run_settings.dry_run:
            self.reviewer.planner.finish(review)
        if self.baseline is not None:
            review = self.baseline.apply(review)
        self.reviewed[item.path] = review
        if self.writer is None:
            return
        try:
            self.finished[item.path] = self.writer.write(review)
        except (OutputError, OSError, ExtractionError) as error:  # ExtractionError: over the time budget
            self.write_errors.append(str(error) if isinstance(error, ExtractionError) else f"{review.path}: {error}")

    def _settle_baseline(self, reviews: list[DocumentReview]) -> list[DocumentReview]:
        """With --update-baseline, accept every finding now and hide them; else say which accepted findings matched
        nothing (not after --resume: the documents done before were filtered by an earlier run)."""
        run = self.run_settings
        if run.baseline is not None and run.update_baseline:
            try:
                accepting = write_baseline(run.baseline, reviews)
            except (ValueError, OSError) as error:
                raise SessionError(str(error)) from None
            reviews = [accepting.apply(review) for review in reviews]
        elif self.baseline is not None and not self.finished.keys() - self.reviewed.keys():
            self.baseline.warn_stale()
        return reviews

    def _finish_folder(self, inputs: list[InputFile]) -> list[DocumentReview]:
        from .report.outputs import WrittenDocument, folder_notes, relative_name, write_index

        assert self.output is not None
        written = [
            self.finished.get(item.path)
            or WrittenDocument(self.reviewed[item.path], relative_name(item.path, self.paths))
            for item in inputs
        ]  # a document whose outputs failed to write keeps its place, without links
        reviews = self._settle_baseline([w.review for w in written])
        try:  # also after a document's outputs failed: the index lists the others
            write_index(written, self.output)
        except OSError as error:
            self.write_errors.append(str(error))
        for message in self.write_errors:
            say(message)
        if self.write_errors:
            raise SessionError("")
        for line in folder_notes(written):
            say(line)
        say(
            f"{sum(len(i.outputs) for i in written)} filer / files in {self.output}, index: {self.output / 'index.html'}"
        )
        return reviews

    def _write_report(self, reviews: list[DocumentReview]) -> None:
        from .fileio import write_atomic
        from .report.outputs import render_report, report_bytes

        shown_format = "summary" if self.run_settings.summary else self.formats[0]
        show_info = self.run_settings.show_info
        if self.output is not None:
            try:
                write_atomic(self.output, report_bytes(reviews, shown_format, show_info=show_info))
            except OSError as error:
                raise SessionError(str(error)) from None
        else:
            color = self.formats == ["text"] and sys.stdout.isatty()
            sys.stdout.write(render_report(reviews, shown_format, color=color, show_info=show_info))
            sys.stdout.flush()

    def _exit_code(self, reviews: list[DocumentReview], llm_failed: bool) -> int:
        from .extract.text import encoding_note
        from .report.summary import fails

        for review in reviews:
            if (note := encoding_note(review.extractor or "")) is not None:  # a guessed encoding is said, not silent
                say(f"{review.path}: {note}")
            for unused in review.unused_suppressions:
                say(f"{review.path}: oanvänd markering / unused suppression: {unused}")
        for review in reviews:
            if review.error and not review.skipped:
                say(f"{review.path}: {review.error}")
        if any(r.error and not r.skipped for r in reviews):
            return EXIT_ERROR
        if llm_failed:  # not hidden by --exit-zero: the figures are the rules', not the model's
            return EXIT_LLM_FAILED
        run = self.run_settings
        return EXIT_FINDINGS if not run.exit_zero and fails(reviews, run.fail_on) else EXIT_CLEAN


def settings_fingerprint(settings: Settings, reviewer: Any) -> str:
    """What decides a document's review and outputs, for --resume: a change means review again."""
    import hashlib

    from .checks import ALL_CHECKS

    formats = [*settings.output.formats, f"annotate_clean={settings.output.annotate_clean}"]
    parts = [repr(settings.review_options()), ",".join(formats), settings.backend, ",".join(c.code for c in ALL_CHECKS)]
    if reviewer is not None:
        llm = reviewer.judge.settings
        parts += [llm.model, llm.endpoint, reviewer.judge.prompt.id]
    baseline = settings.run.baseline
    if baseline is not None and baseline.exists():
        parts.append(hashlib.sha256(baseline.read_bytes()).hexdigest())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def review_interruptibly(todo, document_done, reviewer, options, jobs: int, progress: bool) -> list:
    """Review ``todo``; with an LLM backend, Ctrl-C exits at once (130) instead of waiting for the requests in
    flight (up to a time-out each). Outputs are written atomically, so nothing is left half-written."""
    try:
        return _review_with_progress(todo, document_done, reviewer, options, jobs, progress)
    except KeyboardInterrupt:
        if reviewer is None:
            raise
        say("avbrutet / interrupted")
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # not sys.exit: the interpreter would join the HTTP threads first


def _review_with_progress(todo, document_done, reviewer, options, jobs: int, progress: bool) -> list:
    from .review import review_paths

    if progress and len(todo) > 1:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("Granskar / reviewing", total=len(todo))

            def advance(item, review) -> None:
                document_done(item, review)
                bar.advance(task)

            return review_paths(todo, on_done=advance, llm=reviewer, options=options, jobs=jobs)
    return review_paths(todo, on_done=document_done, llm=reviewer, options=options, jobs=jobs)


def report_fallbacks(reviews: list, max_fallbacks: int) -> bool:
    """Say per document why requirements kept the rules result; True when more did than ``max_fallbacks``."""
    total = 0
    for review in reviews:
        if review.llm is not None and review.llm.fallbacks:
            total += review.llm.fallbacks
            problems = "; ".join(review.llm.errors[:3]) or "okänd orsak / unknown reason"
            say(
                f"{review.path}: {review.llm.fallbacks} krav fick regelresultatet "
                f"/ requirements fell back to the rules result: {problems}"
            )
    if total > max_fallbacks:
        say(
            f"LLM-granskningen misslyckades för {total} krav (högst {max_fallbacks} "
            f"tillåts, --max-fallbacks); rapporten bygger där på reglerna / the LLM review failed for {total} "
            f"requirements (at most {max_fallbacks} allowed); the report uses the rules there. Exit 3."
        )
        return True
    return False
