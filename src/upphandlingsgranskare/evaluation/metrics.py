"""Precision, recall and F1 with 95% confidence intervals.

Proportions (precision, recall, accuracy, rates) get the Wilson score interval, which stays
inside [0, 1] and behaves at 0 and n; F1 is no proportion, so it gets a percentile bootstrap
over items with a fixed seed (the same data always gives the same interval).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

Z95 = 1.959963984540054
BOOTSTRAP_SAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Proportion:
    value: float | None  # None when there is nothing to divide by
    successes: int
    total: int
    ci: Interval | None

    def as_dict(self) -> dict:
        return asdict(self)


def wilson(successes: int, total: int, z: float = Z95) -> Interval | None:
    if total == 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def proportion(successes: int, total: int) -> Proportion:
    return Proportion(successes / total if total else None, successes, total, wilson(successes, total))


def f1_score(tp: int, fp: int, fn: int) -> float | None:
    if tp + fp + fn == 0:
        return None
    return 2 * tp / (2 * tp + fp + fn)


@dataclass(frozen=True)
class Detection:
    """Found items scored against gold items (requirements, goals, goal links): counts and precision/recall/F1."""

    gold: int
    found: int
    matched: int
    precision: Proportion
    recall: Proportion
    f1: float | None

    def as_dict(self, found: str = "found", matched: str = "matched") -> dict:
        """``found``/``matched``: the JSON keys of the two counts (goal links call them predicted/correct)."""
        return {
            "gold": self.gold,
            found: self.found,
            matched: self.matched,
            "precision": self.precision.as_dict(),
            "recall": self.recall.as_dict(),
            "f1": self.f1,
        }


def detection(gold: int, found: int, matched: int) -> Detection:
    return Detection(
        gold,
        found,
        matched,
        proportion(matched, found),
        proportion(matched, gold),
        f1_score(matched, found - matched, gold - matched),
    )


@dataclass(frozen=True)
class BinaryScores:
    """Scores of one class against the rest."""

    tp: int
    fp: int
    fn: int
    tn: int
    precision: Proportion
    recall: Proportion
    f1: float | None
    f1_ci: Interval | None

    def as_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision.as_dict(),
            "recall": self.recall.as_dict(),
            "f1": self.f1,
            "f1_ci": asdict(self.f1_ci) if self.f1_ci else None,
        }


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool], *, seed: int = 0) -> BinaryScores:
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    tn = len(pairs) - tp - fp - fn
    return BinaryScores(
        tp,
        fp,
        fn,
        tn,
        proportion(tp, tp + fp),
        proportion(tp, tp + fn),
        f1_score(tp, fp, fn),
        bootstrap_f1(pairs, seed=seed),
    )


def bootstrap_f1(
    pairs: Sequence[tuple[bool, bool]], *, seed: int = 0, samples: int = BOOTSTRAP_SAMPLES
) -> Interval | None:
    """95% percentile interval of F1 over resamples of the items."""
    import numpy as np

    n = len(pairs)
    if n == 0 or not any(g or p for g, p in pairs):
        return None
    # Each item is one of four outcomes (tn, fp, fn, tp), so a resample is a multinomial draw of counts.
    counts = np.bincount([(2 if g else 0) + (1 if p else 0) for g, p in pairs], minlength=4)
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=samples)
    tn, fp, fn, tp = draws.T
    denominator = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denominator, out=np.zeros(samples), where=denominator > 0)
    low, high = np.percentile(f1, [2.5, 97.5])
    return Interval(float(low), float(high))
