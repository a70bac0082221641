"""Bounded failure of the LLM path: 500, 429, garbage, refused and hanging endpoints keep every offline
finding, stop sending after a few requests (circuit breaker), respect the time budgets, end at once on
Ctrl-C, and say so in the exit code (3) and in a message that gives the reason."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.llm_fakes import answering, isolated_llm_settings, labelled_by, text_document
from tests.llm_server import FakeOpenAIServer, Reply
from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.llm.build import build_reviewer
from upphandlingsgranskare.llm.limits import Limits
from upphandlingsgranskare.options import ReviewOptions
from upphandlingsgranskare.review import review_document

ROOT = Path(__file__).resolve().parents[1]
KRAV = (
    "\n\n".join(
        ["# Krav", "## 4 Krav på lösningen"]
        + [
            f"K{n} Systemet ska {feature}."
            for n, feature in enumerate(
                [
                    "ha stöd för inloggning med BankID",
                    "kunna exportera ärendelistor till Excel",
                    "ha en mobilapp",
                    "ha en dashboard med nyckeltal",
                    "kunna skicka sms till sökande",
                    "kunna generera PDF-rapporter",
                    "ha en chattfunktion",
                    "stödja enkel inloggning (SSO)",
                    "ha en sökfunktion i fritext",
                    "kunna arkivera ärenden automatiskt",
                ],
                start=1,
            )
        ]
    )
    + "\n"
)
UG001_ONLY = ReviewOptions(select=frozenset({"UG001"}))


pytestmark = pytest.mark.usefixtures(isolated_llm_settings.__name__)  # no ambient key, endpoint or model


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    return text_document(tmp_path, KRAV)


def config(folder: Path, base_url: str, **extra) -> None:
    values = {
        "base_url": base_url,
        "model": "fake-model",
        "backoff": 0.001,
        "max_retries": 2,
        "batch_size": 1,
        "concurrency": 1,
        "timeout": 0.5,
        "cache": False,
        **extra,
    }
    lines = ['select = ["UG001"]', "[llm]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    (folder / "upphandlingsgranskare.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


FAULTS = {
    "500": lambda body: Reply(status=500),
    "429": lambda body: Reply(status=429, headers={"retry-after-ms": "1"}),
    "hang": lambda body: Reply(content="{}", delay=3),
}


@pytest.mark.parametrize("fault", ["500", "429", "hang", "refused"])
def test_a_failing_endpoint_keeps_the_offline_findings_stops_early_and_exits_3(
    doc: Path, tmp_path: Path, fault: str
) -> None:
    offline = {f.requirement_id for f in review_document(doc, None, UG001_ONLY).findings}
    assert len(offline) == 10
    server = FakeOpenAIServer(FAULTS.get(fault)).start()
    base_url = server.base_url
    if fault == "refused":
        server.close()
    try:
        config(tmp_path, base_url)
        result = CliRunner().invoke(
            app,
            [
                "review",
                str(doc),
                "--backend",
                "llm",
                "-f",
                "json",
                "--config",
                str(tmp_path / "upphandlingsgranskare.toml"),
            ],
        )
        sent = len(server.chat_requests)
    finally:
        server.close()
    assert result.exit_code == 3, result.output
    document = json.loads(result.stdout)["documents"][0]
    assert {f["requirement_id"] for f in document["findings"]} == offline
    assert {f["origin"] for f in document["findings"]} == {"rules-fallback"}
    usage = document["llm"]
    # 10 batches of one, up to 3 attempts each, would be 30 requests: the breaker stops after 3 in a row.
    assert usage["requests"] == (sent if fault != "refused" else usage["requests"]) <= 3
    assert usage["calls"] == 0 and usage["tokens_per_requirement"] is None and usage["fallbacks"] == 10
    assert "circuit breaker open after 3 failed requests in a row" in result.stderr
    assert "fell back to the rules result: " in result.stderr and "Exit 3" in result.stderr


def test_garbage_answers_fall_back_with_the_reason(doc: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(lambda body: Reply(content="I cannot help with that.")) as server:
        config(tmp_path, server.base_url, batch_size=10)
        result = CliRunner().invoke(
            app,
            [
                "review",
                str(doc),
                "--backend",
                "llm",
                "-f",
                "json",
                "--config",
                str(tmp_path / "upphandlingsgranskare.toml"),
            ],
        )
    assert result.exit_code == 3
    usage = json.loads(result.stdout)["documents"][0]["llm"]
    assert usage["requests"] == usage["calls"] == 2 and usage["repairs"] == 1  # one repair, then the rules
    assert "malformed answer after one repair attempt" in result.stderr


def test_max_fallbacks_allows_a_few(doc: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(answering(labelled_by({}))) as server:
        server.script(Reply(status=500))
        config(tmp_path, server.base_url, max_retries=0)
        args = [
            "review",
            str(doc),
            "--backend",
            "llm",
            "-f",
            "json",
            "--config",
            str(tmp_path / "upphandlingsgranskare.toml"),
        ]
        strict = CliRunner().invoke(app, args)
        server.script(Reply(status=500))
        lenient = CliRunner().invoke(app, args + ["--max-fallbacks", "1"])
    assert strict.exit_code == 3 and lenient.exit_code == 1  # one requirement fell back; findings otherwise


def test_the_run_budget_stops_sending(doc: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(answering(labelled_by({}))) as server:
        judge_settings = {"base_url": server.base_url, "model": "m", "cache": False, "run_budget": 1e-9}
        review = review_document(doc, build_reviewer("llm", overrides=judge_settings), UG001_ONLY)
    assert server.chat_requests == []
    assert review.llm.fallbacks == 10 and "LLM time budget spent" in review.llm.errors[0]


def test_limits_trip_the_breaker_and_spend_budgets_on_their_clock() -> None:
    now = [100.0]
    limits = Limits(breaker_after=2, run_seconds=50, document_seconds=20, clock=lambda: now[0])
    first = limits.document_deadline()
    assert first.budget == "document" and limits.spent(first) is None
    now[0] += 21
    assert "the document's" in limits.spent(first) or "dokumentets" in limits.spent(first)
    now[0] += 20
    second = limits.document_deadline()
    assert second.budget == "run" and second.at == 150.0  # the run's budget started with the first document
    limits.failed("timeout")
    limits.succeeded()
    limits.failed("timeout")
    assert limits.open is None  # not in a row
    limits.failed("timeout")
    assert "2 failed requests in a row" in limits.open


def test_ctrl_c_ends_the_review_at_once(doc: Path, tmp_path: Path) -> None:
    with FakeOpenAIServer(lambda body: Reply(content="{}", delay=60)) as server:
        config(tmp_path, server.base_url, timeout=60, max_retries=0, concurrency=2)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "UPPHANDLINGSGRANSKARE_"))}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "upphandlingsgranskare",
                "review",
                str(doc),
                "--backend",
                "llm",
                "--config",
                str(tmp_path / "upphandlingsgranskare.toml"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(600):  # the requests are in flight
                if len(server.chat_requests) >= 2 or process.poll() is not None:
                    break
                time.sleep(0.05)
            assert len(server.chat_requests) >= 2
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=15)  # not the 60 s the requests in flight would take
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130, stderr.decode()
    assert "interrupted" in stderr.decode()


def test_missing_llm_extra_is_a_clear_error(doc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_openai", None)  # as if the [llm] extra were not installed
    result = CliRunner().invoke(app, ["review", str(doc), "--backend", "hybrid", "--base-url", "http://127.0.0.1:9/v1"])
    assert result.exit_code == 2
    assert "pip install 'upphandlingsgranskare[llm]'" in result.stderr and "langchain-openai" in result.stderr


def test_offline_review_does_not_import_the_llm_packages(doc: Path) -> None:
    code = (
        "import sys, runpy; sys.argv = ['upphandlingsgranskare', 'review', sys.argv[1], '-f', 'json']\n"
        "try:\n    runpy.run_module('upphandlingsgranskare', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openai', 'langchain_openai', "
        "'langchain_core', 'tiktoken')), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(doc)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
