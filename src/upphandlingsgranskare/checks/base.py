"""What every check is: a stable code, a name, documentation, and a function from a
requirement (with its document's context) to findings; or, for a check about the document as a
whole (its goals and their coverage), a function from all its requirements to findings."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Literal

from ..labels import ALL_LABELS, Label
from ..models import Finding, Goal, GoalLink, Language, Location, Requirement, Severity

if TYPE_CHECKING:
    from ..nlp.label_model import LabelModel


@dataclass(frozen=True)
class DocumentContext:
    """What a check may know about the requirement's document."""

    path: str
    language: Language
    goals: tuple[Goal, ...] = ()
    # Where a requirement's motive may stand: "inline" in its text (SKR), "separate" in a rationale
    # field (INCOSE), or "both".
    rationale_policy: str = "both"
    # Whether the labelling stage consults the statistical label model (nlp/label_model.py) or the rules alone; a
    # LabelModel instance is consulted instead of the packaged one (cross-validation trains one per fold).
    label_model: bool | LabelModel = True
    # Which goal each requirement on the solution serves (trace.link); set by the review once the
    # requirements are labelled, so it is empty while labels are decided.
    links: tuple[GoalLink, ...] = ()
    # The extracted document's text, for checks that read beyond the requirements (UG101: the products the
    # document names as chosen, the law it falls under); empty for a requirement typed in.
    text: str = ""
    # Header of the rationale column ("Motivering") of each table that has one, by ``ug001_words.rationale_key``
    # ("sheet:Krav", "table:2"): a flagged row's suggestion points to that column.
    rationale_columns: Mapping[str, str] = field(default_factory=dict)

    # Computed once per context (a frozen dataclass keeps cached_property's value in its __dict__):
    # each is read for every requirement, and a long tender has thousands of requirements and links.
    @cached_property
    def goal_ids(self) -> tuple[str, ...]:
        """Ids of the numbered goals ("Effektmål 2", "O3") as the document writes them (not generated ones)."""
        return tuple(g.id for g in self.goals if g.id and not g.generated)

    @cached_property
    def _links_by_requirement(self) -> dict[str, tuple[GoalLink, ...]]:
        grouped: dict[str, list[GoalLink]] = {}
        for link in self.links:
            grouped.setdefault(link.requirement_id, []).append(link)
        return {key: tuple(value) for key, value in grouped.items()}

    def links_of(self, requirement: Requirement) -> tuple[GoalLink, ...]:
        return self._links_by_requirement.get(requirement.id, ())

    @cached_property
    def _goals_by_id(self) -> dict[str, Goal]:
        by_id: dict[str, Goal] = {}
        for goal in self.goals:
            if goal.id is not None:
                by_id.setdefault(goal.id, goal)  # the first with the id, as a scan would find
        return by_id

    def goal(self, goal_id: str) -> Goal | None:
        return self._goals_by_id.get(goal_id)


class Check(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[dict[Language, str]]  # one line, per language
    default_severity: ClassVar[Severity] = "warning"

    # The labels of the requirements the check reads (as Vale scopes rules to parts of a document): the
    # labelling stage labels every requirement first, so a check can leave out, say, contract terms.
    scope: ClassVar[frozenset[Label]] = ALL_LABELS

    def applies_to(self, requirement: Requirement) -> bool:
        """Whether the check reads the requirement: its label is in ``scope`` (one not labelled yet, in direct
        use, is read). A check with finer gates (named ``Reason`` members) adds them here."""
        return requirement.label is None or requirement.label in self.scope

    @abstractmethod
    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        """Findings for one requirement (none when it passes)."""

    def run_document(self, requirements: Sequence[Requirement], context: DocumentContext) -> Iterable[Finding]:
        """Findings about the document as a whole, from all its labelled requirements, its goals and the
        links between them; the review calls it after the per-requirement checks. None by default."""
        return ()

    def make_finding(
        self,
        requirement: Requirement,
        *,
        message: str,
        question: str,
        suggestion: str,
        evidence: str | None = None,
        severity: Severity | None = None,
        subject: Literal["requirement", "document"] = "requirement",
    ) -> Finding:
        """A finding of this check on ``requirement``: code, name, location and text filled in.

        ``subject`` "document": a finding about the whole document, anchored on this requirement."""
        where = (requirement.location, requirement.id, requirement.text, requirement.language)
        return self._finding(where, subject, severity, (message, question, suggestion), evidence)

    def goal_finding(
        self,
        goal: Goal,
        language: Language,
        *,
        message: str,
        question: str,
        suggestion: str,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding about a stated goal: its id, text and location stand where a requirement's would."""
        where = (goal.location, goal.id or "", goal.text, language)
        return self._finding(where, "goal", severity, (message, question, suggestion))

    def _finding(
        self,
        where: tuple[Location, str, str, Language],
        subject: Literal["requirement", "document", "goal"],
        severity: Severity | None,
        texts: tuple[str, str, str],
        evidence: str | None = None,
    ) -> Finding:
        """The finding of this check anchored at ``where`` (location, id, text and language of what it is about),
        with its message, question and suggestion."""
        location, anchor_id, anchor_text, language = where
        message, question, suggestion = texts
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.default_severity,
            location=location,
            requirement_id=anchor_id,
            requirement_text=anchor_text,
            language=language,
            origin="rules",
            subject=subject,
            message=message,
            question=question,
            suggestion=suggestion,
            evidence=evidence,
        )

    @classmethod
    def documentation(cls) -> str:
        """The check's docstring: what `explain CODE` prints."""
        return inspect.cleandoc(cls.__doc__ or "")


class DocumentCheck(Check):
    """A check that reads the whole document (``run_document``) and no single requirement on its own."""

    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        return ()
