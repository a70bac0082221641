"""Everyday use of the LLM backends: a dry run that counts what the run sends, cache commands and
cache keys, the cache file's mode, and the settings on the command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.llm_fakes import answering, batch_of, labelled_by
from tests.llm_server import FakeOpenAIServer
from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.llm.cache import cache_key
from upphandlingsgranskare.llm.settings import LLMSettings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(str(p) for p in (ROOT / "corpora" / "samples").iterdir() if p.suffix in (".docx", ".pdf", ".xlsx"))


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "UPPHANDLINGSGRANSKARE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def dry_rows(stdout: str) -> dict[str, tuple[int, ...]]:
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0].startswith(str(ROOT / "corpora")) and len(parts) == 7:
            rows[parts[0]] = tuple(map(int, parts[1:]))
    return rows


def test_dry_run_counts_what_the_run_sends_with_the_label_model(tmp_path: Path) -> None:
    """The dry run goes through the run's own selection (the label model's confidence included)."""
    assert len(SAMPLES) == 4
    (tmp_path / "upphandlingsgranskare.toml").write_text(
        '[llm.prices]\n"m" = {input = 0.15, output = 0.6}\n', encoding="utf-8"
    )
    with FakeOpenAIServer(answering(labelled_by({}))) as server:
        args = [
            "review",
            *SAMPLES,
            "--backend",
            "hybrid",
            "--base-url",
            server.base_url,
            "--model",
            "m",
            "--no-cache",
            "--no-progress",
            "--config",
            str(tmp_path / "upphandlingsgranskare.toml"),
        ]
        dry = CliRunner().invoke(app, args + ["--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert server.requests == []
        run = CliRunner().invoke(app, args + ["-f", "json", "--max-fallbacks", "1000"])
    planned = dry_rows(dry.stdout)
    documents = json.loads(run.stdout)["documents"]
    assert len(planned) == len(documents) == 4
    per_document_requests = {}
    for document in documents:
        to_model, calls = planned[document["path"]][1], planned[document["path"]][3]
        assert (to_model, calls) == (document["llm"]["requirements_judged"], document["llm"]["requests"])
        per_document_requests[document["path"]] = calls
    assert sum(per_document_requests.values()) == len(server.chat_requests)
    assert sum(len(batch_of(r.body)["requirements"]) for r in server.chat_requests) == sum(
        row[1] for row in planned.values()
    )
    assert "USD" in dry.stdout and "[llm.prices]" in dry.stdout
    assert "the first request's data, redacted as it would be sent" in dry.stdout and '"requirements"' in dry.stdout


def test_dry_run_shows_the_payload_redacted(tmp_path: Path) -> None:
    doc = tmp_path / "krav.txt"
    doc.write_text(
        "# Krav\n\nK1 Systemet ska visa kontaktuppgifter till Anna Svensson, anna.svensson@kommun.se "
        "och 070-123 45 67.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["review", str(doc), "--backend", "llm", "--dry-run", "--base-url", "http://127.0.0.1:9/v1"]
    )
    assert result.exit_code == 0, result.output
    assert "[E-POST-1]" in result.stdout and "[TELEFON-1]" in result.stdout and "[NAMN-1]" in result.stdout
    assert "anna.svensson@kommun.se" not in result.stdout and "Anna Svensson" not in result.stdout


def test_cache_key_holds_endpoint_provider_temperature_and_output_mode() -> None:
    base = LLMSettings(base_url="http://127.0.0.1:8080/v1", model="m")
    item = {"id": "1", "text": "Systemet ska ha BankID."}
    key = cache_key(base, "review.v1", "sv", [], item)
    for change in (
        {"base_url": "http://127.0.0.1:11434/v1"},
        {"temperature": 0.7},
        {"structured_output": "json_object"},
        {"provider": "azure", "azure_endpoint": "https://x.openai.azure.com"},
    ):
        assert cache_key(base.model_copy(update=change), "review.v1", "sv", [], item) != key, change
    assert cache_key(base, "review.v1", "sv", [], {**item, "id": "7"}) == key  # batch ids are positions


def test_cache_file_is_private_and_the_cache_commands_show_and_clear_it(tmp_path: Path) -> None:
    doc = tmp_path / "krav.txt"
    doc.write_text("# Krav\n\nK1 Systemet ska ha stöd för inloggning med BankID.\n", encoding="utf-8")
    with FakeOpenAIServer(answering(labelled_by({}))) as server:
        result = CliRunner().invoke(
            app, ["review", str(doc), "--backend", "llm", "--base-url", server.base_url, "--model", "m"]
        )
    assert result.exit_code == 1, result.output
    cache = tmp_path / "cache" / "upphandlingsgranskare" / "llm-cache.sqlite"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    info = CliRunner().invoke(app, ["cache", "info"])
    assert info.exit_code == 0 and str(cache) in info.stdout and "1 svar / answers" in info.stdout
    assert "m  review.v" in info.stdout
    cleared = CliRunner().invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "1 svar borttagna / answers removed" in cleared.stdout
    assert "0 svar / answers" in CliRunner().invoke(app, ["cache", "info"]).stdout


def test_provider_timeout_and_batch_size_on_the_command_line(tmp_path: Path) -> None:
    doc = tmp_path / "krav.txt"
    doc.write_text(
        "# Krav\n\n" + "\n\n".join(f"K{n} Systemet ska ha funktion nummer {n} för export." for n in range(1, 6)) + "\n",
        encoding="utf-8",
    )
    with FakeOpenAIServer(answering(labelled_by({}))) as server:
        result = CliRunner().invoke(
            app,
            [
                "review",
                str(doc),
                "--backend",
                "llm",
                "--base-url",
                server.base_url,
                "--model",
                "m",
                "--provider",
                "openai",
                "--timeout",
                "7",
                "--batch-size",
                "2",
                "--structured-output",
                "json_object",
                "--no-cache",
            ],
        )
    assert result.exit_code == 1, result.output
    assert sorted(len(batch_of(r.body)["requirements"]) for r in server.chat_requests) == [1, 2, 2]
    assert {r.body["response_format"]["type"] for r in server.chat_requests} == {"json_object"}
