#!/usr/bin/env python3
"""Time and peak memory of a review of each pathological input of issue 18, one process per input.

    .venv/bin/python benchmarks/pathological_inputs.py                    # budget 10 s
    .venv/bin/python benchmarks/pathological_inputs.py --seconds 120 --only text_14mb

Target: each input is reviewed, or refused with one line, within ``--seconds-per-document`` plus
10 % (plus the process start, printed apart) and under 1 GB peak resident memory. Prints one row
per input; exit status 0 whatever the figures (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

LIMIT_MB = 1024


def _inputs(folder: Path) -> dict[str, tuple[Path, list[str]]]:
    """{case: (file, extra review options)}."""
    from build_corpus import _xlsx_package  # noqa: PLC0415 - the corpus builder's parts
    from pathological import _docx_numbered_from, build_large  # noqa: PLC0415

    cases: dict[str, tuple[Path, list[str]]] = {}

    def text(name: str, content: str) -> None:
        path = folder / f"{name}.txt"
        path.write_text(content, encoding="utf-8")
        cases[name] = (path, [])

    text("one_line_ska", "ska " * 200_000 + "\n")
    text("underscores", "Leverantören ska fylla i " + "_" * 10_000 + "\n")
    text("emoji", "Leverantören ska svara " + "\U0001f600" * 10_000 + "\n")
    cases.update((name, (path, [])) for name, path in build_large(folder).items())
    numbering = folder / "numbering_10e12.docx"
    numbering.write_bytes(_docx_numbered_from(10**12))
    cases["docx_numbering_10e12"] = (numbering, [])
    merged = folder / "merged_whole_sheet.xlsx"
    rows = [
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Systemet ska logga händelse {r}.</t></is></c></row>'.encode()
        for r in range(1, 1200)
    ]
    _xlsx_package(merged, rows, sheet_epilog='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    cases["xlsx_merged_whole_sheet_-f_xlsx"] = (merged, ["-f", "xlsx"])
    return cases


def _measure(path: Path, extra: list[str], seconds: float, out: Path) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS in MB, exit code, last stderr line) of one review in its own process."""
    target = ["-o", str(out), *extra] if extra else ["-f", "json", "-o", str(out / "report.json")]
    command = [
        sys.executable,
        "-m",
        "upphandlingsgranskare",
        "review",
        str(path),
        "--seconds-per-document",
        f"{seconds:g}",
        *target,
    ]
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        stderr.seek(0)
        lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), (lines[-1] if lines else "")


def _startup() -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import upphandlingsgranskare.review, upphandlingsgranskare.nlp.pipeline as p; p.get_pipeline('sv')",
        ],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="--seconds-per-document (default 10)")
    parser.add_argument("--only", action="append", help="only this case (repeatable)")
    args = parser.parse_args(argv)
    print(
        f"load average {os.getloadavg()[0]:.2f}; budget {args.seconds:g} s; process start and spaCy: "
        f"{_startup():.1f} s (outside the budget)"
    )
    with tempfile.TemporaryDirectory() as folder:
        cases = _inputs(Path(folder))
        print(f"{'case':34} {'s':>7} {'peak MB':>8} {'exit':>4}  within  outcome")
        for name, (path, extra) in cases.items():
            if args.only and name not in args.only:
                continue
            elapsed, peak, code, last = _measure(path, extra, args.seconds, Path(folder) / f"out-{name}")
            within = elapsed <= args.seconds * 1.1 + 3 and peak < LIMIT_MB  # 3 s: start-up, see above
            outcome = "reviewed" if code in (0, 1) else last[:110]
            print(f"{name:34} {elapsed:7.1f} {peak:8.0f} {code:>4}  {'yes' if within else 'NO':6}  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
