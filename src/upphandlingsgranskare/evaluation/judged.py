"""Findings mode and goals mode of ``eval``: the review's findings and goals on whole documents, judged.

A findings gold file (``eval/gold/realdocs-findings.jsonl``) holds one judgement per finding: the
document, the check, the requirement text and whether the finding is right, with a short reason. The
key is document name + check + normalised requirement text (the fingerprint is kept for reference),
so judgements survive moved lines and re-extraction; a finding whose text changed is "not judged"
and the report says so. ``eval`` reviews each document, judges every finding the gold file knows,
and gives per-check precision, plus how many findings the default terminal report shows per flagged
requirement (info findings hidden).

A goals gold file (``eval/gold/realdocs-goals.jsonl``) lists per document every span that is a goal
(an empty list for a document that states none). ``eval`` scores the goals the review found against
them, and whether UG201 (no stated goals) was right on each document: it must fire exactly where the
document has requirements on the solution and no goal.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .documents import _match, normalise
from .gold import GoldFileError, _records, _validation_message
from .metrics import Detection, Proportion, detection, proportion


class JudgedFinding(BaseModel):
    """One finding of the review, judged right or wrong by the annotation guide and the check's documentation."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    document: str  # relative to the gold file's folder
    code: str
    requirement_text: str = Field(min_length=1)
    verdict: Literal["right", "wrong"]
    reason: str = Field(min_length=3)
    fingerprint: str | None = None
    severity: str | None = None


class GoldGoals(BaseModel):
    """Every goal span of one document (empty: the document states no goal)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    document: str
    goals: list[str]
    note: str | None = None


def key(document: str, code: str, requirement_text: str) -> tuple[str, str, str]:
    return Path(document).name, code, " ".join(requirement_text.split()).casefold()


def _load(path: str | os.PathLike, model: type[BaseModel]) -> list:
    out = []
    for number, record in _records(Path(path)):
        try:
            out.append(model.model_validate(record))
        except ValidationError as error:
            raise GoldFileError(Path(path), number, _validation_message(error)) from None
    return out


@dataclass
class FindingsEvaluation:
    gold_files: tuple[str, ...]
    documents: tuple[str, ...]
    per_check: dict[str, Proportion]  # precision: right / judged
    not_judged: dict[str, int]
    wrong: list[tuple[str, str, str, str]]  # document, code, requirement text, reason
    unjudged: list[tuple[str, str, str]]  # document, code, requirement text
    shown_findings: int  # findings in the default terminal report (info hidden)
    shown_flagged: int  # requirements with such a finding
    errors: list[str] = field(default_factory=list)

    @property
    def per_flagged(self) -> float | None:
        return round(self.shown_findings / self.shown_flagged, 3) if self.shown_flagged else None

    def figures(self) -> dict[str, float]:
        out = {f"findings.{code}.precision": p.value for code, p in self.per_check.items() if p.value is not None}
        if self.per_flagged is not None:
            out["findings.shown_per_flagged_requirement"] = self.per_flagged
        return {k: round(v, 4) for k, v in out.items()}


def _review(document: Path, errors: list[str]):  # noqa: ANN202 - a DocumentReview or None
    from ..models import ExtractionError
    from ..review import review_document

    try:
        return review_document(document)
    except (ExtractionError, FileNotFoundError) as error:
        errors.append(f"{document}: {error}")
        return None


def evaluate_findings(gold_files: Sequence[str | os.PathLike]) -> FindingsEvaluation:
    judged: dict[tuple[str, str, str], JudgedFinding] = {}
    documents: dict[Path, None] = {}
    for gold_file in gold_files:
        for record in _load(gold_file, JudgedFinding):
            documents[(Path(gold_file).parent / record.document).resolve()] = None
            judged[key(record.document, record.code, record.requirement_text)] = record
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    wrong: list[tuple[str, str, str, str]] = []
    unjudged: list[tuple[str, str, str]] = []
    errors: list[str] = []
    shown, flagged = 0, set()
    for document in documents:
        review = _review(document, errors)
        if review is None:
            continue
        for finding in review.findings:
            verdict = judged.get(key(document.name, finding.code, finding.requirement_text))
            if verdict is None:
                missing[finding.code] += 1
                unjudged.append((document.name, finding.code, finding.requirement_text))
            else:
                total[finding.code] += 1
                right[finding.code] += verdict.verdict == "right"
                if verdict.verdict == "wrong":
                    wrong.append((document.name, finding.code, finding.requirement_text, verdict.reason))
            if finding.severity != "info":
                shown += 1
                if finding.subject == "requirement":
                    flagged.add((document.name, finding.requirement_id, finding.requirement_text))
    codes = sorted(set(total) | set(missing))
    return FindingsEvaluation(
        gold_files=tuple(map(str, gold_files)),
        documents=tuple(str(d) for d in documents),
        per_check={c: proportion(right[c], total[c]) for c in codes},
        not_judged={c: missing[c] for c in codes},
        wrong=wrong,
        unjudged=unjudged,
        shown_findings=shown,
        shown_flagged=len(flagged),
        errors=errors,
    )


@dataclass
class GoalsEvaluation:
    gold_files: tuple[str, ...]
    documents: tuple[str, ...]
    goals: Detection
    ug201_right: list[str]
    ug201_wrong: list[str]
    misses: list[tuple[str, str, str]]  # document, "not found" | "extra", text
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        out = {"goals.precision": self.goals.precision.value, "goals.recall": self.goals.recall.value}
        checked = len(self.ug201_right) + len(self.ug201_wrong)
        if checked:
            out["goals.ug201_right_share"] = len(self.ug201_right) / checked
        return {k: round(v, 4) for k, v in out.items() if v is not None}


def evaluate_goals(gold_files: Sequence[str | os.PathLike]) -> GoalsEvaluation:
    by_document: dict[Path, list[str]] = defaultdict(list)
    for gold_file in gold_files:
        for record in _load(gold_file, GoldGoals):
            by_document[(Path(gold_file).parent / record.document).resolve()].extend(record.goals)
    counts = [0, 0, 0]
    ug201_right: list[str] = []
    ug201_wrong: list[str] = []
    misses: list[tuple[str, str, str]] = []
    errors: list[str] = []
    for document, gold in by_document.items():
        review = _review(document, errors)
        if review is None:
            continue
        found = [g.text for g in review.goals]
        pairs = _match([normalise(t) for t in gold], [normalise(t) for t in found])
        counts[0] += len(gold)
        counts[1] += len(found)
        counts[2] += len(pairs)
        misses += [(document.name, "not found", t) for i, t in enumerate(gold) if i not in pairs]
        misses += [(document.name, "extra", t) for i, t in enumerate(found) if i not in set(pairs.values())]
        fired = any(f.code == "UG201" for f in review.findings)
        should = not gold and review.in_scope > 0
        (ug201_right if fired == should else ug201_wrong).append(document.name)
    return GoalsEvaluation(
        gold_files=tuple(map(str, gold_files)),
        documents=tuple(str(d) for d in by_document),
        goals=detection(*counts),
        ug201_right=ug201_right,
        ug201_wrong=ug201_wrong,
        misses=misses,
        errors=errors,
    )


def _prop(p: Proportion) -> str:
    return "   –  " if p.value is None else f"{p.value:6.3f}"


def render_findings_text(result: FindingsEvaluation) -> str:
    lines = [
        f"Bedömda anmärkningar / judged findings — {len(result.documents)} documents — {', '.join(result.gold_files)}",
        "",
        "  check    precision   right/judged   not judged   95% CI",
    ]
    for code, p in result.per_check.items():
        ci = f"[{p.ci.low:.2f}, {p.ci.high:.2f}]" if p.ci else ""
        lines.append(
            f"  {code:<8} {_prop(p)}      {p.successes:>4}/{p.total:<4}     {result.not_judged[code]:>6}     {ci}"
        )
    lines += [
        "",
        f"Terminalrapporten / default text report: {result.shown_findings} findings on {result.shown_flagged} "
        f"flagged requirements = {result.per_flagged} per flagged requirement (info hidden)",
    ]
    if result.errors:
        lines += ["", "Kunde inte granskas / could not be reviewed:", *[f"  {e}" for e in result.errors]]
    lines += ["", f"Fel / wrong: {len(result.wrong)}"]
    lines += [f"  {d}: {c}: {t[:100]} — {r}" for d, c, t, r in result.wrong]
    lines += ["", f"Inte bedömda / not judged: {len(result.unjudged)}"]
    lines += [f"  {d}: {c}: {t[:120]}" for d, c, t in result.unjudged]
    return "\n".join(lines) + "\n"


def render_goals_text(result: GoalsEvaluation) -> str:
    g = result.goals
    lines = [
        f"Mål / goal detection — {len(result.documents)} documents — {', '.join(result.gold_files)}",
        f"  goals  gold {g.gold:>4}  found {g.found:>4}  matched {g.matched:>4}   precision {_prop(g.precision)}"
        f"   recall {_prop(g.recall)}",
        f"  UG201 right on {len(result.ug201_right)} of {len(result.ug201_right) + len(result.ug201_wrong)} "
        f"documents" + (f"; wrong on: {', '.join(result.ug201_wrong)}" if result.ug201_wrong else ""),
    ]
    if result.errors:
        lines += ["", "Kunde inte granskas / could not be reviewed:", *[f"  {e}" for e in result.errors]]
    lines += ["", f"Avvikelser / mismatches: {len(result.misses)}"]
    lines += [f"  {d}: {kind} goal: {t[:140]}" for d, kind, t in result.misses]
    return "\n".join(lines) + "\n"


def to_json(result: FindingsEvaluation | GoalsEvaluation) -> str:
    import json
    from dataclasses import asdict

    data = asdict(result)
    data["mode"] = "findings" if isinstance(result, FindingsEvaluation) else "goals"
    data["figures"] = result.figures()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
