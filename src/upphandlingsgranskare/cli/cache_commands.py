"""`upphandlingsgranskare cache info|clear`: what the LLM answer cache holds, and emptying it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

cache_app = typer.Typer(
    name="cache",
    help="LLM-svarscachen / the LLM answer cache: info, clear.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

ConfigOption = Annotated[
    Path | None, typer.Option(help="Konfigurationsfil / config file (its [llm] cache_path).", dir_okay=False)
]


def _cache_path(config: Path | None) -> Path:
    from ..config import ConfigError
    from ..settings import load_settings

    try:
        return load_settings(config).llm.cache_path
    except ConfigError as error:
        typer.echo(f"upphandlingsgranskare: {error}", err=True)
        raise typer.Exit(2) from None


@cache_app.command("info")
def cache_info(config: ConfigOption = None) -> None:
    """Visa cachens fil, storlek och svar per modell och prompt / show the cache's file, size and answers."""
    from ..llm.cache import AnswerCache

    path = _cache_path(config)
    if not path.exists():
        typer.echo(f"{path}: ingen cache ännu / no cache yet")
        return
    cache = AnswerCache(path)
    try:
        info = cache.info()
    finally:
        cache.close()
    total = sum(entry["count"] for entry in info["entries"])
    typer.echo(f"{info['path']}: {total} svar / answers, {info['bytes']} byte")
    for entry in info["entries"]:
        newest = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry["newest"]))
        typer.echo(f"  {entry['model']}  {entry['prompt']}  {entry['count']}  (senast / newest {newest})")


@cache_app.command("clear")
def cache_clear(config: ConfigOption = None) -> None:
    """Töm cachen / delete every cached answer."""
    from ..llm.cache import AnswerCache

    path = _cache_path(config)
    if not path.exists():
        typer.echo(f"{path}: ingen cache / no cache")
        return
    cache = AnswerCache(path)
    try:
        removed = cache.clear()
    finally:
        cache.close()
    typer.echo(f"{path}: {removed} svar borttagna / answers removed")
