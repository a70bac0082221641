"""Training the label model (``label_model.LabelModel``): softmax regression with L2 by full-batch Adam over
hashed features and, for the embeddings model, each item's sentence embedding. Used by
``eval/train_label_model.py`` and the grouped cross-validation (``evaluation/crossval.py``); the review
never trains."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..labels import LABELS
from .label_model import _hash


class _SparseDesign(NamedTuple):
    """The items' kept features as (row, column) entries in row order, with where each row starts."""

    keep: list[int]
    rows: np.ndarray
    cols: np.ndarray
    starts: np.ndarray
    has_features: np.ndarray


def _sparse_design(feature_lists: Sequence[Sequence[str]], min_count: int) -> _SparseDesign:
    counts: dict[int, int] = {}
    hashed = []
    for fs in feature_lists:
        hs = sorted({_hash(f) for f in fs})
        hashed.append(hs)
        for h in hs:
            counts[h] = counts.get(h, 0) + 1
    keep = sorted(h for h, c in counts.items() if c >= min_count)
    index = {h: i for i, h in enumerate(keep)}
    rows, cols = [], []
    for r, hs in enumerate(hashed):
        for h in hs:
            if h in index:
                rows.append(r)
                cols.append(index[h])
    rows_a, cols_a = np.array(rows, np.int64), np.array(cols, np.int64)
    n = len(feature_lists)
    starts = np.searchsorted(rows_a, np.arange(n))
    has_features = starts < len(rows_a)
    has_features[has_features] = rows_a[starts[has_features]] == np.arange(n)[has_features]
    return _SparseDesign(keep, rows_a, cols_a, starts, has_features)


class _Adam:
    """Adam's moment estimates for one weight matrix."""

    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, weights: np.ndarray, learning_rate: float) -> None:
        self.weights, self.learning_rate = weights, learning_rate
        self.m, self.v = np.zeros_like(weights), np.zeros_like(weights)

    def step(self, grad: np.ndarray, step: int) -> None:
        b1, b2 = self.beta1, self.beta2
        self.m = b1 * self.m + (1 - b1) * grad
        self.v = b2 * self.v + (1 - b2) * grad * grad
        self.weights -= self.learning_rate * (self.m / (1 - b1**step)) / (np.sqrt(self.v / (1 - b2**step)) + self.eps)


def train(
    feature_lists: Sequence[Sequence[str]],
    labels: Sequence[str],
    *,
    l2: float = 1.0,
    epochs: int = 300,
    learning_rate: float = 0.1,
    min_count: int = 2,
    sample_weights: Sequence[float] | None = None,
    vectors: np.ndarray | None = None,
    dense_l2: float = 1.0,
    dense_scale: float = 10.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Fit softmax regression with L2 by full-batch Adam; deterministic (zero start, no sampling).

    Features seen fewer than ``min_count`` times are dropped (bias and rules features always stay).
    ``vectors``: each item's sentence embedding, fitted beside the hashed features with its own L2
    (``dense_l2``), scaled by ``dense_scale`` so that a unit-length vector weighs like a handful of
    features (grouped CV on dev: scale 1 left it unused).
    Returns (hashed keys, weights[n_keys, 4], dense weights[dimensions, 4] or None).
    """
    design = _sparse_design(feature_lists, min_count)
    n, d, k = len(feature_lists), len(design.keep), len(LABELS)
    # Sparse products by segment sums: the entries are in row order, so each item's logits are one
    # reduceat over its features' weights; each feature's gradient is one bincount per label.
    # (Far faster than np.add.at, which made leave-one-organisation-out training take an hour.)
    y = np.zeros((n, k))
    y[np.arange(n), [LABELS.index(label) for label in labels]] = 1.0
    weights_of_items = np.ones(n) if sample_weights is None else np.asarray(sample_weights, float)
    weights_of_items = weights_of_items / weights_of_items.sum()
    sparse = _Adam(np.zeros((d, k)), learning_rate)
    x = None if vectors is None else np.asarray(vectors, np.float64) * dense_scale
    dense = _Adam(np.zeros((0 if x is None else x.shape[1], k)), learning_rate)
    for step in range(1, epochs + 1):
        logits = np.zeros((n, k))
        if len(design.rows):
            sums = np.add.reduceat(sparse.weights[design.cols], design.starts[design.has_features], axis=0)
            logits[design.has_features] = sums
        if x is not None:
            logits += x @ dense.weights
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        residual = (p - y) * weights_of_items[:, None]
        per_entry = residual[design.rows]
        grad = np.asarray(
            np.stack([np.bincount(design.cols, weights=per_entry[:, j], minlength=d) for j in range(k)], axis=1),
            dtype=np.float64,
        )  # bincount with weights gives floats; no copy
        sparse.step(grad + l2 / n * sparse.weights, step)
        if x is not None:
            dense.step(x.T @ residual + dense_l2 / n * dense.weights, step)
    # The scale goes into the weights: the model multiplies the raw vector.
    dense_weights = None if x is None else (dense.weights * dense_scale).astype(np.float32)
    return np.array(design.keep, np.uint32), sparse.weights.astype(np.float32), dense_weights
