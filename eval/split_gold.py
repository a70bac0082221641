"""Assign gold items to the dev and test splits, once, and keep them there.

    python eval/split_gold.py NEW_ITEMS.jsonl [...]

Items already in eval/gold/dev.jsonl or eval/gold/test.jsonl keep their split. New items are
grouped by (id prefix, language, label), ordered by a hash of their id, and dealt alternately to
test and dev, so both splits get every kind of item in about equal numbers and the same input
always gives the same split. The test split is never used to tune anything (eval/README.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

GOLD = Path(__file__).resolve().parent / "gold"
SPLITS = ("test", "dev")


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _prefix(item_id: str) -> str:
    return re.sub(r"[-_]?\d+$", "", item_id)


def main(argv: list[str]) -> int:
    existing = {name: _read(GOLD / f"{name}.jsonl") for name in SPLITS}
    known_ids = {item["id"] for items in existing.values() for item in items}
    known_texts = {" ".join(item["text"].split()).casefold() for items in existing.values() for item in items}
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    skipped = 0
    for path in map(Path, argv):
        for item in _read(path):
            text_key = " ".join(item["text"].split()).casefold()
            if item["id"] in known_ids or text_key in known_texts:
                skipped += 1
                continue
            known_ids.add(item["id"])
            known_texts.add(text_key)
            groups[(_prefix(item["id"]), item["lang"], item["label"])].append(item)
    added = {name: 0 for name in SPLITS}
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda i: hashlib.sha1(i["id"].encode()).hexdigest())
        for index, item in enumerate(ordered):
            split = SPLITS[index % 2]
            existing[split].append(item)
            added[split] += 1
    for name in SPLITS:
        lines = "".join(
            json.dumps(item, ensure_ascii=False) + "\n" for item in sorted(existing[name], key=lambda i: i["id"])
        )
        (GOLD / f"{name}.jsonl").write_text(lines, "utf-8")
    print(f"added: test {added['test']}, dev {added['dev']}; skipped (id or text already present) {skipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
