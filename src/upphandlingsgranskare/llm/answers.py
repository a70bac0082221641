"""What the model must answer, and the parser that decides what of it to believe.

Parsing is separate from calling (as in spacy-llm): ``parse_answer`` turns raw text into
validated ``Judgement``s, then ``ground`` keeps only the judgements whose quote occurs in
the source text of their own requirement and whose rewrite keeps the requirement's force.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from ..labels import LABELS, Label
from ..models import Language
from .prompts import PromptItem
from .rewrite_guard import check_rewrite

# Inline in the schema the model is given (no "$ref" to a definition: some servers' constrained decoders
# follow none), as the labels' values.
_LABEL_SCHEMA = WithJsonSchema({"enum": [label.value for label in LABELS], "type": "string"})


class Judgement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: Annotated[Label, _LABEL_SCHEMA]
    quote: str = Field(
        description="Verbatim words from the requirement's text, rationale, lead-in or heading that decided the label."
    )
    explanation: str
    question: str | None
    rewrite: str | None


class BatchAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    judgements: list[Judgement]


class MalformedAnswer(ValueError):
    """The answer is not JSON in the required shape; the message is fed back in the repair attempt."""


def response_schema(ids: Sequence[str] | None = None) -> dict[str, Any]:
    """BatchAnswer as a strict JSON Schema, the form OpenAI's structured outputs accept
    (every property required, no additional properties, nullable as a type union).

    With ``ids`` (the batch's), each judgement's id must be one of them and the array holds
    exactly one slot per requirement: a constrained decoder cannot invent items or run on."""
    schema = BatchAnswer.model_json_schema()

    def strict(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node["properties"])
            node.pop("title", None)
            node.pop("default", None)
            for value in node.values():
                strict(value)
        elif isinstance(node, list):
            for value in node:
                strict(value)

    strict(schema)
    if ids:
        schema["$defs"]["Judgement"]["properties"]["id"]["enum"] = list(ids)
        schema["properties"]["judgements"].update(minItems=len(ids), maxItems=len(ids))
    return schema


_FENCE = re.compile(r"^\s*```(?:json)?\s*(?P<body>.*?)\s*```\s*$", re.DOTALL)


@dataclass(frozen=True)
class Rejection:
    id: str
    reason: str


@dataclass
class ParsedAnswer:
    """The judgements that match the schema, and the items whose judgement does not (judged one by one:
    one unknown label fails its own item, not the batch)."""

    judgements: list[Judgement] = field(default_factory=list)
    invalid: list[Rejection] = field(default_factory=list)


def parse_answer(raw: str) -> ParsedAnswer:
    """Validate the model's raw text item by item; raises ``MalformedAnswer`` when it is not JSON
    holding a list of judgements at all (then the whole batch is sent back once for repair)."""
    text = raw.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced["body"]  # local models often wrap JSON in a code fence despite the instructions
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedAnswer(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if isinstance(data, dict) and set(data) == {"judgements"}:
        data = data["judgements"]
    if not isinstance(data, list):
        raise MalformedAnswer('does not match the schema: expected {"judgements": [...]}')
    parsed = ParsedAnswer()
    for position, entry in enumerate(data, start=1):
        try:
            parsed.judgements.append(Judgement.model_validate(entry))
        except ValidationError as error:
            details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:3])
            raw_id = entry.get("id") if isinstance(entry, dict) else None
            item_id = raw_id if isinstance(raw_id, str) else f"#{position}"
            parsed.invalid.append(Rejection(item_id, f"invalid judgement: {details}"))
    return parsed


@dataclass
class Grounded:
    """The judgements of one batch that survived the checks, and why the others did not."""

    accepted: dict[str, Judgement] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    rewrites_dropped: list[Rejection] = field(default_factory=list)


def ground(answer: ParsedAnswer, items: Sequence[PromptItem], language: Language) -> Grounded:
    """Keep the judgements that are about an item of this batch and quote its own source text."""
    by_id = {item.id: item for item in items}
    result = Grounded()
    seen: set[str] = set()
    for rejection in answer.invalid:
        result.rejected.append(rejection)
        seen.add(rejection.id)
    for judgement in answer.judgements:
        item = by_id.get(judgement.id)
        if item is None:
            result.rejected.append(Rejection(judgement.id, "unknown id"))
            continue
        if judgement.id in seen:
            result.rejected.append(Rejection(judgement.id, "answered twice"))
            result.accepted.pop(judgement.id, None)
            continue
        seen.add(judgement.id)
        if not quote_is_grounded(judgement.quote, item.sources()):
            result.rejected.append(Rejection(judgement.id, f"quote not in the requirement's text: {judgement.quote!r}"))
            continue
        if judgement.label == Label.FEATURE_WITHOUT_NEED and judgement.rewrite:
            guard = check_rewrite(item.text, judgement.rewrite, language)
            if not guard.ok:
                result.rewrites_dropped.append(Rejection(judgement.id, "; ".join(guard.problems)))
                judgement = judgement.model_copy(update={"rewrite": None})
        elif judgement.label != Label.FEATURE_WITHOUT_NEED:
            judgement = judgement.model_copy(update={"question": None, "rewrite": None})
        result.accepted[judgement.id] = judgement
    missing = [i.id for i in items if i.id not in seen]
    result.rejected.extend(Rejection(m, "not answered") for m in missing)
    return result


_QUOTES = str.maketrans({"”": '"', "“": '"', "„": '"', "’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " "})
MIN_QUOTE_WORDS = 3  # "ska" or "Systemet ska" says nothing about the requirement


def _normalise(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def normalise_quote(text: str) -> str:
    """A quote or source text as quotes are compared: whitespace, typographic marks and edge punctuation evened out."""
    return _normalise(text).strip(" .\"'")


def quote_is_grounded(quote: str, sources: Sequence[str]) -> bool:
    """The quote occurs verbatim in one of the sources, up to whitespace and typographic quote marks.

    Case and wording must match: a paraphrase is not evidence, and a quote from another
    requirement (or from text that tries to instruct the model) is not about this one.
    """
    needle = normalise_quote(quote)
    if not needle:
        return False
    words = len(needle.split())
    # At least three words, unless the quote is a whole source that is shorter ("Stöd för SSO" is three).
    if words < MIN_QUOTE_WORDS and not any(needle == normalise_quote(source) for source in sources):
        return False
    return any(needle in _normalise(source) for source in sources)
