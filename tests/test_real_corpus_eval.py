"""The real-requirement corpus and the evaluation by unseen organisation: the held-out organisation's
items are never trained on, items carry provenance, Norwegian and Danish are told from Swedish."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from upphandlingsgranskare.evaluation.crossval import TrainingSettings, fit, held_out_probabilities
from upphandlingsgranskare.evaluation.gold import GoldItem, Provenance, load_items
from upphandlingsgranskare.nlp.label_model import LABELS

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real"


def test_a_held_out_organisation_is_never_trained_on():
    """Each organisation marks its flagged items with a word only it uses. A model that had seen the
    organisation is sure of them; held out, the word is unknown and the shared words decide nothing."""
    features, labels, groups = [], [], []
    for org in ("a", "b", "c", "d"):
        for n in range(30):
            features.append(["bias", f"house_style={org}:{n % 2}", f"shared={n % 3}"])
            labels.append("feature_without_need" if n % 2 else "out_of_scope")
            groups.append(org)
    probs = held_out_probabilities(features, labels, groups, TrainingSettings(l2=0.1, epochs=200))
    flagged = [p[0] for p, y in zip(probs, labels) if y == "feature_without_need"]
    assert max(flagged) < 0.8  # the house-style word decides nothing it was not trained on
    # Trained on its own organisation, the model is sure of the same items: the check above can fail.
    seen = fit(features, labels, TrainingSettings(l2=0.1, epochs=200))
    assert min(seen.probabilities(f)[0] for f, y in zip(features, labels) if y == "feature_without_need") > 0.8
    # One organisation alone leaves nothing to learn from: no opinion rather than a model trained on itself.
    alone = held_out_probabilities(features, labels, ["all"] * len(labels), TrainingSettings(l2=0.1, epochs=200))
    assert np.allclose(alone, 0.25)


def test_items_of_group_none_are_always_trained_and_not_predicted():
    features = [["bias", "w=x"]] * 10 + [["bias", "w=x"]] * 10
    labels = ["need"] * 20
    groups = [None] * 10 + ["org"] * 10
    probs = held_out_probabilities(features, labels, groups, TrainingSettings(l2=0.1, epochs=100))
    assert np.allclose(probs[:10], 0)
    assert (probs[10:, LABELS.index("need")] > 0.9).all()


def test_provenance_names_a_repository_file_or_a_page():
    Provenance(repo="o/r", commit="a" * 40, path="doc.pdf", locator="page 3", licence="MIT")
    Provenance(url="https://example.org/krav", locator="section 2")
    with pytest.raises(ValidationError):
        Provenance(repo="o/r", locator="page 3")
    with pytest.raises(ValidationError):
        Provenance(repo="o/r", commit="a" * 40, path="x", page=3)  # misspelt key


def test_every_real_item_has_provenance_an_organisation_and_a_short_quote():
    files = sorted((REAL / "items").glob("*/*.jsonl"))
    assert files, "corpora/real/items holds the labelled real corpus"
    organisations = set()
    for path in files:
        for item in load_items(path):
            assert item.real and item.organisation, item.id
            assert len(item.text) <= 450, item.id
            organisations.add(item.organisation)
    assert len(organisations) >= 30


def test_dev_and_test_organisations_never_overlap():
    split_of = {}
    for split in ("dev", "test"):
        for path in (REAL / "items" / split).glob("*.jsonl"):
            for item in load_items(path):
                assert split_of.setdefault(item.organisation, split) == split, item.organisation


def test_each_organisation_sits_in_the_split_recorded_for_it():
    recorded = json.loads((REAL / "splits.json").read_text("utf-8"))
    for split in ("dev", "test"):
        for path in (REAL / "items" / split).glob("*.jsonl"):
            for item in load_items(path):
                assert recorded[item.organisation] == split, item.organisation


def test_an_organisation_added_later_moves_no_earlier_one():
    """Sorted by hash and alternated afresh, a new organisation would move every later one across the split,
    putting test organisations' items in front of whoever reads dev errors."""
    build = _build_module()
    records = [{"organisation": f"Org {n}", "lang": "sv"} for n in range(8)]
    first = build.organisation_splits(records)
    assert sorted(first.values()) == ["dev"] * 4 + ["test"] * 4  # alternating within the language
    added = [{"organisation": f"New {n}", "lang": "sv"} for n in range(3)] + [{"organisation": "Ny", "lang": "da"}]
    second = build.organisation_splits(records + added, fixed=first)
    assert {o: second[o] for o in first} == first
    assert sorted(second[f"New {n}"] for n in range(3)) in (["dev", "dev", "test"], ["dev", "test", "test"])
    assert second["Ny"] == "test"  # alone in its language: nothing may be tuned on it
    # Without the record the same organisations are split afresh, and some earlier ones move.
    fresh = build.organisation_splits(records + added)
    assert any(fresh[o] != first[o] for o in first)


def _build_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_build", REAL / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_item_was_labelled_twice_and_disagreements_are_ambiguous():
    annotations = {}
    for role in ("A", "B"):
        for path in (REAL / "annotations").glob(f"*.{role}.jsonl"):
            for line in path.read_text("utf-8").splitlines():
                record = json.loads(line)
                annotations.setdefault(record["id"], {})[role] = record["label"]
    for path in (REAL / "items").glob("*/*.jsonl"):
        for item in load_items(path):
            labels = annotations[item.id]
            assert set(labels) == {"A", "B"}, item.id
            if labels["A"] != labels["B"]:
                assert item.ambiguous, item.id
            else:
                assert item.label == labels["A"], item.id


def test_norwegian_item_is_read_with_the_swedish_rules():
    item = GoldItem(id="n", lang="no", text="Løsningen skal støtte BankID.", label="feature_without_need")
    assert item.reader_language == "sv"


def _real(item_id: str, organisation: str, text: str, label: str, lang: str = "en") -> dict:
    return {
        "id": item_id,
        "lang": lang,
        "text": text,
        "label": label,
        "organisation": organisation,
        "provenance": {"repo": "o/r", "commit": "b" * 40, "path": f"{organisation}.pdf", "locator": "page 1"},
    }


def test_eval_cross_validated_by_organisation_reports_each_organisation(tmp_path):
    import io

    from upphandlingsgranskare.evaluation.run import EvalParams, run_eval

    gold = tmp_path / "real.jsonl"
    records = [
        _real("a1", "County A", "The system shall provide a dashboard with real-time KPIs.", "feature_without_need"),
        _real("a2", "County A", "The Contractor shall submit monthly status reports.", "out_of_scope"),
        _real("b1", "City B", "The portal shall send reminders so that fewer applications lapse.", "feature_with_need"),
        _real("b2", "City B", "Describe how the proposed solution supports case management.", "out_of_scope"),
        _real("c1", "Kommun C", "Systemet ska ha stöd för inloggning med SITHS-kort.", "feature_without_need", "sv"),
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_eval(
        [gold],
        EvalParams(
            cross_validate="organisation",
            fmt="json",
            train_files=sorted((ROOT / "corpora" / "samples").glob("*.labels.jsonl")),
        ),
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    report = json.loads(out.getvalue())
    assert report["backend"] == "rules-cross-validated-by-organisation"
    assert set(report["organisations"]) == {"County A", "City B", "Kommun C"}
    assert report["organisations"]["Kommun C"]["languages"] == "sv"
    assert report["groups"]["all"]["items"] == 5


def test_eval_cross_validated_refuses_items_without_an_organisation(tmp_path):
    import io

    from upphandlingsgranskare.evaluation.run import EvalParams, run_eval

    gold = tmp_path / "written.jsonl"
    gold.write_text(
        json.dumps({"id": "w", "lang": "en", "text": "The system shall export CSV.", "label": "feature_without_need"})
        + "\n",
        "utf-8",
    )
    err = io.StringIO()
    code = run_eval([gold], EvalParams(cross_validate="organisation", train_files=[]), out=io.StringIO(), err=err)
    assert code == 2 and "organisation" in err.getvalue()
