"""One finding per question: UG203 merged into UG001 where both fire on a requirement.

A requirement with no stated need (UG001) that also serves none of the document's goals (UG203) got two
findings asking nearly the same question (16 of 28 flagged requirements in the Swedish sample): two
Word comments, two HTML cards. UG001's finding now says both, and the UG203 finding is dropped; UG203
stays on its own where UG001 does not fire (a requirement with a reason of its own that serves no goal).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Finding, Goal, Language
from . import messages
from ._goals import goal_list


def unserved_sentence(language: Language, goals: Sequence[Goal]) -> str:
    """What UG203 adds to UG001's message: the requirement serves none of the stated goals either."""
    return messages.text("UG203", "in_ug001", language, goals=goal_list(goals))


def merge_goal_findings(findings: Sequence[Finding], goals: Sequence[Goal]) -> list[Finding]:
    """``findings`` with each UG203 that has a UG001 on the same requirement folded into that UG001."""
    with_ug001 = {(f.requirement_id, f.requirement_text) for f in findings if f.code == "UG001"}
    merged_into = {
        (f.requirement_id, f.requirement_text)
        for f in findings
        if f.code == "UG203" and (f.requirement_id, f.requirement_text) in with_ug001
    }
    named = [g for g in goals if g.id]
    out = []
    for finding in findings:
        key = (finding.requirement_id, finding.requirement_text)
        if finding.code == "UG203" and key in merged_into:
            continue
        if finding.code == "UG001" and key in merged_into:
            finding = finding.model_copy(
                update={"message": f"{finding.message} {unserved_sentence(finding.language, named)}"}
            )
        out.append(finding)
    return out
