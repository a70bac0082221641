"""``eval --backend llm|hybrid`` on the test split, against the OpenAI-compatible server on 127.0.0.1.

No real model is reachable here, so the server plays a scripted model that knows the gold
labels and is wrong on purpose for a fixed share of items (a wrong label, or a quote that is not
in the requirement). The harness must score exactly what the script implies: scripted labels
where the answer is grounded, the rules' label (origin rules-fallback) where it is not. The
answers are recorded through a proxy and replayed, and the replay must give the same predictions.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.llm_fakes import answering, judgement
from tests.llm_server import FakeOpenAIServer
from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.evaluation.backends import predict_rules
from upphandlingsgranskare.evaluation.gold import load_items
from upphandlingsgranskare.evaluation.run import EvalParams, run_eval
from upphandlingsgranskare.llm.evidence import reason_in_quote
from upphandlingsgranskare.llm.injection import first_instruction
from upphandlingsgranskare.llm.prompts import PromptItem
from upphandlingsgranskare.llm.settings import resolve_settings

ROOT = Path(__file__).resolve().parents[1]
TEST_SPLIT = ROOT / "eval" / "gold" / "test.jsonl"
OTHER = {
    "feature_without_need": "feature_with_need",
    "feature_with_need": "feature_without_need",
    "need": "feature_without_need",
    "out_of_scope": "feature_without_need",
}


def _bucket(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 10


def scripted_answer(gold_label: str, text: str) -> tuple[str, bool]:
    """(label the scripted model gives, whether its quote is grounded): 10% wrong, 10% ungrounded."""
    bucket = _bucket(text)
    return (OTHER[gold_label] if bucket == 0 else gold_label), bucket != 1


def expected(item, rules, language: str) -> tuple[str, str]:
    """(label, origin) the harness must score for an item the model was asked about. A rules flag is
    cleared only by a quote that carries a reason; the scripted quote is the item's first four words."""
    label, grounded = scripted_answer(item.label, item.text)
    if not grounded:
        return rules.predicted_label, "rules-fallback"
    quote = " ".join(item.text.split()[:4])
    prompt_item = PromptItem(id="1", text=item.text, rationale=item.context.rationale or None)
    if (
        rules.flagged
        and label != "feature_without_need"
        and (
            first_instruction(prompt_item.sources())
            or reason_in_quote(quote, prompt_item, item.context.goals, language) is None
        )
    ):
        return rules.predicted_label, "rules"
    return label, "llm"


def scripted_model(items):
    labels = {item.text: item.label for item in items}

    def decide(item: dict) -> dict:
        label, grounded = scripted_answer(labels[item["text"]], item["text"])
        return judgement(item, label, quote=None if grounded else "text that is not in the requirement")

    return answering(decide)


@pytest.fixture(autouse=True)
def _llm_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("OPENAI_BASE_URL", "UPPHANDLINGSGRANSKARE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-eval-test")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def run(backend: str, server: FakeOpenAIServer, predictions: Path, **options) -> dict:
    out, err = io.StringIO(), io.StringIO()
    llm = resolve_settings(
        overrides={"base_url": server.base_url, "model": "scripted", "batch_size": 16, "backoff": 0.001, **options}
    )
    code = run_eval(
        [TEST_SPLIT],
        EvalParams(
            backend=backend, predictions=predictions, fmt="json", llm=llm, max_fallbacks=len(load_items(TEST_SPLIT))
        ),  # 10% ungrounded quotes fall back
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def read_predictions(path: Path) -> dict[str, dict]:
    return {p["id"]: p for p in map(json.loads, path.read_text("utf-8").splitlines())}


def test_llm_backend_scores_exactly_what_the_model_answered(tmp_path: Path) -> None:
    items = load_items(TEST_SPLIT)
    rules = {p.id: p for p in predict_rules(items)}
    with FakeOpenAIServer(scripted_model(items)) as server:
        report = run("llm", server, tmp_path / "p.jsonl")
    predictions = read_predictions(tmp_path / "p.jsonl")
    assert len(predictions) == len(items) == 483
    for item in items:
        got = predictions[item.id]
        assert (got["predicted_label"], got["origin"]) == expected(item, rules[item.id], item.reader_language), item.id
        assert got["flagged"] == (got["predicted_label"] == "feature_without_need")
    assert report["backend"].startswith("llm model=scripted endpoint=127.0.0.1:")
    assert report["figures"]["all.flagged.f1"] > 0.8  # ~10% wrong labels, ~10% rules fallbacks


def test_hybrid_backend_asks_only_about_uncertain_and_flagged_items(tmp_path: Path) -> None:
    items = load_items(TEST_SPLIT)
    rules = {p.id: p for p in predict_rules(items)}
    with FakeOpenAIServer(scripted_model(items)) as server:
        run("hybrid", server, tmp_path / "p.jsonl")
        sent = sum(
            len(json.loads(r.body["messages"][-1]["content"].split("```json\n")[1].rsplit("\n```")[0])["requirements"])
            for r in server.chat_requests
        )
    predictions = read_predictions(tmp_path / "p.jsonl")
    asked = [i for i in items if rules[i.id].flagged or (rules[i.id].confidence or 0) < 0.85]
    assert sent == len(asked) < len(items)
    for item in items:
        got = predictions[item.id]
        if item not in asked:
            assert (got["predicted_label"], got["origin"]) == (rules[item.id].predicted_label, "rules")
        else:
            assert (got["predicted_label"], got["origin"]) == expected(item, rules[item.id], item.reader_language), (
                item.id
            )


def test_eval_command_with_an_llm_backend(tmp_path: Path) -> None:
    items = load_items(TEST_SPLIT)
    with FakeOpenAIServer(scripted_model(items)) as server:
        result = CliRunner().invoke(
            app,
            [
                "eval",
                "--gold",
                str(TEST_SPLIT),
                "--backend",
                "hybrid",
                "--base-url",
                server.base_url,
                "--model",
                "scripted",
                "--max-errors",
                "3",
                "--max-fallbacks",
                "100",
            ],
        )
    assert result.exit_code == 0, result.output
    assert "hybrid" in result.stdout and "F1" in result.stdout
    assert "LLM: modell / model scripted @ 127.0.0.1:" in result.stdout and "prompt review.v2" in result.stdout


def test_eval_against_a_dead_endpoint_fails_and_says_why(tmp_path: Path) -> None:
    """Nothing listening: not exit 0 with the rules' figures under "backend llm"."""
    with FakeOpenAIServer() as server:
        dead = server.base_url  # closed on leaving the block: connections are refused
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--gold",
            str(TEST_SPLIT),
            "--backend",
            "llm",
            "--base-url",
            dead,
            "--model",
            "m",
            "--no-cache",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 3, result.output
    record = json.loads(result.stdout)["llm"]
    assert record["fallbacks"] == record["requirements_judged"] == 483 and record["calls"] == 0
    assert record["requests"] >= 1 and "circuit breaker" in " ".join(record["errors"])
    assert "the figures are not the model's" in result.stderr and "ConnectionError" in result.stderr


def test_eval_records_the_model_in_output_and_baseline_key(tmp_path: Path) -> None:
    items = load_items(TEST_SPLIT)
    baseline = tmp_path / "baseline.json"
    with FakeOpenAIServer(scripted_model(items)) as server:
        for model in ("model-a", "model-b"):
            out, err = io.StringIO(), io.StringIO()
            llm = resolve_settings(overrides={"base_url": server.base_url, "model": model, "batch_size": 16})
            code = run_eval(
                [TEST_SPLIT],
                EvalParams(
                    backend="hybrid", baseline=baseline, update_baseline=True, fmt="json", max_fallbacks=500, llm=llm
                ),
                out=out,
                err=err,
            )
            assert code == 0, err.getvalue()
            record = json.loads(out.getvalue())["llm"]
            assert record["model"] == model and record["endpoint_host"].startswith("127.0.0.1:")
            assert record["prompt"] == "review.v2" and record["prompt_tokens"] > 0 and record["rejected_quotes"] > 0
    keys = list(json.loads(baseline.read_text("utf-8"))["runs"])
    assert len(keys) == 2 and any("model=model-a" in k for k in keys) and any("model=model-b" in k for k in keys)


def test_eval_with_an_llm_backend_and_no_endpoint_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    result = CliRunner().invoke(app, ["eval", "--gold", str(TEST_SPLIT), "--backend", "llm"])
    assert result.exit_code == 2 and "no LLM endpoint is configured" in result.output


def test_recorded_answers_replay_to_the_same_predictions(tmp_path: Path) -> None:
    """CI's replay mode: answers recorded through the proxy are served again without the model."""
    from tests.llm_server import RecordingProxy, ReplayResponder

    items = load_items(TEST_SPLIT)
    recordings = tmp_path / "hybrid-test.jsonl"
    with (
        FakeOpenAIServer(scripted_model(items)) as upstream,
        RecordingProxy(upstream.base_url, "sk-upstream") as proxy,
        FakeOpenAIServer(proxy) as recorder,
    ):
        live = run("hybrid", recorder, tmp_path / "live.jsonl", cache=False)
        proxy.save(recordings)
    replay = ReplayResponder(recordings)
    with FakeOpenAIServer(replay) as server:
        replayed = run("hybrid", server, tmp_path / "replayed.jsonl", cache=False)
    assert replay.misses == 0
    assert read_predictions(tmp_path / "live.jsonl") == read_predictions(tmp_path / "replayed.jsonl")
    assert live["figures"] == replayed["figures"]
    assert "sk-upstream" not in recordings.read_text("utf-8")
