"""Score UG001 end to end on the labelled sample tenders: review each document, match its
requirements to the gold items of ``<doc stem>.labels.jsonl`` by text, and print detection and
flag figures (ambiguous items apart, as the annotation guide says).

    python eval/evaluate_samples.py [DOCUMENT ...]   # default: corpora/samples/*

The ``.labels.jsonl`` files hold the annotation guide's item records, so they can also be scored
in item mode: ``upphandlingsgranskare eval --gold corpora/samples/<doc>.labels.jsonl``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from upphandlingsgranskare.evaluation.documents import DocumentEvaluation, evaluate_spans
from upphandlingsgranskare.evaluation.gold import GoldSpan, load_items
from upphandlingsgranskare.evaluation.render import render_documents_text

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_SUFFIXES = {".docx", ".xlsx", ".pdf", ".txt", ".md"}


def evaluate(document: Path) -> DocumentEvaluation:
    labels = document.with_name(document.stem + ".labels.jsonl")
    spans = [
        GoldSpan(document=document.name, id=item.id, text=item.text, label=item.label, ambiguous=item.ambiguous)
        for item in load_items(labels)
    ]
    return evaluate_spans({document.resolve(): spans}, (str(labels),))


def main(argv: list[str]) -> int:
    documents = [Path(a) for a in argv] or sorted(
        p for p in (ROOT / "corpora" / "samples").iterdir() if p.suffix in DOCUMENT_SUFFIXES
    )
    for document in documents:
        sys.stdout.write(render_documents_text(evaluate(document)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
