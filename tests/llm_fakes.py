"""Scripted "models" for the fake OpenAI-compatible server: read the batch the review sent,
answer it as a model would (or as a broken or fooled model would)."""

from __future__ import annotations

import json
import re
from typing import Callable

from tests.llm_server import Reply

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


def judgement(item: dict, label: str, *, quote: str | None = None, rewrite: str | None = None,
              explanation: str = "Modellens förklaring.", question: str | None = None) -> dict:
    words = item["text"].split()
    flagged = label == "feature_without_need"
    return {"id": item["id"], "label": label, "quote": quote if quote is not None else " ".join(words[:4]),
            "explanation": explanation,
            "question": (question or "Vilket behov ska kravet tillgodose?") if flagged else None,
            "rewrite": (rewrite if rewrite is not None else item["text"].rstrip(".") + ", för att [önskad effekt].")
            if flagged else None}


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
