"""Tests for tests/llm_server.py, driven by the real openai and langchain clients over HTTP."""

from __future__ import annotations

import json

import httpx
import openai
import pytest
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from pydantic import BaseModel

from tests.llm_server import FakeOpenAIServer, ReplayResponder, Reply, request_key, write_recordings


class Finding(BaseModel):
    requirement: str
    has_need: bool


FINDING_JSON = json.dumps({"requirement": "Systemet ska ha SSO", "has_need": False})


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def _client(server: FakeOpenAIServer, **kwargs) -> openai.OpenAI:
    kwargs.setdefault("max_retries", 0)
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", **kwargs)


def _chat(server: FakeOpenAIServer, **kwargs) -> ChatOpenAI:
    kwargs.setdefault("max_retries", 0)
    return ChatOpenAI(model="m", base_url=server.base_url, api_key="sk-test", **kwargs)


def _ask(client: openai.OpenAI, text: str = "hej") -> str | None:
    resp = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": text}])
    return resp.choices[0].message.content


# --- plain openai client -------------------------------------------------


def test_openai_client_gets_scripted_content_and_usage(server):
    server.script(Reply(content="Hej då", prompt_tokens=7, completion_tokens=3))
    resp = _client(server).chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "Säg hej"}], temperature=0
    )
    assert resp.choices[0].message.content == "Hej då"
    assert resp.choices[0].finish_reason == "stop"
    assert resp.model == "gpt-test"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (7, 3, 10)

    (req,) = server.requests
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.body["messages"] == [{"role": "user", "content": "Säg hej"}]
    assert req.body["temperature"] == 0


def test_default_usage_is_estimated_from_text(server):
    server.script(Reply(content="x" * 8))
    resp = _client(server).chat.completions.create(model="m", messages=[{"role": "user", "content": "y" * 40}])
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (10, 2)


def test_responder_is_used_when_script_is_empty(server):
    server.responder = lambda body: Reply(content=body["messages"][-1]["content"].upper())
    server.script(Reply(content="scripted first"))
    client = _client(server)
    assert _ask(client, "a") == "scripted first"
    assert _ask(client, "b") == "B"


def test_nothing_scripted_is_a_500(server):
    with pytest.raises(openai.InternalServerError, match="no scripted reply left"):
        _ask(_client(server))


def test_models_endpoint_and_unknown_path(server):
    assert [m.id for m in _client(server).models.list()] == ["fake-model"]
    resp = httpx.post(f"{server.root_url}/v1/nope", json={})
    assert resp.status_code == 404
    assert "unknown path" in resp.json()["error"]["message"]


# --- langchain ChatOpenAI ------------------------------------------------


def test_langchain_invoke(server):
    server.script(Reply(content="hei hei"))
    msg = _chat(server).invoke("hei")
    assert msg.content == "hei hei"
    assert server.requests[0].body["model"] == "m"


def test_langchain_structured_output_json_schema(server):
    server.script(Reply(content=FINDING_JSON))
    result = _chat(server).with_structured_output(Finding, method="json_schema").invoke("granska")
    assert result == Finding(requirement="Systemet ska ha SSO", has_need=False)
    fmt = server.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "Finding"


def test_langchain_structured_output_function_calling(server):
    server.script(Reply(content=FINDING_JSON))
    result = _chat(server).with_structured_output(Finding, method="function_calling").invoke("granska")
    assert result == Finding(requirement="Systemet ska ha SSO", has_need=False)
    body = server.requests[0].body
    assert body["tools"][0]["function"]["name"] == "Finding"
    assert "tool_choice" in body


def test_langchain_structured_output_json_mode(server):
    server.script(Reply(content=FINDING_JSON))
    result = _chat(server).with_structured_output(Finding, method="json_mode").invoke("granska, svara i JSON")
    assert result == Finding(requirement="Systemet ska ha SSO", has_need=False)
    assert server.requests[0].body["response_format"] == {"type": "json_object"}


def test_langchain_streaming(server):
    server.script(Reply(content="strömmad text"), Reply(content="igen"))
    chat = _chat(server, streaming=True)
    assert chat.invoke("x").content == "strömmad text"
    chunks = list(chat.stream("y", stream_usage=True))
    assert "".join(c.content for c in chunks) == "igen"
    assert server.requests[0].body["stream"] is True
    assert server.requests[1].body["stream_options"] == {"include_usage": True}
    assert sum(c.usage_metadata["output_tokens"] for c in chunks if c.usage_metadata) == 1


def test_langchain_streaming_structured_output_function_calling(server):
    server.script(Reply(content=FINDING_JSON))
    chat = _chat(server, streaming=True).with_structured_output(Finding, method="function_calling")
    assert chat.invoke("granska") == Finding(requirement="Systemet ska ha SSO", has_need=False)


def test_azure_chat_openai(server):
    server.script(Reply(content="från azure"))
    chat = AzureChatOpenAI(
        azure_endpoint=server.root_url, azure_deployment="dep", api_version="2024-10-21", api_key="k", max_retries=0
    )
    msg = chat.invoke("x")
    assert msg.content == "från azure"
    (req,) = server.requests
    assert "/openai/deployments/dep/chat/completions" in req.path
    assert req.query["api-version"] == "2024-10-21"
    assert req.headers["api-key"] == "k"
    assert msg.response_metadata["model_name"] == "dep"


# --- errors, retries, time-outs ------------------------------------------


@pytest.mark.parametrize(
    ("status", "exc"),
    [
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
        (503, openai.InternalServerError),
        (400, openai.BadRequestError),
        (401, openai.AuthenticationError),
    ],
)
def test_error_statuses_map_to_openai_exceptions(server, status, exc):
    server.script(Reply(status=status, error_message="nej"))
    with pytest.raises(exc, match="nej") as info:
        _ask(_client(server))
    assert info.value.status_code == status


def test_error_reply_headers_are_sent(server):
    server.script(Reply(status=429, headers={"retry-after-ms": "25", "x-custom": "1"}))
    with pytest.raises(openai.RateLimitError) as info:
        _ask(_client(server))
    assert info.value.response.headers["retry-after-ms"] == "25"
    assert info.value.response.headers["x-custom"] == "1"


def test_client_retries_until_success(server):
    server.script(Reply(status=429), Reply(status=500), Reply(content="till slut"))
    assert _ask(_client(server, max_retries=2)) == "till slut"
    assert len(server.requests) == 3


def test_timeout_then_server_keeps_serving(server):
    server.script(Reply(content="för sent", delay=0.5), Reply(content="i tid"))
    client = _client(server, timeout=0.2)
    with pytest.raises(openai.APITimeoutError):
        _ask(client)
    assert _ask(client) == "i tid"


def test_malformed_body_raises_then_server_keeps_serving(server):
    server.script(Reply(raw_body=b"{not json"), Reply(content="ok"))
    client = _client(server)
    with pytest.raises(Exception):  # noqa: B017 - which exception is the client's business
        _ask(client)
    assert _ask(client) == "ok"


def test_responder_exception_becomes_500(server):
    server.responder = lambda body: 1 / 0
    with pytest.raises(openai.InternalServerError, match="ZeroDivisionError"):
        _ask(_client(server))


# --- record / replay -------------------------------------------------------


def test_request_key_ignores_sampling_params_and_key_order():
    a = {"model": "m", "messages": [{"role": "user", "content": "å"}], "temperature": 0}
    b = {"messages": [{"content": "å", "role": "user"}], "model": "m", "stream": True}
    assert request_key(a) == request_key(b)
    assert request_key(a) != request_key({**a, "model": "other"})
    assert len(request_key(a)) == 64


def test_record_then_replay(server, tmp_path):
    server.script(Reply(content="svar ett"), Reply(content="svar två"))
    client = _client(server)
    answers = [_ask(client, "fråga ett"), _ask(client, "fråga två")]
    recordings = tmp_path / "rec" / "llm.jsonl"
    write_recordings(recordings, zip([r.body for r in server.requests], answers))
    assert len(recordings.read_text(encoding="utf-8").splitlines()) == 2
    assert not list(recordings.parent.glob("*.tmp"))

    replay = ReplayResponder(recordings)
    with FakeOpenAIServer(replay) as replay_server:
        client = _client(replay_server)
        assert _ask(client, "fråga två") == "svar två"
        assert _ask(client, "fråga ett") == "svar ett"
        with pytest.raises(openai.InternalServerError, match="no recording for this request"):
            _ask(client, "fråga tre")
    assert replay.misses == 1
