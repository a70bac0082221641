"""Train the statistical label model (src/upphandlingsgranskare/nlp/label_model.npz).

    python eval/train_label_model.py              # cross-validate, then train on everything and write the model
    python eval/train_label_model.py --cv-only    # figures only

Training data: the labelled training corpus (``corpora/training/*.jsonl``), the sample tenders'
labels (``corpora/samples/*.labels.jsonl``) and the dev split. Never the test split: it only
measures the result (``upphandlingsgranskare eval --gold eval/gold/test.jsonl``).

The regularisation and the two thresholds (``override_above``: when the model's label replaces
the rules' label; ``flag_above``: how sure the model must be to flag) are chosen by grouped
k-fold cross-validation over the training data (groups: blocks of 10 consecutive items of a
file, so near-identical neighbours written together never sit on both sides). The chosen
setting maximises the mean of the Swedish and English flagged-class F1 less the share of
out_of_scope items flagged (false alarms); ties go to the higher override threshold.

``rescope_above`` (0.85) is fixed by design, not chosen: bringing an item the rules put out of
scope into scope makes the other checks judge it too, so it needs more certainty than flagging.
It was set with the real documents' false-flag guards in view (tests/test_realdocs_review.py:
at 0.0 the model moved consultant duties in Inera call-offs into scope at p 0.52–0.66 and a
template's purpose sentence at 0.83); under cross-validation on the first 3,545 training items it cost 0.002 Swedish and 0.001
English F1.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from upphandlingsgranskare.checks.ug001_feature_without_need import FeatureWithoutNeed
from upphandlingsgranskare.evaluation.backends import gold_requirement
from upphandlingsgranskare.evaluation.gold import GoldItem, load_items
from upphandlingsgranskare.evaluation.metrics import f1_score
from upphandlingsgranskare.nlp.label_model import LABELS, LabelModel, item_features, requirement_view, train

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "upphandlingsgranskare" / "nlp" / "label_model.npz"
TEST = ROOT / "eval" / "gold" / "test.jsonl"


def training_files() -> list[Path]:
    files = sorted((ROOT / "corpora" / "training").glob("*.jsonl"))
    files += sorted((ROOT / "corpora" / "samples").glob("*.labels.jsonl"))
    files.append(ROOT / "eval" / "gold" / "dev.jsonl")
    return files


def load(files: list[Path]) -> tuple[list[GoldItem], list[str]]:
    items, groups = [], []
    for path in files:
        if path.resolve() == TEST.resolve():
            raise SystemExit("the test split is never used for training")
        for n, item in enumerate(load_items(path)):
            if item.ambiguous:
                continue
            items.append(item)
            groups.append(f"{path.name}#{n // 10}")
    return items, groups


def featurize(items: list[GoldItem]) -> tuple[list[list[str]], list[str]]:
    check = FeatureWithoutNeed()
    feature_lists, rules_labels = [], []
    for item in items:
        requirement, context = gold_requirement(item)
        assessment = check.assess(requirement, replace(context, label_model=False))  # the rules alone
        feature_lists.append(item_features(requirement_view(requirement, context), assessment))
        rules_labels.append(assessment.label)
    return feature_lists, rules_labels


REAL_EN = "realdocs/en/"


def real_statement(item: GoldItem) -> bool:
    """Quoted from a real US statement of requirements (the dev items with a ``realdocs/en/`` source):
    the held-out English style the training corpus imitates, scored apart as ``real``."""
    return (item.source or "").startswith(REAL_EN)


def scores(gold: list[str], predicted: list[str], langs: list[str],
           real: list[bool] | None = None) -> dict[str, float]:
    out: dict[str, float] = {}
    groups = {lang: [i for i, l in enumerate(langs) if lang in ("all", l)] for lang in ("sv", "en", "all")}
    groups["real"] = [i for i, r in enumerate(real or []) if r]
    for lang, idx in groups.items():
        if not idx:
            continue
        tp = sum(gold[i] == LABELS[0] and predicted[i] == LABELS[0] for i in idx)
        fp = sum(gold[i] != LABELS[0] and predicted[i] == LABELS[0] for i in idx)
        fn = sum(gold[i] == LABELS[0] and predicted[i] != LABELS[0] for i in idx)
        oos = [i for i in idx if gold[i] == "out_of_scope"]
        out[f"{lang}.f1"] = round(f1_score(tp, fp, fn) or 0.0, 4)
        out[f"{lang}.precision"] = round(tp / (tp + fp), 4) if tp + fp else 0.0
        out[f"{lang}.recall"] = round(tp / (tp + fn), 4) if tp + fn else 0.0
        out[f"{lang}.accuracy"] = round(sum(gold[i] == predicted[i] for i in idx) / len(idx), 4)
        out[f"{lang}.oos_flagged"] = round(sum(predicted[i] == LABELS[0] for i in oos) / len(oos), 4) if oos else 0.0
    return out


def folds_of(groups: list[str], k: int) -> list[int]:
    """Fold of each item: its group's hash, so a group never straddles two folds."""
    return [int(hashlib.sha256(g.encode()).hexdigest(), 16) % k for g in groups]


def cross_validate(feature_lists, gold, rules_labels, langs, groups, *, k: int, l2_grid, overrides, flags, epochs: int,
                   rescope_above: float, real: list[bool] | None = None):
    fold = folds_of(groups, k)
    results = {}
    for l2 in l2_grid:
        probs = np.zeros((len(gold), len(LABELS)))
        for f in range(k):
            train_idx = [i for i in range(len(gold)) if fold[i] != f]
            test_idx = [i for i in range(len(gold)) if fold[i] == f]
            keys, weights = train([feature_lists[i] for i in train_idx], [gold[i] for i in train_idx],
                                  l2=l2, epochs=epochs)
            model = LabelModel(keys, weights, 0.5, {})
            for i in test_idx:
                probs[i] = model.probabilities(feature_lists[i])
        for override in overrides:
            for flag in flags:
                model = LabelModel(np.zeros(0, np.uint32), np.zeros((0, len(LABELS))), override, {}, flag_above=flag,
                                   rescope_above=rescope_above)
                predicted = [model.combine(probs[i], rules_labels[i]) for i in range(len(gold))]
                results[(l2, override, flag)] = scores(gold, predicted, langs, real)
    return results


def objective(s: dict[str, float]) -> float:
    """Mean flagged F1 of the two languages, less the share of out_of_scope items flagged (false alarms)."""
    return (s["sv.f1"] + s["en.f1"]) / 2 - s["all.oos_flagged"]


def choose(results: dict) -> tuple[float, float, float]:
    return max(results.items(), key=lambda item: (round(objective(item[1]), 4), item[0][1]))[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=1600,
                        help="full-batch Adam steps; 1600 over 400 gained 0.003 English F1 under cross-validation")
    parser.add_argument("--l2", type=float, nargs="+", default=[0.1, 0.3])
    parser.add_argument("--override-above", type=float, nargs="+", default=[0.0, 0.5, 0.7])
    parser.add_argument("--flag-above", type=float, nargs="+", default=[0.5, 0.6, 0.7, 0.8])
    parser.add_argument("--rescope-above", type=float, default=0.85,
                        help="fixed, not chosen: how sure the model must be to bring an out-of-scope item into scope")
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    files = training_files()
    items, groups = load(files)
    feature_lists, rules_labels = featurize(items)
    gold = [i.label for i in items]
    langs = [i.lang for i in items]
    real = [real_statement(i) for i in items]
    print(f"{len(items)} items from {len(files)} files: {dict(Counter(langs))}; {dict(Counter(gold))}", file=sys.stderr)
    rules_scores = scores(gold, rules_labels, langs, real)
    results = cross_validate(feature_lists, gold, rules_labels, langs, groups, k=args.folds, l2_grid=args.l2,
                             overrides=args.override_above, flags=args.flag_above, epochs=args.epochs,
                             rescope_above=args.rescope_above, real=real)
    print(f"setting                  sv.f1  en.f1  all.f1  sv.oos  en.oos  all.acc  objective  real.f1 ({sum(real)} items)")

    def row(name: str, s: dict) -> str:
        return (f"{name:<24} {s['sv.f1']:.3f}  {s['en.f1']:.3f}  {s['all.f1']:.3f}  {s['sv.oos_flagged']:.3f}   "
                f"{s['en.oos_flagged']:.3f}   {s['all.accuracy']:.3f}    {objective(s):.4f}     {s.get('real.f1', 0.0):.3f}")

    print(row("rules", rules_scores))
    for (l2, override, flag), s in sorted(results.items()):
        print(row(f"l2={l2} o={override} f={flag}", s))
    l2, threshold, flag = choose(results)
    print(f"chosen: l2={l2} override_above={threshold} flag_above={flag}", file=sys.stderr)
    if args.cv_only:
        return 0
    keys, weights = train(feature_lists, gold, l2=l2, epochs=args.epochs)
    meta = {
        "about": "Statistical label model for UG001; see nlp/label_model.py. Written by eval/train_label_model.py.",
        "training_files": {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
        "items": len(items),
        "l2": l2, "epochs": args.epochs, "override_above": threshold, "flag_above": flag,
        "rescope_above": args.rescope_above,
        "cross_validation": {"folds": args.folds, "rules": rules_scores, "model": results[(l2, threshold, flag)]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp.npz")
    LabelModel(keys, weights, threshold, meta, flag_above=flag, rescope_above=args.rescope_above).save(tmp)
    tmp.replace(args.out)
    print(f"wrote {args.out} ({len(keys)} features)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
