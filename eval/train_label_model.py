"""Train the statistical label model (src/upphandlingsgranskare/nlp/label_model.npz).

    python eval/train_label_model.py              # cross-validate, then train on everything and write the model
    python eval/train_label_model.py --cv-only    # figures only
    python eval/train_label_model.py --embeddings # the model that reads sentence embeddings too
                                                  # (label_model_embeddings.npz; needs the [embeddings] extra)

Training data: the real-requirement corpus (``corpora/real/items/*.jsonl``: items quoted from public
requirement documents of many organisations, labelled twice independently), the labelled items
written for the project (``corpora/training/*.jsonl``), the sample tenders' labels
(``corpora/samples/*.labels.jsonl``) and the dev split. Never the test split: it only measures the
result (``upphandlingsgranskare eval --gold eval/gold/test.jsonl``).

The settings (regularisation, the weight of a real item against a written one, and the two
thresholds ``override_above``, when the model's label replaces the rules' label, and ``flag_above``,
how sure the model must be to flag) are chosen by grouped k-fold cross-validation in which **every
organisation of the real corpus sits in one fold only** (a buyer's house style never on both sides),
and items written for the project are held out in blocks of 10 consecutive items. The chosen setting
maximises the mean flagged-class F1 of real English and real Nordic (Swedish, Norwegian, Danish)
items less the share of real out_of_scope items flagged: what users meet on a new buyer's document.
The written items' figures are reported apart and are never the target. Among the settings the
objective ranks highest, the one written to the package must also keep every flag of the four sample
tenders (``python eval/evaluate_samples.py`` after training): give its values on the command line
(``--l2 0.3 --real-weight 1 --override-above 0.2 --flag-above 0.9`` today; see eval/README.md).

``rescope_above`` (0.85) is fixed by design, not chosen: bringing an item the rules put out of scope
into scope makes the other checks judge it too, so it needs more certainty than flagging.

The exact leave-one-organisation-out figures, per language and per organisation with confidence
intervals, come from ``upphandlingsgranskare eval --gold corpora/real/items/*.jsonl --cross-validate
organisation`` (see eval/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from upphandlingsgranskare.evaluation.crossval import TrainingSettings, featurize, held_out_probabilities, item_vectors
from upphandlingsgranskare.evaluation.gold import GoldItem, load_items
from upphandlingsgranskare.evaluation.metrics import f1_score
from upphandlingsgranskare.nlp.label_model import LABELS, LabelModel, label_model_fingerprint
from upphandlingsgranskare.nlp.label_model_training import train

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "upphandlingsgranskare" / "nlp" / "label_model.npz"
OUT_EMBEDDINGS = OUT.with_name("label_model_embeddings.npz")
TEST = ROOT / "eval" / "gold" / "test.jsonl"
NORDIC = ("sv", "no", "da")


def training_files() -> list[Path]:
    files = sorted((ROOT / "corpora" / "real" / "items").glob("*/*.jsonl"))
    files += sorted((ROOT / "corpora" / "training").glob("*.jsonl"))
    files += sorted((ROOT / "corpora" / "samples").glob("*.labels.jsonl"))
    files.append(ROOT / "eval" / "gold" / "dev.jsonl")
    return files


def load(files: list[Path]) -> tuple[list[GoldItem], list[str], list[str | None]]:
    """The unambiguous items, each one's cross-validation group (its organisation for a real item, a
    block of 10 consecutive items of its file for a written one) and, for a real item, whether its
    organisation is a dev or a test one (the folder ``corpora/real/items/dev|test``)."""
    items, groups, splits = [], [], []
    for path in files:
        if path.resolve() == TEST.resolve():
            raise SystemExit("the test split is never used for training")
        for n, item in enumerate(load_items(path)):
            if item.ambiguous:
                continue
            items.append(item)
            groups.append(f"organisation:{item.organisation}" if item.real else f"{path.name}#{n // 10}")
            splits.append(path.parent.name if item.real else None)
    return items, groups, splits


REAL_EN = "realdocs/en/"


def real_statement(item: GoldItem) -> bool:
    """Quoted from one of the real US statements in ``../shared/realdocs`` (dev items with a
    ``realdocs/en/`` source), scored apart as ``realdocs``."""
    return (item.source or "").startswith(REAL_EN)


def _group_scores(gold: list[str], predicted: list[str], idx: list[int]) -> dict[str, float]:
    tp = sum(gold[i] == LABELS[0] and predicted[i] == LABELS[0] for i in idx)
    fp = sum(gold[i] != LABELS[0] and predicted[i] == LABELS[0] for i in idx)
    fn = sum(gold[i] == LABELS[0] and predicted[i] != LABELS[0] for i in idx)
    oos = [i for i in idx if gold[i] == "out_of_scope"]
    return {
        "n": len(idx),
        "f1": round(f1_score(tp, fp, fn) or 0.0, 4),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "accuracy": round(sum(gold[i] == predicted[i] for i in idx) / len(idx), 4),
        "oos_flagged": round(sum(predicted[i] == LABELS[0] for i in oos) / len(oos), 4) if oos else 0.0,
    }


def scores(
    gold: list[str],
    predicted: list[str],
    langs: list[str],
    real: list[bool] | None = None,
    realdocs: list[bool] | None = None,
    splits: list[str | None] | None = None,
) -> dict[str, float]:
    """Flat figures ``<stratum>.<language>.<measure>``: strata ``real`` (the real corpus), its ``dev`` and
    ``test`` organisations, ``written`` (everything else) and ``all``; languages sv, en, no, da, nordic
    (sv+no+da) and all. ``realdocs.*``: the dev-split items quoted from ../shared/realdocs' US statements."""
    real = real or [False] * len(gold)
    splits = splits or [None] * len(gold)
    strata = {
        "all": range(len(gold)),
        "real": [i for i, r in enumerate(real) if r],
        "dev": [i for i, s in enumerate(splits) if s == "dev"],
        "test": [i for i, s in enumerate(splits) if s == "test"],
        "written": [i for i, r in enumerate(real) if not r],
    }
    out: dict[str, float] = {}
    for stratum, members in strata.items():
        members = list(members)
        for lang in ("sv", "en", "no", "da", "nordic", "all"):
            idx = [i for i in members if lang == "all" or langs[i] == lang or (lang == "nordic" and langs[i] in NORDIC)]
            if idx:
                out.update({f"{stratum}.{lang}.{k}": v for k, v in _group_scores(gold, predicted, idx).items()})
    if realdocs and any(realdocs):
        idx = [i for i, r in enumerate(realdocs) if r]
        out.update({f"realdocs.{k}": v for k, v in _group_scores(gold, predicted, idx).items()})
    return out


def folds_of(groups: list[str], k: int) -> list[int]:
    """Fold of each item: its group's hash, so a group (an organisation, a block) never straddles two folds."""
    return [int(hashlib.sha256(g.encode()).hexdigest(), 16) % k for g in groups]


def cross_validate(
    feature_lists,
    gold,
    rules_labels,
    rules_reasons,
    langs,
    groups,
    real,
    *,
    k: int,
    l2_grid,
    real_weights,
    overrides,
    flags,
    epochs: int,
    rescope_above: float,
    realdocs=None,
    splits=None,
    jobs: int = 1,
    vectors=None,
    dense_l2: float = 1.0,
):
    fold = folds_of(groups, k)
    results = {}
    for l2 in l2_grid:
        for real_weight in real_weights:
            # Every fold is held out in turn: the same training and replay as leave-one-organisation-out.
            probs = held_out_probabilities(
                feature_lists,
                gold,
                [str(f) for f in fold],
                TrainingSettings(l2=l2, epochs=epochs, embeddings=vectors is not None, dense_l2=dense_l2),
                weights=[real_weight if r else 1.0 for r in real],
                jobs=jobs,
                vectors=vectors,
            )
            for override in overrides:
                for flag in flags:
                    model = LabelModel(
                        np.zeros(0, np.uint32),
                        np.zeros((0, len(LABELS))),
                        override,
                        {},
                        flag_above=flag,
                        rescope_above=rescope_above,
                    )
                    predicted = [model.combine(probs[i], rules_labels[i], rules_reasons[i]) for i in range(len(gold))]
                    results[(l2, real_weight, override, flag)] = scores(gold, predicted, langs, real, realdocs, splits)
    return results


def objective(s: dict[str, float]) -> float:
    """On the dev organisations of the real corpus: the mean flagged F1 of English and Nordic items, less
    the share of out_of_scope items flagged. The test organisations choose nothing."""
    return (s.get("dev.en.f1", 0.0) + s.get("dev.nordic.f1", 0.0)) / 2 - s.get("dev.all.oos_flagged", 0.0)


def choose(results: dict) -> tuple[float, float, float, float]:
    return max(results.items(), key=lambda item: (round(objective(item[1]), 4), item[0][2]))[0]


def _row(name: str, s: dict, stratum: str) -> str:
    def get(key: str) -> str:
        return f"{s[key]:.3f}" if key in s else "  –  "

    return (
        f"{name:<30} {get(stratum + '.en.f1')}  {get(stratum + '.en.precision')}  {get(stratum + '.nordic.f1')}  "
        f"{get(stratum + '.nordic.precision')}  {get(stratum + '.all.oos_flagged')}   {get('written.sv.f1')}  "
        f"{get('written.en.f1')}  {get('written.all.oos_flagged')}   {objective(s):.4f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument(
        "--epochs",
        type=int,
        default=600,
        help="full-batch Adam steps (600: within 0.002 F1 of 1600 under cross-validation, at a third of the time)",
    )
    parser.add_argument("--l2", type=float, nargs="+", default=[0.3, 1.0])
    parser.add_argument(
        "--real-weight",
        type=float,
        nargs="+",
        default=[1.0, 3.0],
        help="weight of a real item against a written one in the loss",
    )
    parser.add_argument("--override-above", type=float, nargs="+", default=[0.0, 0.5, 0.7])
    parser.add_argument("--flag-above", type=float, nargs="+", default=[0.5, 0.6, 0.7, 0.8])
    parser.add_argument(
        "--rescope-above",
        type=float,
        default=0.85,
        help="how sure the model must be to bring an out-of-scope item into scope (fixed by design)",
    )
    parser.add_argument("--jobs", "-j", type=int, default=1, help="processes for the cross-validation folds")
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument(
        "--no-cv",
        action="store_true",
        help="train with the first value of each setting, without cross-validation (to try a setting "
        "on the samples; the model then records no cross-validation figures)",
    )
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="train the model that reads each item's sentence embedding too (nlp/embeddings.py), "
        "written to label_model_embeddings.npz unless --out says otherwise",
    )
    parser.add_argument("--dense-l2", type=float, default=1.0, help="with --embeddings: L2 on the embedding's weights")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = OUT_EMBEDDINGS if args.embeddings else OUT

    files = training_files()
    items, groups, splits = load(files)
    feature_lists, rules_labels, rules_reasons = featurize(items)
    gold = [i.label for i in items]
    langs = [i.lang for i in items]
    real = [i.real for i in items]
    realdocs = [real_statement(i) for i in items]
    organisations = {i.organisation for i in items if i.real}
    print(
        f"{len(items)} items from {len(files)} files: {dict(Counter(langs))}; {dict(Counter(gold))}; "
        f"{sum(real)} real items from {len(organisations)} organisations",
        file=sys.stderr,
    )
    rules_scores = scores(gold, rules_labels, langs, real, realdocs, splits)
    vectors = item_vectors(items) if args.embeddings else None
    if args.no_cv:
        first = (args.l2[0], args.real_weight[0], args.override_above[0], args.flag_above[0])
        results = {first: {}}
    else:
        results = cross_validate(
            feature_lists,
            gold,
            rules_labels,
            rules_reasons,
            langs,
            groups,
            real,
            k=args.folds,
            l2_grid=args.l2,
            real_weights=args.real_weight,
            overrides=args.override_above,
            flags=args.flag_above,
            epochs=args.epochs,
            rescope_above=args.rescope_above,
            realdocs=realdocs,
            splits=splits,
            jobs=args.jobs,
            vectors=vectors,
            dense_l2=args.dense_l2,
        )
    # The test organisations' figures are printed for the chosen setting only, after the choice.
    print(f"{'setting':<30} dev:en.f1 en.P nordic.f1 P  oos     written:sv.f1 en.f1 oos   objective")
    print(_row("rules", rules_scores, "dev"))
    for (l2, real_weight, override, flag), s in sorted(results.items()):
        print(_row(f"l2={l2} rw={real_weight} o={override} f={flag}", s, "dev"))
    l2, real_weight, threshold, flag = choose(results)
    print(f"{'test organisations':<30} test:en.f1 en.P nordic.f1 P  oos")
    print(_row("rules", rules_scores, "test"))
    chosen = results[(l2, real_weight, threshold, flag)]
    print(_row(f"chosen l2={l2} rw={real_weight} o={threshold} f={flag}", chosen, "test"))
    print(f"chosen: l2={l2} real_weight={real_weight} override_above={threshold} flag_above={flag}", file=sys.stderr)
    if args.cv_only:
        return 0
    keys, weights, dense = train(
        feature_lists,
        gold,
        l2=l2,
        epochs=args.epochs,
        sample_weights=[real_weight if r else 1.0 for r in real],
        vectors=vectors,
        dense_l2=args.dense_l2,
    )
    settings = TrainingSettings(
        l2=l2,
        epochs=args.epochs,
        override_above=threshold,
        flag_above=flag,
        rescope_above=args.rescope_above,
        real_weight=real_weight,
        embeddings=args.embeddings,
        dense_l2=args.dense_l2,
    )
    meta = {
        "about": "Statistical label model for UG001; see nlp/label_model.py. Written by eval/train_label_model.py.",
        "training_files": {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
        "fingerprint": label_model_fingerprint(),
        "items": len(items),
        "real_items": sum(real),
        "organisations": len(organisations),
        **settings.as_meta(),
        "cross_validation": {
            "folds": args.folds,
            "grouped_by": "organisation (real items), blocks of 10 (written)",
            "rules": rules_scores,
            "model": chosen,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp.npz")
    LabelModel(keys, weights, threshold, meta, flag_above=flag, rescope_above=args.rescope_above, dense=dense).save(tmp)
    tmp.replace(args.out)
    print(f"wrote {args.out} ({len(keys)} features)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
