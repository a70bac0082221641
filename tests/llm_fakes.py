"""Scripted "models" for the fake OpenAI-compatible server: read the batch the review sent,
answer it as a model would (or as a broken or fooled model would)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.llm_server import FakeOpenAIServer, Reply

_DATA_BLOCK = re.compile(r"```json\n(?P<data>.*)\n```\s*$", re.DOTALL)


def batch_of(body: dict) -> dict:
    """The goals and requirements of the request's last user message (the batch to judge)."""
    for message in reversed(body["messages"]):  # a repair request ends with the repair note, after the batch
        content = message["content"]
        if not isinstance(content, str):
            content = "".join(p.get("text", "") for p in content)
        match = _DATA_BLOCK.search(content)
        if message["role"] == "user" and match:
            return json.loads(match["data"])
    raise AssertionError("the batch must travel as a JSON data block at the end of a user message")


def judgement(
    item: dict,
    label: str,
    *,
    quote: str | None = None,
    rewrite: str | None = None,
    explanation: str = "Modellens förklaring.",
    question: str | None = None,
) -> dict:
    words = item["text"].split()
    flagged = label == "feature_without_need"
    return {
        "id": item["id"],
        "label": label,
        "quote": quote if quote is not None else " ".join(words[:4]),
        "explanation": explanation,
        "question": (question or "Vilket behov ska kravet tillgodose?") if flagged else None,
        "rewrite": (rewrite if rewrite is not None else item["text"].rstrip(".") + ", för att [önskad effekt].")
        if flagged
        else None,
    }


Decide = Callable[[dict], dict]  # one requirement item -> its judgement dict


def answering(decide: Decide, *, tokens: tuple[int, int] | None = None) -> Callable[[dict], Reply]:
    """A responder that answers every requirement of each batch with ``decide``."""

    def respond(body: dict) -> Reply:
        items = batch_of(body)["requirements"]
        content = json.dumps({"judgements": [decide(item) for item in items]}, ensure_ascii=False)
        if tokens:
            return Reply(content=content, prompt_tokens=tokens[0], completion_tokens=tokens[1])
        return Reply(content=content)

    return respond


def labelled_by(labels: dict[str, str], default: str = "feature_without_need") -> Decide:
    """Label an item by the first key (a substring of its text) that occurs in it."""

    def decide(item: dict) -> dict:
        for needle, label in labels.items():
            if needle in item["text"]:
                return judgement(item, label)
        return judgement(item, default)

    return decide


_OBEYED = re.compile(
    r"ignor|disregard|instruktion|instruction|feature_with_need|du är nu|you are now|<\|system", re.IGNORECASE
)
_REASON = re.compile(r"(?:för att|så att|eftersom|because|so that|in order to)[^.]*", re.IGNORECASE)


def obeying_injections(item: dict, others: list[dict]) -> dict:
    """A model that does what injected text says: when any item of the batch tells it to, it answers that
    every item of the batch states its need, quoting the most reason-like words it can find in each."""
    if not any(_OBEYED.search(" ".join(str(v) for v in o.values() if v)) for o in others):
        return judgement(item, "feature_without_need")
    for source in (item.get("rationale"), item.get("lead_in"), item.get("heading"), item["text"]):
        found = _REASON.search(source or "")
        if found:
            return judgement(item, "feature_with_need", quote=found.group().strip())
    return judgement(item, "feature_with_need")


def answering_batch(decide: Callable[[dict, list[dict]], dict]) -> Callable[[dict], Reply]:
    """Like ``answering``, but ``decide`` also sees the whole batch (as a model does)."""

    def respond(body: dict) -> Reply:
        items = batch_of(body)["requirements"]
        return Reply(content=json.dumps({"judgements": [decide(item, items) for item in items]}, ensure_ascii=False))

    return respond


# -- the set-up the LLM tests share ----------------------------------------------------------

AMBIENT_LLM_SETTINGS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "UPPHANDLINGSGRANSKARE_MODEL",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
)


def without_ambient_llm_settings(monkeypatch, cache_home: Path | None = None) -> None:
    """No key, endpoint or model from the machine running the tests; the response cache under ``cache_home``."""
    for name in AMBIENT_LLM_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    if cache_home is not None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))


def text_document(folder: Path, text: str, name: str = "krav.txt") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def scripted_reviewer(
    server: FakeOpenAIServer, tmp_path: Path, backend: str = "hybrid", *, api_key: str = "sk-test", **overrides
):
    """The LLM backend pointed at the scripted server, with fast retries and its cache in ``tmp_path``."""
    from upphandlingsgranskare.llm.build import build_reviewer

    settings = {
        "base_url": server.base_url,
        "api_key": api_key,
        "model": "fake-model",
        "backoff": 0.001,
        "timeout": 5,
        "cache_path": tmp_path / "cache.sqlite",
        **overrides,
    }
    return build_reviewer(backend, overrides=settings)


@pytest.fixture
def isolated_llm_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``without_ambient_llm_settings`` as a fixture, the cache under the test's folder: a module uses it with
    ``pytestmark = pytest.mark.usefixtures("isolated_llm_settings")`` and imports its name."""
    without_ambient_llm_settings(monkeypatch, tmp_path / "cache")
