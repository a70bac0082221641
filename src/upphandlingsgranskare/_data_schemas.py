"""A schema for every YAML data file in the package: an unknown key (a misspelt list name) or a wrong type
(YAML reads an unquoted ``on``, ``off``, ``yes`` or ``no`` as a boolean) fails at load, naming the file and
the key, instead of silently switching a rule off.

``SCHEMAS`` maps a file's path inside the package (a glob) to its model; ``_yaml.load_data_file`` checks
against it. The loaders keep the plain data they always read: the models only check it.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, model_validator

from .nlp.lexicon_lists import LEXICON_LISTS

Words = list[str]


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:  # reported as this key's error, naming the file
        raise ValueError(f"ogiltigt reguljärt uttryck / not a regular expression: {error}") from None
    return pattern


Pattern = Annotated[str, AfterValidator(_compiles)]  # a regular expression, Python syntax
T = TypeVar("T")


class _Strict(BaseModel):
    # strict: no coercion, so YAML's booleans and numbers are never taken for words
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PerLanguage(_Strict, Generic[T]):
    """One entry per language the linter reviews."""

    sv: T
    en: T


class Texts(_Strict):
    sv: str
    en: str


# -- nlp/lexicons/<lang>.yaml --------------------------------------------------------------------------

LexiconFile = create_model(  # type: ignore[call-overload]
    "LexiconFile",
    __base__=_Strict,
    language=(Literal["sv", "en"], ...),
    modals=(dict[Literal["ska", "bör"], Words], ...),
    causal_false_starts=(dict[str, Words], Field(default_factory=dict)),
    **{name: (Words, Field(default_factory=list)) for name in LEXICON_LISTS},
)


# -- checks/data/*.yaml ----------------------------------------------------------------------------------
class BrandEntry(_Strict):
    name: str
    any_case: bool | Literal["sv", "en"] = False
    ordinary_word: bool = False
    langs: list[Literal["sv", "en"]] | None = None
    hint: Texts | None = None


class BrandCategory(_Strict):
    name: Texts
    brands: list[str | BrandEntry]
    hint: Texts | None = None


class BrandsFile(_Strict):
    categories: dict[str, BrandCategory]
    not_brands: dict[str, Words]


class VagueEntry(_Strict):
    pattern: str
    forms: Words = Field(default_factory=list)
    measured_by: list[Literal["time", "percent", "quantity", "standard"]] = Field(default_factory=list)
    definable: bool = True
    unless_next: Words = Field(default_factory=list)
    predicative: bool = False
    inflect: bool = False
    why: str
    instead: str


class DemandWords(_Strict):
    verbs: Words
    particles: Words
    passives: Words
    auxiliaries: Words
    skip: Words
    subordinators: Words
    coordinators: Words
    alternatives: Words
    row_openers: Words
    subject_pronouns: Words
    connectives: Words
    capability_suffixes: Words
    capability_nouns: Words
    not_capabilities: Words
    np_openers: Words
    np_closers: Words


class Ug001Words(_Strict):
    users: Words
    openers: Words
    default_user: str
    modals: Words
    negated: Words
    dropped_from_goals: Words


def _named_fields(template: str) -> str:
    """A message template: a Python format string whose fields are all named ("{names}"), none positional."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as error:  # an unmatched brace
        raise ValueError(f"ogiltig mall / not a format string: {error}") from None
    for field in fields:
        if not field.isidentifier():
            raise ValueError(f"mallens fält måste ha namn / a template's fields must be named: {{{field}}}")
    return template


Template = Annotated[str, AfterValidator(_named_fields)]


class CheckMessages(_Strict):
    severity: Literal["error", "warning", "info"]
    summary: str
    templates: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")], Template]


class MessagesFile(_Strict):
    # The check codes are the other keys ("UG101"), each with the same three parts.
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    __pydantic_extra__: dict[str, CheckMessages] = Field(init=False)
    quote: str

    @model_validator(mode="after")
    def _codes(self) -> MessagesFile:
        for code in self.model_extra or {}:
            if not re.fullmatch(r"UG\d{3}", code):
                raise ValueError(f"{code!r} is no check code (UG followed by three digits)")
        return self


class Ug101Words(_Strict):
    equivalence_words: Words
    equivalence_after_or: Words
    or_words: Words
    or_window: int
    equivalent_to: Words
    existing_before: Words
    buyers_possessive: Words
    possessive_endings: Words
    from_words: Words
    in_use: Words
    in_use_phrases: Words
    existing_after: Words
    relative_pronouns: Words
    noun_phrase_stops: Words
    list_joiners: Words
    experience_nouns: Words
    experience_prepositions: Words
    experience_words: Words
    editions: Words
    chosen_auxiliaries: Words
    chosen_adverbs: Words
    chosen_verbs: Words
    owned_licences: Words
    chosen_phrases: Words
    integrate_verbs: Words
    integrate_prepositions: Words
    from_verbs: Words
    installation_nouns: Words
    possessors: Words


class Ug102Words(_Strict):
    predicative_next: Words
    time_units: Words
    percent_words: Words
    around_the_clock: Words
    definition_phrases: Words


# -- extract/data/column_headers.yaml --------------------------------------------------------------------
class HeaderRoles(_Strict):
    id: Words
    text: Words
    kind: Words
    rationale: Words


class ColumnHeaders(_Strict):
    roles: HeaderRoles
    ambiguous_need: Words
    weak_text: Words
    not_requirement_keys: Words


# -- trace/data/*.yaml, segment/data/*.yaml, prompts/*.yaml --------------------------------------------
class Vocabulary(_Strict):
    concepts: dict[str, Words]
    generic: Words


class GoalReferences(_Strict):
    goal_words: Words
    number_words: Words
    joiners: Words
    stems: Words
    stem_endings: Words
    generic: Words
    reason_markers: Words
    rationale_labels_start_no_reason: bool


class NearLanguages(_Strict):
    swedish: Words
    nordic: Words
    norwegian: Words
    danish: Words


class ExampleRequirement(_Strict):
    id: str
    text: str
    heading: str | None = None
    rationale: str | None = None


class ExampleJudgement(_Strict):
    id: str
    label: str
    quote: str | None = None
    explanation: str | None = None
    question: str | None = None
    rewrite: str | None = None


class PromptExamples(_Strict):
    goals: list[dict[str, str]] = Field(default_factory=list)
    requirements: list[ExampleRequirement]
    judgements: list[ExampleJudgement]


class PromptFile(_Strict):
    name: str
    version: int
    system: Texts
    user: Texts
    examples: PerLanguage[PromptExamples] | None = None


SCHEMAS: dict[str, type[BaseModel]] = {
    "nlp/lexicons/*.yaml": LexiconFile,
    "checks/data/brands.yaml": BrandsFile,
    "checks/data/vague_words.yaml": PerLanguage[list[VagueEntry]],
    "checks/data/demand_words.yaml": PerLanguage[DemandWords],
    "checks/data/ug001_words.yaml": PerLanguage[Ug001Words],
    "checks/data/ug101_words.yaml": PerLanguage[Ug101Words],
    "checks/data/ug102_words.yaml": PerLanguage[Ug102Words],
    "checks/data/messages.*.yaml": MessagesFile,
    "trace/data/vocabulary.yaml": PerLanguage[Vocabulary],
    "trace/data/goal_sections.yaml": PerLanguage[Words],
    "trace/data/goal_references.yaml": PerLanguage[GoalReferences],
    "segment/data/near_languages.yaml": NearLanguages,
    "segment/data/qualifiers.yaml": PerLanguage[list[Pattern]],
    "extract/data/column_headers.yaml": ColumnHeaders,
    "prompts/*.yaml": PromptFile,
}
