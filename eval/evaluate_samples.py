"""Evaluate UG001 on labelled documents: review each document, match its requirements to the
gold items of ``<doc stem>.labels.jsonl`` by text, and print the confusion counts and
precision/recall/F1 of the flag (label == feature_without_need). Ambiguous items are
reported apart and left out of the headline figures, as the annotation guide says.

    python eval/evaluate_samples.py [DOCUMENT ...]   # default: corpora/samples/*
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from upphandlingsgranskare.review import review_document

ROOT = Path(__file__).resolve().parents[1]


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def evaluate(document: Path) -> dict:
    gold_path = document.with_name(document.stem + ".labels.jsonl")
    gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line.strip()]
    review = review_document(document)
    found = [(_norm(r.text), r) for r in review.requirements]
    flagged_ids = {f.requirement_id + "\x1f" + f.requirement_text for f in review.findings}
    tp = fp = fn = tn = missed = 0
    errors = []
    ambiguous = 0
    for item in gold:
        key = _norm(item["text"])
        match = next((r for n, r in found if key == n or (len(key) > 20 and (key in n or n in key))), None)
        want = item["label"] == "feature_without_need"
        if item.get("ambiguous"):
            ambiguous += 1
            continue
        if match is None:
            missed += 1
            fn += want
            tn += not want
            if want:
                errors.append(("not found", item["label"], item["text"]))
            continue
        got = (match.id + "\x1f" + match.text) in flagged_ids
        if want and got:
            tp += 1
        elif want:
            fn += 1
            errors.append(("missed", f"{item['label']} -> {match.label}/{match.label_reason}", item["text"]))
        elif got:
            fp += 1
            errors.append(("false flag", item["label"], item["text"]))
        else:
            tn += 1
    return {"document": document.name, "gold": len(gold), "ambiguous": ambiguous, "not_found": missed,
            "found": len(review.requirements), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "errors": errors}


def main(argv: list[str]) -> int:
    documents = [Path(a) for a in argv] or sorted(
        p for p in (ROOT / "corpora" / "samples").iterdir() if p.suffix in {".docx", ".xlsx", ".pdf", ".txt", ".md"})
    totals = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for document in documents:
        result = evaluate(document)
        for k in totals:
            totals[k] += result[k]
        print(f"{result['document']}: gold {result['gold']} (ambiguous {result['ambiguous']}), found {result['found']}, "
              f"gold items not found {result['not_found']}; tp {result['tp']} fp {result['fp']} fn {result['fn']} tn {result['tn']}")
        for kind, label, text in result["errors"]:
            print(f"   {kind:10} [{label}] {text[:110]}")
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"TOTAL tp {tp} fp {fp} fn {fn} tn {totals['tn']}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
