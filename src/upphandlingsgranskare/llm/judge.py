"""Asking the model about a set of requirements: redaction, cache, batches, concurrency, repair,
grounding, and the fallback to the rules when anything fails.

``LLMJudge.judge`` returns one ``Outcome`` per requirement it was given: a grounded
``Judgement``, or the reason there is none (and the caller keeps the rules result).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..models import Language, LLMUsage
from .answers import Judgement, MalformedAnswer, ground, parse_answer, response_schema
from .cache import AnswerCache, cache_key
from .client import CallFailed, ChatClient, EndpointUnusable
from .prompts import Prompt, PromptItem, load_prompt
from .redact import Redactor
from .settings import LLMSettings


@dataclass(frozen=True)
class Outcome:
    judgement: Judgement | None  # None: fall back to the rules
    cached: bool = False
    failure: str | None = None  # why there is no judgement


@dataclass
class Usage:
    """Counters for one ``judge`` call, turned into the report's ``LLMUsage``."""

    judged: int = 0
    cached: int = 0
    calls: int = 0
    fallbacks: int = 0
    rejected_quotes: int = 0
    rewrites_dropped: int = 0
    repairs: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def error(self, message: str) -> None:
        with self._lock:
            if message not in self.errors:
                self.errors.append(message)

    def report(self, backend: str, model: str, prompt_id: str) -> LLMUsage:
        sent = self.judged - self.cached
        per_requirement = round((self.prompt_tokens + self.completion_tokens) / sent, 1) if sent > 0 else None
        return LLMUsage(tokens_per_requirement=per_requirement, backend=backend, model=model, prompt=prompt_id, requirements_judged=self.judged,
                        cached=self.cached, calls=self.calls, fallbacks=self.fallbacks,
                        rejected_quotes=self.rejected_quotes, rewrites_dropped=self.rewrites_dropped,
                        repairs=self.repairs, prompt_tokens=self.prompt_tokens,
                        completion_tokens=self.completion_tokens, errors=tuple(self.errors[:10]))


REPAIR = {
    "sv": "Ditt svar gick inte att använda: {problem}. Svara igen med enbart JSON enligt instruktionerna, "
          "med ett objekt per krav.",
    "en": "Your answer could not be used: {problem}. Answer again with JSON only, as instructed, "
          "with one object per requirement.",
}


@dataclass(frozen=True)
class Batch:
    language: Language
    goals: tuple[str, ...]
    items: tuple[PromptItem, ...]  # with batch-local ids "1".."n"
    keys: tuple[str, ...]  # the caller's key for each item
    cache_keys: tuple[str, ...]


class LLMJudge:
    """One per review run: holds the client, the cache and whether the endpoint is still usable."""

    def __init__(self, settings: LLMSettings, *, prompt: Prompt | None = None, client: ChatClient | None = None,
                 use_cache: bool | None = None) -> None:
        self.settings = settings
        self.prompt = prompt or load_prompt()
        self._client = client
        use_cache = settings.cache if use_cache is None else use_cache
        self.cache = AnswerCache(settings.cache_path) if use_cache else None
        self._unusable: str | None = None  # set once the endpoint rejects us (bad key, unknown model)

    @property
    def client(self) -> ChatClient:
        if self._client is None:
            self._client = ChatClient(self.settings)
        return self._client

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    # -- planning ----------------------------------------------------------------------------------

    def plan(self, language: Language, goals: Sequence[str], items: dict[str, PromptItem],
             redactor: Redactor | None = None) -> tuple[dict[str, Judgement], list[Batch]]:
        """Cached judgements, and the batches still to send (texts redacted when configured)."""
        redactor = redactor or Redactor()
        goals_sent = tuple(self._redact(redactor, g) for g in goals)
        cached: dict[str, Judgement] = {}
        pending: list[tuple[str, PromptItem, str]] = []
        for key, item in items.items():
            sent = PromptItem(id="", text=self._redact(redactor, item.text),
                              heading=self._redact(redactor, item.heading),
                              rationale=self._redact(redactor, item.rationale),
                              lead_in=self._redact(redactor, item.lead_in))
            ckey = cache_key(self.settings.model, self.prompt.id, language, goals_sent, sent.payload())
            hit = self.cache.get(ckey) if self.cache is not None else None
            if hit is not None:
                cached[key] = Judgement.model_validate(hit)
            else:
                pending.append((key, sent, ckey))
        size = self.settings.batch_size
        batches = []
        for start in range(0, len(pending), size):
            chunk = pending[start:start + size]
            batch_items = tuple(PromptItem(id=str(n), text=i.text, heading=i.heading, rationale=i.rationale,
                                           lead_in=i.lead_in) for n, (_, i, _) in enumerate(chunk, start=1))
            batches.append(Batch(language, goals_sent, batch_items, tuple(k for k, _, _ in chunk),
                                 tuple(c for _, _, c in chunk)))
        return cached, batches

    def _redact(self, redactor: Redactor, text: str | None) -> str | None:
        if text is None or not self.settings.redact:
            return text
        return redactor.redact(text).text

    def response_format(self) -> dict[str, Any] | None:
        mode = self.settings.structured_output
        if mode == "json_schema":
            return {"type": "json_schema",
                    "json_schema": {"name": "requirement_judgements", "strict": True, "schema": response_schema()}}
        if mode == "json_object":
            return {"type": "json_object"}
        return None

    # -- judging -----------------------------------------------------------------------------------

    def judge(self, language: Language, goals: Sequence[str], items: dict[str, PromptItem],
              usage: Usage) -> dict[str, Outcome]:
        """Judge ``items`` (key -> item); every key gets an Outcome."""
        redactor = Redactor()
        cached, batches = self.plan(language, goals, items, redactor)
        outcomes = {key: Outcome(self._restore(redactor, j), cached=True) for key, j in cached.items()}
        usage.add(judged=len(items), cached=len(cached))
        if batches:
            workers = min(self.settings.concurrency, len(batches))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ugr-llm") as pool:
                for result in pool.map(lambda b: self._send(b, usage), batches):
                    for key, outcome in result.items():
                        if outcome.judgement is not None:
                            outcome = Outcome(self._restore(redactor, outcome.judgement), cached=False)
                        outcomes[key] = outcome
        usage.add(fallbacks=sum(1 for o in outcomes.values() if o.judgement is None))
        return outcomes

    def _restore(self, redactor: Redactor, judgement: Judgement) -> Judgement:
        """Put redacted personal data back in what the officer reads (it never left the machine)."""
        if not self.settings.redact or not redactor.replacements:
            return judgement
        return judgement.model_copy(update={
            "quote": redactor.restore(judgement.quote), "explanation": redactor.restore(judgement.explanation),
            "question": None if judgement.question is None else redactor.restore(judgement.question),
            "rewrite": None if judgement.rewrite is None else redactor.restore(judgement.rewrite)})

    def _send(self, batch: Batch, usage: Usage) -> dict[str, Outcome]:
        def fail(reason: str) -> dict[str, Outcome]:
            usage.error(reason)
            return {key: Outcome(None, failure=reason) for key in batch.keys}

        if self._unusable:
            return fail(self._unusable)
        messages = self.prompt.messages(batch.language, batch.items, batch.goals)
        try:
            result = self.client.complete(messages, self.response_format())
            usage.add(calls=1, prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens)
            try:
                answer = parse_answer(result.content)
            except MalformedAnswer as problem:
                usage.add(repairs=1)
                repair = messages + [{"role": "assistant", "content": result.content},
                                     {"role": "user", "content": REPAIR[batch.language].format(problem=problem)}]
                result = self.client.complete(repair, self.response_format())
                usage.add(calls=1, prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens)
                answer = parse_answer(result.content)
        except EndpointUnusable as error:
            self._unusable = str(error)
            return fail(str(error))
        except CallFailed as error:
            return fail(str(error))
        except MalformedAnswer as error:
            return fail(f"malformed answer after one repair attempt: {error}")

        grounded = ground(answer, batch.items, batch.language)
        usage.add(rejected_quotes=sum(1 for r in grounded.rejected if r.reason.startswith("quote")),
                  rewrites_dropped=len(grounded.rewrites_dropped))
        rejected = {r.id: r.reason for r in grounded.rejected}
        outcomes: dict[str, Outcome] = {}
        for item, key, ckey in zip(batch.items, batch.keys, batch.cache_keys):
            judgement = grounded.accepted.get(item.id)
            if judgement is None:
                outcomes[key] = Outcome(None, failure=f"answer rejected: {rejected.get(item.id, 'not answered')}")
                continue
            if self.cache is not None:
                self.cache.put(ckey, self.settings.model, self.prompt.id, judgement.model_dump())
            outcomes[key] = Outcome(judgement)
        return outcomes
