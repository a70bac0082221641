"""What a review may be told: which checks run and how severe they are, the document language,
the rationale policy. Built from the config file, then command-line overrides.

Config (``upphandlingsgranskare.toml``, or ``[tool.upphandlingsgranskare]`` in pyproject.toml)::

    select = ["UG001", "UG101"]      # only these checks (default: all)
    ignore = ["UG103"]               # never these
    language = "sv"                  # "sv", "en" or "auto" (default: detected per document)
    rationale_policy = "both"        # "inline" (SKR), "separate" (INCOSE) or "both"
    label_model = true               # false: UG001 labels by the rules alone, without the statistical model
    formats = ["text"]               # default output formats of `review`
    annotate_clean = false           # true: annotated copies of documents without findings too
    [severity]
    UG102 = "info"                   # error | warning | info

An unknown check code is an error naming the file and the key, as a misspelt key is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

from .config import Config, ConfigError
from .extract.limits import ExtractionLimits, option_name

RationalePolicy = Literal["inline", "separate", "both"]
RATIONALE_POLICIES: tuple[str, ...] = ("inline", "separate", "both")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
LANGUAGES: tuple[str, ...] = ("sv", "en", "auto")


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

    def enabled(self, code: str) -> bool:
        return (self.select is None or code in self.select) and code not in self.ignore


def known_codes() -> dict[str, str]:
    """Check code -> name, for every registered check."""
    from .checks import ALL_CHECKS

    return {c.code: c.name for c in ALL_CHECKS}


def _codes(values: Any, where: str, source: str | Path) -> frozenset[str]:
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split() if v]
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise ConfigError(source, f"'{where}' ska vara en lista med kontrollkoder / must be a list of check codes")
    known = known_codes()
    by_name = {name: code for code, name in known.items()}
    codes = set()
    for value in values:
        code = by_name.get(str(value), str(value).upper())
        if code not in known:
            raise ConfigError(source, f"'{where}': okänd kontroll / unknown check '{value}'; "
                                      f"kända / known: {', '.join(sorted(known))}")
        codes.add(code)
    return frozenset(codes)


def build_options(config: Config | None = None, *, select: Iterable[str] | None = None,
                  ignore: Iterable[str] | None = None, severity: Iterable[str] | None = None,
                  language: str | None = None, rationale_policy: str | None = None,
                  limits: Mapping[str, float | None] | None = None, password: str | None = None,
                  label_model: bool | None = None) -> ReviewOptions:
    """Options from the config file, then the command line (``severity`` as ``CODE=level`` strings,
    ``limits`` as ``{"max_pages": 100}``; None values keep the file's or the default)."""
    config = config or Config()
    source: str | Path = config.path or "upphandlingsgranskare.toml"
    values = config.values
    chosen_select = _codes(values["select"], "select", source) if "select" in values else None
    chosen_ignore = _codes(values.get("ignore", []), "ignore", source)
    levels: dict[str, str] = {}
    table = values.get("severity", {})
    if not isinstance(table, dict):
        raise ConfigError(source, "'severity' ska vara en tabell / must be a table ([severity])")
    for code, level in table.items():
        (code,) = _codes([code], f"severity.{code}", source)
        levels[code] = _level(level, f"severity.{code}", source)
    language_value = values.get("language", "auto")
    policy = values.get("rationale_policy", "both")
    use_label_model = values.get("label_model", True)
    if not isinstance(use_label_model, bool):
        raise ConfigError(source, f"'label_model' ska vara true eller false / must be true or false, not {use_label_model!r}")
    if label_model is not None:
        use_label_model = label_model

    cli = "kommandoraden / command line"
    if select is not None:
        chosen_select = _codes(list(select), "--select", cli)
    if ignore is not None:
        chosen_ignore = chosen_ignore | _codes(list(ignore), "--ignore", cli)
    for pair in severity or ():
        code, _, level = pair.partition("=")
        (code,) = _codes([code.strip()], "--severity", cli)
        levels[code] = _level(level.strip(), "--severity", cli)
    if language is not None:
        language_value = language
    if rationale_policy is not None:
        policy = rationale_policy

    limit_values = dict(values.get("limits") or {})
    try:  # the file's limits first, so that a bad value on the command line is not blamed on the file
        ExtractionLimits.from_mapping(limit_values)
    except (ValueError, TypeError) as error:
        raise ConfigError(source, f"[limits]: {error}") from None
    given = {k: v for k, v in (limits or {}).items() if v is not None}
    limit_values.update(given)
    try:
        chosen_limits = ExtractionLimits.from_mapping(limit_values)
    except (ValueError, TypeError) as error:
        options = ", ".join(option_name(k) for k in given)
        raise ConfigError(cli, f"{options}: {error}") from None
    if not ((chosen_select if chosen_select is not None else frozenset(known_codes())) - chosen_ignore):
        where = cli if select is not None or ignore is not None else source
        raise ConfigError(where, "ingen kontroll är vald (select/ignore), så inget skulle granskas / no check is "
                                 "selected (select/ignore), so nothing would be reviewed")

    if language_value not in LANGUAGES:
        raise ConfigError(source if language is None else cli,
                          f"language '{language_value}': välj / choose {', '.join(LANGUAGES)}")
    if policy not in RATIONALE_POLICIES:
        raise ConfigError(source if rationale_policy is None else cli,
                          f"rationale_policy '{policy}': välj / choose {', '.join(RATIONALE_POLICIES)}")
    return ReviewOptions(select=chosen_select, ignore=chosen_ignore, severity=levels,
                         language=None if language_value == "auto" else language_value,  # type: ignore[arg-type]
                         rationale_policy=policy, limits=chosen_limits, password=password,  # type: ignore[arg-type]
                         label_model=use_label_model)


def annotate_clean_setting(config: Config | None, given: bool | None) -> bool:
    """``--annotate-clean`` when given, else the config's ``annotate_clean`` (default false)."""
    if given is not None:
        return given
    config = config or Config()
    value = config.values.get("annotate_clean", False)
    if not isinstance(value, bool):
        raise ConfigError(config.path or "upphandlingsgranskare.toml",
                          f"'annotate_clean' ska vara true eller false / must be true or false, not {value!r}")
    return value


def _level(value: Any, where: str, source: str | Path) -> str:
    if value not in SEVERITIES:
        raise ConfigError(source, f"'{where}': allvarlighetsgrad / severity '{value}'; välj / choose "
                                  f"{', '.join(SEVERITIES)}")
    return str(value)
