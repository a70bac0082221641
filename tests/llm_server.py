"""A scriptable OpenAI-compatible HTTP server for tests.

Tests point the real ``openai`` / ``langchain_openai`` clients at it, so the
whole HTTP path (retries, time-outs, error mapping, structured output parsing,
streaming) is exercised without network access or API keys.

    with FakeOpenAIServer() as server:
        server.script(Reply(status=429), Reply(content="hej"))
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
        ...

Standard library only, so it works in any environment the tests run in
(:class:`RecordingProxy` additionally needs ``httpx``, imported lazily).

It can also run stand-alone, from the repository root:

    python -m tests.llm_server replay FILE [--port N] [--host 127.0.0.1]
    python -m tests.llm_server record --upstream URL --out FILE [--port N]
                                      [--host 127.0.0.1] [--api-key-env NAME]

Both print the server's base URL (for ``base_url=`` / ``OPENAI_BASE_URL``) on
one stdout line and serve until Ctrl-C or SIGTERM. ``replay`` then reports its
misses on stderr; ``record`` saves what it recorded to FILE (merged with the
records already there) and reports how many.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "FakeOpenAIServer",
    "RecordedRequest",
    "RecordingProxy",
    "Reply",
    "ReplayResponder",
    "Responder",
    "read_recordings",
    "request_key",
    "write_recordings",
]

FAKE_MODEL = "fake-model"


@dataclass
class Reply:
    """One scripted answer to a chat completion request."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0
    # A value of None suppresses a header the server would add by default
    # (e.g. {"retry-after-ms": None} to test the client's own back-off).
    headers: dict[str, str | None] = field(default_factory=dict)
    raw_body: bytes | None = None
    error_message: str = "scripted error"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


Responder = Callable[[dict], Reply]


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: dict[str, str]  # lower-case keys
    body: dict | None  # parsed JSON, None for GET or an unparseable body


# --------------------------------------------------------------------------
# record / replay


def request_key(body: dict) -> str:
    """Stable key of the parts of a request that determine the answer.

    Sampling parameters, stream flags etc. are left out on purpose so a
    recording survives harmless client-side changes.
    """
    subset = {k: body.get(k) for k in ("model", "messages", "response_format", "tools")}
    canonical = json.dumps(subset, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ReplayResponder:
    """Answers requests from a JSONL file written by :func:`write_recordings`."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.recordings: dict[str, str] = {}
        self.misses = 0
        self._lock = threading.Lock()
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    self.recordings[record["key"]] = record["content"]

    def __call__(self, body: dict) -> Reply:
        key = request_key(body)
        if key in self.recordings:
            return Reply(content=self.recordings[key])
        with self._lock:  # responders run on the server's handler threads
            self.misses += 1
        return Reply(status=500, error_message=f"no recording for this request (key {key})")


def read_recordings(path: str | os.PathLike[str]) -> list[tuple[dict, str]]:
    """The (request body, content) pairs of a file written by :func:`write_recordings`."""
    pairs: list[tuple[dict, str]] = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                pairs.append((record["request"], record["content"]))
    return pairs


class RecordingProxy:
    """Responder forwarding every request to a real OpenAI-compatible API and recording the answers.

    Put it in a :class:`FakeOpenAIServer` and point clients at that server:
    each chat completions body goes unchanged (except that streaming requests
    are made non-streaming; the fake server streams the answer itself) to
    ``POST {upstream}/chat/completions``. Successful answers are recorded as
    (request body, content) pairs; :meth:`save` writes them for
    :class:`ReplayResponder`. For an answer with tool calls the first call's
    arguments string is recorded as the content, which the fake server turns
    back into a tool call when the request forces a tool (``tool_choice``).
    Upstream errors are passed through and not recorded. The upstream API key
    only ever goes into the ``Authorization`` header, never into recordings.

    Thread-safe: the server calls it from one thread per connection.
    """

    def __init__(self, upstream: str, api_key: str | None, *, timeout: float = 120.0):
        import httpx  # only the proxy needs it; the rest of the module is stdlib-only

        self.upstream = upstream.rstrip("/")
        self.url = f"{self.upstream}/chat/completions"
        headers = {"content-type": "application/json", "accept": "application/json"}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        self._httpx = httpx
        self._client = httpx.Client(timeout=timeout, headers=headers)
        self._lock = threading.Lock()
        self._recordings: list[tuple[dict, str]] = []
        self.errors = 0  # upstream failures passed on to the client

    @property
    def recordings(self) -> list[tuple[dict, str]]:
        """(request body, content) pairs recorded so far, oldest first (a copy)."""
        with self._lock:
            return list(self._recordings)

    def __call__(self, body: dict) -> Reply:
        original = copy.deepcopy(body)
        forwarded = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
        try:
            resp = self._client.post(self.url, json=forwarded)
        except self._httpx.HTTPError as exc:
            return self._error(502, f"upstream request failed: {type(exc).__name__}: {exc}")
        if resp.status_code >= 400:
            headers = {k: resp.headers[k] for k in ("retry-after", "retry-after-ms") if k in resp.headers}
            return self._error(resp.status_code, _upstream_error_message(resp), headers)
        try:
            data = resp.json()
            message = data["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            return self._error(502, f"unexpected upstream answer: {resp.text[:500]}")
        tool_calls = message.get("tool_calls") or []
        if tool_calls:
            content = (tool_calls[0].get("function") or {}).get("arguments") or ""
        else:
            content = message.get("content") or ""
        usage = data.get("usage") or {}
        with self._lock:
            self._recordings.append((original, content))
        return Reply(
            content=content, prompt_tokens=usage.get("prompt_tokens"), completion_tokens=usage.get("completion_tokens")
        )

    def _error(self, status: int, message: str, headers: dict[str, str | None] | None = None) -> Reply:
        with self._lock:
            self.errors += 1
        return Reply(status=status, error_message=message, headers=dict(headers or {}))

    def save(self, path: str | os.PathLike[str]) -> int:
        """Write the recordings to ``path``, merged with the records already there.

        For the same :func:`request_key` the newest answer wins. Returns the
        number of records in the file.
        """
        path = Path(path)
        merged: dict[str, tuple[dict, str]] = {}
        if path.exists():
            for body, content in read_recordings(path):
                merged[request_key(body)] = (body, content)
        for body, content in self.recordings:
            merged.pop(request_key(body), None)  # so the newest also comes last in the file
            merged[request_key(body)] = (body, content)
        write_recordings(path, merged.values())
        return len(merged)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _upstream_error_message(resp: Any) -> str:
    try:
        message = resp.json()["error"]["message"]
        if isinstance(message, str) and message:
            return message
    except (ValueError, KeyError, TypeError):
        pass
    return resp.text[:500] or f"upstream answered {resp.status_code}"


def write_recordings(path: str | os.PathLike[str], pairs: Iterable[tuple[dict, str]]) -> None:
    """Write (request body, content) pairs as JSONL, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Temp file in the same directory so os.replace is an atomic rename and a
    # crash never leaves a half-written recording behind.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for body, content in pairs:
                record = {"key": request_key(body), "request": body, "content": content}
                fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------
# response bodies

_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


def _error_body(status: int, message: str) -> bytes:
    err_type, code = _ERROR_TYPES.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    return json.dumps({"error": {"message": message, "type": err_type, "param": None, "code": code}}).encode()


def _text_of(messages: Any) -> str:
    """All text in the request's messages (content may be a list of parts)."""
    parts: list[str] = []
    for msg in messages or []:
        content = msg.get("content") if isinstance(msg, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(p.get("text", "") for p in content if isinstance(p, dict))
    return "".join(parts)


def _tool_name(body: dict) -> str | None:
    """Name of the tool to 'call', or None when a plain text answer is wanted."""
    tools, choice = body.get("tools"), body.get("tool_choice")
    if not tools or choice is None or choice == "none":
        return None
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if name:
            return name
    return tools[0].get("function", {}).get("name")


def _usage(body: dict, reply: Reply) -> dict[str, int]:
    prompt = reply.prompt_tokens if reply.prompt_tokens is not None else len(_text_of(body.get("messages"))) // 4
    completion = reply.completion_tokens if reply.completion_tokens is not None else len(reply.content or "") // 4
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


# --------------------------------------------------------------------------
# HTTP plumbing


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (time-out tests, shutdown) are expected; anything
        # else is a bug in this module and should stay visible.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API; httpx pools connections
    # Headers and body go out in separate writes; with Nagle on, the second
    # waits for the client's delayed ACK (~40 ms per request).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track(self.connection, add=False)

    # -- dispatch ---------------------------------------------------------

    def do_GET(self) -> None:
        path, _query = self._record(None)
        if path.rstrip("/") in ("/v1/models", "/openai/v1/models", "/openai/models"):
            models = {
                "object": "list",
                "data": [{"id": FAKE_MODEL, "object": "model", "created": 0, "owned_by": "fake"}],
            }
            self._send(200, json.dumps(models).encode())
        else:
            self._send(404, _error_body(404, f"unknown path {path}"))

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path, _query = self._record(body)

        model = self._chat_model(path, body)
        if model is None:
            self._send(404, _error_body(404, f"unknown path {path}"))
            return
        if not isinstance(body, dict):
            self._send(400, _error_body(400, "request body is not a JSON object"))
            return

        reply = fake._next_reply(body)
        if reply.delay > 0 and fake._stopping.wait(reply.delay):
            self.close_connection = True  # server is shutting down: just drop it
            return
        self._answer(reply, body, model)

    def _chat_model(self, path: str, body: Any) -> str | None:
        """The model name to echo for a chat completions path, None for other paths."""
        requested = body.get("model") if isinstance(body, dict) else None
        if path in ("/v1/chat/completions", "/openai/v1/chat/completions"):
            return requested or FAKE_MODEL
        parts = path.strip("/").split("/")
        if len(parts) == 5 and parts[:2] == ["openai", "deployments"] and parts[3:] == ["chat", "completions"]:
            return parts[2]  # Azure answers with the deployment's model
        return None

    def _record(self, body: dict | None) -> tuple[str, dict[str, str]]:
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.fake._add_request(RecordedRequest(self.command, split.path, query, headers, body))
        return split.path, query

    # -- responses --------------------------------------------------------

    def _answer(self, reply: Reply, body: dict, model: str) -> None:
        extra = dict(reply.headers)
        if reply.raw_body is not None:
            self._send(reply.status, reply.raw_body, extra)
        elif reply.status >= 400:
            # Retryable statuses get a 1 ms retry-after so the openai client's
            # retries don't sleep its default 0.5-8 s back-off in tests.
            if reply.status in (408, 409, 429) or reply.status >= 500:
                extra.setdefault("retry-after-ms", "1")
            self._send(reply.status, _error_body(reply.status, reply.error_message), extra)
        elif body.get("stream"):
            self._stream(reply, body, model, extra)
        else:
            self._send(reply.status, json.dumps(self._completion(reply, body, model)).encode(), extra)

    def _completion(self, reply: Reply, body: dict, model: str) -> dict:
        tool = _tool_name(body)
        if tool:
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": tool, "arguments": reply.content or ""}}
                ],
            }
        else:
            message = {"role": "assistant", "content": reply.content}
        message["refusal"] = None
        return {
            "id": self.server.fake._new_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {"index": 0, "message": message, "logprobs": None, "finish_reason": "tool_calls" if tool else "stop"}
            ],
            "usage": _usage(body, reply),
        }

    def _stream(self, reply: Reply, body: dict, model: str, extra: dict[str, str | None]) -> None:
        ident, created = self.server.fake._new_id(), int(time.time())
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict, finish: str | None = None, *, usage: dict | None = None, choices: bool = True) -> dict:
            out: dict[str, Any] = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model}
            out["choices"] = (
                [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}] if choices else []
            )
            if include_usage:
                out["usage"] = usage
            return out

        text = reply.content or ""
        # A few pieces rather than one, so clients really have to concatenate.
        step = max(1, -(-len(text) // 3))
        pieces = [text[i : i + step] for i in range(0, len(text), step)] or [""]
        tool = _tool_name(body)
        events = [chunk({"role": "assistant", "content": None if tool else ""})]
        for i, piece in enumerate(pieces):
            if tool:
                call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
                if i == 0:
                    call.update(id="call_1", type="function")
                    call["function"]["name"] = tool
                events.append(chunk({"tool_calls": [call]}))
            else:
                events.append(chunk({"content": piece}))
        events.append(chunk({}, "tool_calls" if tool else "stop"))
        if include_usage:
            events.append(chunk({}, usage=_usage(body, reply), choices=False))

        self._start(200, {"content-type": "text/event-stream", "transfer-encoding": "chunked", **extra})
        for event in events:
            self._write_chunk(b"data: " + json.dumps(event).encode() + b"\n\n")
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")  # terminating zero-length chunk

    def _start(self, status: int, headers: dict[str, str | None]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if value is not None:
                self.send_header(name, value)
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))

    def _send(self, status: int, payload: bytes, extra: dict[str, str | None] | None = None) -> None:
        headers: dict[str, str | None] = {"content-type": "application/json", "x-request-id": "req_fake"}
        headers.update({k.lower(): v for k, v in (extra or {}).items()})
        headers["content-length"] = str(len(payload))
        self._start(status, headers)
        self.wfile.write(payload)


class FakeOpenAIServer:
    """OpenAI-compatible server on 127.0.0.1 with scripted replies. Use as a context manager.

    ``port=0`` (the default) picks a free port; see :attr:`port` once started.
    """

    def __init__(self, responder: Responder | None = None, *, port: int = 0, host: str = "127.0.0.1"):
        self.responder = responder
        self.host = host
        self.requested_port = port
        self.requests: list[RecordedRequest] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._ids = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        if self._httpd is not None:
            raise RuntimeError("server already started")
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self.requested_port), _Handler)
        self._httpd.fake = self
        # Short poll interval: shutdown() waits for the next poll, and every
        # test starts and stops its own server.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wake handlers sleeping on a Reply.delay
        httpd.shutdown()
        # Keep-alive handler threads block reading the next request; shutting
        # their sockets down lets them exit instead of lingering.
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def root_url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    # -- scripting --------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the chat completion requests (what replies were consumed by)."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _next_reply(self, body: dict) -> Reply:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        if scripted is not None:
            return scripted
        if self.responder is None:
            return Reply(status=500, error_message="no scripted reply left")
        try:
            return self.responder(body)
        except Exception as exc:  # surface responder bugs to the client, not a hung request
            return Reply(status=500, error_message=f"responder raised {type(exc).__name__}: {exc}")

    # -- used by the handler ----------------------------------------------

    def _add_request(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            (self._connections.add if add else self._connections.discard)(conn)

    def _new_id(self) -> str:
        with self._lock:
            self._ids += 1
            return f"chatcmpl-fake{self._ids}"


# --------------------------------------------------------------------------
# command line


def _serve_until_stopped(server: FakeOpenAIServer) -> None:
    """Print the base URL, then block until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(server.base_url, flush=True)
        while not stop.wait(0.2):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.llm_server",
        description="Fake OpenAI-compatible server: replay recorded answers, or record them from a real API.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    replay = sub.add_parser("replay", help="serve the answers recorded in FILE")
    replay.add_argument("file", metavar="FILE", help="JSONL recordings")

    record = sub.add_parser("record", help="proxy to a real API and record its answers")
    record.add_argument("--upstream", required=True, help="upstream base URL, e.g. https://api.openai.com/v1")
    record.add_argument("--out", required=True, metavar="FILE", help="JSONL file to save (merge) recordings into")
    record.add_argument(
        "--api-key-env",
        default="OPENAI_API_KEY",
        metavar="NAME",
        help="environment variable holding the upstream API key",
    )
    record.add_argument("--timeout", type=float, default=120.0, help="upstream time-out in seconds (default 120)")

    for p in (replay, record):
        p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")

    args = parser.parse_args(argv)

    if args.command == "replay":
        responder = ReplayResponder(args.file)
        with FakeOpenAIServer(responder, port=args.port, host=args.host) as server:
            _serve_until_stopped(server)
        print(f"replay: {len(responder.recordings)} recordings, {responder.misses} misses", file=sys.stderr, flush=True)
        return 0

    api_key = os.environ.get(args.api_key_env)
    if not api_key:
        print(f"record: ${args.api_key_env} is not set; calling the upstream without an API key", file=sys.stderr)
    with RecordingProxy(args.upstream, api_key, timeout=args.timeout) as proxy:
        with FakeOpenAIServer(proxy, port=args.port, host=args.host) as server:
            _serve_until_stopped(server)
        recorded = len(proxy.recordings)
        total = proxy.save(args.out)
    print(
        f"record: saved {recorded} recordings to {args.out} ({total} in file, {proxy.errors} upstream errors)",
        file=sys.stderr,
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
