"""``upphandlingsgranskare eval`` as a plain function: score, print, compare with the baseline."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field

from ..llm.build import BackendUnavailable
from ..llm.settings import LLMSettings
from ..nlp.embeddings import EmbeddingsUnavailable
from . import baseline as baselines
from .backend_choice import get_backend
from .backends import BackendName
from .gold import GoldFileError, gold_mode

if TYPE_CHECKING:
    from ..nlp.label_model import LabelModel

EXIT_OK, EXIT_REGRESSION, EXIT_ERROR, EXIT_LLM_FAILED = 0, 1, 2, 3


class EvalParams(BaseModel):
    """What one ``eval`` run is told (the command's options, at once)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: BackendName = Field(default="rules", description="Vem som bedömer / who labels the items.")
    predictions: Path | None = Field(
        default=None, description="Skriv en JSON-rad per post / write one JSON line per item."
    )
    fmt: Literal["text", "json"] = "text"
    baseline: Path | None = Field(default=None, description="Jämför med baslinjen / compare with a baseline file.")
    update_baseline: bool = Field(
        default=False, description="Skriv resultatet till baslinjen / write the figures to it."
    )
    max_errors: int | None = Field(
        default=None,
        description="Visa högst så många felklassade / list at most this many misclassified items in text output.",
    )
    llm: LLMSettings | None = Field(
        default=None,
        description="llm/hybrid: the LLM settings; None: the config file found "
        "from the working folder, the environment, the defaults.",
    )
    label_model: bool = Field(default=True, description="rules: with the statistical model, or the rules alone.")
    embeddings: bool = Field(
        default=False, description="rules: the label model that reads sentence embeddings too (nlp/embeddings.py)."
    )
    cross_validate: Literal["organisation"] | None = Field(default=None, description="Leave one organisation out.")
    train_files: tuple[Path, ...] | None = Field(
        default=None, description="With cross_validate: files always trained on."
    )
    jobs: int = Field(default=1, ge=1, description="With cross_validate: processes.")
    max_fallbacks: int = Field(
        default=0, ge=0, description="llm/hybrid: at most this many items may fall back to the rules."
    )


def run_eval(
    gold_files: Sequence[str | os.PathLike],
    params: EvalParams | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Evaluate, write the report to ``out``; returns 0, 1 (below the baseline), 2 (error) or 3 (llm/hybrid:
    more than ``max_fallbacks`` items fell back to the rules).

    ``cross_validate="organisation"`` labels each item with a label model trained without its source
    organisation's items (``evaluation.crossval``), on ``train_files`` plus the other organisations' items."""
    params = params or EvalParams()
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        modes = {gold_mode(p) for p in gold_files}
        if len(modes) > 1:
            err.write(
                "upphandlingsgranskare eval: blanda inte postfiler, dokumentspann och mållänkar / do not mix "
                "item gold files, document span files and goal link files in one run\n"
            )
            return EXIT_ERROR
        mode = modes.pop()
        label_model_options = {"--embeddings": params.embeddings, "--cross-validate": params.cross_validate}
        for option in (o for o, given in label_model_options.items() if given):
            if mode != "items" or params.backend != "rules" or not params.label_model:
                err.write(
                    f"upphandlingsgranskare eval: {option} gäller postfiler med backend rules och "
                    "etikettmodellen / applies to item gold files, backend rules, with the label model\n"
                )
                return EXIT_ERROR
        if mode in ("findings", "goals"):
            return _judged(gold_files, mode, params, out, err)
        if mode != "items" and params.predictions is not None:
            err.write("upphandlingsgranskare eval: --predictions gäller postfiler / applies to item gold files\n")
            return EXIT_ERROR
        result = _evaluate(gold_files, mode, params)
        regressions = _against_baseline(gold_files, mode, params, result, err)
    except (
        GoldFileError,
        BackendUnavailable,
        EmbeddingsUnavailable,
        baselines.BaselineError,
        ValueError,
        OSError,
    ) as error:
        err.write(f"upphandlingsgranskare eval: {error}\n")
        return EXIT_ERROR
    return _report(result, mode, regressions, params, out, err)


def _evaluate(gold_files: Sequence[str | os.PathLike], mode: str, params: EvalParams):  # noqa: ANN202
    """Items scored by the chosen backend, or document spans or goal links by the review."""
    from .documents import evaluate_documents
    from .links import evaluate_links

    if mode == "items" and params.cross_validate is not None:
        name = f"{params.backend}-cross-validated-by-{params.cross_validate}{_with(params)}"
        backend = _cross_validated(gold_files, params.train_files, params.jobs, params.embeddings)
        return _score_items(gold_files, backend, name)
    if mode == "items":
        # The rules alone are scored as their own backend, so their baseline entry is kept apart.
        name = (params.backend if params.label_model else f"{params.backend}-without-label-model") + _with(params)
        llm_options = {"settings": params.llm} if params.llm is not None else {}
        label_model: bool | LabelModel = params.label_model
        if params.embeddings:
            from ..labelling import embeddings_model

            label_model = embeddings_model()
        backend = get_backend(params.backend, label_model=label_model, **llm_options)
        return _score_items(gold_files, backend, name)
    return evaluate_links(gold_files) if mode == "links" else evaluate_documents(gold_files)


def _against_baseline(gold_files: Sequence[str | os.PathLike], mode: str, params: EvalParams, result, err: TextIO):  # noqa: ANN001, ANN202
    """The regressions against the baseline file (None without one); with ``update_baseline``, write it instead."""
    if params.baseline is None:
        return None
    key = baselines.run_key(params.baseline, mode, result.backend if mode == "items" else "review", gold_files)
    if params.update_baseline:
        baselines.update(params.baseline, key, result.figures())
        err.write(f"upphandlingsgranskare eval: baslinjen skriven / baseline written: {params.baseline} [{key}]\n")
        return None
    return baselines.compare(baselines.load(params.baseline), key, result.figures())


def _report(result, mode: str, regressions, params: EvalParams, out: TextIO, err: TextIO) -> int:  # noqa: ANN001
    """Warnings, predictions file, the report; the exit code."""
    from ..fileio import write_atomic
    from .render import render_documents_text, render_items_text, render_links_text, to_json

    for warning in getattr(result, "warnings", ()):  # spans and links mode: scored, but not silently
        err.write(f"upphandlingsgranskare eval: varning / warning: {warning}\n")
    if params.predictions is not None:
        lines = "".join(json.dumps(p.as_record(), ensure_ascii=False) + "\n" for p in result.predictions)
        try:
            write_atomic(params.predictions, lines)
        except OSError as error:
            err.write(f"upphandlingsgranskare eval: {error}\n")
            return EXIT_ERROR
    if params.fmt == "json":
        out.write(to_json(result, regressions))
    elif mode == "items":
        out.write(render_items_text(result, regressions, params.max_errors))
    elif mode == "links":
        out.write(render_links_text(result, regressions))
    else:
        out.write(render_documents_text(result, regressions))
    if _llm_failed(getattr(result, "llm", None), params.max_fallbacks, err):
        return EXIT_LLM_FAILED
    return EXIT_REGRESSION if regressions else EXIT_OK


def _judged(gold_files, mode: str, params: EvalParams, out: TextIO, err: TextIO) -> int:  # noqa: ANN001
    """Findings judged right or wrong, or goals found, on whole documents (``evaluation.judged``)."""
    from .judged import evaluate_findings, evaluate_goals, render_findings_text, render_goals_text, to_json

    if params.predictions is not None:
        err.write("upphandlingsgranskare eval: --predictions gäller postfiler / applies to item gold files\n")
        return EXIT_ERROR
    result: Any = evaluate_findings(gold_files) if mode == "findings" else evaluate_goals(gold_files)
    regressions = _against_baseline(gold_files, mode, params, result, err)
    if params.fmt == "json":
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
    err.write(
        f"upphandlingsgranskare eval: {record['fallbacks']} av {record['requirements_judged']} poster fick "
        f"regelresultatet (högst {max_fallbacks} tillåts, --max-fallbacks): siffrorna är inte modellens / "
        f"items fell back to the rules (at most {max_fallbacks} allowed): the figures are not the model's. "
        f"{reasons}\n"
    )
    return True


def _with(params: EvalParams) -> str:
    """The backend name's mark of the embeddings model, so its baseline entry is kept apart."""
    return "-with-embeddings" if params.embeddings else ""


def _cross_validated(
    gold_files: Sequence[str | os.PathLike],
    train_files: Sequence[str | os.PathLike] | None,
    jobs: int,
    embeddings: bool = False,
):
    """The leave-one-organisation-out backend with the packaged model's settings (``embeddings``: the
    embeddings model's). Without ``train_files`` it trains on the packaged model's own training files
    (paths relative to the current folder, the repository root), less the gold files."""
    from ..labelling import embeddings_model
    from ..nlp.label_model import packaged_model
    from .crossval import TrainingSettings, cross_validated_backend
    from .gold import load_items

    model = embeddings_model() if embeddings else packaged_model()
    settings = TrainingSettings.of(model) if model is not None else TrainingSettings()
    if train_files is None:
        recorded = list((model.meta.get("training_files") or {}) if model is not None else [])
        gold = {Path(p).resolve() for p in gold_files}
        train_files = [p for p in recorded if Path(p).resolve() not in gold]
        missing = [p for p in train_files if not Path(p).is_file()]
        if missing:
            raise ValueError(
                f"{missing[0]}: modellens träningsfil saknas; kör från repots rot eller ange --train / "
                "the model's training file is missing; run from the repository root or give --train"
            )
    training = [item for path in train_files for item in load_items(path)]
    return cross_validated_backend(training, settings, jobs=jobs)
