"""Score the UG1xx checks against their gold items (eval/gold/checks/ug1NN.jsonl).

    .venv/bin/python eval/score_checks.py                 # every check, dev and test halves
    .venv/bin/python eval/score_checks.py --check UG102 --errors   # misclassified dev items too
    .venv/bin/python eval/score_checks.py --json          # machine-readable

Each gold item says whether the check should flag it (``expected``) and which half it belongs to
(``split``, assigned once by eval/split_check_gold.py). For each check, half and language the
script prints the confusion counts, precision and recall with Wilson 95% intervals, and F1 with
a fixed-seed bootstrap interval (src/upphandlingsgranskare/evaluation/metrics.py).

Tune on dev only. ``--errors`` lists misclassified dev items; test items are listed only with
``--errors --include-test``, for a final look after tuning is over (eval/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import upphandlingsgranskare  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))

from upphandlingsgranskare.evaluation.metrics import binary_scores  # noqa: E402 - after the path set-up above
from upphandlingsgranskare.review import lint_text  # noqa: E402

GOLD = ROOT / "eval" / "gold" / "checks"
CHECKS = ("UG101", "UG102", "UG103")


def load(code: str) -> list[dict]:
    path = GOLD / f"{code.lower()}.jsonl"
    items = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            item["expected"][code]
            item["split"]
        except (ValueError, KeyError) as exc:
            raise SystemExit(f"{path}:{number}: not a gold item for {code} ({exc})") from None
        items.append(item)
    return items


def predict(code: str, item: dict) -> bool:
    """As the review of a document holding the item finds it (``lint_text``: segmentation, labelling, the
    check within its scope): whether the check flags a requirement read in it."""
    context = item.get("context") or {}
    linted = lint_text(
        item["text"],
        language=item["lang"],
        heading=context.get("heading"),
        rationale=context.get("rationale"),
        select=[code],
        source=f"{item['id']}.txt",
    )
    return any(f.code == code and f.subject == "requirement" for f in linted.findings)


def _pct(x: float | None) -> str:
    return "  –  " if x is None else f"{100 * x:5.1f}"


def _ci(ci) -> str:
    return "" if ci is None else f"[{100 * ci.low:4.1f}–{100 * ci.high:5.1f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="append", choices=sorted(CHECKS), help="only this check (repeatable)")
    parser.add_argument("--errors", action="store_true", help="list misclassified dev items")
    parser.add_argument("--include-test", action="store_true", help="with --errors: list test items too")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    report: dict = {}
    errors: list[str] = []
    for code in args.check or sorted(CHECKS):
        items = load(code)
        started = time.perf_counter()
        predictions = {item["id"]: predict(code, item) for item in items}
        elapsed = time.perf_counter() - started
        report[code] = {"items": len(items), "seconds": round(elapsed, 2), "scores": {}}
        for split in ("test", "dev"):
            for lang in ("all", "sv", "en"):
                chosen = [i for i in items if i["split"] == split and (lang == "all" or i["lang"] == lang)]
                gold = [bool(i["expected"][code]) for i in chosen]
                pred = [predictions[i["id"]] for i in chosen]
                report[code]["scores"][f"{split}/{lang}"] = {"n": len(chosen), **binary_scores(gold, pred).as_dict()}
            if args.errors and (split == "dev" or args.include_test):
                for i in items:
                    if i["split"] == split and predictions[i["id"]] != bool(i["expected"][code]):
                        kind = "FP" if predictions[i["id"]] else "FN"
                        errors.append(f"{code} {split} {kind} {i['id']}: {i['text']}")

    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    header = (
        f"{'check':6} {'half/lang':9} {'n':>3} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3}  "
        f"{'P %':>5} {'95% CI':14} {'R %':>5} {'95% CI':14} {'F1 %':>5} {'95% CI (bootstrap)':14}"
    )
    print(header)
    print("-" * len(header))
    for code, entry in report.items():
        for key, s in entry["scores"].items():
            p, r = s["precision"], s["recall"]
            print(
                f"{code:6} {key:9} {s['n']:3d} {s['tp']:3d} {s['fp']:3d} {s['fn']:3d} {s['tn']:3d}  "
                f"{_pct(p['value'])} {_ci(_interval(p['ci'])):14} {_pct(r['value'])} {_ci(_interval(r['ci'])):14} "
                f"{_pct(s['f1'])} {_ci(_interval(s['f1_ci']))}"
            )
        print(f"{code:6} {entry['items']} items scored in {entry['seconds']:.2f} s (lemma tables loaded on first use)")
    if errors:
        print("\nmisclassified:")
        print("\n".join(errors))
    return 0


def _interval(d):
    if d is None:
        return None
    from upphandlingsgranskare.evaluation.metrics import Interval

    return Interval(d["low"], d["high"])


if __name__ == "__main__":
    raise SystemExit(main())
