"""One chat call through langchain-openai's ChatOpenAI (or AzureChatOpenAI), with our own retries.

The client's built-in retries are off (``max_retries=0``) so that this module decides: time-outs,
connection errors, 429 and 5xx are retried with exponential backoff (honouring Retry-After),
then reported as ``CallFailed`` and the caller falls back to the rules. Errors that no retry
can fix (bad key, unknown model, wrong URL) raise ``EndpointUnusable`` at once so a review
does not send hundreds of doomed requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import openai
from pydantic import SecretStr

from .settings import LLMSettings


class CallFailed(RuntimeError):
    """A request failed after its retries; the batch falls back to the rules."""


class EndpointUnusable(RuntimeError):
    """The endpoint rejects every request (authentication, unknown model, not found)."""


@dataclass(frozen=True)
class ChatResult:
    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


_RETRYABLE = (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)


def scrub(text: str, settings: LLMSettings) -> str:
    """Remove the API key from a message: some servers echo it back in their error text."""
    if settings.api_key is not None:
        secret = settings.api_key.get_secret_value()
        if secret:
            text = text.replace(secret, "***")
    return text


class RequestGuard(Protocol):
    """What the caller decides around each HTTP request (see ``judge.BatchGuard``)."""

    def before(self) -> str | None: ...  # why no request may be sent now, or None

    def timeout(self, default: float) -> float | None: ...  # this request's time-out

    def may_wait(self, seconds: float) -> bool: ...  # whether a backoff this long still fits

    def failed(self, reason: str) -> None: ...  # a time-out, refusal, 429 or 5xx

    def sent(self) -> None: ...  # a request that got an HTTP answer that is no success

    def answered(self) -> None: ...  # a request that got an answer


class ChatClient:
    def __init__(self, settings: LLMSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._model = _build_model(settings)

    def complete(
        self, messages: list[dict[str, str]], response_format: dict[str, Any] | None, guard: RequestGuard | None = None
    ) -> ChatResult:
        """One answer, retried on time-outs, refusals, 429 and 5xx. ``guard`` is asked before every attempt
        (circuit breaker, time budget: it may forbid it and bound its time-out) and told how each went."""
        attempt = 0
        while True:
            kwargs: dict[str, Any] = {}
            if response_format is not None:
                kwargs["response_format"] = response_format
            if guard is not None:
                stop = guard.before()
                if stop:
                    raise CallFailed(stop)
                seconds = guard.timeout(self.settings.timeout)
                if seconds is not None:
                    kwargs["timeout"] = seconds
            try:
                message = self._model.invoke(messages, **kwargs)
            except _RETRYABLE as error:
                if guard is not None:
                    guard.failed(self._describe(error, attempt + 1))
                if attempt >= self.settings.max_retries:
                    raise CallFailed(self._describe(error, attempt + 1)) from None
                wait = self._wait(error, attempt)
                if guard is not None and not guard.may_wait(wait):
                    raise CallFailed(guard.before() or self._describe(error, attempt + 1)) from None
                self._sleep(wait)
                attempt += 1
                continue
            except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as error:
                if guard is not None:
                    guard.sent()
                raise EndpointUnusable(self._describe(error, attempt + 1)) from None
            except openai.APIStatusError as error:  # other 4xx: this request is wrong, the next may not be
                if guard is not None:
                    guard.sent()
                raise CallFailed(self._describe(error, attempt + 1)) from None
            except (openai.APIError, ValueError) as error:  # unreadable response body, and similar
                if guard is not None:
                    guard.sent()
                raise CallFailed(self._describe(error, attempt + 1)) from None
            if guard is not None:
                guard.answered()
            usage = getattr(message, "usage_metadata", None) or {}
            content = message.content if isinstance(message.content, str) else _join_parts(message.content)
            return ChatResult(
                content=content,
                prompt_tokens=int(usage.get("input_tokens") or 0),
                completion_tokens=int(usage.get("output_tokens") or 0),
            )

    def _wait(self, error: Exception, attempt: int) -> float:
        wait = min(self.settings.backoff * (2**attempt), self.settings.max_backoff)
        response = getattr(error, "response", None)
        headers = getattr(response, "headers", None) or {}
        try:
            if "retry-after-ms" in headers:
                wait = float(headers["retry-after-ms"]) / 1000
            elif "retry-after" in headers:
                wait = float(headers["retry-after"])
        except ValueError:
            pass  # an HTTP date: keep our own backoff
        return max(0.0, min(wait, self.settings.max_backoff))

    def _describe(self, error: Exception, attempts: int) -> str:
        status = getattr(error, "status_code", None)
        kind = type(error).__name__ + (f" {status}" if status else "")
        detail = scrub(str(error), self.settings)
        if len(detail) > 300:
            detail = detail[:300] + " …"
        return f"{self.settings.endpoint}: {kind} after {attempts} attempt(s): {detail}"


def _join_parts(parts: Any) -> str:
    return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts or [])


def _build_model(settings: LLMSettings):
    key = settings.api_key
    common: dict[str, Any] = {"temperature": settings.temperature, "timeout": settings.timeout, "max_retries": 0}
    if settings.max_tokens:
        common["max_tokens"] = settings.max_tokens
    if settings.provider == "azure":
        from langchain_openai import AzureChatOpenAI

        return AzureChatOpenAI(
            azure_endpoint=settings.azure_endpoint,
            azure_deployment=settings.azure_deployment or settings.model,
            api_version=settings.api_version,
            api_key=key,
            model=settings.model,
            **common,
        )
    from langchain_openai import ChatOpenAI

    # Local servers (Ollama, vLLM, llama.cpp) accept any key; the client insists on having one.
    return ChatOpenAI(
        model=settings.model, base_url=settings.base_url, api_key=key or SecretStr("not-needed"), **common
    )
