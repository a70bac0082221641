"""The review command's options (typer declarations, out of the command's signature) and a helper."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class FailOn(StrEnum):
    error, warning, info = "error", "warning", "info"


class BackendChoice(StrEnum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"


FormatOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        help=(
            "Format, kommaseparerade / formats, comma-separated: text, json, markdown, html, sarif, csv; docx, pdf, xlsx = "
            "dokumentet tillbaka med kommentarer / the document handed back with comments (need --output DIR). "
            "Standard / default: formats in the config file, else text."
        ),
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=(
            "Fil för en rapport, eller mapp för flera format och dokument (med index.html) / a file for one report, or a "
            "folder for several formats and documents (with index.html)."
        ),
    ),
]
ProgressOption = Annotated[
    bool, typer.Option(help="Förloppsindikator för flera filer / progress bar for several files.")
]
BackendOption = Annotated[
    BackendChoice | None,
    typer.Option(
        help="rules: offline (standard / default). llm: varje krav till modellen / every requirement to the model. "
        "hybrid: osäkra och flaggade krav till modellen / uncertain and flagged requirements to the model.",
        show_default=False,
    ),
]
ModelOption = Annotated[str | None, typer.Option(help="LLM-modell / model name (also UPPHANDLINGSGRANSKARE_MODEL).")]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        help="OpenAI-kompatibel adress / OpenAI-compatible base URL "
        "(also OPENAI_BASE_URL), e.g. http://localhost:11434/v1."
    ),
]
CacheOption = Annotated[
    bool, typer.Option("--cache/--no-cache", help="Återanvänd tidigare svar / reuse earlier answers.")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Visa anrop och token, skicka inget / show calls and tokens, send nothing.")
]
RedactOption = Annotated[
    bool | None,
    typer.Option(
        "--redact/--no-redact",
        help="Maskera personnummer, e-post och "
        "telefonnummer före sändning / redact personal data before sending "
        "(default on).",
        show_default=False,
    ),
]
ConcurrencyOption = Annotated[int | None, typer.Option(min=1, help="Samtidiga anrop / requests in flight.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        help="Konfigurationsfil / config file (default: the nearest upphandlingsgranskare.toml or pyproject.toml).",
        dir_okay=False,
    ),
]
SelectOption = Annotated[
    list[str] | None, typer.Option(help="Bara dessa kontroller / only these checks (UG001,UG101).", show_default=False)
]
IgnoreOption = Annotated[
    list[str] | None, typer.Option(help="Inte dessa kontroller / not these checks.", show_default=False)
]
SeverityOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Allvarlighetsgrad per kontroll / severity per check, CODE=error|warning|info.", show_default=False
    ),
]
LanguageOption = Annotated[
    str | None, typer.Option(help="sv, en eller auto (standard) / or auto (default).", show_default=False)
]
RationalePolicyOption = Annotated[
    str | None,
    typer.Option(
        help="Var motivet får stå / where a motive may stand: inline, separate or both (default).", show_default=False
    ),
]
LabelModelOption = Annotated[
    bool | None,
    typer.Option(
        "--label-model/--no-label-model",
        help="Statistisk andra bedömning av UG001 / statistical second opinion on UG001 (default on).",
        show_default=False,
    ),
]
EmbeddingsOption = Annotated[
    bool | None,
    typer.Option(
        "--embeddings/--no-embeddings",
        help="Meningsinbäddningar i UG001:s modell / sentence embeddings in UG001's label model: fewer false "
        "flags and misses, about 20-30 requirements a second (pip install 'upphandlingsgranskare[embeddings]'; "
        "default off).",
        show_default=False,
    ),
]
BaselineOption = Annotated[
    Path | None, typer.Option(help="Godtagna anmärkningar / accepted findings: show only new ones.", dir_okay=False)
]
UpdateBaselineOption = Annotated[
    bool,
    typer.Option(
        "--update-baseline",
        help="Godta alla nuvarande anmärkningar i "
        "--baseline-filen / accept every current finding into the --baseline file.",
    ),
]
PasswordOption = Annotated[
    str | None,
    typer.Option(help="Lösenord för krypterade PDF-filer / password for encrypted PDFs.", show_default=False),
]
MaxFileMbOption = Annotated[float | None, typer.Option(help="Gräns / limit (default 200).", show_default=False)]
MaxDecompressedMbOption = Annotated[
    float | None, typer.Option(help="DOCX/XLSX uppackat / unpacked (default 500).", show_default=False)
]
MaxPagesOption = Annotated[int | None, typer.Option(help="PDF-sidor / PDF pages (default 5000).", show_default=False)]
MaxRowsOption = Annotated[int | None, typer.Option(help="XLSX-rader / XLSX rows (default 200000).", show_default=False)]
SecondsPerDocumentOption = Annotated[
    float | None, typer.Option(help="Tid per dokument / time per document, s (default 120).", show_default=False)
]
MaxRequirementsOption = Annotated[
    int | None, typer.Option(help="Krav per dokument / requirements per document (default 20000).", show_default=False)
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=1, help="Dokument parallellt / documents in parallel (processes; 1 with an LLM backend)."
    ),
]
ResumeOption = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Mappläge: hoppa över dokument som redan är klara / folder "
        "mode: skip documents already done with the same settings.",
    ),
]
AnnotateCleanOption = Annotated[
    bool | None,
    typer.Option(
        "--annotate-clean/--no-annotate-clean",
        help="Kommenterad kopia även utan anmärkningar / an annotated copy "
        "also of a document without findings (default off; config: annotate_clean).",
        show_default=False,
    ),
]
ShowInfoOption = Annotated[
    bool,
    typer.Option(
        "--show-info",
        help="Visa info-anmärkningar i terminalrapporten / show "
        "info findings in the terminal report (hidden by default).",
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option("--fail-on", help="Lägsta allvarlighetsgrad som ger exit 1 / lowest severity that exits with 1."),
]
ExitZeroOption = Annotated[bool, typer.Option("--exit-zero", help="Exit 0 även med anmärkningar / even with findings.")]
SummaryOption = Annotated[
    bool,
    typer.Option(
        "--summary",
        help="Bara siffror: per dokument och per kontroll / figures "
        "only: per document and per check (like ruff --statistics).",
    ),
]


def split_values(values: list[str] | None) -> list[str] | None:
    """`--select UG001,UG101` and `--select UG001 --select UG101` alike."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
