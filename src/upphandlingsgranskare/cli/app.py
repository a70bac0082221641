"""`upphandlingsgranskare` command line: review, explain, schema.

Exit codes (as ruff): 0 no findings, 1 findings, 2 usage error or a file that could not be read.
Heavy modules (spaCy, extractors) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import __version__

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
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


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


def run_review(paths: list[Path], fmt: OutputFormat, output: Path | None, progress: bool) -> int:
    """Review ``paths`` and write the report; returns the exit code. Used by the command and by tests."""
    from ..fileio import write_atomic
    from ..report.emit import render
    from ..review import collect_inputs, review_paths

    try:
        inputs = collect_inputs(paths)
    except FileNotFoundError as error:
        typer.echo(f"upphandlingsgranskare: {error}", err=True)
        return EXIT_ERROR
    if not inputs:
        typer.echo("upphandlingsgranskare: inga filer att granska / no files to review "
                   "(.pdf, .docx, .xlsx, .txt, .md)", err=True)
        return EXIT_ERROR

    if progress and len(inputs) > 1:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("Granskar / reviewing", total=len(inputs))
            reviews = review_paths(inputs, on_done=lambda item, review: bar.advance(task))
    else:
        reviews = review_paths(inputs)

    color = output is None and fmt is OutputFormat.text and sys.stdout.isatty()
    report = render(reviews, fmt.value, color=color)
    if output is not None:
        write_atomic(output, report)
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    for review in reviews:
        if review.error and not review.skipped:
            typer.echo(f"upphandlingsgranskare: {review.path}: {review.error}", err=True)
    if any(r.error and not r.skipped for r in reviews):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(r.findings for r in reviews) else EXIT_CLEAN


@app.command()
def review(
    paths: Annotated[list[Path], typer.Argument(help="Filer eller mappar (.pdf .docx .xlsx .txt .md) / files or folders.",
                                                show_default=False)],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Rapportformat / report format.")] = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Skriv rapporten till fil / write the report to a file.",
                                                   dir_okay=False)] = None,
    progress: Annotated[bool, typer.Option(help="Förloppsindikator för flera filer / progress bar for several files.")] = True,
) -> None:
    """Granska dokument / review documents. Exit 0: inga anmärkningar, 1: anmärkningar, 2: fel."""
    raise typer.Exit(run_review(paths, format, output, progress))


@app.command()
def explain(code: Annotated[str, typer.Argument(help="Kontrollens kod eller namn / check code or name, e.g. UG001.")]) -> None:
    """Visa dokumentationen för en kontroll / show a check's documentation."""
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


class EvalBackend(str, Enum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"


@app.command("eval")
def eval_command(
    gold: Annotated[list[Path], typer.Option("--gold", "-g", help="Guldfil (JSON Lines) / gold file; repeat for several.",
                                             show_default=False)],
    backend: Annotated[EvalBackend, typer.Option(help="Vem som bedömer / who labels the items.")] = EvalBackend.rules,
    predictions: Annotated[Optional[Path], typer.Option(help="Skriv en JSON-rad per post / write one JSON line per item.",
                                                        dir_okay=False)] = None,
    format: Annotated[EvalFormat, typer.Option("--format", "-f")] = EvalFormat.text,
    baseline: Annotated[Optional[Path], typer.Option(help="Jämför med baslinjen / compare with a baseline file "
                                                          "(exit 1 on a drop beyond its tolerance).", dir_okay=False)] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Skriv resultatet till baslinjen / "
                                                                            "write the figures to the baseline file.")] = False,
    max_errors: Annotated[Optional[int], typer.Option(help="Visa högst så många felklassade / list at most this many "
                                                           "misclassified items in text output.")] = None,
) -> None:
    """Utvärdera mot guldposter / score the reviewer on gold data. Exit 0 ok, 1 under baslinjen, 2 fel."""
    from ..evaluation.run import run_eval

    if update_baseline and baseline is None:
        typer.echo("upphandlingsgranskare eval: --update-baseline kräver --baseline FILE / needs --baseline FILE", err=True)
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(run_eval(gold, backend=backend.value, predictions=predictions, fmt=format.value,
                              baseline=baseline, update_baseline=update_baseline, max_errors=max_errors))


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
        write_atomic(output, text)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
