"""UG103 multiple-demands."""

from __future__ import annotations

from collections.abc import Iterable

from ..labels import ON_SOLUTION
from ..models import Finding, Language, Requirement
from . import messages
from .base import Check, DocumentContext
from .ug103_analysis import Demand, split_demands


class MultipleDemands(Check):
    """UG103 multiple-demands: one requirement packs several demands.

    Counts the separate demands in a requirement and flags it when there are two or more:

    * more than one modal clause in the main clause structure: "ska ... och ska ...",
      "ska ...; dessutom ska ...", "shall ... and must not ...", several sentences each with
      a modal ("Systemet ska vara webbaserat. Det ska fungera på surfplattor.");
    * verbs coordinated under one modal when each has its own object ("ska kunna importera
      ärenden och exportera rapporter", "ska logga alla ändringar samt skicka en kvittens",
      "shall train staff as well as provide support");
    * three or more coordinated verbs, even with one shared object ("ska kunna importera,
      exportera och arkivera ärenden"): see the rule below;
    * an enumeration of three or more separate capabilities as objects of one verb ("ska ha
      stöd för e-underskrift, SMS-avisering och digital brevlåda", "shall include case
      management, document management, registration and archiving").

    Rule for lists of verbs: two verbs sharing one object ("skapa och redigera mallar",
    "läsa och skriva", "sorteras och filtreras") are one demand: such pairs name one
    capability and are tested together. Three or more verbs are as many demands, shared
    object or not: each operation is tested on its own, and a tender that does two of three
    leaves the evaluator unable to say whether the requirement is met.

    Rule for lists of objects: a list of values of one parameter is one demand ("ska stödja
    PDF, DOCX och XLSX" is one demand about formats; so are languages, browsers, channels,
    search keys and displayed fields: "söka på personnummer, namn och diarienummer"). A list
    is a set of capabilities when it has three or more items and most of them are action
    nouns (sv -ning/-ering/-ing/-tion, en -ing/-tion/-sion) or listed service nouns (import,
    export, drift, support, analys, underskrift, management, backups, updates, ...); two
    items are one demand ("stöd för import och export av ärenden").

    Not counted: a purpose clause ("ska X för att Y", "så att", "in order to", "so that"),
    a condition or time clause ("Om ... ska ...", "when ...", "if ..."), relative and
    complement clauses ("den som ska signera", "each person who shall sign", "säkerställa
    att ..."), even when they hold a modal of their own; examples ("inklusive", "t.ex.",
    "including", "such as"); alternatives joined by "eller"/"or" ("vara certifierad enligt
    ISO/IEC 27001 eller ha ett likvärdigt ledningssystem" is one demand that either way
    meets); participles and gerunds in a list ("attesterade och betalda", "signed records",
    "receiving documents"); modals in quotes ('the terms "shall" and "must"'). A text
    without any modal (a matrix row, a list item) makes demands only through the verbs it
    starts with ("Ta fram underlag ... samt genomföra ceremonier", "Ability to create, track
    and report ...") or, as a single row, an enumeration of capabilities; a modal-less
    sentence that does not start with a verb is background. Without a part-of-speech tagger
    (the project's spaCy pipelines are blank), verbs are the words in
    ``checks/data/demand_words.yaml``, compared by form and by lemma (spaCy lookup tables).

    Why it matters
    --------------
    A requirement that packs several demands is hard to evaluate and to verify: when a
    tender or a delivery meets one part and not the other, nobody can say whether the
    requirement is met, the parts cannot be weighted or prioritised on their own, and a
    mandatory requirement may disqualify a tender over its least important part. One demand
    per requirement gives each an id, a motive, a verification and a follow-up.

    Bad
    ---
        Systemet ska logga alla händelser och ska skicka larm vid driftstörning.
        Systemet ska kunna importera, exportera och arkivera ärenden.
        The solution shall provide e-signing, SMS notifications and a digital mailbox.

    Good
    ----
        Systemet ska logga alla inloggningar för att obehörig åtkomst ska kunna upptäckas.
        Systemet ska stödja formaten PDF, DOCX och XLSX.
        If a case is closed, the system shall archive it automatically.

    Severity: info for two demands, warning for three or more. The suggestion splits the
    requirement mechanically into numbered sub-requirements: each demand gets the subject and
    modal of its clause ("Systemet ska kunna importera ärenden." "Systemet ska kunna
    exportera ärenden." ...), a shared object is repeated, and a trailing purpose or condition
    clause stays with the demand it follows. ``demands()`` returns the demands found.
    """

    code = "UG103"
    name = "multiple-demands"
    summary = messages.summary(code)
    default_severity = messages.severity(code)

    def demands(self, requirement: Requirement) -> tuple[Demand, ...]:
        """The separate demands of the requirement (one item when it makes a single demand)."""
        return split_demands(requirement.text, requirement.language)

    # Demands that are evaluated and verified against the solution; contract clauses and supplier
    # duties routinely list several obligations and are read by lawyers, not scored.
    scope = ON_SOLUTION

    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        demands = self.demands(requirement)
        if len(demands) < 2:
            return []
        language = requirement.language
        return [
            self.make_finding(
                requirement,
                message=message(language, len(demands)),
                question=question(language),
                suggestion="\n".join(f"{i}. {d.text}" for i, d in enumerate(demands, 1)),
                evidence="; ".join(requirement.text[d.start : d.end] for d in demands),
                severity="warning" if len(demands) >= 3 else self.default_severity,
            )
        ]


# --------------------------------------------------------------------------- messages


def message(language: Language, count: int) -> str:
    return messages.text("UG103", "message", language, count=count)


def question(language: Language) -> str:
    return messages.text("UG103", "question", language)
