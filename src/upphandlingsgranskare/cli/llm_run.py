"""The LLM options of `review` and `eval` on the command line (the run itself, the Ctrl-C handling and the
fallback report, is the session's: ``session.py``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Provider(StrEnum):
    openai = "openai"
    azure = "azure"


class OutputMode(StrEnum):
    json_schema = "json_schema"
    json_object = "json_object"
    prompt = "prompt"


# The LLM settings `review` and `eval` take on the command line (over the config file's [llm]).
ProviderOption = Annotated[
    Provider | None, typer.Option(help="openai (also Ollama, vLLM, llama.cpp) or azure.", show_default=False)
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(min=0.001, help="Sekunder per anrop / seconds per request (default 60).", show_default=False),
]
BatchSizeOption = Annotated[
    int | None, typer.Option(min=1, help="Krav per anrop / requirements per request (default 8).", show_default=False)
]
OutputModeOption = Annotated[
    OutputMode | None,
    typer.Option(
        help="json_schema (default), json_object or prompt, for servers without JSON Schema.", show_default=False
    ),
]
MaxFallbacksOption = Annotated[
    int,
    typer.Option(
        min=0,
        help="Högst så många krav får falla tillbaka på reglerna, "
        "annars exit 3 / at most this many requirements may fall back to the "
        "rules, else exit 3.",
    ),
]


def llm_choices(provider: Provider | None, output: OutputMode | None) -> dict[str, str | None]:
    """The chosen provider and output mode as settings overrides (None: the config file's or the default)."""
    return {"provider": provider.value if provider else None, "structured_output": output.value if output else None}
