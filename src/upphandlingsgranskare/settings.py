"""The settings model: every option of a review, with its type, default and description, in one frozen
pydantic model, loaded once from the config file and then the command line.

Each part declares its own options and they are composed here: the review section (``options.py``), the
extraction limits (``extract/limits.py``), the LLM section (``llm/settings.py``), the outputs and the run
(below). In the config file (``upphandlingsgranskare.toml``, or ``[tool.upphandlingsgranskare]`` in
pyproject.toml) the review and output keys stand at the top level, next to ``backend``; the limits and the
LLM settings are the tables ``[limits]`` and ``[llm]``. The run section is the command line's only.

Values are checked in two steps, so that an error names where the bad value came from: first the file's
values alone (the error names the file and the key), then with the command line's over them (the error
names the option).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import CONFIG_NAME, Config, ConfigError, load_config
from .extract.limits import ExtractionLimits, option_name
from .llm.settings import LLMSettings, llm_file_keys, llm_values
from .options import ReviewOptions, ReviewSettings, one_of, strict_bool

COMMAND_LINE = "kommandoraden / command line"
BACKENDS: tuple[str, ...] = ("rules", "llm", "hybrid")


class OutputSettings(BaseModel):
    """What ``review`` writes when the command line does not say."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    formats: tuple[str, ...] = Field(
        default=("text",),
        description="Format / formats: text, json, markdown, html, sarif, "
        "csv; docx, pdf, xlsx = the document handed back with comments (need --output DIR).",
    )
    annotate_clean: bool = Field(
        default=False,
        description="Kommenterad kopia även utan anmärkningar / an annotated copy also of a document without findings.",
    )

    @field_validator("formats", mode="before")
    @classmethod
    def _check_formats(cls, value: Any) -> tuple[str, ...]:
        from .report.outputs import OutputError, parse_formats

        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(f, str) for f in value):
            raise ValueError(
                f'ska vara en lista med format / must be a list of formats, e.g. ["html", "docx"], not {value!r}'
            )
        try:
            return tuple(parse_formats(value))
        except OutputError as error:
            raise ValueError(str(error)) from None

    _check_bool = field_validator("annotate_clean", mode="before")(strict_bool)


class RunSettings(BaseModel):
    """How one ``review`` run goes and ends: the command line's options only, never in a file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    jobs: int = Field(
        default=1, ge=1, description="Dokument parallellt / documents in parallel (processes; 1 with an LLM)."
    )
    progress: bool = Field(
        default=True, description="Förloppsindikator för flera filer / progress bar for several files."
    )
    resume: bool = Field(
        default=False,
        description="Mappläge: hoppa över dokument som redan är klara / folder mode: skip "
        "documents already done with the same settings.",
    )
    baseline: Path | None = Field(
        default=None, description="Godtagna anmärkningar / accepted findings: show only new ones."
    )
    update_baseline: bool = Field(
        default=False,
        description="Godta alla nuvarande anmärkningar / accept every current finding into the baseline file.",
    )
    show_info: bool = Field(
        default=False,
        description="Visa info-anmärkningar i terminalrapporten / show info findings in the terminal report.",
    )
    fail_on: Literal["error", "warning", "info"] = Field(
        default="info", description="Lägsta allvarlighetsgrad som ger exit 1 / lowest severity that exits with 1."
    )
    exit_zero: bool = Field(default=False, description="Exit 0 även med anmärkningar / even with findings.")
    summary: bool = Field(default=False, description="Bara siffror / figures only: per document and per check.")
    max_fallbacks: int = Field(
        default=0,
        ge=0,
        description="Högst så många krav får falla tillbaka på reglerna, annars exit "
        "3 / at most this many requirements may fall back to the rules.",
    )
    dry_run: bool = Field(
        default=False, description="Visa anrop och token, skicka inget / show calls and tokens, send nothing."
    )


class Settings(BaseModel):
    """Everything a review is told, composed of the parts' own sections."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Path | None = Field(default=None, exclude=True, description="The config file read; None: none was found.")
    backend: str = Field(
        default="rules",
        description="rules: offline. llm: every requirement to the model. hybrid: "
        "uncertain and flagged requirements to the model.",
    )
    review: ReviewSettings = Field(default=ReviewSettings())
    output: OutputSettings = Field(default=OutputSettings())
    limits: ExtractionLimits = Field(
        default_factory=ExtractionLimits,
        description="Gränser per fil / limits on what one input file may cost to read.",
    )
    llm: LLMSettings = Field(default=LLMSettings())
    run: RunSettings = Field(default=RunSettings())

    @field_validator("backend", mode="before")
    @classmethod
    def _check_backend(cls, value: Any) -> str:
        return one_of(value, tuple(BACKENDS), "okänd / unknown; välj / choose")

    @field_validator("limits", mode="before")
    @classmethod
    def _check_limits(cls, value: Any) -> ExtractionLimits:
        if isinstance(value, Mapping):
            try:
                return ExtractionLimits.from_mapping(value)
            except TypeError as error:  # a wrong type in a limit: its message is ValueError's, bilingual
                raise ValueError(str(error)) from None
        return value

    def review_options(self) -> ReviewOptions:
        """What ``review_document`` takes: built here only."""
        return self.review.options(self.limits)


# A command-line option spelt otherwise than its setting.
_OPTIONS = {"formats": "--format", "cache": "--no-cache"}

# Where each section's keys stand in the config file: at the top level, or as a table.
_TOP_LEVEL_SECTIONS = ("review", "output")
_TABLES = ("limits", "llm")


def _file_fields(model: type[BaseModel]) -> list[str]:
    return [
        name
        for name, info in model.model_fields.items()
        if not (isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("command_line_only"))
    ]


def file_keys() -> dict[str, frozenset[str] | None]:
    """The config file's keys, from the sections: a top-level key -> None, a table -> the keys it may hold."""
    keys: dict[str, frozenset[str] | None] = {"backend": None}
    for section in _TOP_LEVEL_SECTIONS:
        keys.update(dict.fromkeys(_file_fields(Settings.model_fields[section].annotation), None))  # type: ignore[arg-type]
    keys["limits"] = frozenset(f.name for f in fields(ExtractionLimits))
    keys["llm"] = llm_file_keys()
    return keys


def _sections(values: Mapping[str, Any]) -> dict[str, Any]:
    """The file's flat top-level keys sorted into the sections that declare them."""
    owner = {
        key: section
        for section in _TOP_LEVEL_SECTIONS
        for key in Settings.model_fields[section].annotation.model_fields  # type: ignore[union-attr]
    }
    sections: dict[str, Any] = {
        "review": {},
        "output": {},
        "limits": dict(values.get("limits") or {}),
        "llm": dict(values.get("llm") or {}),
    }
    for key, value in values.items():
        if key in owner:
            sections[owner[key]][key] = value
        elif key == "backend":
            sections["backend"] = value
    return sections


def load_settings(
    config: str | os.PathLike | None = None,
    *,
    start: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The settings: the config file ``config``, or the nearest one from ``start``, read once; then the
    environment (LLM endpoint and key) and ``overrides``, the command line's values by section
    (``{"review": {"select": [...]}, "llm": {"model": ...}, "backend": "llm"}``; None keeps the file's).
    Raises ``ConfigError`` naming the file or the command line, and the key."""
    return settings_from(load_config(config, start=start), overrides, environ)


def settings_from(
    config: Config, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """The settings from a config file already read (see ``load_settings``)."""
    source = config.path or CONFIG_NAME
    table = _sections(config.values)
    from_file = _validated(
        {**table, "source": config.path, "llm": llm_values(table["llm"], None, {}, source=source, strict=False)}, source
    )
    given = overrides or {}
    backend = given.get("backend") or from_file.backend
    llm = llm_values(
        table["llm"],
        given.get("llm"),
        os.environ if environ is None else environ,
        source=source,
        strict=backend != "rules",
    )  # the rules send nothing: a key that is not set is no error
    merged = {
        "source": config.path,
        "backend": backend,
        "llm": llm,
        "review": ReviewSettings.merge(dict(from_file.review), given.get("review") or {}),
        "output": {**dict(from_file.output), **_given(given.get("output"))},
        "limits": {**asdict(from_file.limits), **_given(given.get("limits"))},
        "run": _given(given.get("run")),
    }
    return _validated(merged, COMMAND_LINE, given)


def _given(values: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (values or {}).items() if v is not None}


def _validated(values: dict[str, Any], source: str | os.PathLike, given: Mapping[str, Any] | None = None) -> Settings:
    """``Settings`` from ``values``; a bad value is a ConfigError naming ``source`` and the key (in a file) or
    the option (on the command line, when ``given`` holds its values)."""
    try:
        return Settings(**values)
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            cause = (problem.get("ctx") or {}).get("error")
            message = str(cause) if isinstance(cause, ValueError) else problem["msg"]
            problems.append(f"{_where(problem['loc'], cause, given)}: {message}")
        raise ConfigError(source, "; ".join(problems)) from None


def _where(loc: tuple[Any, ...], cause: Any, given: Mapping[str, Any] | None) -> str:
    """A problem's key as the file spells it (``language``, ``severity.UG001``, ``[limits]``, ``llm.timeout``),
    or the command-line option that gave it (``--language``, ``--max-pages``)."""
    section, key = str(loc[0]), ".".join(str(part) for part in loc[1:])
    if (section, key) == ("review", ""):  # the section as a whole: nothing selected
        return "--select, --ignore" if given is not None else "'select', 'ignore'"
    if given is not None:  # the command line
        if section == "limits":
            return ", ".join(option_name(k) for k in _given(given.get("limits"))) or "--limits"
        name = str(loc[1]) if len(loc) > 1 else section
        return _OPTIONS.get(name) or option_name(name)
    if getattr(cause, "key", None):
        return f"'{cause.key}'"
    if section == "limits":
        return "[limits]"
    if section in _TABLES:
        return f"{section}.{key}"
    return f"'{key or section}'"


def describe(settings: Settings) -> str:
    """The settings as a config file would hold them, each key with its description; the run section and
    command-line-only values are left out, a key without a value is commented out."""
    lines = [f"# {settings.source or 'ingen konfigurationsfil / no config file'}"]
    top: list[tuple[str, Any, Any]] = [("backend", settings.backend, Settings.model_fields["backend"])]
    for section in _TOP_LEVEL_SECTIONS:
        part = getattr(settings, section)
        top += [(key, getattr(part, key), type(part).model_fields[key]) for key in _file_fields(type(part))]
    lines += [_described(key, value, info.description) for key, value, info in top]
    lines += ["", "[limits]"]
    from pydantic import TypeAdapter

    limits_schema = TypeAdapter(ExtractionLimits).json_schema()["properties"]
    lines += [
        _described(f.name, getattr(settings.limits, f.name), limits_schema[f.name].get("description"))
        for f in fields(ExtractionLimits)
    ]
    lines += ["", "[llm]"]
    lines += [
        _described(key, getattr(settings.llm, key), LLMSettings.model_fields[key].description)
        for key in _file_fields(LLMSettings)
    ]
    lines.append(
        _described(
            "api_key_env",
            None,
            "Miljövariabeln som håller nyckeln / the environment variable "
            "that holds the key (default: OPENAI_API_KEY or AZURE_OPENAI_API_KEY).",
        )
    )
    return "\n".join(lines) + "\n"


def _described(key: str, value: Any, description: str | None) -> str:
    shown = _toml(value)
    line = f"{key} = {shown}" if shown is not None else f"# {key} ="
    return f"{line}  # {description}" if description else line


def _toml(value: Any) -> str | None:
    import json

    if value is None:
        return None
    if isinstance(value, (bool, int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, (set, frozenset, tuple, list)):
        return "[" + ", ".join(_toml(v) or '""' for v in sorted(value, key=str)) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)
