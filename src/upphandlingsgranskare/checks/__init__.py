"""The registry of checks: one module per check, each with a stable code."""

from __future__ import annotations

from .base import Check, DocumentCheck, DocumentContext
from .ug001_feature_without_need import FeatureWithoutNeed
from .ug101_brand_without_equivalent import BrandWithoutEquivalent
from .ug102_vague_wording import VagueWording
from .ug103_multiple_demands import MultipleDemands
from .ug201_no_stated_goals import NoStatedGoals
from .ug202_goal_without_requirement import GoalWithoutRequirement
from .ug203_requirement_without_goal import RequirementWithoutGoal

ALL_CHECKS: tuple[Check, ...] = (
    FeatureWithoutNeed(),
    BrandWithoutEquivalent(),
    VagueWording(),
    MultipleDemands(),
    NoStatedGoals(),
    GoalWithoutRequirement(),
    RequirementWithoutGoal(),
)


def get_check(code_or_name: str) -> Check | None:
    key = code_or_name.strip().lower()
    for check in ALL_CHECKS:
        if check.code.lower() == key or check.name == key:
            return check
    return None


__all__ = [
    "ALL_CHECKS",
    "BrandWithoutEquivalent",
    "Check",
    "DocumentCheck",
    "DocumentContext",
    "FeatureWithoutNeed",
    "GoalWithoutRequirement",
    "MultipleDemands",
    "NoStatedGoals",
    "RequirementWithoutGoal",
    "VagueWording",
    "get_check",
]
