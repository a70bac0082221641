"""How often the rules are right, per language and deciding reason, measured on the dev split.

Written by ``eval/calibrate.py`` into ``calibration.json``. The rules backend reports it as its
confidence, and the hybrid LLM backend sends the items the rules are least sure of to the model.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .classify import Assessment


@cache
def rules_calibration() -> dict[str, dict[str, float]]:
    try:
        text = resources.files("upphandlingsgranskare.nlp").joinpath("calibration.json").read_text("utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text)["reasons"]


def confidence(assessment: Assessment, language: str) -> float | None:
    """How sure the offline backend is of its label: the label model's probability where it was
    consulted, else the rules' dev-split share right for the deciding reason."""
    if assessment.confidence is not None:
        return assessment.confidence
    return rules_confidence(language, assessment.reason)


def rules_confidence(language: str, reason: str | None) -> float | None:
    """Share of dev items the rules labelled right when ``reason`` decided; None when never seen."""
    if reason is None:
        return None
    return rules_calibration().get(language, {}).get(reason)
