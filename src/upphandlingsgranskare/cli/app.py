"""`upphandlingsgranskare` command line: review, explain, schema.

Exit codes (as ruff): 0 no findings, 1 findings, 2 usage error or a file that could not be read,
3 the LLM backend failed (more requirements fell back to the rules than --max-fallbacks allows),
130 interrupted (Ctrl-C).
Heavy modules (spaCy, extractors) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import __version__
from ._review_options import settings_fingerprint, split_values
from .cache_commands import cache_app
from .llm_run import (BatchSizeOption, MaxFallbacksOption, OutputModeOption, ProviderOption, TimeoutOption,
                      llm_choices, report_fallbacks, review_interruptibly)

app = typer.Typer(
    name="upphandlingsgranskare",
    help=(
        "Granskar förfrågningsunderlag och kravspecifikationer: hittar krav som beskriver en funktion utan att "
        "ange verksamhetsbehov eller mål. / Reviews tender documents for requirements that prescribe a feature "
        "but state no business need or goal."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: rich's help formatter imports rich.markdown, rich.syntax and
    # markdown-it, which more than doubled the time of `--help` (0.25-0.33 s against 0.10-0.14 s).
    rich_markup_mode=None,
)

app.add_typer(cache_app)
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_LLM_FAILED = 0, 1, 2, 3


class FailOn(str, Enum):
    error, warning, info = "error", "warning", "info"


class BackendChoice(str, Enum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"



def _version(value: bool) -> None:
    if value:
        typer.echo(f"upphandlingsgranskare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Visa version / show the version.")] = False,
) -> None:
    pass


def run_review(paths: list[Path], fmt: str | list[str] | None, output: Path | None, progress: bool, *,
               backend: str | None = None, llm_overrides: dict | None = None, use_cache: bool | None = None,
               dry_run: bool = False, config: Path | None = None, option_overrides: dict | None = None,
               baseline: Path | None = None, update_baseline: bool = False, jobs: int = 1,
               resume: bool = False, annotate_clean: bool | None = None, show_info: bool = True,
               fail_on: str = "info", exit_zero: bool = False, summary: bool = False, max_fallbacks: int = 0) -> int:
    """Review ``paths`` and write the report; returns the exit code. Used by the command and by tests.

    ``backend`` None takes the config file's ``backend`` (default rules). With llm/hybrid nothing
    is sent before the backend is chosen explicitly; ``dry_run`` counts calls and tokens and sends nothing.
    """
    from ..config import ConfigError, configured_formats, load_config
    from ..extract.text import encoding_note
    from ..fileio import write_atomic
    from ..review import collect_inputs
    from ._baseline import apply_baseline, filter_review

    from ..models import ExtractionError
    from ..options import annotate_clean_setting, build_options
    from ..own_outputs import protected_paths, screen_inputs
    from ..process_control import check_terminated
    from ..report.outputs import ANNOTATED_FORMATS, OutputError, parse_formats

    try:
        inputs = collect_inputs(paths)
        settings_file = load_config(config, start=paths[0] if paths else None)
        options = build_options(settings_file, **(option_overrides or {}))
        annotate_clean = annotate_clean_setting(settings_file, annotate_clean)
        configured = configured_formats(settings_file)
    except FileNotFoundError as error:
        typer.echo(f"upphandlingsgranskare: {error}", err=True)
        return EXIT_ERROR
    except ConfigError as error:
        typer.echo(f"upphandlingsgranskare: {error}", err=True)
        return EXIT_ERROR
    if fmt is None:  # not given on the command line: the config file's formats, else the terminal report
        fmt = configured
    try:
        formats = parse_formats([fmt] if isinstance(fmt, str) else fmt)
    except OutputError as error:
        typer.echo(f"upphandlingsgranskare: {settings_file.path or 'kommandoraden / command line'}: {error}", err=True)
        return EXIT_ERROR
    folder_mode = output is not None and (len(formats) > 1 or any(f in ANNOTATED_FORMATS for f in formats)
                                          or output.is_dir() or str(output).endswith(("/", os.sep)))
    inputs, lines, refused = screen_inputs(inputs, paths, output, folder_mode)  # outputs are never inputs
    for line in lines:
        typer.echo(f"upphandlingsgranskare: {line}", err=True)
    if refused:
        return EXIT_ERROR
    if output is None and (len(formats) > 1 or any(f in ANNOTATED_FORMATS for f in formats)):
        typer.echo("upphandlingsgranskare: flera format och kommenterade dokument kräver --output MAPP / several "
                   f"formats and annotated documents need --output DIR ({', '.join(formats)})", err=True)
        return EXIT_ERROR
    if summary and (formats != ["text"] or output is not None and folder_mode):
        typer.echo("upphandlingsgranskare: --summary ger bara terminalrapporten / gives the terminal report only "
                   f"(-f text), inte / not {', '.join(formats)}", err=True)
        return EXIT_ERROR
    if not inputs:
        typer.echo("upphandlingsgranskare: inga filer att granska / no files to review "
                   "(.pdf, .docx, .xlsx, .txt, .md)", err=True)
        return EXIT_ERROR
    backend = backend or settings_file.values.get("backend") or "rules"
    if backend not in ("rules", "llm", "hybrid"):
        typer.echo(f"upphandlingsgranskare: {settings_file.path}: backend '{backend}' okänd / unknown; "
                   "rules, llm or hybrid", err=True)
        return EXIT_ERROR
    reviewer = None
    if backend != "rules":
        from ..evaluation.backends import BackendUnavailable
        from ..llm.evaluation import build_reviewer

        try:
            reviewer = build_reviewer(backend, config_path=settings_file.path, overrides=llm_overrides,
                                      use_cache=use_cache, require_endpoint=not dry_run)
        except BackendUnavailable as error:
            typer.echo(f"upphandlingsgranskare: {error}", err=True)
            return EXIT_ERROR
        if not dry_run:
            settings = reviewer.judge.settings
            privacy = ("personuppgifter maskeras / personal data redacted" if settings.redact
                       else "utan maskering / not redacted")
            typer.echo(f"upphandlingsgranskare: skickar krav till / sending requirements to {settings.endpoint} "
                       f"(modell / model {settings.model}, {privacy})", err=True)
    elif dry_run:
        typer.echo("upphandlingsgranskare: --dry-run gäller / applies to --backend llm|hybrid", err=True)
        return EXIT_ERROR

    # Folder mode writes each document's outputs as soon as it is reviewed, so an interrupted batch
    # keeps what is finished and --resume skips it.
    writer = None
    finished: dict[Path, object] = {}
    accepted = None
    if folder_mode:
        from ..report.outputs import FolderWriter

        settings = settings_fingerprint(options, [*formats, f"annotate_clean={annotate_clean}"], backend, reviewer,
                                         baseline)
        try:
            writer = FolderWriter(output, paths, formats, settings, protected=protected_paths(inputs),
                                  annotate_clean=annotate_clean, limits=options.limits)
        except OutputError as error:
            typer.echo(f"upphandlingsgranskare: {error}", err=True)
            return EXIT_ERROR
        except OSError as error:
            typer.echo(f"upphandlingsgranskare: {output}: {error.strerror or error}", err=True)
            return EXIT_ERROR
        if resume:
            for item in inputs:
                if not item.skipped_reason:
                    done = writer.finished(item.path)
                    if done is not None:
                        finished[item.path] = done
            if finished:
                typer.echo(f"upphandlingsgranskare: {len(finished)} dokument redan klara / documents already done, "
                           "hoppas över / skipped (--resume)", err=True)
            if (removed := writer.remove_half_written()) is not None:
                typer.echo(f"upphandlingsgranskare: {removed}", err=True)
        if baseline is not None and not update_baseline:
            from ..suppression import load_baseline

            try:
                accepted = load_baseline(baseline)
            except ValueError as error:
                typer.echo(f"upphandlingsgranskare: {error}", err=True)
                return EXIT_ERROR
    todo = [item for item in inputs if item.path not in finished]
    write_errors: list[str] = []

    def document_done(item, review) -> None:
        check_terminated()  # a safe point between documents, should SIGTERM's exception have been lost
        if dry_run:
            reviewer.planner.finish(review)
        if writer is None:
            return
        if accepted is not None:
            review = filter_review(review, accepted, set())
        try:
            finished[item.path] = writer.write(review)
        except (OutputError, OSError, ExtractionError) as error:  # ExtractionError: over the time budget
            write_errors.append(str(error) if isinstance(error, ExtractionError) else f"{review.path}: {error}")

    if dry_run:  # the run's own selection, counted instead of sent
        from ..llm.dryrun import Planner
        reviewer.planner = Planner(reviewer)
    reviews = review_interruptibly(todo, document_done, reviewer, options, jobs, progress)
    if dry_run:
        from ..llm.dryrun import render_dry_run

        sys.stdout.write(render_dry_run(reviewer.planner, reviewer))
        return EXIT_CLEAN
    if reviewer is not None:
        reviewer.judge.close()
    llm_failed = reviewer is not None and report_fallbacks(reviews, max_fallbacks)

    if writer is not None:
        from ..report.outputs import folder_notes, write_index

        from ..report.outputs import WrittenDocument, relative_name

        fresh = {item.path: review for item, review in zip(todo, reviews)}
        written = [finished.get(item.path) or WrittenDocument(fresh[item.path], relative_name(item.path, paths))
                   for item in inputs]  # a document whose outputs failed to write keeps its place, without links
        reviews = [w.review for w in written]
        if update_baseline:
            try:
                reviews = apply_baseline(reviews, baseline, True)
            except (ValueError, OSError) as error:
                typer.echo(f"upphandlingsgranskare: {error}", err=True)
                return EXIT_ERROR
        try:  # also after a document's outputs failed: the index lists the others
            write_index(written, output)
        except OSError as error:
            write_errors.append(str(error))
        for message in write_errors:
            typer.echo(f"upphandlingsgranskare: {message}", err=True)
        if write_errors:
            return EXIT_ERROR
        for line in folder_notes(written):
            typer.echo(f"upphandlingsgranskare: {line}", err=True)
        typer.echo(f"upphandlingsgranskare: {sum(len(i.outputs) for i in written)} filer / files in {output}, "
                   f"index: {output / 'index.html'}", err=True)
    else:
        if baseline is not None:
            try:
                reviews = apply_baseline(reviews, baseline, update_baseline)
            except (ValueError, OSError) as error:
                typer.echo(f"upphandlingsgranskare: {error}", err=True)
                return EXIT_ERROR
        from ..report.outputs import render_report, report_bytes

        shown_format = "summary" if summary else formats[0]
        if output is not None:
            try:
                write_atomic(output, report_bytes(reviews, shown_format, show_info=show_info))
            except OSError as error:
                typer.echo(f"upphandlingsgranskare: {error}", err=True)
                return EXIT_ERROR
        else:
            color = formats == ["text"] and sys.stdout.isatty()
            sys.stdout.write(render_report(reviews, shown_format, color=color, show_info=show_info))
            sys.stdout.flush()
    for review in reviews:
        if (note := encoding_note(review.extractor or "")) is not None:  # a guessed encoding is said, not silent
            typer.echo(f"upphandlingsgranskare: {review.path}: {note}", err=True)
        for unused in review.unused_suppressions:
            typer.echo(f"upphandlingsgranskare: {review.path}: oanvänd markering / unused suppression: {unused}", err=True)
    for review in reviews:
        if review.error and not review.skipped:
            typer.echo(f"upphandlingsgranskare: {review.path}: {review.error}", err=True)
    if any(r.error and not r.skipped for r in reviews):
        return EXIT_ERROR
    if llm_failed:  # not hidden by --exit-zero: the figures are the rules', not the model's
        return EXIT_LLM_FAILED
    from ..report.summary import fails

    return EXIT_FINDINGS if not exit_zero and fails(reviews, fail_on) else EXIT_CLEAN  # type: ignore[arg-type]


@app.command()
def review(
    paths: Annotated[list[Path], typer.Argument(help="Filer eller mappar (.pdf .docx .xlsx .txt .md) / files or folders.",
                                                show_default=False)],
    format: Annotated[Optional[list[str]], typer.Option("--format", "-f", help=(
        "Format, kommaseparerade / formats, comma-separated: text, json, markdown, html, sarif, csv; docx, pdf, xlsx = "
        "dokumentet tillbaka med kommentarer / the document handed back with comments (need --output DIR). "
        "Standard / default: formats in the config file, else text."), show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help=(
        "Fil för en rapport, eller mapp för flera format och dokument (med index.html) / a file for one report, or a "
        "folder for several formats and documents (with index.html)."))] = None,
    progress: Annotated[bool, typer.Option(help="Förloppsindikator för flera filer / progress bar for several files.")] = True,
    backend: Annotated[Optional[BackendChoice], typer.Option(
        help="rules: offline (standard / default). llm: varje krav till modellen / every requirement to the model. "
             "hybrid: osäkra och flaggade krav till modellen / uncertain and flagged requirements to the model.",
        show_default=False)] = None,
    model: Annotated[Optional[str], typer.Option(help="LLM-modell / model name (also UPPHANDLINGSGRANSKARE_MODEL).")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="OpenAI-kompatibel adress / OpenAI-compatible base URL "
                                                         "(also OPENAI_BASE_URL), e.g. http://localhost:11434/v1.")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Återanvänd tidigare svar / reuse earlier answers.")] = True,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Visa anrop och token, skicka inget / show calls and "
                                                            "tokens, send nothing.")] = False,
    redact: Annotated[Optional[bool], typer.Option("--redact/--no-redact", help="Maskera personnummer, e-post och "
                                                   "telefonnummer före sändning / redact personal data before sending "
                                                   "(default on).", show_default=False)] = None,
    concurrency: Annotated[Optional[int], typer.Option(min=1, help="Samtidiga anrop / requests in flight.")] = None,
    provider: ProviderOption = None,
    timeout: TimeoutOption = None,
    batch_size: BatchSizeOption = None,
    structured_output: OutputModeOption = None,
    max_fallbacks: MaxFallbacksOption = 0,
    config: Annotated[Optional[Path], typer.Option(help="Konfigurationsfil / config file (default: the nearest "
                                                        "upphandlingsgranskare.toml or pyproject.toml).", dir_okay=False)] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="Bara dessa kontroller / only these checks (UG001,UG101).",
                                                        show_default=False)] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="Inte dessa kontroller / not these checks.",
                                                        show_default=False)] = None,
    severity: Annotated[Optional[list[str]], typer.Option(help="Allvarlighetsgrad per kontroll / severity per check, "
                                                          "CODE=error|warning|info.", show_default=False)] = None,
    language: Annotated[Optional[str], typer.Option(help="sv, en eller auto (standard) / or auto (default).",
                                                    show_default=False)] = None,
    rationale_policy: Annotated[Optional[str], typer.Option(help="Var motivet får stå / where a motive may stand: "
                                                            "inline, separate or both (default).", show_default=False)] = None,
    label_model: Annotated[Optional[bool], typer.Option("--label-model/--no-label-model", help="Statistisk andra "
                                                        "bedömning av UG001 / statistical second opinion on UG001 "
                                                        "(default on).", show_default=False)] = None,
    baseline: Annotated[Optional[Path], typer.Option(help="Godtagna anmärkningar / accepted findings: show only new ones.",
                                                     dir_okay=False)] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Godta alla nuvarande anmärkningar i "
                                                  "--baseline-filen / accept every current finding into the --baseline file.")] = False,
    password: Annotated[Optional[str], typer.Option(help="Lösenord för krypterade PDF-filer / password for encrypted PDFs.",
                                                    show_default=False)] = None,
    max_file_mb: Annotated[Optional[float], typer.Option(help="Gräns / limit (default 200).", show_default=False)] = None,
    max_decompressed_mb: Annotated[Optional[float], typer.Option(help="DOCX/XLSX uppackat / unpacked (default 500).",
                                                                 show_default=False)] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="PDF-sidor / PDF pages (default 5000).", show_default=False)] = None,
    max_rows: Annotated[Optional[int], typer.Option(help="XLSX-rader / XLSX rows (default 200000).", show_default=False)] = None,
    seconds_per_document: Annotated[Optional[float], typer.Option(help="Tid per dokument / time per document, s "
                                                                  "(default 120).", show_default=False)] = None,
    max_requirements: Annotated[Optional[int], typer.Option(help="Krav per dokument / requirements per document "
                                                            "(default 20000).", show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Dokument parallellt / documents in parallel "
                                      "(processes; 1 with an LLM backend).")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Mappläge: hoppa över dokument som redan är klara / folder "
                                         "mode: skip documents already done with the same settings.")] = False,
    annotate_clean: Annotated[Optional[bool], typer.Option(
        "--annotate-clean/--no-annotate-clean", help="Kommenterad kopia även utan anmärkningar / an annotated copy "
        "also of a document without findings (default off; config: annotate_clean).", show_default=False)] = None,
    show_info: Annotated[bool, typer.Option("--show-info", help="Visa info-anmärkningar i terminalrapporten / show "
                                            "info findings in the terminal report (hidden by default).")] = False,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lägsta allvarlighetsgrad som ger exit 1 / lowest "
                                            "severity that exits with 1.")] = FailOn.info,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 även med anmärkningar / even with findings.")] = False,
    summary: Annotated[bool, typer.Option("--summary", help="Bara siffror: per dokument och per kontroll / figures "
                                          "only: per document and per check (like ruff --statistics).")] = False,
) -> None:
    """Granska dokument / review documents. Exit 0: inga anmärkningar, 1: anmärkningar, 2: fel, 3: LLM-fel."""
    if update_baseline and baseline is None:
        typer.echo("upphandlingsgranskare: --update-baseline kräver --baseline FILE / needs --baseline FILE", err=True)
        raise typer.Exit(EXIT_ERROR)
    if baseline is not None and not update_baseline and not baseline.is_file():  # else every finding looks new
        typer.echo(f"upphandlingsgranskare: {baseline}: baslinjefilen finns inte; skapa den med --update-baseline / "
                   "the baseline file does not exist; create it with --update-baseline", err=True)
        raise typer.Exit(EXIT_ERROR)
    overrides = {"model": model, "base_url": base_url, "redact": redact, "concurrency": concurrency, "timeout": timeout,
                 "batch_size": batch_size, **llm_choices(provider, structured_output)}
    limits = {"max_file_mb": max_file_mb, "max_decompressed_mb": max_decompressed_mb, "max_pages": max_pages,
              "max_rows": max_rows, "seconds_per_document": seconds_per_document, "max_requirements": max_requirements}
    option_overrides = {"select": split_values(select), "ignore": split_values(ignore), "severity": severity, "language": language,
                        "rationale_policy": rationale_policy, "limits": limits, "password": password,
                        "label_model": label_model}
    from ..process_control import run_interruptibly

    raise typer.Exit(run_interruptibly(lambda: run_review(
        paths, format, output, progress, backend=backend.value if backend else None, llm_overrides=overrides,
        use_cache=None if cache else False, dry_run=dry_run, config=config, option_overrides=option_overrides,
        baseline=baseline, update_baseline=update_baseline, jobs=jobs, resume=resume, annotate_clean=annotate_clean,
        show_info=show_info, fail_on=fail_on.value, exit_zero=exit_zero, summary=summary, max_fallbacks=max_fallbacks),
        folder_mode=lambda: output is not None and output.is_dir()))


@app.command()
def explain(code: Annotated[str, typer.Argument(help="Kontrollens kod eller namn / check code or name, e.g. UG001.")]) -> None:
    """Visa en kontrolls dokumentation / show a check's documentation."""
    from ..checks import ALL_CHECKS, get_check

    check = get_check(code)
    if check is None:
        known = ", ".join(f"{c.code} ({c.name})" for c in ALL_CHECKS)
        typer.echo(f"upphandlingsgranskare: okänd kontroll / unknown check '{code}'. Kända / known: {known}", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(check.documentation())


@app.command("checks")
def list_checks() -> None:
    """Lista kontrollerna / list the checks."""
    from ..checks import ALL_CHECKS

    for check in ALL_CHECKS:
        typer.echo(f"{check.code}  {check.name}  {check.summary['sv']} / {check.summary['en']}")


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


class CrossValidation(str, Enum):
    organisation = "organisation"


@app.command("eval")
def eval_command(
    gold: Annotated[list[Path], typer.Option("--gold", "-g", help="Guldfil (JSON Lines) / gold file; repeat for several.",
                                             show_default=False)],
    backend: Annotated[BackendChoice, typer.Option(help="Vem som bedömer / who labels the items.")] = BackendChoice.rules,
    predictions: Annotated[Optional[Path], typer.Option(help="Skriv en JSON-rad per post / write one JSON line per item.",
                                                        dir_okay=False)] = None,
    format: Annotated[EvalFormat, typer.Option("--format", "-f")] = EvalFormat.text,
    baseline: Annotated[Optional[Path], typer.Option(help="Jämför med baslinjen / compare with a baseline file "
                                                          "(exit 1 on a drop beyond its tolerance).", dir_okay=False)] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Skriv resultatet till baslinjen / "
                                                                            "write the figures to the baseline file.")] = False,
    max_errors: Annotated[Optional[int], typer.Option(help="Visa högst så många felklassade / list at most this many "
                                                           "misclassified items in text output.")] = None,
    model: Annotated[Optional[str], typer.Option(help="LLM-modell / model name for llm/hybrid.")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="OpenAI-kompatibel adress / OpenAI-compatible base URL.")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Återanvänd tidigare svar / reuse earlier answers.")] = True,
    provider: ProviderOption = None,
    timeout: TimeoutOption = None,
    batch_size: BatchSizeOption = None,
    max_fallbacks: MaxFallbacksOption = 0,
    config: Annotated[Optional[Path], typer.Option(help="Konfigurationsfil / config file.", dir_okay=False)] = None,
    label_model: Annotated[bool, typer.Option("--label-model/--no-label-model", help="rules: med den statistiska "
                                              "modellen (standard) eller reglerna ensamma / with the statistical "
                                              "model (default) or the rules alone.")] = True,
    cross_validate: Annotated[Optional[CrossValidation], typer.Option(
        "--cross-validate", help="Lämna en organisation utanför i taget / leave one organisation out: each item is "
        "labelled by a label model trained without its organisation's items.", show_default=False)] = None,
    train: Annotated[Optional[list[Path]], typer.Option(
        "--train", help="Med --cross-validate: filer som alltid tränas på / files always trained on (default: the "
        "packaged model's training files, less the gold files).", dir_okay=False, show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Med --cross-validate: processer / processes.")] = 1,
) -> None:
    """Utvärdera mot guldposter / score the reviewer on gold data. Exit 0 ok, 1 under baslinjen, 2 fel,
    3 LLM-fel (fler reservfall än --max-fallbacks / more fallbacks than --max-fallbacks)."""
    from ..evaluation.run import run_eval

    if update_baseline and baseline is None:
        typer.echo("upphandlingsgranskare eval: --update-baseline kräver --baseline FILE / needs --baseline FILE", err=True)
        raise typer.Exit(EXIT_ERROR)
    llm_options = {"config_path": config, "use_cache": None if cache else False,
                   "overrides": {"model": model, "base_url": base_url, "timeout": timeout, "batch_size": batch_size,
                                 **llm_choices(provider, None)}}
    raise typer.Exit(run_eval(gold, backend=backend.value, predictions=predictions, fmt=format.value,
                              baseline=baseline, update_baseline=update_baseline, max_errors=max_errors,
                              llm_options=llm_options if backend is not BackendChoice.rules else None,
                              label_model=label_model,
                              cross_validate=cross_validate.value if cross_validate else None,
                              train_files=train, jobs=jobs, max_fallbacks=max_fallbacks))


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False)] = None,
) -> None:
    """Skriv JSON-rapportens schema / print the JSON report's schema."""
    from ..fileio import write_atomic
    from ..report.emit import json_dumps
    from ..report.schema import json_schema

    text = json_dumps(json_schema())
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomic(output, text)
        except OSError as error:
            typer.echo(f"upphandlingsgranskare: {error}", err=True)
            raise typer.Exit(EXIT_ERROR) from None


def main() -> None:
    try:
        app()
    except (OSError, MemoryError) as error:  # a failure no command foresaw: still one line and exit 2
        typer.echo(f"upphandlingsgranskare: {error or type(error).__name__}", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
