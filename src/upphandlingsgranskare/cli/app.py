"""`upphandlingsgranskare` command line: review, explain, checks, eval, schema, settings, cache.

The commands are thin: their options go into the settings model at once (``settings.py``), and plain
functions do the work (``session.review_command``, ``evaluation.run.run_eval``).
Exit codes (as ruff): 0 no findings, 1 findings, 2 usage error or a file that could not be read,
3 the LLM backend failed (more requirements fell back to the rules than --max-fallbacks allows),
130 interrupted (Ctrl-C).
Heavy modules (spaCy, extractors) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..session import EXIT_ERROR
from ._review_options import (
    AnnotateCleanOption,
    BackendChoice,
    BackendOption,
    BaselineOption,
    BaseUrlOption,
    CacheOption,
    ConcurrencyOption,
    ConfigOption,
    DryRunOption,
    EmbeddingsOption,
    ExitZeroOption,
    FailOn,
    FailOnOption,
    FormatOption,
    IgnoreOption,
    JobsOption,
    LabelModelOption,
    LanguageOption,
    MaxDecompressedMbOption,
    MaxFileMbOption,
    MaxPagesOption,
    MaxRequirementsOption,
    MaxRowsOption,
    ModelOption,
    OutputOption,
    PasswordOption,
    ProgressOption,
    RationalePolicyOption,
    RedactOption,
    ResumeOption,
    SecondsPerDocumentOption,
    SelectOption,
    SeverityOption,
    ShowInfoOption,
    SummaryOption,
    UpdateBaselineOption,
    split_values,
)
from .cache_commands import cache_app
from .llm_run import BatchSizeOption, MaxFallbacksOption, OutputModeOption, ProviderOption, TimeoutOption, llm_choices

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"upphandlingsgranskare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Visa version / show the version.")
    ] = False,
) -> None:
    pass


@app.command()
def review(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Filer eller mappar (.pdf .docx .xlsx .txt .md) / files or folders.", show_default=False),
    ],
    format: FormatOption = None,
    output: OutputOption = None,
    progress: ProgressOption = True,
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    cache: CacheOption = True,
    dry_run: DryRunOption = False,
    redact: RedactOption = None,
    concurrency: ConcurrencyOption = None,
    provider: ProviderOption = None,
    timeout: TimeoutOption = None,
    batch_size: BatchSizeOption = None,
    structured_output: OutputModeOption = None,
    max_fallbacks: MaxFallbacksOption = 0,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    severity: SeverityOption = None,
    language: LanguageOption = None,
    rationale_policy: RationalePolicyOption = None,
    label_model: LabelModelOption = None,
    embeddings: EmbeddingsOption = None,
    baseline: BaselineOption = None,
    update_baseline: UpdateBaselineOption = False,
    password: PasswordOption = None,
    max_file_mb: MaxFileMbOption = None,
    max_decompressed_mb: MaxDecompressedMbOption = None,
    max_pages: MaxPagesOption = None,
    max_rows: MaxRowsOption = None,
    seconds_per_document: SecondsPerDocumentOption = None,
    max_requirements: MaxRequirementsOption = None,
    jobs: JobsOption = 1,
    resume: ResumeOption = False,
    annotate_clean: AnnotateCleanOption = None,
    show_info: ShowInfoOption = False,
    fail_on: FailOnOption = FailOn.info,
    exit_zero: ExitZeroOption = False,
    summary: SummaryOption = False,
) -> None:
    """Granska dokument / review documents. Exit 0: inga anmärkningar, 1: anmärkningar, 2: fel, 3: LLM-fel."""
    from ..process_control import run_interruptibly
    from ..session import review_command

    _check_baseline_options(baseline, update_baseline, "upphandlingsgranskare")
    if baseline is not None and not update_baseline and not baseline.is_file():  # else every finding looks new
        typer.echo(
            f"upphandlingsgranskare: {baseline}: baslinjefilen finns inte; skapa den med --update-baseline / "
            "the baseline file does not exist; create it with --update-baseline",
            err=True,
        )
        raise typer.Exit(EXIT_ERROR)
    overrides = {  # into the settings model at once, by the section that declares each
        "backend": backend.value if backend else None,
        "review": {
            "select": split_values(select),
            "ignore": split_values(ignore),
            "severity": severity,
            "language": language,
            "rationale_policy": rationale_policy,
            "label_model": label_model,
            "embeddings": embeddings,
            "password": password,
        },
        "output": {"formats": format, "annotate_clean": annotate_clean},
        "limits": {
            "max_file_mb": max_file_mb,
            "max_decompressed_mb": max_decompressed_mb,
            "max_pages": max_pages,
            "max_rows": max_rows,
            "seconds_per_document": seconds_per_document,
            "max_requirements": max_requirements,
        },
        "llm": {
            "model": model,
            "base_url": base_url,
            "redact": redact,
            "concurrency": concurrency,
            "timeout": timeout,
            "batch_size": batch_size,
            "cache": None if cache else False,
            **llm_choices(provider, structured_output),
        },
        "run": {
            "jobs": jobs,
            "progress": progress,
            "resume": resume,
            "baseline": baseline,
            "update_baseline": update_baseline,
            "show_info": show_info,
            "fail_on": fail_on.value,
            "exit_zero": exit_zero,
            "summary": summary,
            "max_fallbacks": max_fallbacks,
            "dry_run": dry_run,
        },
    }
    raise typer.Exit(
        run_interruptibly(
            lambda: review_command(paths, output, config, overrides),
            folder_mode=lambda: output is not None and output.is_dir(),
        )
    )


def _check_baseline_options(baseline: Path | None, update_baseline: bool, prefix: str) -> None:
    if update_baseline and baseline is None:
        typer.echo(f"{prefix}: --update-baseline kräver --baseline FILE / needs --baseline FILE", err=True)
        raise typer.Exit(EXIT_ERROR)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="Kontrollens kod eller namn / check code or name, e.g. UG001.")],
) -> None:
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


class EvalFormat(StrEnum):
    text = "text"
    json = "json"


class CrossValidation(StrEnum):
    organisation = "organisation"


@app.command("eval")
def eval_command(
    gold: Annotated[
        list[Path],
        typer.Option("--gold", "-g", help="Guldfil (JSON Lines) / gold file; repeat for several.", show_default=False),
    ],
    backend: Annotated[
        BackendChoice, typer.Option(help="Vem som bedömer / who labels the items.")
    ] = BackendChoice.rules,
    predictions: Annotated[
        Path | None, typer.Option(help="Skriv en JSON-rad per post / write one JSON line per item.", dir_okay=False)
    ] = None,
    format: Annotated[EvalFormat, typer.Option("--format", "-f")] = EvalFormat.text,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Jämför med baslinjen / compare with a baseline file (exit 1 on a drop beyond its tolerance).",
            dir_okay=False,
        ),
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline", help="Skriv resultatet till baslinjen / write the figures to the baseline file."
        ),
    ] = False,
    max_errors: Annotated[
        int | None,
        typer.Option(
            help="Visa högst så många felklassade / list at most this many misclassified items in text output."
        ),
    ] = None,
    model: Annotated[str | None, typer.Option(help="LLM-modell / model name for llm/hybrid.")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-kompatibel adress / OpenAI-compatible base URL.")] = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Återanvänd tidigare svar / reuse earlier answers.")
    ] = True,
    provider: ProviderOption = None,
    timeout: TimeoutOption = None,
    batch_size: BatchSizeOption = None,
    max_fallbacks: MaxFallbacksOption = 0,
    config: Annotated[Path | None, typer.Option(help="Konfigurationsfil / config file.", dir_okay=False)] = None,
    label_model: Annotated[
        bool,
        typer.Option(
            "--label-model/--no-label-model",
            help="rules: med den statistiska "
            "modellen (standard) eller reglerna ensamma / with the statistical "
            "model (default) or the rules alone.",
        ),
    ] = True,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings/--no-embeddings",
            help="rules: modellen som läser meningsinbäddningar / the label model that reads sentence "
            "embeddings too (the [embeddings] extra).",
        ),
    ] = False,
    cross_validate: Annotated[
        CrossValidation | None,
        typer.Option(
            "--cross-validate",
            help="Lämna en organisation utanför i taget / leave one organisation out: each item is "
            "labelled by a label model trained without its organisation's items.",
            show_default=False,
        ),
    ] = None,
    train: Annotated[
        list[Path] | None,
        typer.Option(
            "--train",
            help="Med --cross-validate: filer som alltid tränas på / files always trained on (default: the "
            "packaged model's training files, less the gold files).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Med --cross-validate: processer / processes.")] = 1,
) -> None:
    """Utvärdera mot guldposter / score the reviewer on gold data. Exit 0 ok, 1 under baslinjen, 2 fel,
    3 LLM-fel (fler reservfall än --max-fallbacks / more fallbacks than --max-fallbacks)."""
    from ..evaluation.run import EvalParams, run_eval

    _check_baseline_options(baseline, update_baseline, "upphandlingsgranskare eval")
    llm = None
    if backend is not BackendChoice.rules:  # the rules read no config file: a broken one does not stop them
        from ..config import ConfigError
        from ..settings import load_settings

        overrides = {
            "model": model,
            "base_url": base_url,
            "timeout": timeout,
            "batch_size": batch_size,
            "cache": None if cache else False,
            **llm_choices(provider, None),
        }
        try:
            llm = load_settings(config, overrides={"backend": backend.value, "llm": overrides}).llm
        except ConfigError as error:
            typer.echo(f"upphandlingsgranskare eval: {error}", err=True)
            raise typer.Exit(EXIT_ERROR) from None
    params = EvalParams(
        backend=backend.value,
        predictions=predictions,
        fmt=format.value,
        baseline=baseline,
        update_baseline=update_baseline,
        max_errors=max_errors,
        llm=llm,
        label_model=label_model,
        embeddings=embeddings,
        cross_validate=cross_validate.value if cross_validate else None,
        train_files=tuple(train) if train is not None else None,
        jobs=jobs,
        max_fallbacks=max_fallbacks,
    )
    raise typer.Exit(run_eval(gold, params))


@app.command()
def schema(output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False)] = None) -> None:
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


@app.command("settings")
def settings_command(
    config: ConfigOption = None,
    json_schema: Annotated[
        bool, typer.Option("--schema", help="Inställningsmodellens JSON Schema / the settings model's JSON Schema.")
    ] = False,
) -> None:
    """Visa inställningarna med standardvärden och beskrivningar / show the settings, with their defaults and
    descriptions (from the config file, the environment and the defaults)."""
    from ..config import ConfigError
    from ..settings import Settings, describe, load_settings

    if json_schema:
        from ..report.emit import json_dumps

        sys.stdout.write(json_dumps(Settings.model_json_schema()))
        return
    try:
        sys.stdout.write(describe(load_settings(config)))
    except ConfigError as error:
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
