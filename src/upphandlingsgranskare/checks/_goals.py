"""Helpers shared by the goal-traceability checks (UG201-UG203)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Goal, Language, Requirement
from ..trace import LINKED_LABELS, goal_name


def on_solution(requirements: Sequence[Requirement]) -> list[Requirement]:
    """The requirements on the solution (labels feature_without_need, feature_with_need, need): the ones that
    serve goals. Unlabelled requirements are left out: the review labels every requirement first."""
    return [r for r in requirements if r.label in LINKED_LABELS]


def goal_choices(goals: Sequence[Goal], language: Language, most: int = 4) -> str:
    """The goals as a fill-in choice: "Effektmål 1 / Effektmål 2 / …", generated ids named by their text."""
    names = [g.id if g.id and not g.generated else goal_name(g, language, words=4) for g in goals[:most]]
    return " / ".join(names) + (" / …" if len(goals) > most else "")


def goal_list(goals: Sequence[Goal], most: int = 6) -> str:
    """The goals' ids for a message: "Effektmål 1, Effektmål 2, Effektmål 3"."""
    ids = [g.id or "" for g in goals[:most]]
    return ", ".join(ids) + (", …" if len(goals) > most else "")
