"""A short, fixed-seed run of the extractor fuzzer (tests/fuzz_extractors.py): zero bugs.

The long run is ``python tests/fuzz_extractors.py --seconds 600 --seed 1 --out fuzz-findings/``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_extractors as fz  # noqa: E402

SECONDS = 15.0  # with worker start-up and the harness test, ~20 s in all
SEED = 1


def test_fuzz_extractors_finds_no_bugs(tmp_path: Path) -> None:
    samples = fz.default_samples(tmp_path / "seeds")
    assert {p.suffix for p in samples} >= {".pdf", ".docx", ".xlsx", ".md"}
    report = fz.fuzz(SECONDS, SEED, samples, tmp_path / "findings", case_timeout=5.0)
    print(report.summary())
    assert report.cases >= 4 * len(samples), f"too few cases to mean anything: {report.cases}"
    assert set(report.per_sample) == {p.name for p in samples}
    assert report.bug_count == 0, report.summary()


def test_a_case_is_the_same_mutant_every_time(tmp_path: Path) -> None:
    # --replay depends on it: case N of a seed must not depend on timing or earlier cases.
    samples = fz.default_samples(tmp_path)
    for case in (0, 1, 2, 3, 4, 57):
        first = fz.make_case(SEED, case, samples, {})
        assert fz.make_case(SEED, case, samples, {}) == first
    assert fz.make_case(SEED, 0, samples, {})[1] != fz.make_case(SEED + 1, 0, samples, {})[1]


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the fake reader reaches the worker by fork"
)
def test_worker_classifies_hangs_crashes_exceptions_and_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness itself: each kind of failure is caught and named, and the worker recovers."""
    import upphandlingsgranskare.extract as extract_module

    real = extract_module.extract

    def fake(path):  # the forked worker inherits this patch
        name = Path(path).stem
        if name == "hang":
            time.sleep(60)
        if name == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        if name == "boom":
            raise ValueError("escaped")
        if name == "hog":
            return bytearray(400 * 1024 * 1024)  # past the 200 MB address-space budget below
        return real(path)

    monkeypatch.setattr(extract_module, "extract", fake)
    good = tmp_path / "good.md"
    good.write_text("# Krav\n\nSystemet ska logga.\n", encoding="utf-8")
    worker = fz.Worker(memory_limit_mb=200)
    try:
        outcomes = {}
        for name in ("hang", "good", "crash", "good", "boom", "hog", "good"):
            path = tmp_path / f"{name}.md"
            if name != "good":
                path.write_text("x", encoding="utf-8")
            outcome, *_ = worker.run(str(path), timeout=2.0)
            outcomes.setdefault(name, set()).add(outcome)
    finally:
        worker.stop()
    assert outcomes == {
        "hang": {"timeout"},
        "good": {"ok"},
        "crash": {"crash"},
        "boom": {"exception"},
        "hog": {"memory"},
    }
