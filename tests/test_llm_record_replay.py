"""Record through RecordingProxy, replay with ReplayResponder, and the tests.llm_server command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pytest
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from tests.llm_server import (
    FakeOpenAIServer,
    RecordingProxy,
    ReplayResponder,
    Reply,
    read_recordings,
    request_key,
    write_recordings,
)

REPO = Path(__file__).resolve().parents[1]
UPSTREAM_KEY = "sk-upstream-secret-0123456789"
CLIENT_KEY = "sk-client-key"


class Echo(BaseModel):
    length: int
    echo: str


def _last_user_text(body: dict) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1]["content"] if users else ""
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content


def _echo_responder(body: dict) -> Reply:
    """Upstream 'model': the answer depends on the request."""
    text = _last_user_text(body)
    return Reply(
        content=json.dumps({"length": len(text), "echo": text[:20]}), prompt_tokens=len(text), completion_tokens=5
    )


def _client(server: FakeOpenAIServer, key: str = CLIENT_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key=key, max_retries=0)


def _ask(client: openai.OpenAI, text: str, **kwargs) -> str | None:
    resp = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": text}], **kwargs)
    return resp.choices[0].message.content


TOOL = {
    "type": "function",
    "function": {
        "name": "Echo",
        "description": "echo",
        "parameters": {
            "type": "object",
            "properties": {"length": {"type": "integer"}, "echo": {"type": "string"}},
            "required": ["length", "echo"],
        },
    },
}


def _tool_args(client: openai.OpenAI, text: str) -> str:
    resp = client.chat.completions.create(
        model="gpt-test",
        messages=[{"role": "user", "content": text}],
        tools=[TOOL],
        tool_choice={"type": "function", "function": {"name": "Echo"}},
    )
    (call,) = resp.choices[0].message.tool_calls
    assert call.function.name == "Echo"
    return call.function.arguments


def _stream_text(client: openai.OpenAI, text: str) -> str:
    stream = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": text}], stream=True)
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


def _structured(server: FakeOpenAIServer, text: str) -> Echo:
    llm = ChatOpenAI(model="gpt-test", base_url=server.base_url, api_key=CLIENT_KEY, max_retries=0)
    return llm.with_structured_output(Echo, method="json_schema").invoke(text)


@pytest.fixture
def upstream():
    with FakeOpenAIServer(_echo_responder) as srv:
        yield srv


@pytest.fixture
def proxy(upstream):
    with RecordingProxy(upstream.base_url, UPSTREAM_KEY, timeout=10) as rec:
        yield rec


def test_record_then_replay_chain(upstream, proxy, tmp_path):
    with FakeOpenAIServer(proxy) as proxy_server:
        client = _client(proxy_server)
        usage = client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "hej hopp"}]
        ).usage
        plain = [_ask(client, "hej hopp"), _ask(client, "en längre fråga om krav")]
        streamed = _stream_text(client, "strömmad fråga")
        tool_args = _tool_args(client, "verktyg")
        structured = _structured(proxy_server, "strukturerad")
        # Concurrent requests, all recorded.
        texts = [f"parallell {i}" * (i + 1) for i in range(8)]
        with ThreadPoolExecutor(4) as pool:
            parallel = list(pool.map(lambda t: _ask(client, t), texts))

    # The proxy passed the upstream's answers and usage on.
    assert (usage.prompt_tokens, usage.completion_tokens) == (len("hej hopp"), 5)
    assert json.loads(plain[1]) == {"length": len("en längre fråga om krav"), "echo": "en längre fråga om k"}
    assert json.loads(streamed) == {"length": len("strömmad fråga"), "echo": "strömmad fråga"}
    assert json.loads(tool_args) == {"length": 7, "echo": "verktyg"}
    assert structured == Echo(length=len("strukturerad"), echo="strukturerad")
    assert [json.loads(a)["length"] for a in parallel] == [len(t) for t in texts]

    # Bodies are forwarded unchanged (bar the stream flags), with the upstream key only.
    forwarded = upstream.chat_requests
    assert len(forwarded) == len(proxy.recordings) == 14
    assert {r.headers["authorization"] for r in forwarded} == {f"Bearer {UPSTREAM_KEY}"}
    assert all("stream" not in r.body and "stream_options" not in r.body for r in forwarded)
    structured_body = next(r.body for r in forwarded if r.body.get("response_format"))
    assert structured_body["response_format"]["type"] == "json_schema"
    assert structured_body["response_format"]["json_schema"]["name"] == "Echo"
    assert {request_key(r.body) for r in forwarded} == {request_key(b) for b, _ in proxy.recordings}

    recordings = tmp_path / "rec" / "llm.jsonl"
    total = proxy.save(recordings)
    assert total == 13  # "hej hopp" was asked twice: one key
    raw = recordings.read_text(encoding="utf-8")
    assert UPSTREAM_KEY not in raw and CLIENT_KEY not in raw
    assert not list(recordings.parent.glob("*.tmp"))

    replay = ReplayResponder(recordings)
    with FakeOpenAIServer(replay) as replay_server:
        client = _client(replay_server)
        assert [_ask(client, "hej hopp"), _ask(client, "en längre fråga om krav")] == plain
        assert _stream_text(client, "strömmad fråga") == streamed
        assert _tool_args(client, "verktyg") == tool_args
        assert _structured(replay_server, "strukturerad") == structured
        assert [_ask(client, t) for t in texts] == parallel
    assert replay.misses == 0


def test_upstream_error_is_passed_through_and_not_recorded(upstream, proxy, tmp_path):
    upstream.script(Reply(status=429, error_message="slow down"), Reply(status=400, error_message="bad request"))
    with FakeOpenAIServer(proxy) as proxy_server:
        client = _client(proxy_server)
        with pytest.raises(openai.RateLimitError, match="slow down"):
            _ask(client, "fråga")
        with pytest.raises(openai.BadRequestError, match="bad request"):
            _ask(client, "fråga")
        assert json.loads(_ask(client, "fråga"))["length"] == len("fråga")
    assert proxy.errors == 2
    assert len(proxy.recordings) == 1
    out = tmp_path / "llm.jsonl"
    assert proxy.save(out) == 1
    ((body, content),) = read_recordings(out)
    assert _last_user_text(body) == "fråga" and json.loads(content)["length"] == len("fråga")


def test_unreachable_upstream_is_a_502(tmp_path):
    with FakeOpenAIServer() as dead:
        url = dead.base_url
    with (
        RecordingProxy(url, None, timeout=2) as rec,
        FakeOpenAIServer(rec) as proxy_server,
        pytest.raises(openai.InternalServerError, match="upstream request failed"),
    ):
        _ask(_client(proxy_server), "hej")
    assert rec.recordings == []


def test_save_merges_with_existing_file_newest_wins(tmp_path):
    out = tmp_path / "llm.jsonl"
    old_a = {"model": "m", "messages": [{"role": "user", "content": "a"}]}
    old_b = {"model": "m", "messages": [{"role": "user", "content": "b"}]}
    write_recordings(out, [(old_a, "old a"), (old_b, "old b")])

    answers = iter(["new b", "c"])
    with (
        FakeOpenAIServer(lambda body: Reply(content=next(answers))) as up,
        RecordingProxy(up.base_url, "k") as rec,
        FakeOpenAIServer(rec) as proxy_server,
    ):
        client = _client(proxy_server)
        for text in ("b", "c"):
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": text}], temperature=0.3)
        assert rec.save(out) == 3
    by_text = {_last_user_text(body): content for body, content in read_recordings(out)}
    assert by_text == {"a": "old a", "b": "new b", "c": "c"}
    assert ReplayResponder(out).recordings[request_key(old_b)] == "new b"


def _start_cli(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.llm_server", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # Read the URL line on a thread so a broken start-up fails the test instead of hanging it.
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=10)
    if not line or not line[0].startswith("http://"):
        proc.kill()
        _out, err = proc.communicate(timeout=5)
        pytest.fail(f"server did not print its URL: {line!r}\n{err}")
    return proc, line[0].strip()


def _stop_cli(proc: subprocess.Popen) -> tuple[int, str]:
    proc.terminate()
    try:
        _out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("server did not exit on SIGTERM")
    return proc.returncode, err


def test_cli_replay(tmp_path):
    recordings = tmp_path / "llm.jsonl"
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "hej"}]}
    write_recordings(recordings, [(body, "hej från inspelningen")])

    proc, base_url = _start_cli("replay", str(recordings), "--port", "0")
    try:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        client = openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
        assert _ask(client, "hej") == "hej från inspelningen"
    finally:
        code, err = _stop_cli(proc)
    assert code == 0, err
    assert "0 misses" in err, err


def test_cli_replay_reports_misses(tmp_path):
    recordings = tmp_path / "llm.jsonl"
    write_recordings(recordings, [])
    proc, base_url = _start_cli("replay", str(recordings))
    try:
        with pytest.raises(openai.InternalServerError):
            _ask(openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0), "hej")
    finally:
        code, err = _stop_cli(proc)
    assert code == 0, err
    assert "1 misses" in err, err


def test_cli_record(upstream, tmp_path):
    out = tmp_path / "llm.jsonl"
    env = {**os.environ, "LLM_SERVER_TEST_KEY": UPSTREAM_KEY}
    proc, base_url = _start_cli(
        "record", "--upstream", upstream.base_url, "--out", str(out), "--api-key-env", "LLM_SERVER_TEST_KEY", env=env
    )
    try:
        client = openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
        answer = _ask(client, "inspelad fråga")
    finally:
        code, err = _stop_cli(proc)
    assert code == 0, err
    assert "saved 1 recordings" in err, err
    ((body, content),) = read_recordings(out)
    assert content == answer and _last_user_text(body) == "inspelad fråga"
    assert upstream.chat_requests[0].headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert UPSTREAM_KEY not in out.read_text(encoding="utf-8")
