"""The checks' messages as data (checks/data/messages.<lang>.yaml): every language has the same templates
with the same fields, and every check takes its summary and severity from there."""

from __future__ import annotations

import string

import pytest

from upphandlingsgranskare.checks import ALL_CHECKS, messages


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_languages_have_the_same_templates_and_fields():
    sv, en = messages._messages("sv"), messages._messages("en")
    codes = {k for k in sv if k != "quote"}
    assert codes == {k for k in en if k != "quote"}
    for code in codes:
        assert sv[code]["templates"].keys() == en[code]["templates"].keys(), code
        for key, template in sv[code]["templates"].items():
            assert _fields(template) == _fields(en[code]["templates"][key]), (code, key)


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.code)
def test_every_check_reads_its_summary_and_severity_from_the_data(check):
    assert check.summary == messages.summary(check.code)
    assert check.default_severity == messages.severity(check.code)


def test_templates_are_filled_and_quoted_per_language():
    assert messages.text(
        "UG101",
        "message",
        "sv",
        what="varumärket eller produkten",
        names=messages.quote("sv", "Excel"),
        categories="kontorsprogram",
    ) == ("Kravet hänvisar till varumärket eller produkten ”Excel” (kontorsprogram) utan ”eller likvärdigt”.")
    assert messages.quote("en", "Excel") == '"Excel"'
    with pytest.raises(KeyError):
        messages.text("UG101", "no_such_template", "sv")


def test_languages_must_agree_on_a_severity(monkeypatch):
    def fake(language):
        return {
            "quote": "{}",
            "UG999": {"severity": "error" if language == "sv" else "info", "summary": "", "templates": {}},
        }

    monkeypatch.setattr(messages, "_messages", fake)
    with pytest.raises(ValueError, match="UG999"):
        messages.severity("UG999")
