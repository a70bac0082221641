"""UG201 no-stated-goals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Finding, Language, Requirement
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
    default_severity = "warning"
    summary = {
        "sv": "Underlaget anger inga mål eller verksamhetsbehov som kraven kan knytas till.",
        "en": "The document states no goals or business needs that its requirements could serve.",
    }

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
    if language == "sv":
        return (
            f"Dokumentet anger inga mål, effektmål eller verksamhetsbehov som dess {count} krav på lösningen kan "
            "knytas till (inget avsnitt om syfte, mål eller behov med ett mål i, och ingen mening som anger ett). "
            "Utan uttalade mål går det varken att pröva om kraven behövs eller att följa upp vad upphandlingen "
            "åstadkom. Anmärkningen gäller hela dokumentet; den är placerad vid dess första krav på lösningen."
        )
    return (
        f"The document states no goals, objectives or business needs that its {count} requirements on the "
        "solution could serve (no section on purpose, objectives or needs with a goal in it, and no sentence "
        "that states one). Without stated goals nobody can check whether the requirements are needed or follow "
        "up what the procurement achieved. The finding is about the whole document; it is placed at its first "
        "requirement on the solution."
    )


def question(language: Language) -> str:
    if language == "sv":
        return "Vad ska upphandlingen uppnå för verksamheten och dess användare, och hur ska det mätas?"
    return "What should the procurement achieve for the organisation and its users, and how will that be measured?"


def suggestion(language: Language) -> str:
    if language == "sv":
        return (
            "Lägg till ett avsnitt ”Syfte och mål” med numrerade, mätbara effektmål, till exempel: ”Effektmål 1: "
            "[det som ska förändras] ska [minska/öka] från [nuläge] till [målvärde] senast [när].” Hänvisa sedan "
            "från kraven till målen (”…, vilket bidrar till effektmål 1”). Står målen i ett annat dokument i "
            "upphandlingen, hänvisa till det."
        )
    return (
        'Add a section "Purpose and objectives" with numbered, measurable objectives, for example: "Objective '
        'O1: [what should change] shall [fall/rise] from [today] to [target] by [when]." Then refer to them from '
        'the requirements ("…, which supports objective O1"). If the objectives stand in another document of '
        "the procurement, refer to it."
    )
