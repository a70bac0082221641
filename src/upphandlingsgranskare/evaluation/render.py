"""Evaluation results as text (for people) and JSON (for tools)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .baseline import Regression
from .documents import DocumentEvaluation
from .gold import LABELS
from .items import GroupScores, ItemEvaluation
from .links import LinkEvaluation
from .metrics import BinaryScores, Detection, Interval, Proportion

_SHORT = {"feature_without_need": "fwn", "feature_with_need": "fw", "need": "need", "out_of_scope": "oos"}


def _num(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def _ci(interval: Interval | None) -> str:
    return "[   –   ]" if interval is None else f"[{interval.low:.2f}–{interval.high:.2f}]"


def _prop(p: Proportion) -> str:
    return f"{_num(p.value)} {_ci(p.ci)}"


def _binary_row(name: str, s: BinaryScores, n: int) -> str:
    return (
        f"  {name:<22}{n:>5}  {_prop(s.precision)}  {_prop(s.recall)}  {_num(s.f1)} {_ci(s.f1_ci)}"
        f"   tp {s.tp} fp {s.fp} fn {s.fn} tn {s.tn}"
    )


_HEADER = f"  {'':<22}{'n':>5}  {'precision [95% CI]':<19}  {'recall [95% CI]':<19}  {'F1 [95% CI]':<19}"


def _confusion(group: GroupScores) -> list[str]:
    lines = ["  gold \\ predicted  " + "".join(f"{_SHORT[p]:>6}" for p in LABELS)]
    for g in LABELS:
        lines.append(f"  {g:<18}" + "".join(f"{group.confusion[g][p]:>6}" for p in LABELS))
    return lines


def render_items_text(
    result: ItemEvaluation, regressions: Sequence[Regression] | None = None, max_errors: int | None = None
) -> str:
    all_ = result.groups.get("all")
    total = (all_.items if all_ else 0) + (result.ambiguous.items if result.ambiguous else 0)
    lines = [
        f"Utvärdering / evaluation — backend {result.backend} — {', '.join(result.gold_files)}",
        f"{total} items, {result.ambiguous.items if result.ambiguous else 0} ambiguous (apart from the headline figures)",
        *([llm_line(result.llm)] if result.llm is not None else []),
        "",
        "Flaggade / flagged class (feature_without_need):",
        _HEADER,
    ]
    for name, group in result.groups.items():
        lines.append(_binary_row(name, group.flagged, group.items))
    lines += ["", "Träffsäkerhet / accuracy (4 labels), and out_of_scope items flagged (should be 0):"]
    for name, group in result.groups.items():
        oos = group.out_of_scope_flagged
        lines.append(
            f"  {name:<6} accuracy {_prop(group.accuracy)} ({group.accuracy.successes}/{group.accuracy.total})"
            f"   out_of_scope flagged {oos.successes}/{oos.total} {_ci(oos.ci)}"
        )
    for name, group in result.groups.items():
        lines += ["", f"Per etikett / per label ({name}):", _HEADER]
        for label, scores in group.per_label.items():
            lines.append(_binary_row(label, scores, scores.tp + scores.fn))
        lines += ["", f"Förväxlingsmatris / confusion matrix ({name}):", *_confusion(group)]
    if result.organisations:
        lines += [
            "",
            "Per organisation (real items; flagged class, and out_of_scope items flagged):",
            f"  {'organisation':<46}{'lang':>6}{'n':>5}  {'precision [95% CI]':<19}  {'recall [95% CI]':<19}  "
            f"{'F1':>5}   oos flagged",
        ]
        for organisation, group in result.organisations.items():
            oos = group.out_of_scope_flagged
            lines.append(
                f"  {organisation[:45]:<46}{result.organisation_languages[organisation]:>6}{group.items:>5}  "
                f"{_prop(group.flagged.precision)}  {_prop(group.flagged.recall)}  {_num(group.flagged.f1)}"
                f"   {oos.successes}/{oos.total}"
            )
    if result.ambiguous:
        lines += [
            "",
            "Tvetydiga / ambiguous items (not in the figures above):",
            _HEADER,
            _binary_row("ambiguous", result.ambiguous.flagged, result.ambiguous.items),
        ]
    errors = result.misclassified if max_errors is None else result.misclassified[:max_errors]
    lines += ["", f"Felklassade / misclassified: {len(result.misclassified)}"]
    for m in errors:
        lines.append(f"  {m.id} [{m.lang}] {m.gold} -> {m.predicted} ({m.reason}): {m.text}")
    if len(errors) < len(result.misclassified):
        lines.append(f"  … {len(result.misclassified) - len(errors)} more (--format json lists all)")
    lines += _regression_lines(regressions)
    return "\n".join(lines) + "\n"


def _detection_row(name: str, d: Detection) -> str:
    return (
        f"  {name:<14} gold {d.gold:>4}  found {d.found:>4}  matched {d.matched:>4}   precision {_prop(d.precision)}"
        f"   recall {_prop(d.recall)}   F1 {_num(d.f1)}"
    )


def render_documents_text(result: DocumentEvaluation, regressions: Sequence[Regression] | None = None) -> str:
    lines = [
        f"Kravdetektering / requirement detection — {len(result.documents)} documents — {', '.join(result.gold_files)}",
        _detection_row("requirements", result.requirements),
        _detection_row("goals", result.goals),
    ]
    if result.flagged is not None:
        lines += [
            "",
            "Flaggade från början till slut / flagged end to end:",
            _HEADER,
            _binary_row("flagged", result.flagged, result.flagged.tp + result.flagged.fn),
        ]
    if result.errors:
        lines += ["", "Kunde inte granskas / could not be reviewed:", *[f"  {e}" for e in result.errors]]
    lines += ["", f"Avvikelser / mismatches: {len(result.misses)}"]
    for miss in result.misses:
        lines.append(f"  {miss.document}: {miss.kind} {miss.what}: {miss.text[:140]}")
    lines += _regression_lines(regressions)
    return "\n".join(lines) + "\n"


# The goal-link JSON has always called the two counts "predicted" and "correct".
_LINK_KEYS = ("predicted", "correct")


def _links_row(name: str, s: Detection) -> str:
    return (
        f"  {name:<44} gold {s.gold:>4}  made {s.found:>4}  right {s.matched:>4}   precision {_prop(s.precision)}"
        f"   recall {_prop(s.recall)}   F1 {_num(s.f1)}"
    )


def render_links_text(result: LinkEvaluation, regressions: Sequence[Regression] | None = None) -> str:
    gold_requirements, paired = result.requirements
    lines = [
        f"Mållänkar / goal links — {len(result.documents)} documents — {', '.join(result.gold_files)}",
        f"{gold_requirements} gold requirements, {paired} paired with a requirement the review found",
        "",
        _links_row("all links", result.overall),
    ]
    lines += [_links_row(f"by method: {method}", scores) for method, scores in result.by_method.items()]
    lines += [
        "  (by method, recall is the share of all gold links that method found)",
        "",
        "Per dokument / per document:",
    ]
    lines += [_links_row(name, scores) for name, scores in result.by_document.items()]
    if result.errors:
        lines += ["", "Kunde inte granskas / could not be reviewed:", *[f"  {e}" for e in result.errors]]
    lines += ["", f"Avvikelser / mismatches: {len(result.misses)}"]
    for miss in result.misses:
        how = f" [{miss.method}: {miss.evidence}]" if miss.method else ""
        lines.append(f"  {miss.document}: {miss.kind} {miss.requirement_id} -> {miss.goal_id}{how}: {miss.text[:120]}")
    lines += _regression_lines(regressions)
    return "\n".join(lines) + "\n"


def _regression_lines(regressions: Sequence[Regression] | None) -> list[str]:
    if regressions is None:
        return []
    if not regressions:
        return ["", "Baslinje / baseline: inga försämringar / no regressions"]
    return [
        "",
        f"Baslinje / baseline: {len(regressions)} försämringar / regressions:",
        *[f"  {r.describe()}" for r in regressions],
    ]


def to_json(
    result: ItemEvaluation | DocumentEvaluation | LinkEvaluation, regressions: Sequence[Regression] | None = None
) -> str:
    if isinstance(result, LinkEvaluation):
        gold_requirements, paired = result.requirements
        data: dict[str, Any] = {
            "mode": "links",
            "gold_files": list(result.gold_files),
            "documents": list(result.documents),
            "requirements": {"gold": gold_requirements, "paired": paired},
            "links": result.overall.as_dict(*_LINK_KEYS),
            "by_method": {k: v.as_dict(*_LINK_KEYS) for k, v in result.by_method.items()},
            "by_document": {k: v.as_dict(*_LINK_KEYS) for k, v in result.by_document.items()},
            "misses": [m.__dict__ for m in result.misses],
            "errors": list(result.errors),
        }
    elif isinstance(result, ItemEvaluation):
        data = {
            "mode": "items",
            "backend": result.backend,
            "gold_files": list(result.gold_files),
            "groups": {k: v.as_dict() for k, v in result.groups.items()},
            "ambiguous": result.ambiguous.as_dict() if result.ambiguous else None,
            "organisations": {
                k: {"languages": result.organisation_languages[k], **v.as_dict()}
                for k, v in result.organisations.items()
            },
            "misclassified": [m.__dict__ for m in result.misclassified],
        }
        if result.llm is not None:
            data["llm"] = result.llm
    else:
        data = {
            "mode": "documents",
            "gold_files": list(result.gold_files),
            "documents": list(result.documents),
            "requirements": result.requirements.as_dict(),
            "goals": result.goals.as_dict(),
            "flagged": result.flagged.as_dict() if result.flagged else None,
            "misses": [m.__dict__ for m in result.misses],
            "errors": list(result.errors),
        }
    data["figures"] = result.figures()
    if regressions is not None:
        data["regressions"] = [r.__dict__ for r in regressions]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def llm_line(record: dict) -> str:
    """What the model did in an llm/hybrid evaluation, so figures are never read without it."""
    return (
        f"LLM: modell / model {record['model']} @ {record['endpoint_host']}, prompt {record['prompt']}; "
        f"{record['requirements_judged']} frågade / asked, {record['requests']} anrop / requests, "
        f"{record['fallbacks']} reservfall till reglerna / fell back to the rules, "
        f"{record['rejected_quotes']} avvisade citat / rejected quotes, "
        f"{record['disagreements']} oenigheter / disagreements, "
        f"{record['prompt_tokens']}+{record['completion_tokens']} tokens"
    )
