"""Time the annotated DOCX copy: N findings into a document without comments, and N more into a
copy that already holds N comments (issue 18, item 6: python-docx rescanned every comment id for
each new comment, so both grew quadratically).

Usage:
    .venv/bin/python benchmarks/annotate_docx_speed.py [--findings 4000] [--repeat 1]

Prints seconds per case and the load average. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build(path: Path, n: int) -> None:
    import docx

    document = docx.Document()
    for i in range(n):
        document.add_paragraph(f"K{i + 1} Systemet ska ha stöd för export av ärende nummer {i + 1} till Excel.")
    document.save(path)


def review_of(path: Path, n: int, message: str):
    from upphandlingsgranskare.models import DocumentReview, Finding, Location

    findings = tuple(
        Finding(
            code="UG001",
            name="feature-without-need",
            severity="warning",
            message=f"{message} {i + 1}",
            question="Vilket behov ska funktionen möta?",
            suggestion="Beskriv behovet.",
            requirement_id=f"K{i + 1}",
            requirement_text=f"K{i + 1} Systemet ska ha stöd för export av ärende nummer {i + 1} till Excel.",
            language="sv",
            location=Location(file=str(path), paragraph=i),
        )
        for i in range(n)
    )
    return DocumentReview(path=str(path), format="docx", language="sv", requirements=(), goals=(), findings=findings)


def timed(source: Path, review, target: Path, repeat: int) -> float:
    from upphandlingsgranskare.report.annotate_docx import annotate_docx

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        annotate_docx(source, review, target)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    n = args.findings
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "krav.docx"
        build(source, n)
        first = work / "krav.granskad.docx"
        seconds = timed(source, review_of(source, n, "Ange behovet"), first, args.repeat)
        print(f"{n} findings, no existing comments: {seconds:.2f} s")
        # Other messages, so every finding gets a comment next to the N already there.
        second = work / "krav.granskad.2.docx"
        seconds = timed(first, review_of(first, n, "Vilket mål"), second, args.repeat)
        print(f"{n} findings, {n} existing comments: {seconds:.2f} s")


if __name__ == "__main__":
    main()
