"""The evaluation harness: metrics, gold-file errors, baselines, predictions, the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from upphandlingsgranskare.evaluation import baseline as baselines
from upphandlingsgranskare.evaluation.backends import infer_table_row, predict_rules
from upphandlingsgranskare.evaluation.gold import GoldFileError, GoldItem, load_items
from upphandlingsgranskare.evaluation.metrics import binary_scores, wilson
from upphandlingsgranskare.evaluation.run import EvalParams, run_eval


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


ITEMS = [
    {
        "id": "a1",
        "lang": "sv",
        "text": "Systemet ska ha stöd för inloggning med SITHS-kort.",
        "label": "feature_without_need",
    },
    {
        "id": "a2",
        "lang": "sv",
        "text": "Systemet ska skicka påminnelser så att färre ansökningar förfaller.",
        "label": "feature_with_need",
    },
    {"id": "a3", "lang": "sv", "text": "Anbudet ska vara skrivet på svenska.", "label": "out_of_scope"},
    {
        "id": "a4",
        "lang": "en",
        "text": "The system shall provide a dashboard with real-time KPIs.",
        "label": "feature_without_need",
    },
    {"id": "a5", "lang": "en", "text": "The Contractor shall submit monthly status reports.", "label": "out_of_scope"},
    {"id": "a6", "lang": "sv", "text": "Lösningen ska ha en dashboard.", "label": "out_of_scope", "ambiguous": True},
]


def test_wilson_interval_matches_known_values():
    low, high = wilson(8, 10).low, wilson(8, 10).high
    assert low == pytest.approx(0.4902, abs=1e-3) and high == pytest.approx(0.9433, abs=1e-3)
    assert wilson(0, 10).low == 0.0 and wilson(10, 10).high == pytest.approx(1.0)
    assert wilson(0, 0) is None


def test_binary_scores_and_bootstrap_interval():
    gold = [True] * 10 + [False] * 10
    predicted = [True] * 8 + [False] * 2 + [True] * 1 + [False] * 9
    s = binary_scores(gold, predicted)
    assert (s.tp, s.fp, s.fn, s.tn) == (8, 1, 2, 9)
    assert s.precision.value == pytest.approx(8 / 9) and s.recall.value == pytest.approx(0.8)
    assert s.f1 == pytest.approx(16 / 19)
    assert s.f1_ci.low < s.f1 < s.f1_ci.high <= 1.0
    assert binary_scores(gold, predicted).f1_ci == s.f1_ci  # fixed seed: same data, same interval


def test_item_mode_scores_the_labels_and_keeps_ambiguous_apart(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", ITEMS)
    out = io.StringIO()
    assert run_eval([gold], EvalParams(fmt="json"), out=out) == 0
    data = json.loads(out.getvalue())
    assert data["groups"]["all"]["items"] == 5
    assert data["ambiguous"]["items"] == 1
    flagged = data["groups"]["all"]["flagged"]
    assert (flagged["tp"], flagged["fp"], flagged["fn"]) == (2, 0, 0)
    assert data["groups"]["sv"]["items"] == 3 and data["groups"]["en"]["items"] == 2
    assert data["figures"]["all.out_of_scope_flagged"] == 0.0


def test_misclassified_items_are_listed_with_their_text(tmp_path):
    wrong = dict(ITEMS[0], id="w1", label="need")  # the rules say feature_without_need
    gold = _write(tmp_path / "gold.jsonl", [wrong, ITEMS[2]])
    out = io.StringIO()
    run_eval([gold], out=out)
    text = out.getvalue()
    assert "misclassified: 1" in text
    assert "w1 [sv] need -> feature_without_need" in text and "SITHS-kort" in text


def test_predictions_file_has_one_line_per_item(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", ITEMS)
    predictions = tmp_path / "out" / "pred.jsonl"
    predictions.parent.mkdir()
    assert run_eval([gold], EvalParams(predictions=predictions), out=io.StringIO()) == 0
    lines = [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [i["id"] for i in ITEMS]
    assert {"id", "predicted_label", "flagged", "confidence", "origin"} <= set(lines[0])
    assert lines[0]["predicted_label"] == "feature_without_need" and lines[0]["flagged"] is True
    assert all(line["origin"] == "rules" for line in lines)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"id": "x", "lang": "sv", "text": "T", "label": "bad"}\n', "gold.jsonl:1: fältet 'label'"),
        ('{"id": "x", "lang": "sv", "text": "T", "label": "need"}\n{oops\n', "gold.jsonl:2: ogiltig JSON"),
        ('{"id": "x", "lang": "sv", "text": "T", "label": "need"}\n' * 2, "gold.jsonl:2: id 'x' finns redan"),
        ('{"id": "x", "lang": "de", "text": "T", "label": "need"}\n', "fältet 'lang'"),
        ("\n", "holds no records"),
    ],
)
def test_a_malformed_gold_file_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(content, "utf-8")
    with pytest.raises(GoldFileError) as error:
        load_items(path)
    assert message in str(error.value)
    err = io.StringIO()
    assert run_eval([path], out=io.StringIO(), err=err) == 2
    assert "gold.jsonl" in err.getvalue()


def test_external_sets_without_table_row_get_it_inferred():
    def item(text, rationale=None):
        return GoldItem(id="x", lang="sv", text=text, label="need", context={"rationale": rationale})

    assert infer_table_row(item("Påminnelse till de som ska signera"))
    assert infer_table_row(item("Export till Excel.", rationale="Ekonomi följer upp kostnader i eget verktyg."))
    assert not infer_table_row(item("Kommunen har i dag tre system för ärendehantering."))
    assert not infer_table_row(item("4.2 Inloggning"))
    assert not infer_table_row(item("Systemet ska ha stöd för SAML 2.0."))
    # A matrix row without modal verb is a requirement on the solution, unlike background text.
    rows = predict_rules([item("Påminnelse till de som ska signera"), item("Kommunen har i dag tre system.")])
    assert rows[0].predicted_label == "feature_without_need" and rows[1].predicted_label == "out_of_scope"


def test_baseline_detects_a_drop_beyond_tolerance_in_either_direction(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", ITEMS)
    base = tmp_path / "baseline.json"
    assert run_eval([gold], EvalParams(baseline=base, update_baseline=True), out=io.StringIO(), err=io.StringIO()) == 0
    assert run_eval([gold], EvalParams(baseline=base), out=io.StringIO()) == 0

    data = json.loads(base.read_text("utf-8"))
    (key,) = data["runs"]
    assert key == "items rules gold.jsonl"
    data["runs"][key]["figures"]["all.flagged.f1"] = 1.05  # better than this run can ever be
    data["runs"][key]["figures"]["all.out_of_scope_flagged"] = -0.5  # lower is better
    base.write_text(json.dumps(data), "utf-8")
    out = io.StringIO()
    assert run_eval([gold], EvalParams(baseline=base), out=out) == 1
    assert "all.flagged.f1" in out.getvalue() and "all.out_of_scope_flagged" in out.getvalue()

    regressions = baselines.compare(
        {"tolerance": {"default": 0.02}, "runs": {"k": {"figures": {"all.accuracy": 0.9}}}},
        "k",
        {"all.accuracy": 0.885},
    )
    assert regressions == []  # inside the tolerance


def test_a_run_without_baseline_entry_is_an_error(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", ITEMS)
    base = _write(tmp_path / "baseline.json", [])
    base.write_text('{"runs": {}}', "utf-8")
    err = io.StringIO()
    assert run_eval([gold], EvalParams(baseline=base), out=io.StringIO(), err=err) == 2
    assert "--update-baseline" in err.getvalue()


def test_llm_backend_without_the_llm_path_is_a_clear_error_not_a_silent_rules_run(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", ITEMS)
    err = io.StringIO()
    assert run_eval([gold], EvalParams(backend="llm"), out=io.StringIO(), err=err) == 2
    assert "backend 'llm'" in err.getvalue()
