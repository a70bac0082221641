"""UG001 feature-without-need."""

from __future__ import annotations

from collections.abc import Iterable

from ..labelling import assess, labelled, labelling_of
from ..labels import Label, Reason
from ..models import Finding, Goal, GoalLink, Language, Requirement
from ..nlp.classify import Assessment
from ..trace import goal_name
from . import messages
from . import ug001_words as words
from .base import Check, DocumentContext
from .ug001_words import rationale_key


class FeatureWithoutNeed(Check):
    """UG001 feature-without-need: a requirement prescribes a feature but states no need or goal.

    Flags requirements on the solution (system, e-service, platform, product, integration)
    that prescribe a function, technology, standard or property, when neither the
    requirement nor its attached rationale says why: no purpose clause ("för att", "så att",
    "i syfte att", "eftersom", "vilket gör att"; "in order to", "so that", "to ensure",
    "because"), no rationale cell or "Motivering:" paragraph, no reference to a stated goal
    ("bidrar till effektmål 2", "see objective O3") and no named law it complies with.
    Requirements on the supplier, consultants, the contract or the bid are out of scope.

    Why it matters
    --------------
    A requirement that only names a feature locks the purchase into one way of working and
    hides what the organisation actually needs. The organisation then adapts itself to the
    system, bidders cannot offer a better way to reach the goal, and nobody can tell later
    whether the feature delivered the improvement it was bought for. SKR and
    Upphandlingsmyndigheten advise that every requirement carries a motive and that
    functional requirements tied to goals beat detailed ones.

    Bad
    ---
        Systemet ska ha stöd för inloggning med SITHS-kort.
        Lösningen ska ha en dashboard.
        The system shall provide a dashboard with real-time KPIs.

    Good
    ----
        För att sjuksköterskor ska slippa dubbelinloggning mellan journal och
        läkemedelsmodul ska systemet stödja SITHS-inloggning med single sign-on.
        Lösningen ska kunna exportera data i CSV-format.
            Motivering: ekonomienheten följer upp kostnader per enhet i eget verktyg.
        The system shall send reminder e-mails to applicants so that fewer applications lapse.

    When the requirement's content ties it to a stated goal by meaning (``trace.link``: shared
    words and domain concepts), the message names that goal and the words they share ("Kravet
    liknar effektmål 2 (”handläggningstid”), men säger inte att det bidrar till det"), and the
    suggestion offers that goal first: the likely reason is then only unwritten.

    Severity: warning for ska-krav (mandatory), info for bör-krav (desirable).
    The question to the business owner is built from the requirement's own feature and user
    ("Vilket problem ska inloggning med BankID lösa för sökande, och hur märks det?"; English
    "What problem should … solve for caseworkers, and how will it show?"; word lists in
    ``checks/data/ug001_words.yaml``). The suggestion keeps the requirement word for word (ska/bör,
    numbers and negations stay as written) and adds the purpose clause to fill in: the goal the
    requirement most resembles first, with the words they share ("så att [hur kravet bidrar till
    Effektmål 2 (”kontaktcenter, ärendestatus”)] (eller [Effektmål 1])"). A row of a matrix with a
    rationale column ("Motivering") is told to fill in that column, its text left as it is.
    Where the requirement also serves none of the document's goals, UG203 says so inside this
    finding's message ("… (UG203)") instead of as a second finding on the same requirement.

    Configuration: ``rationale_policy`` says where a motive may stand. ``both`` (default)
    accepts a purpose clause in the text and a rationale field; ``inline`` (the SKR way)
    accepts only the requirement's own words; ``separate`` (the INCOSE way) accepts only a
    rationale field (or a goal reference or named law), and flags a purpose written into the
    requirement text with a request to move it.
    """

    code = "UG001"
    name = "feature-without-need"
    summary = messages.summary(code)
    default_severity = messages.severity(code)

    scope = frozenset({Label.FEATURE_WITHOUT_NEED})

    def assess(self, requirement: Requirement, context: DocumentContext) -> Assessment:
        """The offline label of the requirement (rules, then the label model): the labelling stage's first two
        steps (``labelling.assess``), for evaluations that score them on their own."""
        return assess(requirement, context)

    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        """The finding on a requirement labelled feature_without_need, from what decided the label; a
        requirement the labelling stage has not seen is labelled first (rules and model)."""
        labelling = labelling_of(requirement, context)
        if requirement.label is None:
            requirement = labelled(requirement, labelling.assessment)
        if requirement.label != Label.FEATURE_WITHOUT_NEED:
            return []
        finding = self.finding(requirement, context, labelling.basis)
        if labelling.decision is None:
            return [finding]
        from ..llm.review import apply_decision

        decided = apply_decision(finding, labelling.decision)
        return [decided] if decided is not None else []

    def finding(self, requirement: Requirement, context: DocumentContext, assessment: Assessment) -> Finding:
        language = requirement.language
        matched = sorted(
            (link for link in context.links_of(requirement) if link.method == "meaning"), key=lambda link: -link.score
        )
        # The goals the requirement resembles come first among the choices the officer is offered.
        first = [link.goal_id for link in matched if link.goal_id in context.goal_ids]
        goal_ids = list(dict.fromkeys(first + list(context.goal_ids)))
        text = message(
            language, assessment.feature, inline_purpose=assessment.reason == Reason.PURPOSE_NOT_IN_RATIONALE_FIELD
        )
        goal = context.goal(matched[0].goal_id) if matched else None
        if goal is not None:
            text += " " + resembles(language, goal, matched[0])
        key = rationale_key(requirement.location)
        return Finding(
            code=self.code,
            name=self.name,
            severity="info" if requirement.kind == "bör" else self.default_severity,
            message=text,
            question=words.question(requirement, assessment.feature, goal, goal_ids),
            suggestion=words.rewrite(
                requirement,
                goal,
                matched[0] if matched else None,
                goal_ids,
                matrix_row=requirement.matrix_row or context.rationale_policy == "separate",
                rationale_column=context.rationale_columns.get(key) if key else None,
            ),
            location=requirement.location,
            requirement_id=requirement.id,
            requirement_text=requirement.text,
            language=language,
            origin="rules",
            # The statistical label model, not the rules, decided: say so, and what the rules had said.
            origin_detail=(
                f"label model {assessment.confidence:.2f}; rules: {assessment.evidence}"
                if assessment.reason == Reason.MODEL and assessment.confidence is not None
                else None
            ),
        )


def message(language: Language, feature: str | None, *, inline_purpose: bool = False) -> str:
    if inline_purpose:
        return messages.text("UG001", "message_inline_purpose", language)
    feature = _short(feature)
    what = messages.text("UG001", "what", language, feature=feature) if feature else ""
    return messages.text("UG001", "message", language, what=what)


def resembles(language: Language, goal: Goal, link: GoalLink) -> str:
    """The goal a flagged requirement resembles by meaning, and the words they share."""
    shared = ", ".join(link.terms[:3]) or link.evidence
    return messages.text("UG001", "resembles", language, goal=goal_name(goal, language), words=shared)


def _short(feature: str | None, words: int = 8) -> str | None:
    if not feature:
        return None
    parts = feature.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
