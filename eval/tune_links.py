"""Tune the meaning-link thresholds of trace/link.py on the dev documents only.

    python eval/tune_links.py            # grid over threshold x relative-to-best, dev documents
    python eval/tune_links.py --show     # also the dev misses at the chosen values

Dev: sv-kravspecifikation-arendehantering.docx and en-rfp-case-management.docx (one Swedish, one
English; gold in corpora/samples/*.links.jsonl). The other documents with gold links
(sv-forfragningsunderlag-lonesystem.pdf, sv-kravmatris-e-arkiv.xlsx,
corpora/traceability/en-rfq-contact-centre.md) are held out: measure them with
``upphandlingsgranskare eval --gold ...links.jsonl``, never tune on them.

The grid maximises F1 of all links on the dev documents (reference links are fixed, so this
tunes the meaning links); ties go to the higher threshold (fewer, surer links), then to the lower
relative-to-best (a requirement may serve two goals when both score alike).
"""

from __future__ import annotations

import sys
from pathlib import Path

from upphandlingsgranskare.evaluation.links import evaluate_links
from upphandlingsgranskare.review import review_document
from upphandlingsgranskare.trace import link as trace_link

ROOT = Path(__file__).resolve().parents[1]
DEV = [
    ROOT / "corpora" / "samples" / "sv-kravspecifikation-arendehantering.links.jsonl",
    ROOT / "corpora" / "samples" / "en-rfp-case-management.links.jsonl",
]
DEV_DOCUMENTS = [
    ROOT / "corpora" / "samples" / "sv-kravspecifikation-arendehantering.docx",
    ROOT / "corpora" / "samples" / "en-rfp-case-management.docx",
]
THRESHOLDS = [round(0.05 + 0.025 * i, 3) for i in range(19)]  # 0.05 … 0.50
RELATIVE = [0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0]


def main(argv: list[str]) -> int:
    reviews = {p.resolve(): review_document(p) for p in DEV_DOCUMENTS}
    rows = []
    for threshold in THRESHOLDS:
        for relative in RELATIVE:

            def linker(review, t=threshold, r=relative):
                return trace_link.link_requirements(
                    review.requirements, review.goals, review.language, threshold=t, relative=r
                )

            result = evaluate_links(DEV, reviews=reviews, linker=linker)
            rows.append((result.overall.f1 or 0.0, threshold, relative, result))
    rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
    print(f"{'threshold':>9} {'relative':>8} {'F1':>6} {'P':>6} {'R':>6}  meaning P (made)")
    for f1, threshold, relative, result in rows[:15]:
        m = result.by_method["meaning"]
        print(
            f"{threshold:>9} {relative:>8} {f1:6.3f} {result.overall.precision.value or 0:6.3f} "
            f"{result.overall.recall.value or 0:6.3f}  {m.precision.value or 0:.3f} ({m.found})"
        )
    current = evaluate_links(DEV, reviews=reviews)
    print(
        f"\nin trace/link.py: threshold {trace_link.MEANING_THRESHOLD}, relative {trace_link.RELATIVE_TO_BEST}: "
        f"F1 {current.overall.f1 or 0:.3f} P {current.overall.precision.value or 0:.3f} "
        f"R {current.overall.recall.value or 0:.3f}"
    )
    if "--show" in argv:
        for miss in current.misses:
            print(
                f"  {miss.document}: {miss.kind} {miss.requirement_id} -> {miss.goal_id} "
                f"[{miss.method or ''} {miss.evidence or ''}] {miss.text[:90]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
