"""Compare raw PDF text extraction speed: pypdfium2 vs pypdf (and our full PDF pipeline).

Usage:
    python benchmarks/extract_speed.py [PDF or folder ...]   # default: ../shared/realdocs

Prints pages, seconds and pages/second per library, the speed ratio, and peak RSS. Each
library is timed over all files with ``--repeat`` rounds (best round counts) so that
one-off start-up costs do not dominate.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pdf_paths(args: list[str]) -> list[Path]:
    targets = [Path(a) for a in args] or [ROOT.parent / "shared" / "realdocs"]
    paths: list[Path] = []
    for target in targets:
        if target.is_dir():
            paths.extend(sorted(target.rglob("*.pdf")))
        elif target.suffix.lower() == ".pdf":
            paths.append(target)
    return paths


def with_pypdfium2(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        doc = pdfium.PdfDocument(str(path))
        try:
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            doc.close()
    return pages


def with_pypdf(paths: list[Path]) -> int:
    import pypdf

    pages = 0
    for path in paths:
        reader = pypdf.PdfReader(str(path))
        for page in reader.pages:
            page.extract_text()
            pages += 1
    return pages


def with_pipeline(paths: list[Path]) -> int:
    """Our extract(): pypdfium2 plus header/footer removal, paragraphs and offsets."""
    from upphandlingsgranskare.extract import extract

    return sum(extract(path).pages or 0 for path in paths)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def measure(fn, paths: list[Path], repeat: int) -> tuple[int, float]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = fn(paths)
        best = min(best, time.perf_counter() - start)
    return pages, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="PDF files or folders (default ../shared/realdocs)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per library; the best counts")
    args = parser.parse_args()

    paths = pdf_paths(args.paths)
    if not paths:
        print("no PDF files found", file=sys.stderr)
        return 1
    print(f"{len(paths)} PDF files: " + ", ".join(p.name for p in paths))
    print(f"{'library':<22}{'pages':>7}{'seconds':>10}{'pages/s':>10}{'peak RSS MB':>13}")
    results: dict[str, tuple[int, float]] = {}
    for name, fn in (("pypdfium2", with_pypdfium2), ("pypdf", with_pypdf), ("extract() pipeline", with_pipeline)):
        pages, seconds = measure(fn, paths, args.repeat)
        results[name] = (pages, seconds)
        # ru_maxrss is a high-water mark for the process, so it is cumulative across rows.
        print(f"{name:<22}{pages:>7}{seconds:>10.3f}{pages / seconds:>10.1f}{peak_rss_mb():>13.1f}")
    fast = results["pypdfium2"][0] / results["pypdfium2"][1]
    slow = results["pypdf"][0] / results["pypdf"][1]
    print(f"speed ratio pypdfium2 / pypdf: {fast / slow:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
