"""The labelling stage, the labels as enums, checks scoped by label, and a check that raises."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pytest

from upphandlingsgranskare import checks
from upphandlingsgranskare.checks import Check, DocumentCheck, DocumentContext, get_check
from upphandlingsgranskare.labelling import label_requirements
from upphandlingsgranskare.labels import ON_SOLUTION, Label, Reason
from upphandlingsgranskare.models import Finding, Location, Requirement
from upphandlingsgranskare.review import lint_text, review_document


def _requirement(text: str, language: str = "sv") -> Requirement:
    return Requirement(id="R1", text=text, kind="ska", location=Location(file="t.txt"), language=language)


def test_labels_are_the_strings_the_reports_write() -> None:
    assert [label.value for label in Label] == ["feature_without_need", "feature_with_need", "need", "out_of_scope"]
    assert Label.NEED == "need" and f"{Reason.NO_REQUIREMENT}" == "no_requirement"
    assert Label.OUT_OF_SCOPE not in ON_SOLUTION


def test_the_stage_writes_label_reason_and_origin() -> None:
    context = DocumentContext(path="t.txt", language="sv")
    found = [
        _requirement("Systemet ska ha stöd för inloggning med BankID."),
        _requirement("Systemet ska ha stöd för inloggning med BankID så att sökande slipper lösenord."),
        _requirement("Leverantören ska utse en kontaktperson."),
    ]
    labelled, usage = label_requirements(found, context)
    assert usage is None
    assert [(r.label, r.label_origin) for r in labelled] == [
        (Label.FEATURE_WITHOUT_NEED, "rules"),
        (Label.FEATURE_WITH_NEED, "rules"),
        (Label.OUT_OF_SCOPE, "rules"),
    ]
    assert isinstance(labelled[1].label_reason, Reason) and labelled[1].label_reason == Reason.PURPOSE
    # The JSON of a requirement is what it was: the values, and nothing of what decided them beyond the reason.
    dumped = json.loads(labelled[0].model_dump_json())
    assert dumped["label"] == "feature_without_need" and "labelling" not in dumped and "label_quote" not in dumped


def test_the_llm_reason_is_reported_with_its_quote() -> None:
    requirement = _requirement("Systemet ska logga in.").model_copy(
        update={"label": Label.NEED, "label_reason": Reason.LLM, "label_origin": "llm", "label_quote": "logga in"}
    )
    assert json.loads(requirement.model_dump_json())["label_reason"] == "llm: logga in"
    # Read back (a resumed run), the reason and the quote are apart again.
    again = Requirement.model_validate(requirement.model_dump())
    assert (again.label_reason, again.label_quote) == (Reason.LLM, "logga in")


def test_ug001_reads_the_label_it_is_given() -> None:
    """UG001 is an ordinary check: a requirement the stage labelled with a need gets no finding, whatever its words."""
    check = get_check("UG001")
    context = DocumentContext(path="t.txt", language="sv")
    flagged = label_requirements([_requirement("Systemet ska ha en dashboard.")], context)[0][0]
    assert [f.code for f in check.run(flagged, context)] == ["UG001"]
    cleared = flagged.model_copy(update={"label": Label.FEATURE_WITH_NEED, "label_reason": Reason.MODEL})
    assert not check.applies_to(cleared)
    assert list(check.run(cleared, context)) == []


def test_checks_declare_their_scope() -> None:
    assert get_check("UG103").scope == ON_SOLUTION
    assert get_check("UG001").scope == frozenset({Label.FEATURE_WITHOUT_NEED})
    ug102 = get_check("UG102")
    labelled = _requirement("Avtalet ska vara enkelt.").model_copy(
        update={"label": Label.OUT_OF_SCOPE, "label_reason": Reason.SECTION}
    )
    assert not ug102.applies_to(labelled)
    assert ug102.applies_to(labelled.model_copy(update={"label_reason": Reason.CONTRACT_TERM}))


class _Raises(Check):
    """A check that fails on every requirement (registered for these tests only)."""

    code = "UG999"
    name = "always-raises"
    summary = {"sv": "Går alltid sönder.", "en": "Always breaks."}

    def run(self, requirement: Requirement, context: DocumentContext) -> Iterable[Finding]:
        raise ValueError(f"cannot read {requirement.id}")


class _RaisesOnTheDocument(DocumentCheck):
    """A document-level check that fails (registered for these tests only)."""

    code = "UG998"
    name = "document-raises"
    summary = {"sv": "Går sönder på dokumentet.", "en": "Breaks on the document."}

    def run_document(self, requirements: Sequence[Requirement], context: DocumentContext) -> Iterable[Finding]:
        raise KeyError("goals")


@pytest.fixture
def raising_check(monkeypatch: pytest.MonkeyPatch) -> Check:
    check = _Raises()
    monkeypatch.setattr(checks, "ALL_CHECKS", (check, *checks.ALL_CHECKS, _RaisesOnTheDocument()))
    return check


def test_a_check_that_raises_is_reported_and_the_others_go_on(raising_check: Check, tmp_path) -> None:
    path = tmp_path / "krav.txt"
    path.write_text("Systemet ska ha en dashboard.\n", "utf-8")
    review = review_document(path)
    assert review.error is None
    codes = [f.code for f in review.findings]
    assert "UG001" in codes and "UG201" in codes  # the other checks ran
    failed = [f for f in review.findings if f.code == "UG999"]
    assert len(failed) == 1
    assert failed[0].severity == "error" and failed[0].requirement_text == "Systemet ska ha en dashboard."
    assert "UG999" in failed[0].message and "ValueError: cannot read R1" in failed[0].message
    assert "kunde inte köras" in failed[0].suggestion and "failed" in failed[0].suggestion  # both languages
    (document,) = [f for f in review.findings if f.code == "UG998"]
    assert document.subject == "document" and "KeyError" in document.message


def test_a_raising_check_not_selected_is_not_run(raising_check: Check) -> None:
    linted = lint_text("The system shall provide a dashboard.", language="en", select=["UG001"])
    assert [f.code for f in linted.findings] == ["UG001"]  # neither failing check was selected
    assert (
        "failed"
        in lint_text("The system shall provide a dashboard.", language="en", select=["UG999"]).findings[0].message
    )
