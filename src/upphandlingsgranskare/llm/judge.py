"""Asking the model about a set of requirements: redaction, cache, batches, concurrency, repair,
grounding, and the fallback to the rules when anything fails.

``LLMJudge.judge`` returns one ``Outcome`` per requirement it was given: a grounded
``Judgement``, or the reason there is none (and the caller keeps the rules result).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from ..models import Language, LLMUsage
from .answers import Judgement, MalformedAnswer, ground, parse_answer, response_schema
from .cache import AnswerCache, cache_key
from .client import CallFailed, ChatClient, EndpointUnusable
from .injection import first_instruction
from .limits import Deadline, Limits
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
    calls: int = 0  # requests that got an answer
    requests: int = 0  # HTTP requests sent, failed ones and retries included
    disagreements: int = 0
    instruction_like: int = 0
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

    def report(self, backend: Literal["llm", "hybrid"], model: str, prompt_id: str) -> LLMUsage:
        answered = self.judged - self.cached - self.fallbacks
        tokens = self.prompt_tokens + self.completion_tokens
        # Per requirement that got an answer: a run where nothing answered has no figure, not 0.0.
        per_requirement = round(tokens / answered, 1) if answered > 0 and tokens > 0 else None
        return LLMUsage(
            tokens_per_requirement=per_requirement,
            backend=backend,
            model=model,
            prompt=prompt_id,
            requirements_judged=self.judged,
            requests=self.requests,
            disagreements=self.disagreements,
            instruction_like=self.instruction_like,
            cached=self.cached,
            calls=self.calls,
            fallbacks=self.fallbacks,
            rejected_quotes=self.rejected_quotes,
            rewrites_dropped=self.rewrites_dropped,
            repairs=self.repairs,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            errors=tuple(self.errors[:10]),
        )


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

    def __init__(
        self,
        settings: LLMSettings,
        *,
        prompt: Prompt | None = None,
        client: ChatClient | None = None,
        use_cache: bool | None = None,
    ) -> None:
        self.settings = settings
        self.prompt = prompt or load_prompt()
        self._client = client
        use_cache = settings.cache if use_cache is None else use_cache
        self.cache = AnswerCache(settings.cache_path) if use_cache else None
        self.limits = Limits(
            breaker_after=settings.breaker_after,
            run_seconds=settings.run_budget,
            document_seconds=settings.document_budget,
        )

    @property
    def client(self) -> ChatClient:
        if self._client is None:
            self._client = ChatClient(self.settings)
        return self._client

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    # -- planning ----------------------------------------------------------------------------------

    def plan(
        self, language: Language, goals: Sequence[str], items: dict[str, PromptItem], redactor: Redactor | None = None
    ) -> tuple[dict[str, Judgement], list[Batch]]:
        """Cached judgements, and the batches still to send (texts redacted when configured)."""
        redactor = redactor or Redactor()
        goals_sent = tuple(self._redact(redactor, g) for g in goals)
        cached: dict[str, Judgement] = {}
        pending: list[tuple[str, PromptItem, str]] = []
        alone: list[tuple[str, PromptItem, str]] = []  # instruction-like: judged in a request of its own
        for key, item in items.items():
            sent = PromptItem(
                id="",
                text=self._redact(redactor, item.text),
                heading=self._redact(redactor, item.heading),
                rationale=self._redact(redactor, item.rationale),
                lead_in=self._redact(redactor, item.lead_in),
            )
            ckey = cache_key(self.settings, self.prompt.id, language, goals_sent, sent.payload())
            hit = self.cache.get(ckey) if self.cache is not None else None
            if hit is not None:
                cached[key] = Judgement.model_validate(hit)
            elif first_instruction(item.sources()):
                alone.append((key, sent, ckey))
            else:
                pending.append((key, sent, ckey))
        size = self.settings.batch_size
        chunks = [pending[start : start + size] for start in range(0, len(pending), size)] + [[one] for one in alone]
        batches = []
        for chunk in chunks:
            batch_items = tuple(
                PromptItem(id=str(n), text=i.text, heading=i.heading, rationale=i.rationale, lead_in=i.lead_in)
                for n, (_, i, _) in enumerate(chunk, start=1)
            )
            batches.append(
                Batch(language, goals_sent, batch_items, tuple(k for k, _, _ in chunk), tuple(c for _, _, c in chunk))
            )
        return cached, batches

    @overload
    def _redact(self, redactor: Redactor, text: str) -> str: ...
    @overload
    def _redact(self, redactor: Redactor, text: None) -> None: ...
    @overload
    def _redact(self, redactor: Redactor, text: str | None) -> str | None: ...

    def _redact(self, redactor: Redactor, text: str | None) -> str | None:
        if text is None or not self.settings.redact:
            return text
        return redactor.redact(text).text

    def response_format(self, ids: Sequence[str] | None = None) -> dict[str, Any] | None:
        mode = self.settings.structured_output
        if mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": "requirement_judgements", "strict": True, "schema": response_schema(ids)},
            }
        if mode == "json_object":
            return {"type": "json_object"}
        return None

    # -- judging -----------------------------------------------------------------------------------

    def judge(
        self,
        language: Language,
        goals: Sequence[str],
        items: dict[str, PromptItem],
        usage: Usage,
        deadline: Deadline | None = None,
    ) -> dict[str, Outcome]:
        """Judge ``items`` (key -> item); every key gets an Outcome. ``deadline`` bounds the time of the calls."""
        redactor = Redactor()
        cached, batches = self.plan(language, goals, items, redactor)
        outcomes = {key: Outcome(self._restore(redactor, j), cached=True) for key, j in cached.items()}
        usage.add(judged=len(items), cached=len(cached))
        if batches:
            pool = ThreadPoolExecutor(
                max_workers=min(self.settings.concurrency, len(batches)), thread_name_prefix="ugr-llm"
            )
            try:
                for result in pool.map(lambda b: self._send(b, usage, deadline), batches):
                    for key, outcome in result.items():
                        if outcome.judgement is not None:
                            outcome = Outcome(self._restore(redactor, outcome.judgement), cached=False)
                        outcomes[key] = outcome
            except KeyboardInterrupt:
                # Ctrl-C: do not wait for the requests in flight (up to a time-out each); queued batches never start.
                self.limits.trip("avbrutet / interrupted")
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
        usage.add(fallbacks=sum(1 for o in outcomes.values() if o.judgement is None))
        return outcomes

    def _restore(self, redactor: Redactor, judgement: Judgement) -> Judgement:
        """Put redacted personal data back in what the officer reads (it never left the machine)."""
        if not self.settings.redact or not redactor.replacements:
            return judgement
        return judgement.model_copy(
            update={
                "quote": redactor.restore(judgement.quote),
                "explanation": redactor.restore(judgement.explanation),
                "question": None if judgement.question is None else redactor.restore(judgement.question),
                "rewrite": None if judgement.rewrite is None else redactor.restore(judgement.rewrite),
            }
        )

    def _send(self, batch: Batch, usage: Usage, deadline: Deadline | None = None) -> dict[str, Outcome]:
        def fail(reason: str) -> dict[str, Outcome]:
            usage.error(reason)
            return {key: Outcome(None, failure=reason) for key in batch.keys}

        guard = BatchGuard(self.limits, deadline, usage)
        stop = guard.before()
        if stop:
            return fail(stop)
        messages = self.prompt.messages(batch.language, batch.items, batch.goals)
        response_format = self.response_format([i.id for i in batch.items])
        try:
            result = self.client.complete(messages, response_format, guard)
            usage.add(calls=1, prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens)
            try:
                answer = parse_answer(result.content)
            except MalformedAnswer as problem:
                usage.add(repairs=1)
                repair = messages + [
                    {"role": "assistant", "content": result.content},
                    {"role": "user", "content": REPAIR[batch.language].format(problem=problem)},
                ]
                result = self.client.complete(repair, response_format, guard)
                usage.add(calls=1, prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens)
                answer = parse_answer(result.content)
        except EndpointUnusable as error:
            self.limits.trip(str(error))
            return fail(str(error))
        except CallFailed as error:
            return fail(str(error))
        except MalformedAnswer as error:
            return fail(f"malformed answer after one repair attempt: {error}")

        grounded = ground(answer, batch.items, batch.language)
        usage.add(
            rejected_quotes=sum(1 for r in grounded.rejected if r.reason.startswith("quote")),
            rewrites_dropped=len(grounded.rewrites_dropped),
        )
        rejected = {r.id: r.reason for r in grounded.rejected}
        outcomes: dict[str, Outcome] = {}
        for item, key, ckey in zip(batch.items, batch.keys, batch.cache_keys):
            judgement = grounded.accepted.get(item.id)
            if judgement is None:
                reason = rejected.get(item.id, "not answered")
                usage.error(f"svar avvisat / answer rejected: {reason.split(':')[0]}")
                outcomes[key] = Outcome(None, failure=f"svar avvisat / answer rejected: {reason}")
                continue
            if self.cache is not None:
                self.cache.put(ckey, self.settings.model, self.prompt.id, judgement.model_dump())
            outcomes[key] = Outcome(judgement)
        return outcomes


class BatchGuard:
    """The run's limits as seen by one batch's requests, counting each request in ``usage``."""

    def __init__(self, limits: Limits, deadline: Deadline | None, usage: Usage) -> None:
        self.limits, self.deadline, self.usage = limits, deadline, usage

    def before(self) -> str | None:
        return self.limits.open or self.limits.spent(self.deadline)

    def timeout(self, default: float) -> float | None:
        left = self.limits.remaining(self.deadline)
        return None if left is None or left >= default else max(0.01, left)

    def may_wait(self, seconds: float) -> bool:
        left = self.limits.remaining(self.deadline)
        return self.limits.open is None and (left is None or left > seconds)

    def failed(self, reason: str) -> None:
        self.usage.add(requests=1)
        self.limits.failed(reason)

    def sent(self) -> None:
        self.usage.add(requests=1)

    def answered(self) -> None:
        self.usage.add(requests=1)
        self.limits.succeeded()
