"""``upphandlingsgranskare eval`` as a plain function: score, print, compare with the baseline."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Literal, Sequence, TextIO

from . import baseline as baselines
from .backends import BackendName, BackendUnavailable, get_backend
from .gold import GoldFileError, gold_mode

EXIT_OK, EXIT_REGRESSION, EXIT_ERROR = 0, 1, 2


def run_eval(
    gold_files: Sequence[str | os.PathLike],
    *,
    backend: BackendName = "rules",
    predictions: str | os.PathLike | None = None,
    fmt: Literal["text", "json"] = "text",
    baseline: str | os.PathLike | None = None,
    update_baseline: bool = False,
    max_errors: int | None = None,
    llm_options: dict[str, Any] | None = None,
    label_model: bool = True,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Evaluate, write the report to ``out``; returns 0, 1 (below the baseline) or 2 (error)."""
    from ..fileio import write_atomic
    from .documents import evaluate_documents
    from .items import evaluate_items
    from .links import evaluate_links
    from .render import render_documents_text, render_items_text, render_links_text, to_json

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        modes = {gold_mode(p) for p in gold_files}
        if len(modes) > 1:
            err.write("upphandlingsgranskare eval: blanda inte postfiler, dokumentspann och mållänkar / do not mix "
                      "item gold files, document span files and goal link files in one run\n")
            return EXIT_ERROR
        mode = modes.pop()
        # The rules alone are scored as their own backend, so their baseline entry is kept apart.
        name = backend if label_model else f"{backend}-without-label-model"
        if mode == "items":
            result = evaluate_items(gold_files, get_backend(backend, label_model=label_model, **(llm_options or {})), name)
        else:
            if predictions is not None:
                err.write("upphandlingsgranskare eval: --predictions gäller postfiler / applies to item gold files\n")
                return EXIT_ERROR
            result = evaluate_links(gold_files) if mode == "links" else evaluate_documents(gold_files)
        regressions = None
        if baseline is not None:
            key = baselines.run_key(baseline, mode, name if mode == "items" else "review", gold_files)
            if update_baseline:
                baselines.update(baseline, key, result.figures())
                err.write(f"upphandlingsgranskare eval: baslinjen skriven / baseline written: {baseline} [{key}]\n")
            else:
                regressions = baselines.compare(baselines.load(baseline), key, result.figures())
    except (GoldFileError, BackendUnavailable, baselines.BaselineError, ValueError) as error:
        err.write(f"upphandlingsgranskare eval: {error}\n")
        return EXIT_ERROR

    if predictions is not None:
        lines = "".join(json.dumps(p.as_record(), ensure_ascii=False) + "\n" for p in result.predictions)
        write_atomic(Path(predictions), lines)
    if fmt == "json":
        out.write(to_json(result, regressions))
    elif mode == "items":
        out.write(render_items_text(result, regressions, max_errors))
    elif mode == "links":
        out.write(render_links_text(result, regressions))
    else:
        out.write(render_documents_text(result, regressions))
    return EXIT_REGRESSION if regressions else EXIT_OK
