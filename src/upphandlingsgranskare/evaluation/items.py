"""Item mode: label every gold item with a backend and score the labels."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import Label
from .backends import Backend, Prediction
from .gold import LABELS, GoldItem, load_items
from .metrics import BinaryScores, Proportion, binary_scores, proportion


@dataclass(frozen=True)
class Misclassified:
    id: str
    lang: str
    gold: str
    predicted: str
    reason: str | None
    text: str
    source: str | None


@dataclass(frozen=True)
class GroupScores:
    """Scores over one group of unambiguous items (all, or one language)."""

    items: int
    flagged: BinaryScores
    per_label: dict[str, BinaryScores]
    accuracy: Proportion
    out_of_scope_flagged: Proportion  # gold out_of_scope items that were flagged (should be ~0)
    confusion: dict[Label, dict[Label, int]]  # gold label -> predicted label -> count

    def as_dict(self) -> dict:
        return {
            "items": self.items,
            "flagged": self.flagged.as_dict(),
            "per_label": {k: v.as_dict() for k, v in self.per_label.items()},
            "accuracy": self.accuracy.as_dict(),
            "out_of_scope_flagged": self.out_of_scope_flagged.as_dict(),
            "confusion": self.confusion,
        }


@dataclass(frozen=True)
class ItemEvaluation:
    gold_files: tuple[str, ...]
    backend: str
    groups: dict[str, GroupScores]  # "all", per language, and "real.*" / "written.*" when both are scored
    ambiguous: GroupScores | None  # the ambiguous items, apart from the headline
    misclassified: tuple[Misclassified, ...]
    predictions: tuple[Prediction, ...] = field(repr=False)
    # Real items per source organisation (``organisation`` in the gold file), with their languages.
    organisations: dict[str, GroupScores] = field(default_factory=dict)
    organisation_languages: dict[str, str] = field(default_factory=dict)
    # llm/hybrid: model, endpoint host, prompt version, requests, fallbacks, rejected quotes, tokens
    llm: dict | None = None

    def figures(self) -> dict[str, float]:
        """Flat figures for the baseline: ``<group>.<measure>``."""
        out: dict[str, float] = {}
        for name, group in self.groups.items():
            values = {
                "flagged.precision": group.flagged.precision.value,
                "flagged.recall": group.flagged.recall.value,
                "flagged.f1": group.flagged.f1,
                "accuracy": group.accuracy.value,
                "out_of_scope_flagged": group.out_of_scope_flagged.value,
            }
            for label, scores in group.per_label.items():
                values[f"{label}.f1"] = scores.f1
            out.update({f"{name}.{k}": round(v, 4) for k, v in values.items() if v is not None})
        return out


def score_group(items: Sequence[GoldItem], predictions: Sequence[Prediction]) -> GroupScores:
    gold_labels = [i.label for i in items]
    predicted = [p.predicted_label for p in predictions]
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for g, p in zip(gold_labels, predicted):
        confusion[g][p] += 1
    out_of_scope = [p.flagged for i, p in zip(items, predictions) if i.label == "out_of_scope"]
    return GroupScores(
        items=len(items),
        flagged=binary_scores([i.flagged for i in items], [p.flagged for p in predictions]),
        per_label={
            label: binary_scores([g == label for g in gold_labels], [p == label for p in predicted]) for label in LABELS
        },
        accuracy=proportion(sum(g == p for g, p in zip(gold_labels, predicted)), len(items)),
        out_of_scope_flagged=proportion(sum(out_of_scope), len(out_of_scope)),
        confusion=confusion,
    )


def evaluate_items(gold_files: Sequence[str | os.PathLike], backend: Backend, backend_name: str) -> ItemEvaluation:
    items: list[GoldItem] = []
    for path in gold_files:
        items.extend(load_items(path))
    predictions = backend(items)
    by_id = {p.id: p for p in predictions}
    if len(by_id) != len(items):
        ids = [i.id for i in items]
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"id '{duplicate}' förekommer i flera guldfiler / occurs in more than one gold file")
    clear = [(i, by_id[i.id]) for i in items if not i.ambiguous]
    unclear = [(i, by_id[i.id]) for i in items if i.ambiguous]

    groups: dict[str, GroupScores] = {}
    for name, chosen in strata(clear).items():
        groups[name] = score_group([i for i, _ in chosen], [p for _, p in chosen])
    by_organisation: dict[str, list[tuple[GoldItem, Prediction]]] = {}
    for i, p in clear:
        if i.organisation:
            by_organisation.setdefault(i.organisation, []).append((i, p))
    organisations = {
        name: score_group([i for i, _ in chosen], [p for _, p in chosen])
        for name, chosen in sorted(by_organisation.items())
    }
    languages = {name: "+".join(sorted({i.lang for i, _ in chosen})) for name, chosen in by_organisation.items()}
    misclassified = tuple(
        Misclassified(i.id, i.lang, i.label, p.predicted_label, p.reason, i.text, i.source)
        for i, p in clear
        if i.label != p.predicted_label
    )
    return ItemEvaluation(
        gold_files=tuple(str(Path(p)) for p in gold_files),
        backend=backend_name,
        groups=groups,
        ambiguous=score_group([i for i, _ in unclear], [p for _, p in unclear]) if unclear else None,
        misclassified=misclassified,
        predictions=tuple(by_id[i.id] for i in items),
        organisations=organisations,
        organisation_languages=languages,
    )


_NORDIC = ("sv", "no", "da")


def strata(pairs: Sequence[tuple[GoldItem, Prediction]]) -> dict[str, list[tuple[GoldItem, Prediction]]]:
    """The groups figures are given for: all items and each language; "nordic" (sv, no, da together) when
    Norwegian or Danish items are scored; and, when real items (quoted with provenance) and items
    written for the project are scored together, the same for each of the two apart, as "real.<group>"
    and "written.<group>", since only the real figures measure what users get."""

    def by_language(chosen: list[tuple[GoldItem, Prediction]], prefix: str) -> dict[str, list]:
        out: dict[str, list] = {f"{prefix}all": chosen} if chosen else {}
        languages = {i.lang for i, _ in chosen}
        for lang in ("sv", "en", "no", "da"):
            if lang in languages:
                out[f"{prefix}{lang}"] = [(i, p) for i, p in chosen if i.lang == lang]
        if languages & {"no", "da"}:
            out[f"{prefix}nordic"] = [(i, p) for i, p in chosen if i.lang in _NORDIC]
        return out

    pairs = list(pairs)
    groups = by_language(pairs, "")
    real = [(i, p) for i, p in pairs if i.real]
    if real and len(real) < len(pairs):
        groups.update(by_language(real, "real."))
        groups.update(by_language([(i, p) for i, p in pairs if not i.real], "written."))
    return groups
