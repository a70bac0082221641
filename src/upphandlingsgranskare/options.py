"""What a review may be told: which checks run and how severe they are, the document language,
the rationale policy. ``ReviewSettings`` is the review section of the settings model (``settings.py``): its keys stand at
the top level of the config file. ``ReviewOptions``, what ``review_document`` takes, is built from the
settings in one place (``Settings.review_options``).

Config (``upphandlingsgranskare.toml``, or ``[tool.upphandlingsgranskare]`` in pyproject.toml)::

    select = ["UG001", "UG101"]      # only these checks (default: all)
    ignore = ["UG103"]               # never these
    language = "sv"                  # "sv", "en" or "auto" (default: detected per document)
    rationale_policy = "both"        # "inline" (SKR), "separate" (INCOSE) or "both"
    label_model = true               # false: UG001 labels by the rules alone, without the statistical model
    embeddings = false               # true: the label model reads sentence embeddings too (the [embeddings] extra)
    formats = ["text"]               # default output formats of `review`
    annotate_clean = false           # true: annotated copies of documents without findings too
    [severity]
    UG102 = "info"                   # error | warning | info

An unknown check code is an error naming the file and the key, as a misspelt key is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .config import KeyedValueError
from .extract.limits import ExtractionLimits

RationalePolicy = Literal["inline", "separate", "both"]
RATIONALE_POLICIES: tuple[str, ...] = ("inline", "separate", "both")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
LANGUAGES: tuple[str, ...] = ("sv", "en", "auto")


def strict_bool(value: Any) -> bool:
    """``value`` when it is a boolean: pydantic's lax mode would take "yes" for true (a settings validator's)."""
    if not isinstance(value, bool):
        raise ValueError(f"ska vara true eller false / must be true or false, not {value!r}")
    return value


def one_of(value: Any, choices: tuple[str, ...], what: str = "välj / choose") -> str:
    """``value`` when it is one of ``choices``, else a ValueError that lists them (a settings validator's)."""
    if value not in choices:
        raise ValueError(f"'{value}': {what} {', '.join(choices)}")
    return str(value)


@dataclass(frozen=True)
class ReviewOptions:
    select: frozenset[str] | None = None  # None: every check
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    language: Literal["sv", "en"] | None = None  # None: detect per document
    rationale_policy: RationalePolicy = "both"
    limits: ExtractionLimits = field(default_factory=ExtractionLimits)
    password: str | None = field(default=None, repr=False)  # for encrypted PDFs
    label_model: bool = True  # the statistical second opinion on UG001's label (nlp/label_model.py)
    embeddings: bool = False  # that model reads each requirement's sentence embedding too (nlp/embeddings.py)

    def enabled(self, code: str) -> bool:
        return (self.select is None or code in self.select) and code not in self.ignore


def known_codes() -> dict[str, str]:
    """Check code -> name, for every registered check."""
    from .checks import ALL_CHECKS

    return {c.code: c.name for c in ALL_CHECKS}


def _codes(values: Any) -> frozenset[str]:
    """Check codes or names, as a list or one comma/space-separated string, as codes; ValueError on an unknown one."""
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split() if v]
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise ValueError("ska vara en lista med kontrollkoder / must be a list of check codes")
    known = known_codes()
    by_name = {name: code for code, name in known.items()}
    codes = set()
    for value in values:
        code = by_name.get(str(value), str(value).upper())
        if code not in known:
            raise ValueError(f"okänd kontroll / unknown check '{value}'; kända / known: {', '.join(sorted(known))}")
        codes.add(code)
    return frozenset(codes)


class ReviewSettings(BaseModel):
    """Which checks run and how severe they are, the language, the rationale policy, the label model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    select: frozenset[str] | None = Field(
        default=None,
        description="Bara dessa kontroller (koder eller namn) / only these checks (codes or names); default: all.",
    )
    ignore: frozenset[str] = Field(default=frozenset(), description="Aldrig dessa kontroller / never these checks.")
    severity: dict[str, str] = Field(
        default_factory=dict,
        description="Allvarlighetsgrad per kontroll / severity per check: a table of code = error | warning | info.",
    )
    language: str = Field(
        default="auto", description="sv, en eller auto (upptäcks per dokument) / or auto (detected per document)."
    )
    rationale_policy: str = Field(
        default="both",
        description="Var motivet får stå / where a motive may stand: inline (SKR), separate (INCOSE) or both.",
    )
    label_model: bool = Field(
        default=True,
        description="Statistisk andra bedömning av UG001 / statistical second opinion "
        "on UG001's label; false: the rules alone.",
    )
    embeddings: bool = Field(
        default=False,
        description="Meningsinbäddningar i UG001:s modell / sentence embeddings in UG001's label model "
        "(pip install 'upphandlingsgranskare[embeddings]'; slower).",
    )
    password: str | None = Field(
        default=None,
        repr=False,
        exclude=True,
        json_schema_extra={"command_line_only": True},
        description="Lösenord för krypterade PDF-filer / password for encrypted PDFs "
        "(--password only, never in a file).",
    )

    # The values are checked here, in Swedish and English; the settings model names the file or the
    # command line and the key.
    @field_validator("select", "ignore", mode="before")
    @classmethod
    def _check_codes(cls, value: Any) -> frozenset[str] | None:
        return None if value is None else _codes(value)

    @field_validator("severity", mode="before")
    @classmethod
    def _check_severity(cls, value: Any) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise ValueError("ska vara en tabell / must be a table ([severity])")
        levels = {}
        for code, level in value.items():
            (known,) = _codes([code])
            if level not in SEVERITIES:
                raise KeyedValueError(
                    f"severity.{code}", f"allvarlighetsgrad / severity '{level}'; välj / choose {', '.join(SEVERITIES)}"
                )
            levels[known] = str(level)
        return levels

    @field_validator("language", mode="before")
    @classmethod
    def _check_language(cls, value: Any) -> str:
        return one_of(value, LANGUAGES)

    @field_validator("rationale_policy", mode="before")
    @classmethod
    def _check_policy(cls, value: Any) -> str:
        return one_of(value, RATIONALE_POLICIES)

    _check_bool = field_validator("label_model", "embeddings", mode="before")(strict_bool)

    @model_validator(mode="after")
    def _something_selected(self) -> ReviewSettings:
        if not ((self.select if self.select is not None else frozenset(known_codes())) - self.ignore):
            raise ValueError(
                "ingen kontroll är vald (select/ignore), så inget skulle granskas / no check is "
                "selected (select/ignore), so nothing would be reviewed"
            )
        return self

    @staticmethod
    def merge(current: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
        """The command line over the file: ``ignore`` adds to the file's, ``severity`` (``CODE=level`` strings)
        changes the levels it names, the rest replaces."""
        merged = dict(current)
        for key, value in given.items():
            if value is None:
                continue
            if key == "ignore":
                merged[key] = frozenset(current.get(key) or ()) | _codes(value)
            elif key == "severity":
                pairs = (pair.partition("=") for pair in value)
                merged[key] = {**current.get(key, {}), **{code.strip(): level.strip() for code, _, level in pairs}}
            else:
                merged[key] = value
        return merged

    def options(self, limits: ExtractionLimits) -> ReviewOptions:
        return ReviewOptions(
            select=self.select,
            ignore=self.ignore,
            severity=self.severity,
            language=None if self.language == "auto" else self.language,  # type: ignore[arg-type]
            rationale_policy=self.rationale_policy,  # type: ignore[arg-type]
            limits=limits,
            password=self.password,
            label_model=self.label_model,
            embeddings=self.embeddings,
        )
