"""``upphandlingsgranskare eval`` as a plain function: score, print, compare with the baseline."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, Sequence, TextIO

from . import baseline as baselines
from .backend_choice import get_backend
from .backends import BackendName, BackendUnavailable
from .gold import GoldFileError, gold_mode

EXIT_OK, EXIT_REGRESSION, EXIT_ERROR, EXIT_LLM_FAILED = 0, 1, 2, 3


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
    cross_validate: Literal["organisation"] | None = None,
    train_files: Sequence[str | os.PathLike] | None = None,
    jobs: int = 1,
    max_fallbacks: int = 0,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Evaluate, write the report to ``out``; returns 0, 1 (below the baseline), 2 (error) or 3 (llm/hybrid:
    more than ``max_fallbacks`` items fell back to the rules).

    ``cross_validate="organisation"`` labels each item with a label model trained without its source
    organisation's items (``evaluation.crossval``), on ``train_files`` plus the other organisations' items."""
    from ..fileio import write_atomic
    from .documents import evaluate_documents
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
        if cross_validate is not None and (mode != "items" or backend != "rules" or not label_model):
            err.write("upphandlingsgranskare eval: --cross-validate gäller postfiler med backend rules och "
                      "etikettmodellen / applies to item gold files, backend rules, with the label model\n")
            return EXIT_ERROR
        if mode in ("findings", "goals"):
            return _judged(gold_files, mode, fmt, predictions, baseline, update_baseline, out, err)
        if mode == "items" and cross_validate is not None:
            name = f"{backend}-cross-validated-by-{cross_validate}"
            result = _score_items(gold_files, _cross_validated(gold_files, train_files, jobs), name)
        elif mode == "items":
            result = _score_items(gold_files, get_backend(backend, label_model=label_model, **(llm_options or {})), name)
        else:
            if predictions is not None:
                err.write("upphandlingsgranskare eval: --predictions gäller postfiler / applies to item gold files\n")
                return EXIT_ERROR
            result = evaluate_links(gold_files) if mode == "links" else evaluate_documents(gold_files)
        regressions = None
        if baseline is not None:
            key = baselines.run_key(baseline, mode, result.backend if mode == "items" else "review", gold_files)
            if update_baseline:
                baselines.update(baseline, key, result.figures())
                err.write(f"upphandlingsgranskare eval: baslinjen skriven / baseline written: {baseline} [{key}]\n")
            else:
                regressions = baselines.compare(baselines.load(baseline), key, result.figures())
    except (GoldFileError, BackendUnavailable, baselines.BaselineError, ValueError, OSError) as error:
        err.write(f"upphandlingsgranskare eval: {error}\n")
        return EXIT_ERROR

    for warning in getattr(result, "warnings", ()):  # spans and links mode: scored, but not silently
        err.write(f"upphandlingsgranskare eval: varning / warning: {warning}\n")
    if predictions is not None:
        lines = "".join(json.dumps(p.as_record(), ensure_ascii=False) + "\n" for p in result.predictions)
        try:
            write_atomic(Path(predictions), lines)
        except OSError as error:
            err.write(f"upphandlingsgranskare eval: {error}\n")
            return EXIT_ERROR
    if fmt == "json":
        out.write(to_json(result, regressions))
    elif mode == "items":
        out.write(render_items_text(result, regressions, max_errors))
    elif mode == "links":
        out.write(render_links_text(result, regressions))
    else:
        out.write(render_documents_text(result, regressions))
    if _llm_failed(getattr(result, "llm", None), max_fallbacks, err):
        return EXIT_LLM_FAILED
    return EXIT_REGRESSION if regressions else EXIT_OK


def _judged(gold_files, mode: str, fmt: str, predictions, baseline, update_baseline: bool,  # noqa: ANN001
            out: TextIO, err: TextIO) -> int:
    """Findings judged right or wrong, or goals found, on whole documents (``evaluation.judged``)."""
    from .judged import evaluate_findings, evaluate_goals, render_findings_text, render_goals_text, to_json

    if predictions is not None:
        err.write("upphandlingsgranskare eval: --predictions gäller postfiler / applies to item gold files\n")
        return EXIT_ERROR
    result = evaluate_findings(gold_files) if mode == "findings" else evaluate_goals(gold_files)
    regressions = None
    if baseline is not None:
        run_key = baselines.run_key(baseline, mode, "review", gold_files)
        if update_baseline:
            baselines.update(baseline, run_key, result.figures())
            err.write(f"upphandlingsgranskare eval: baslinjen skriven / baseline written: {baseline} [{run_key}]\n")
        else:
            regressions = baselines.compare(baselines.load(baseline), run_key, result.figures())
    if fmt == "json":
        out.write(to_json(result))
    else:
        out.write(render_findings_text(result) if mode == "findings" else render_goals_text(result))
        if regressions:
            from .render import _regression_lines

            out.write("\n".join(_regression_lines(regressions)) + "\n")
    return EXIT_REGRESSION if regressions else EXIT_OK
def _score_items(gold_files: Sequence[str | os.PathLike], predictor, name: str):
    """Item scores; an llm/hybrid predictor's record (model, endpoint host, prompt, counts) goes with them and its
    model, server and prompt into the backend's name, so two models never share one baseline entry."""
    from .items import evaluate_items

    result = evaluate_items(gold_files, predictor, name)
    if hasattr(predictor, "record"):
        result = replace(result, backend=predictor.baseline_name(), llm=predictor.record())
    return result


def _llm_failed(record: dict | None, max_fallbacks: int, err: TextIO) -> bool:
    """More items fell back to the rules than allowed: say why; the figures are not the model's."""
    if record is None or record["fallbacks"] <= max_fallbacks:
        return False
    reasons = "; ".join(record["errors"][:3]) or "okänd orsak / unknown reason"
    err.write(f"upphandlingsgranskare eval: {record['fallbacks']} av {record['requirements_judged']} poster fick "
              f"regelresultatet (högst {max_fallbacks} tillåts, --max-fallbacks): siffrorna är inte modellens / "
              f"items fell back to the rules (at most {max_fallbacks} allowed): the figures are not the model's. "
              f"{reasons}\n")
    return True


def _cross_validated(gold_files: Sequence[str | os.PathLike], train_files: Sequence[str | os.PathLike] | None,
                     jobs: int):
    """The leave-one-organisation-out backend with the packaged model's settings. Without ``train_files`` it
    trains on the packaged model's own training files (paths relative to the current folder, the
    repository root), less the gold files."""
    from ..nlp.label_model import packaged_model
    from .crossval import TrainingSettings, cross_validated_backend
    from .gold import load_items

    model = packaged_model()
    settings = TrainingSettings.of(model) if model is not None else TrainingSettings()
    if train_files is None:
        recorded = list((model.meta.get("training_files") or {}) if model is not None else [])
        gold = {Path(p).resolve() for p in gold_files}
        train_files = [p for p in recorded if Path(p).resolve() not in gold]
        missing = [p for p in train_files if not Path(p).is_file()]
        if missing:
            raise ValueError(f"{missing[0]}: modellens träningsfil saknas; kör från repots rot eller ange --train / "
                             "the model's training file is missing; run from the repository root or give --train")
    training = [item for path in train_files for item in load_items(path)]
    return cross_validated_backend(training, settings, jobs=jobs)
