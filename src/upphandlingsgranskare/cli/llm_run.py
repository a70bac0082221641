"""The LLM side of `review` on the command line: settings choices, a run that Ctrl-C ends at once,
and the fallback report that decides exit code 3."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated, Optional

import typer

EXIT_INTERRUPTED = 130


class Provider(str, Enum):
    openai = "openai"
    azure = "azure"


class OutputMode(str, Enum):
    json_schema = "json_schema"
    json_object = "json_object"
    prompt = "prompt"


# The LLM settings `review` and `eval` take on the command line (over the config file's [llm]).
ProviderOption = Annotated[Optional[Provider], typer.Option(help="openai (also Ollama, vLLM, llama.cpp) or azure.",
                                                            show_default=False)]
TimeoutOption = Annotated[Optional[float], typer.Option(min=0.001, help="Sekunder per anrop / seconds per request "
                                                        "(default 60).", show_default=False)]
BatchSizeOption = Annotated[Optional[int], typer.Option(min=1, help="Krav per anrop / requirements per request "
                                                        "(default 8).", show_default=False)]
OutputModeOption = Annotated[Optional[OutputMode], typer.Option(help="json_schema (default), json_object or prompt, "
                                                                "for servers without JSON Schema.", show_default=False)]
MaxFallbacksOption = Annotated[int, typer.Option(min=0, help="Högst så många krav får falla tillbaka på reglerna, "
                                                 "annars exit 3 / at most this many requirements may fall back to the "
                                                 "rules, else exit 3.")]


def llm_choices(provider: Provider | None, output: OutputMode | None) -> dict[str, str | None]:
    """The chosen provider and output mode as settings overrides (None: the config file's or the default)."""
    return {"provider": provider.value if provider else None, "structured_output": output.value if output else None}


def review_interruptibly(todo, document_done, reviewer, options, jobs: int, progress: bool) -> list:
    """Review ``todo``; with an LLM backend, Ctrl-C exits at once (130) instead of waiting for the requests in
    flight (up to a time-out each). Outputs are written atomically, so nothing is left half-written."""
    try:
        return _review_with_progress(todo, document_done, reviewer, options, jobs, progress)
    except KeyboardInterrupt:
        if reviewer is None:
            raise
        typer.echo("upphandlingsgranskare: avbrutet / interrupted", err=True)
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # not sys.exit: the interpreter would join the HTTP threads first


def _review_with_progress(todo, document_done, reviewer, options, jobs: int, progress: bool) -> list:
    from ..review import review_paths

    if progress and len(todo) > 1:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
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
            typer.echo(f"upphandlingsgranskare: {review.path}: {review.llm.fallbacks} krav fick regelresultatet "
                       f"/ requirements fell back to the rules result: {problems}", err=True)
    if total > max_fallbacks:
        typer.echo(f"upphandlingsgranskare: LLM-granskningen misslyckades för {total} krav (högst {max_fallbacks} "
                   f"tillåts, --max-fallbacks); rapporten bygger där på reglerna / the LLM review failed for {total} "
                   f"requirements (at most {max_fallbacks} allowed); the report uses the rules there. Exit 3.", err=True)
        return True
    return False
