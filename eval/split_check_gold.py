"""Assign the per-check gold items (eval/gold/checks/*.jsonl) to dev and test halves, once.

    python eval/split_check_gold.py

Items that already have a ``split`` keep it. The others are grouped by (language, expected
label), ordered by a SHA-1 hash of their id and dealt alternately to test and dev, so each half
gets about half of every kind of item and the same ids always give the same split. Tune on dev
only; the test half is for measuring (eval/README.md).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

CHECK_GOLD = Path(__file__).resolve().parent / "gold" / "checks"
SPLITS = ("test", "dev")


def assign(items: list[dict]) -> int:
    """Give every item without a split one; returns how many were assigned."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        if "split" not in item:
            groups[(item["lang"], tuple(sorted(item["expected"].items())))].append(item)
    assigned = 0
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda i: hashlib.sha1(i["id"].encode()).hexdigest())
        for index, item in enumerate(ordered):
            item["split"] = SPLITS[index % 2]
            assigned += 1
    return assigned


def main() -> int:
    for path in sorted(CHECK_GOLD.glob("*.jsonl")):
        items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        added = assign(items)
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
        counts = {s: sum(1 for i in items if i["split"] == s) for s in SPLITS}
        print(f"{path.name}: {len(items)} items, newly assigned {added}; test {counts['test']}, dev {counts['dev']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
