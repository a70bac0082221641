"""The statistical label model: training, persistence, the override rule, and that the shipped
model was trained on the files that are in the repository now."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from upphandlingsgranskare.nlp.classify import Assessment
from upphandlingsgranskare.nlp.label_model import (
    LABELS,
    ItemView,
    LabelModel,
    features,
    item_features,
    label_model_fingerprint,
    packaged_model,
)
from upphandlingsgranskare.nlp.label_model_training import train

ROOT = Path(__file__).resolve().parents[1]


def _toy():
    """Two words that decide the label, plus noise words shared by all."""
    data = []
    for i in range(40):
        data.append((["bias", "w=dashboard", f"noise={i % 5}"], "feature_without_need"))
        data.append((["bias", "w=contractor", f"noise={i % 5}"], "out_of_scope"))
        data.append((["bias", "w=sothat", f"noise={i % 5}"], "feature_with_need"))
    return data


def test_training_learns_separable_labels_and_is_deterministic():
    data = _toy()
    keys, weights, _ = train([f for f, _ in data], [y for _, y in data], l2=1.0, epochs=150)
    again_keys, again_weights, _ = train([f for f, _ in data], [y for _, y in data], l2=1.0, epochs=150)
    assert np.array_equal(keys, again_keys) and np.array_equal(weights, again_weights)
    model = LabelModel(keys, weights, 0.7, {})
    for word, label in (
        ("dashboard", "feature_without_need"),
        ("contractor", "out_of_scope"),
        ("sothat", "feature_with_need"),
    ):
        probs = model.probabilities(["bias", f"w={word}"])
        assert LABELS[int(probs.argmax())] == label
        assert probs.max() > 0.9
    assert abs(float(model.probabilities(["never-seen"]).sum()) - 1.0) < 1e-5


def test_rare_features_are_dropped():
    keys, _, _ = train(
        [["bias", "once"], ["bias", "twice"], ["bias", "twice"]],
        ["need", "need", "out_of_scope"],
        min_count=2,
        epochs=5,
    )
    model = LabelModel(keys, np.zeros((len(keys), 4), np.float32), 0.5, {})
    assert len(model.keys) == 2  # bias and "twice"


def test_override_only_above_threshold():
    data = _toy()
    keys, weights, _ = train([f for f, _ in data], [y for _, y in data], l2=1.0, epochs=150)
    confident = LabelModel(keys, weights, 0.5, {})
    assert confident.decide(["bias", "w=contractor"], "feature_without_need")[0] == "out_of_scope"
    never = LabelModel(keys, weights, 1.01, {})
    label, probability = never.decide(["bias", "w=contractor"], "feature_without_need")
    assert label == "feature_without_need" and probability < 0.1


def test_flag_only_when_sure_enough():
    model = LabelModel(np.zeros(0, np.uint32), np.zeros((0, 4), np.float32), 0.0, {}, flag_above=0.7)
    assert model.label_of(np.array([0.69, 0.01, 0.0, 0.30])) == LABELS.index("out_of_scope")
    assert model.label_of(np.array([0.70, 0.0, 0.0, 0.30])) == LABELS.index("feature_without_need")


def test_bringing_an_item_into_scope_needs_more_certainty():
    model = LabelModel(
        np.zeros(0, np.uint32), np.zeros((0, 4), np.float32), 0.0, {}, flag_above=0.8, rescope_above=0.85
    )
    assert model.combine(np.array([0.0, 0.7, 0.0, 0.3]), "out_of_scope") == "out_of_scope"
    assert model.combine(np.array([0.0, 0.9, 0.0, 0.1]), "out_of_scope") == "feature_with_need"
    assert model.combine(np.array([0.0, 0.7, 0.0, 0.3]), "feature_without_need") == "feature_with_need"
    assert model.combine(np.array([0.83, 0.0, 0.0, 0.17]), "out_of_scope") == "out_of_scope"
    assert model.combine(np.array([0.83, 0.0, 0.0, 0.17]), "need") == "feature_without_need"


def test_a_rationale_cell_is_never_overridden_into_a_flag_and_a_lone_lead_in_stays():
    """The guide: a rationale cell counts whatever its length ("Patientsäkerhet")."""
    model = LabelModel(np.zeros(0, np.uint32), np.zeros((0, 4), np.float32), 0.0, {}, flag_above=0.8)
    sure_flag = np.array([0.97, 0.01, 0.01, 0.01])
    assert model.combine(sure_flag, "feature_with_need", "rationale") == "feature_with_need"
    assert model.combine(np.array([0.01, 0.01, 0.01, 0.97]), "feature_with_need", "rationale") == "out_of_scope"
    assert model.combine(sure_flag, "out_of_scope", "lead_in") == "out_of_scope"
    assert model.combine(sure_flag, "feature_with_need", "purpose") == "feature_without_need"


def test_a_short_rationale_cell_states_the_need_through_ug001():
    from upphandlingsgranskare.checks.base import DocumentContext
    from upphandlingsgranskare.checks.ug001_feature_without_need import FeatureWithoutNeed
    from upphandlingsgranskare.models import Location, Requirement

    check = FeatureWithoutNeed()
    context = DocumentContext(path="krav.xlsx", language="sv")
    for rationale in ("Patientsäkerhet", "Lagkrav, samordning", "Kostnadseffektivitet"):
        requirement = Requirement(
            id="3.1",
            text="Läkemedelslistan ska visas i översikten",
            kind="ska",
            location=Location(file="krav.xlsx"),
            language="sv",
            rationale=rationale,
            heading_path=("3 Läkemedel",),
            matrix_row=True,
        )
        assert check.assess(requirement, context).label == "feature_with_need", rationale


def test_save_and_load_round_trip(tmp_path):
    data = _toy()
    keys, weights, _ = train([f for f, _ in data], [y for _, y in data], epochs=50)
    model = LabelModel(keys, weights, 0.75, {"about": "toy", "items": 120}, flag_above=0.6, rescope_above=0.9)
    model.save(tmp_path / "m.npz")
    loaded = LabelModel.load(tmp_path / "m.npz")
    assert loaded.override_above == 0.75 and loaded.flag_above == 0.6 and loaded.rescope_above == 0.9
    assert loaded.meta == {"about": "toy", "items": 120}
    for f, _ in data[:6]:
        assert np.allclose(loaded.probabilities(f), model.probabilities(f))


def test_features_read_rules_lexicon_context_and_words():
    view = ItemView(
        text="Systemet ska kunna exportera rapporter till Excel.",
        language="sv",
        rationale="Ekonomienheten följer upp kostnader i eget verktyg.",
        heading="4.2 Rapporter",
        table_row=False,
    )
    found = item_features(view, Assessment("feature_with_need", "rationale"))
    assert {
        "rl=feature_with_need",
        "rr=rationale",
        "sv:u=exportera",
        "sv:b=kunna_exportera",
        "sv:h=rapporter",
        "sv:r=ekonomienheten",
        "sv:f1=systemet",
    } <= set(found)
    assert "m=solution_nouns|pre" in found  # "Systemet" stands before the modal verb
    assert "m=solution_nouns|pre|rr=rationale" in found  # and with the rules' reason
    empty = features(
        ItemView("Single sign on", "en", None, None, True), Assessment("feature_without_need", "no_reason"), []
    )
    assert "rat=none" in empty and "row=True" in empty


def test_an_inverted_swedish_clause_reads_its_subject_after_the_modal():
    """V2 order: the opening clause holds another subject ("betalningen"); the requirement's subject is the word
    after the modal, as the rules read it. Read as before the modal, the payment would be the subject."""
    view = ItemView(
        text="Om betalningen misslyckas ska systemet avbryta bokningen och skicka ett meddelande till kunden.",
        language="sv",
        rationale=None,
        heading=None,
        table_row=False,
    )
    found = set(item_features(view, Assessment("feature_without_need", "no_reason")))
    assert {"s=sv:subj=systemet", "s=sv:verb=avbryta", "m=solution_nouns|pre", "m=actor_nouns|adv"} <= found
    assert "s=sv:subj=misslyckas" not in found and "m=actor_nouns|pre" not in found
    plain = ItemView("Systemet ska avbryta bokningen om betalningen misslyckas.", "sv", None, None, False)
    found = set(item_features(plain, Assessment("feature_without_need", "no_reason")))
    assert {"s=sv:subj=systemet", "s=sv:verb=avbryta", "m=solution_nouns|pre"} <= found
    assert not any(f.startswith("m=") and "|adv" in f for f in found)
    english = ItemView("If the payment fails, the system shall cancel the booking.", "en", None, None, False)
    assert "s=en:subj=system" in item_features(english, Assessment("feature_without_need", "no_reason"))


@pytest.mark.xfail(
    strict=True,
    reason="known error of the model trained with the Swedish real text of 2026-12-08: 'kunden' is the buyer in "
    "contract text and 'meddelande till' a party's notice, so a system that messages the customer is read as out "
    "of scope (p 0.79). Strict: when a model reads it right again, this test fails and the note goes.",
)
def test_a_system_that_messages_the_customer_is_a_feature():
    from upphandlingsgranskare.review import lint_text

    text = "Om betalningen misslyckas ska systemet avbryta bokningen och skicka ett meddelande till kunden."
    linted = lint_text(text, language="sv", select=["UG001"])
    assert [str(r.label) for r in linted.requirements] == ["feature_without_need"]


def _train_script():
    spec = importlib.util.spec_from_file_location("train_label_model", ROOT / "eval" / "train_label_model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_label_model"] = module
    spec.loader.exec_module(module)
    return module


def test_training_never_reads_the_test_split():
    script = _train_script()
    assert all(p.name != "test.jsonl" for p in script.training_files())
    with pytest.raises(SystemExit, match="test split"):
        script.load([ROOT / "eval" / "gold" / "test.jsonl"])


def test_real_statement_items_are_scored_apart():
    from upphandlingsgranskare.evaluation.gold import GoldItem

    script = _train_script()
    quoted = GoldItem(id="a", lang="en", text="x", label="need", source="realdocs/en/indiana-npefs-sor.pdf, page 5")
    written = GoldItem(id="b", lang="en", text="x", label="need", source="written for the project")
    assert script.real_statement(quoted) and not script.real_statement(written)
    s = script.scores(
        ["feature_without_need", "need"],
        ["feature_without_need", "feature_without_need"],
        ["en", "en"],
        realdocs=[True, False],
    )
    assert s["realdocs.f1"] == 1.0 and s["all.en.f1"] < 1.0


def test_real_corpus_items_are_scored_apart_and_nordic_together():
    script = _train_script()
    gold = ["feature_without_need", "need", "feature_without_need", "out_of_scope"]
    predicted = ["feature_without_need", "feature_without_need", "feature_without_need", "out_of_scope"]
    s = script.scores(gold, predicted, ["no", "sv", "en", "da"], real=[True, True, False, True])
    assert s["real.nordic.n"] == 3 and s["real.nordic.precision"] == 0.5 and s["real.no.f1"] == 1.0
    assert s["written.en.f1"] == 1.0 and "written.sv.f1" not in s
    assert s["real.all.oos_flagged"] == 0.0


def test_real_items_are_grouped_by_organisation():
    from upphandlingsgranskare.evaluation.gold import GoldItem

    provenance = {"repo": "o/r", "commit": "0" * 40, "path": "x.pdf"}
    real = GoldItem(id="r", lang="en", text="x", label="need", organisation="Michigan DOT", provenance=provenance)
    written = GoldItem(id="w", lang="en", text="x", label="need")
    assert real.real and not written.real
    assert GoldItem(id="n", lang="no", text="x", label="need").reader_language == "sv"


def test_groups_never_straddle_folds():
    script = _train_script()
    groups = [f"a.jsonl#{i // 3}" for i in range(30)]
    folds = script.folds_of(groups, 5)
    for g in set(groups):
        assert len({folds[i] for i, x in enumerate(groups) if x == g}) == 1


@pytest.mark.parametrize("embeddings", [False, True], ids=["features", "with-embeddings"])
def test_shipped_model_matches_the_training_files(embeddings):
    """Retrain (python eval/train_label_model.py, with --embeddings for the second model) whenever a training
    file changes."""
    model = packaged_model(embeddings)
    assert model is not None, "the package ships nlp/label_model.npz and nlp/label_model_embeddings.npz"
    assert model.needs_vector is embeddings
    recorded = model.meta["training_files"]
    current = _train_script().training_files()
    assert sorted(recorded) == sorted(str(p.relative_to(ROOT)) for p in current)
    for relative, digest in recorded.items():
        assert hashlib.sha256((ROOT / relative).read_bytes()).hexdigest() == digest, f"{relative} changed: retrain"
    assert model.meta["fingerprint"] == label_model_fingerprint(), "word lists, rules or features changed: retrain"
    assert 0.0 <= model.override_above <= 1.0 and 0.5 <= model.flag_above <= 1.0


def _words(text: str) -> frozenset[str]:
    import re

    return frozenset(re.findall(r"\w+", text.lower()))


def test_training_corpus_holds_nothing_close_to_a_test_item():
    """Leakage guard: an item of corpora/training/ sharing 70 % or more of its words with a test
    item was removed when the corpus was written; keep it that way."""
    import json

    test_items = [
        _words(json.loads(line)["text"]) for line in (ROOT / "eval" / "gold" / "test.jsonl").open(encoding="utf-8")
    ]
    for path in sorted((ROOT / "corpora" / "training").glob("*.jsonl")):
        for n, line in enumerate(path.open(encoding="utf-8"), 1):
            words = _words(json.loads(line)["text"])
            closest = max(len(words & other) / len(words | other) for other in test_items)
            assert closest < 0.7, f"{path.name}:{n} is nearly a test item (Jaccard {closest:.2f})"


def test_an_override_is_reported_and_can_be_turned_off():
    """A matrix row the rules read as a supplier duty ("diarienummer" sounds like administration):
    the model flags it, and the finding says the model decided and what the rules had said."""
    from dataclasses import replace

    from upphandlingsgranskare.checks.base import DocumentContext
    from upphandlingsgranskare.checks.ug001_feature_without_need import FeatureWithoutNeed
    from upphandlingsgranskare.models import Location, Requirement

    requirement = Requirement(
        id="2.1",
        text="Automatisk tilldelning av diarienummer enligt formatet ÅÅÅÅ-NNNN",
        kind="ska",
        location=Location(file="kravmatris.xlsx"),
        language="sv",
        heading_path=("2 Registrering och diarieföring",),
        matrix_row=True,
    )
    context = DocumentContext(path="kravmatris.xlsx", language="sv")
    check = FeatureWithoutNeed()
    rules = check.assess(requirement, replace(context, label_model=False))
    assert rules.label == "out_of_scope"
    (finding,) = check.run(requirement, context)
    assert finding.origin == "rules"
    model_part, rules_part = finding.origin_detail.split("; ", 1)
    assert model_part.startswith("label model ") and float(model_part.removeprefix("label model ")) >= 0.9
    assert rules_part == f"rules: out_of_scope ({rules.reason})"
    assert not list(check.run(requirement, replace(context, label_model=False)))
