"""UG201 no-stated-goals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Finding, Language, Requirement
from . import messages
from ._goals import on_solution
from .base import DocumentCheck, DocumentContext


class NoStatedGoals(DocumentCheck):
    """UG201 no-stated-goals: the document states no goal or need that its requirements could serve.

    A document-level check. It fires once per document that holds requirements on the solution
    but states no goal at all: no section "Syfte", "Mål", "Effektmål", "Behov" ("Purpose",
    "Objectives", "Business need") with a goal in it, no named goal ("Effektmål 2: ...") anywhere,
    and no sentence under "Bakgrund"/"Background" that states a goal or need ("Kommunen behöver
    ...", "målet är ..."). A document with only supplier, contract or bid requirements is not
    flagged: its requirements serve no goal of the solution.

    The finding is about the whole document. So that it shows up where the reader works (the
    annotated DOCX, PDF and XLSX, the HTML report), it is anchored on the document's first
    requirement on the solution; its ``subject`` is "document", and it does not count that
    requirement as flagged. Accept it with ``ignore = ["UG201"]`` for appendices whose goals
    stand in another document of the tender (a kravmatris to a förfrågningsunderlag), or with
    the marker ``ugr: ignorera UG201`` in that first requirement.

    Why it matters
    --------------
    Without stated goals nobody can tell whether a requirement is needed, tenderers cannot
    offer a better way to reach the goal, and the buyer cannot follow up after delivery whether
    the procurement achieved anything. Upphandlingsmyndigheten's guidance starts every
    procurement from the need and its effect goals; the requirements then trace to them.

    Bad
    ---
        4 Krav på lösningen
        K1 Systemet ska ha stöd för inloggning med BankID.
        K2 Systemet ska kunna exportera ärendelistor till Excel.
        (and no section on purpose, goals or needs anywhere in the document)

    Good
    ----
        2 Syfte och mål
        Effektmål 1: Handläggningstiden för bygglov ska minska från tio till fyra veckor.
        4 Krav på lösningen
        K1 Systemet ska påminna handläggaren när en tidsfrist närmar sig, vilket bidrar till effektmål 1.

    Severity: warning.
    """

    code = "UG201"
    name = "no-stated-goals"
    summary = messages.summary(code)
    default_severity = messages.severity(code)

    def run_document(self, requirements: Sequence[Requirement], context: DocumentContext) -> Iterable[Finding]:
        if context.goals:
            return []
        solution = on_solution(requirements)
        if not solution:
            return []
        first = solution[0]
        language = first.language
        return [
            self.make_finding(
                first,
                message=message(language, len(solution)),
                question=question(language),
                suggestion=suggestion(language),
                subject="document",
            )
        ]


def message(language: Language, count: int) -> str:
    return messages.text("UG201", "message", language, count=count)


def question(language: Language) -> str:
    return messages.text("UG201", "question", language)


def suggestion(language: Language) -> str:
    return messages.text("UG201", "suggestion", language)
