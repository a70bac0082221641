"""Write the rules backend's confidence table from the dev split (never the test split).

    python eval/calibrate.py          # writes src/upphandlingsgranskare/nlp/calibration.json

For each language and deciding reason ("purpose", "rationale", "actor", "no_reason", ...) the
confidence is the share of dev items whose label the rules got right, smoothed as
(right + 1) / (n + 2) so a reason seen twice is not "certain". The hybrid LLM backend sends the
items with the lowest confidence to the model; `eval --predictions` reports it per item.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from upphandlingsgranskare.evaluation.backends import predict_rules
from upphandlingsgranskare.evaluation.gold import load_items
from upphandlingsgranskare.fileio import write_atomic

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "gold" / "dev.jsonl"
OUT = ROOT / "src" / "upphandlingsgranskare" / "nlp" / "calibration.json"


def main() -> int:
    items = [i for i in load_items(DEV) if not i.ambiguous]
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    # The rules alone: the label model learnt the dev split, so its labels there say nothing about confidence.
    for item, prediction in zip(items, predict_rules(items, label_model=False)):
        right_total = counts[item.lang][prediction.reason or "unknown"]
        right_total[0] += item.label == prediction.predicted_label
        right_total[1] += 1
    reasons = {
        lang: {reason: round((right + 1) / (n + 2), 3) for reason, (right, n) in sorted(by_reason.items())}
        for lang, by_reason in sorted(counts.items())
    }
    support = {
        lang: {reason: n for reason, (_, n) in sorted(by_reason.items())} for lang, by_reason in sorted(counts.items())
    }
    data = {
        "about": "Share of dev-split items the rules label correctly, per language and deciding reason, "
        "smoothed (right+1)/(n+2). Written by eval/calibrate.py.",
        "gold": "eval/gold/dev.jsonl",
        "reasons": reasons,
        "support": support,
    }
    write_atomic(OUT, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(reasons, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
