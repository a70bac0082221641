"""The committed baseline: figures a change must not lose.

``eval/baseline.json`` holds one entry per run (mode, backend and gold files, paths relative to
the baseline file). A figure that falls below its baseline by more than the tolerance is a
regression; for rates where lower is better (out_of_scope items flagged) the direction turns.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TOLERANCE = 0.02
LOWER_IS_BETTER_SUFFIXES = ("out_of_scope_flagged",)


class BaselineError(ValueError):
    pass


@dataclass(frozen=True)
class Regression:
    figure: str
    baseline: float
    current: float | None  # None: the figure is missing from this run
    tolerance: float

    def describe(self) -> str:
        if self.current is None:
            return f"{self.figure}: saknas / missing (baseline {self.baseline:.3f})"
        return (
            f"{self.figure}: {self.current:.3f} mot / versus baseline {self.baseline:.3f} "
            f"(tolerans / tolerance {self.tolerance:.3f})"
        )


def run_key(baseline_path: str | os.PathLike, mode: str, backend: str, gold_files: Sequence[str | os.PathLike]) -> str:
    folder = Path(baseline_path).resolve().parent
    relative = sorted(Path(os.path.relpath(Path(p).resolve(), folder)).as_posix() for p in gold_files)
    return " ".join([mode, backend, *relative])


def load(path: str | os.PathLike) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"tolerance": {"default": DEFAULT_TOLERANCE}, "runs": {}}
    except (OSError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: kan inte läsas / cannot be read: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), dict):
        raise BaselineError(f"{path}: saknar 'runs' / has no 'runs' object")
    return data


def tolerance_for(data: dict, figure: str) -> float:
    tolerance = data.get("tolerance", {})
    if isinstance(tolerance, (int, float)):
        return float(tolerance)
    group_free = figure.split(".", 1)[-1]
    return float(tolerance.get(figure, tolerance.get(group_free, tolerance.get("default", DEFAULT_TOLERANCE))))


def compare(data: dict, key: str, current: dict[str, float]) -> list[Regression]:
    run = data["runs"].get(key)
    if run is None:
        raise BaselineError(
            f"ingen baslinje för körningen / no baseline for this run: '{key}'; write one with --update-baseline"
        )
    regressions = []
    for figure, base in sorted(run["figures"].items()):
        allowed = tolerance_for(data, figure)
        now = current.get(figure)
        if now is None:
            regressions.append(Regression(figure, base, None, allowed))
        elif figure.endswith(LOWER_IS_BETTER_SUFFIXES):
            if now > base + allowed + 1e-9:
                regressions.append(Regression(figure, base, now, allowed))
        elif now < base - allowed - 1e-9:
            regressions.append(Regression(figure, base, now, allowed))
    return regressions


def update(path: str | os.PathLike, key: str, figures: dict[str, float]) -> None:
    from ..fileio import write_atomic

    data = load(path)
    data.setdefault("tolerance", {"default": DEFAULT_TOLERANCE})
    data["runs"][key] = {"figures": dict(sorted(figures.items()))}
    data["runs"] = dict(sorted(data["runs"].items()))
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
