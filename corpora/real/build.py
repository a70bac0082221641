"""Build the real-requirement corpus: annotation batches out, labelled gold items in.

    python corpora/real/build.py batches --out DIR [--size 350]   # batches for the annotators
    python corpora/real/build.py third-pass --out DIR [--share 0.1]  # a random 10 % for a third annotator
    python corpora/real/build.py merge                            # labelled items + agreement figures

``candidates/*.jsonl`` hold the quoted items with their provenance (each written by the extraction
script beside it). ``annotations/<batch>.<A|B|C>.jsonl`` hold each annotator's labels, made
independently: A and B label every item, C a random 10 % again. Where A and B disagree, the label
in ``adjudication.jsonl`` decides and the item is marked ``ambiguous`` (the annotation guide: such
items are reported apart and left out of the headline figures). ``merge`` writes the items in the gold format that ``upphandlingsgranskare eval`` reads, and prints
agreement and Cohen's kappa.

The organisations are split once into **dev** (``items/dev/``) and **test** (``items/test/``), by a hash
of the name, alternating within each language so both hold every language. ``splits.json`` records
each organisation's split; an organisation added later joins the split with fewer organisations of its
language and no earlier organisation moves (a test organisation's items are never to be read). Rules and word lists may
be changed by reading the errors on dev organisations only; the test organisations' items are read by
no one after labelling, so leave-one-organisation-out on them is the honest figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CANDIDATES = HERE / "candidates"
ANNOTATIONS = HERE / "annotations"
ITEMS = HERE / "items"
ADJUDICATION = HERE / "adjudication.jsonl"
SPLITS = HERE / "splits.json"
LABELS = ("feature_without_need", "feature_with_need", "need", "out_of_scope")
SEED = 16


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    tmp.replace(path)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def candidates() -> dict[str, list[dict]]:
    """Candidate items per file, without excluded sources and without a text seen in an earlier file
    (PURE and Promise+ quote some of the same documents)."""
    seen: set[str] = set()
    out: dict[str, list[dict]] = {}
    for path in sorted(CANDIDATES.glob("*.jsonl")):
        kept = []
        for record in read_jsonl(path):
            key = _key(record["text"])
            if key in seen:
                continue
            seen.add(key)
            kept.append(record)
        out[path.name] = kept
    return out


def _for_annotator(record: dict) -> dict:
    return {"id": record["id"], "lang": record["lang"], "text": record["text"], "context": record.get("context") or {}}


def make_batches(out: Path, size: int, files: list[str] | None = None) -> None:
    """Batches of the items not yet in a batch under ``out`` (sources arrive one after another);
    ``files``: only these candidate files."""
    out.mkdir(parents=True, exist_ok=True)
    existing = sorted(out.glob("batch-*.jsonl"))
    batched = {r["id"] for path in existing for r in read_jsonl(path)}
    pool = [r for name, records in candidates().items() if not files or name in files
            for r in records if r["id"] not in batched]
    random.Random(SEED).shuffle(pool)  # every batch mixes sources, so no annotator drifts on one buyer's style
    count = (len(pool) + size - 1) // size
    for n in range(count):
        chunk = pool[n * size:(n + 1) * size]
        write_jsonl(out / f"batch-{len(existing) + n + 1:02d}.jsonl", [_for_annotator(r) for r in chunk])
    print(f"{len(pool)} new items in {count} batches of at most {size} -> {out}", file=sys.stderr)


def make_third_pass(out: Path, share: float, files: list[str] | None = None) -> None:
    """A random ``share`` of the items (``files``: of these candidate files only, for a source added later)."""
    pool = sorted((r for name, records in candidates().items() if not files or name in files for r in records),
                  key=lambda r: r["id"])
    chosen = random.Random(SEED + 1).sample(pool, round(len(pool) * share))
    write_jsonl(out / "third-pass.jsonl", [_for_annotator(r) for r in chosen])
    print(f"{len(chosen)} items for the third pass -> {out / 'third-pass.jsonl'}", file=sys.stderr)


def annotations(role: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(ANNOTATIONS.glob(f"*.{role}.jsonl")):
        for record in read_jsonl(path):
            if record.get("label") not in LABELS:
                raise SystemExit(f"{path}: {record.get('id')}: unknown label {record.get('label')!r}")
            found[record["id"]] = record
    return found


def kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of two annotators' labels."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in set(first) | set(second)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement(name: str, pairs: list[tuple[str, str]]) -> str:
    flag = [(a == LABELS[0], b == LABELS[0]) for a, b in pairs]
    agree = sum(a == b for a, b in pairs)
    return (f"{name}: {len(pairs)} items, agreement {agree / len(pairs):.3f}, kappa {kappa(pairs):.3f} (4 labels); "
            f"flag agreement {sum(a == b for a, b in flag) / len(flag):.3f}, kappa {kappa(flag):.3f}")


def organisation_splits(records: list[dict], fixed: dict[str, str] | None = None) -> dict[str, str]:
    """dev or test for each organisation. ``fixed`` (``splits.json``) keeps every earlier organisation where
    it is. The others, per language (an organisation's commonest) and ordered by a hash of the name, each
    join the split with fewer organisations of that language, test on a tie: with nothing fixed this
    alternates test, dev, test, …, and a language with one organisation puts it in test, since nothing
    may then be tuned on it."""
    fixed = fixed or {}
    languages: dict[str, Counter] = {}
    for record in records:
        languages.setdefault(record["organisation"], Counter())[record["lang"]] += 1
    by_language: dict[str, list[str]] = {}
    for organisation, counts in languages.items():
        by_language.setdefault(counts.most_common(1)[0][0], []).append(organisation)
    split = {}
    for organisations in by_language.values():
        sizes = Counter(fixed[o] for o in organisations if o in fixed)
        for organisation in sorted(organisations, key=lambda o: hashlib.sha256(o.encode("utf-8")).hexdigest()):
            if organisation in fixed:
                split[organisation] = fixed[organisation]
            else:
                split[organisation] = "test" if sizes["test"] <= sizes["dev"] else "dev"
                sizes[split[organisation]] += 1
    return split


def merge() -> None:
    first, second, third = annotations("A"), annotations("B"), annotations("C")
    decided = {r["id"]: r for r in read_jsonl(ADJUDICATION)} if ADJUDICATION.exists() else {}
    pairs, by_language, undecided = [], {}, []
    totals: Counter = Counter()
    pool = candidates()
    fixed = json.loads(SPLITS.read_text(encoding="utf-8")) if SPLITS.exists() else {}
    splits = organisation_splits([r for records in pool.values() for r in records], fixed)
    SPLITS.write_text(json.dumps(dict(sorted(splits.items())), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for old in ITEMS.glob("*/*.jsonl"):
        old.unlink()
    for name, records in pool.items():
        items: dict[str, list[dict]] = {"dev": [], "test": []}
        for record in records:
            a, b = first.get(record["id"]), second.get(record["id"])
            if a is None or b is None:
                continue  # not labelled twice yet
            pairs.append((a["label"], b["label"]))
            by_language.setdefault(record["lang"], []).append((a["label"], b["label"]))
            if a["label"] == b["label"]:
                label = a["label"]
                ambiguous = bool(a.get("ambiguous") and b.get("ambiguous"))
            elif record["id"] in decided:
                label, ambiguous = decided[record["id"]]["label"], True
            else:
                undecided.append(record["id"])
                continue
            item = {"id": record["id"], "lang": record["lang"], "text": record["text"],
                    "context": record.get("context") or {}, "label": label, "ambiguous": ambiguous,
                    "source": record["source"], "organisation": record["organisation"],
                    "provenance": record["provenance"]}
            items[splits[record["organisation"]]].append(item)
            totals[(splits[record["organisation"]], record["lang"], label, ambiguous)] += 1
        for split, chosen in items.items():
            if chosen:
                write_jsonl(ITEMS / split / name, chosen)
    print(agreement("A-B, all", pairs))
    for lang, lang_pairs in sorted(by_language.items()):
        print(agreement(f"A-B, {lang}", lang_pairs))
    final = {r["id"]: r["label"] for path in ITEMS.glob("*/*.jsonl") for r in read_jsonl(path)}
    third_pairs = [(final[i], r["label"]) for i, r in third.items() if i in final]
    if third_pairs:
        print(agreement("final-C (third pass)", third_pairs))
    print(f"undecided disagreements: {len(undecided)}")
    organisations = Counter((splits[o], min(langs)) for o, langs in
                            ((o, {r["lang"] for rs in pool.values() for r in rs if r["organisation"] == o}) for o in splits))
    print("organisations per split and language:", dict(sorted(organisations.items())))
    for (split, lang, label, ambiguous), count in sorted(totals.items()):
        print(f"  {split:<4} {lang} {label:<22} {'ambiguous' if ambiguous else 'clear':<9} {count}")


def make_disagreements(out: Path) -> None:
    """The items A and B labelled differently, with both labels, for the adjudicator."""
    first, second = annotations("A"), annotations("B")
    records = []
    for record in (r for rs in candidates().values() for r in rs):
        a, b = first.get(record["id"]), second.get(record["id"])
        if a and b and a["label"] != b["label"]:
            records.append({**_for_annotator(record), "labels": sorted({a["label"], b["label"]})})
    write_jsonl(out / "disagreements.jsonl", records)
    print(f"{len(records)} disagreements -> {out / 'disagreements.jsonl'}", file=sys.stderr)


def stats() -> None:
    """A Markdown table of the labelled items per source file: language, organisations, items per label."""
    rows = []
    for name in sorted({p.name for p in ITEMS.glob("*/*.jsonl")}):
        items = [r for split in ("dev", "test") if (ITEMS / split / name).exists()
                 for r in read_jsonl(ITEMS / split / name)]
        counts = Counter(r["label"] for r in items if not r["ambiguous"])
        rows.append((name, "+".join(sorted({r["lang"] for r in items})), len({r["organisation"] for r in items}),
                     len(items), *(counts[label] for label in LABELS), sum(r["ambiguous"] for r in items),
                     "; ".join(sorted({(r["provenance"].get("licence") or "none stated")[:40] for r in items}))[:60]))
    print("| file | lang | organisations | items | fwn | fw | need | oos | ambiguous | licence as stated |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")
    totals = [sum(r[i] for r in rows) for i in range(2, 9)]
    print("| **total** | | " + " | ".join(f"**{t}**" for t in totals) + " | |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    batches = sub.add_parser("batches")
    batches.add_argument("--out", type=Path, required=True)
    batches.add_argument("--size", type=int, default=350)
    batches.add_argument("--files", nargs="*", help="only these candidate files (names)")
    third = sub.add_parser("third-pass")
    third.add_argument("--out", type=Path, required=True)
    third.add_argument("--share", type=float, default=0.1)
    third.add_argument("--files", nargs="*", help="only these candidate files (names)")
    disagreements = sub.add_parser("disagreements")
    disagreements.add_argument("--out", type=Path, required=True)
    sub.add_parser("merge")
    sub.add_parser("stats")
    args = parser.parse_args(argv)
    if args.command == "batches":
        make_batches(args.out, args.size, args.files)
    elif args.command == "disagreements":
        make_disagreements(args.out)
    elif args.command == "third-pass":
        make_third_pass(args.out, args.share, args.files)
    elif args.command == "stats":
        stats()
    else:
        merge()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
