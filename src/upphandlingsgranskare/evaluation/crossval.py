"""Grouped cross-validation of the label model: how the reviewer does on a buyer it has never seen.

Every item of a held-out group (a source organisation) is labelled by UG001 exactly as the review
labels a requirement (``backends.gold_requirement`` and ``FeatureWithoutNeed.assess``), with a label
model trained on every other group and the always-trained items, never on an item of its own group.
Cross-validation that spreads one document over all folds flatters the model, since a buyer's
house style then sits on both sides; leaving a whole organisation out is what a new user meets.

``eval --cross-validate organisation`` reports it; ``eval/train_label_model.py`` chooses the model's
settings by it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context

import numpy as np

from ..labels import Label, Reason
from ..nlp.embeddings import ENCODER, Embedder, default_cache_path
from ..nlp.label_model import LABELS, LabelModel, item_features, requirement_view
from ..nlp.label_model_training import train
from .backends import Prediction, gold_requirement, predict_rules
from .gold import GoldItem


@dataclass(frozen=True)
class TrainingSettings:
    """How the label model is trained and when its label replaces the rules' (see ``LabelModel``)."""

    l2: float = 0.3
    epochs: int = 600
    override_above: float = 0.5
    flag_above: float = 0.8
    rescope_above: float = 0.85
    real_weight: float = 1.0  # weight of a real item (quoted with provenance) against a written one
    embeddings: bool = False  # each item's sentence embedding beside its features (nlp/embeddings.py)
    dense_l2: float = 1.0  # L2 on the embedding's weights

    @classmethod
    def of(cls, model: LabelModel) -> TrainingSettings:
        """The settings a saved model was trained with (its metadata)."""
        meta = model.meta
        return cls(
            l2=float(meta.get("l2", cls.l2)),
            epochs=int(meta.get("epochs", cls.epochs)),
            override_above=model.override_above,
            flag_above=model.flag_above,
            rescope_above=model.rescope_above,
            real_weight=float(meta.get("real_weight", cls.real_weight)),
            embeddings=model.dense is not None,
            dense_l2=float(meta.get("dense_l2", cls.dense_l2)),
        )

    def as_meta(self) -> dict:
        return {
            "l2": self.l2,
            "epochs": self.epochs,
            "override_above": self.override_above,
            "flag_above": self.flag_above,
            "rescope_above": self.rescope_above,
            "real_weight": self.real_weight,
            **({"embeddings": ENCODER, "dense_l2": self.dense_l2} if self.embeddings else {}),
        }


def featurize(items: Sequence[GoldItem]) -> tuple[list[list[str]], list[Label], list[Reason]]:
    """Per item, the label model's features and the rules' label and reason (the rules alone, as in training)."""
    from ..checks.ug001_feature_without_need import FeatureWithoutNeed

    check = FeatureWithoutNeed()
    feature_lists: list[list[str]] = []
    rules_labels: list[Label] = []
    rules_reasons: list[Reason] = []
    for item in items:
        requirement, context = gold_requirement(item)
        assessment = check.assess(requirement, replace(context, label_model=False))
        feature_lists.append(item_features(requirement_view(requirement, context), assessment))
        rules_labels.append(assessment.label)
        rules_reasons.append(assessment.reason)
    return feature_lists, rules_labels, rules_reasons


def fit(
    feature_lists: Sequence[Sequence[str]],
    labels: Sequence[str],
    settings: TrainingSettings,
    sample_weights: Sequence[float] | None = None,
    vectors: np.ndarray | None = None,
) -> LabelModel:
    """The model trained on the items; ``vectors`` (one sentence embedding per item) when ``settings.embeddings``."""
    if settings.embeddings and vectors is None:
        raise ValueError("settings.embeddings: give each item's sentence embedding")
    keys, weights, dense = train(
        feature_lists,
        labels,
        l2=settings.l2,
        epochs=settings.epochs,
        sample_weights=sample_weights,
        vectors=vectors if settings.embeddings else None,
        dense_l2=settings.dense_l2,
    )
    return LabelModel(
        keys,
        weights,
        settings.override_above,
        {},
        flag_above=settings.flag_above,
        rescope_above=settings.rescope_above,
        dense=dense,
    )


def item_vectors(items: Sequence[GoldItem]) -> np.ndarray:
    """Each item's sentence embedding, of the text the review's label model reads (``judged_view``), kept
    in the user's cache between runs (``embeddings.default_cache_path``)."""
    from ..labelling import judged_view

    texts = [judged_view(*gold_requirement(item)).text for item in items]
    embedder = Embedder(default_cache_path())
    vectors = embedder.vectors(texts)
    embedder.save()
    return vectors


def by_organisation(item: GoldItem) -> str | None:
    return item.organisation


# The state a forked worker reads (fork shares it without pickling the feature lists).
_STATE: dict = {}


def _held_out_probabilities(group: str) -> tuple[str, np.ndarray]:
    state = _STATE
    train_idx = [i for i, g in enumerate(state["groups"]) if g != group and state["trainable"][i]]
    test_idx = [i for i, g in enumerate(state["groups"]) if g == group]
    if not train_idx:  # nothing else to learn from: no opinion
        return group, np.full((len(test_idx), len(LABELS)), 1.0 / len(LABELS))
    vectors = state["vectors"]
    model = fit(
        [state["features"][i] for i in train_idx],
        [state["labels"][i] for i in train_idx],
        state["settings"],
        [state["weights"][i] for i in train_idx],
        None if vectors is None else vectors[train_idx],
    )
    return group, np.array(
        [model.probabilities(state["features"][i], None if vectors is None else vectors[i]) for i in test_idx]
    )


def held_out_probabilities(
    feature_lists: Sequence[Sequence[str]],
    labels: Sequence[str],
    groups: Sequence[str | None],
    settings: TrainingSettings,
    *,
    trainable: Sequence[bool] | None = None,
    weights: Sequence[float] | None = None,
    jobs: int = 1,
    vectors: np.ndarray | None = None,
) -> np.ndarray:
    """The label model's probabilities for every item whose group is not None, each from a model trained
    without its group; items of group None are always trained on and get zeros. Items not ``trainable``
    (ambiguous ones) are labelled but never trained on. ``vectors``: the items' sentence embeddings, for
    ``settings.embeddings``."""
    trainable = [True] * len(labels) if trainable is None else list(trainable)
    weights = [1.0] * len(labels) if weights is None else list(weights)
    _STATE.update(
        features=feature_lists,
        labels=labels,
        groups=list(groups),
        settings=settings,
        trainable=trainable,
        weights=weights,
        vectors=None if vectors is None else np.asarray(vectors),
    )
    held_out = sorted({g for g in groups if g is not None})
    probs = np.zeros((len(labels), len(LABELS)))
    try:
        if jobs > 1 and len(held_out) > 1 and os.name == "posix":
            with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
                results = list(pool.map(_held_out_probabilities, held_out))
        else:
            results = [_held_out_probabilities(g) for g in held_out]
    finally:
        _STATE.clear()
    for group, group_probs in results:
        idx = [i for i, g in enumerate(groups) if g == group]
        probs[idx] = group_probs
    return probs


def cross_validated_backend(
    training_items: Sequence[GoldItem],
    settings: TrainingSettings,
    *,
    group_of: Callable[[GoldItem], str | None] = by_organisation,
    jobs: int = 1,
) -> Callable[[Sequence[GoldItem]], list[Prediction]]:
    """A backend that labels each gold item with a model trained without the item's group.

    ``training_items`` are always trained on (items written for the project, the dev split); a gold
    item that is also among them is dropped from them, so an item never trains its own fold. A gold
    item without a group is refused: it could not be held out.
    """

    def predict_held_out(items: Sequence[GoldItem]) -> list[Prediction]:
        missing = [i.id for i in items if group_of(i) is None]
        if missing:
            raise ValueError(
                f"{len(missing)} items have no organisation to hold out (first: {missing[0]}); "
                "cross-validation by organisation needs one on every gold item"
            )
        gold_ids = {i.id for i in items}
        gold_texts = {" ".join(i.text.lower().split()) for i in items}
        extra = [
            i
            for i in training_items
            if not i.ambiguous and i.id not in gold_ids and " ".join(i.text.lower().split()) not in gold_texts
        ]
        all_items = [*extra, *items]
        features, _, _ = featurize(all_items)
        groups: list[str | None] = [None for _ in extra]
        groups += [group_of(i) for i in items]
        probs = held_out_probabilities(
            features,
            [i.label for i in all_items],
            groups,
            settings,
            trainable=[not i.ambiguous for i in all_items],
            weights=[settings.real_weight if i.real else 1.0 for i in all_items],
            jobs=jobs,
            vectors=item_vectors(all_items) if settings.embeddings else None,
        )
        # Each item is labelled through UG001, as the review labels it, by a model that answers with the
        # probabilities its fold's model gave.
        replay = _Replay(settings)
        predictions = []
        for offset, item in enumerate(items):
            replay.answer = probs[len(extra) + offset]
            predictions.extend(predict_rules([item], label_model=replay))
        return predictions

    return predict_held_out


class _Replay(LabelModel):
    """A label model that answers the probabilities its fold's model gave for the item at hand."""

    def __init__(self, settings: TrainingSettings) -> None:
        super().__init__(
            np.zeros(0, np.uint32),
            np.zeros((0, len(LABELS))),
            settings.override_above,
            {},
            flag_above=settings.flag_above,
            rescope_above=settings.rescope_above,
        )
        self.answer = np.zeros(len(LABELS))

    def probabilities(self, feature_strings: Sequence[str], vector: np.ndarray | None = None) -> np.ndarray:
        return self.answer
