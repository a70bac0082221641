"""The checks' messages as data (checks/data/messages.<lang>.yaml): every language has the same templates
with the same fields, and every check takes its summary and severity from there."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from upphandlingsgranskare import checks
from upphandlingsgranskare.checks import ALL_CHECKS, messages

CHECKS_SOURCE = sorted(Path(checks.__file__).parent.glob("*.py"))


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
def test_every_check_has_its_wording_in_both_languages(check):
    for language in messages.LANGUAGES:
        assert messages._messages(language)[check.code]["templates"], (check.code, language)


def _literal_keys(node: ast.expr) -> list[str] | None:
    """The template names a ``messages.text`` call's key argument can take, or None when computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_keys(node.body), _literal_keys(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _text_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in CHECKS_SOURCE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "text"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "messages"
            ):
                calls.append((f"{path.name}:{node.lineno}", node))
    return calls


def test_the_code_fills_exactly_the_fields_of_the_templates_it_names():
    calls = _text_calls()
    assert len(calls) > 40  # the scan finds the checks' calls
    for where, call in calls:
        code, key = call.args[0], call.args[1]
        assert isinstance(code, ast.Constant), where
        keys = _literal_keys(key)
        if keys is None:
            continue  # a computed name ("legal_{basis}"): the next test sees that its templates are read
        filled = {keyword.arg for keyword in call.keywords}
        assert None not in filled, where  # no **fields: the names are checked here
        for language in messages.LANGUAGES:
            templates = messages._messages(language)[code.value]["templates"]
            for name in keys:
                assert name in templates, (where, language, name)
                assert _fields(templates[name]) == filled, (where, language, name)


def test_every_template_is_read_by_the_code():
    """A template no check names is wording nobody sees (or a misspelt key): a literal in the checks' code, or
    the fixed start of a computed name (f"legal_{basis}")."""
    literals = {
        node.value
        for path in CHECKS_SOURCE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    prefixes = {
        str(key.values[0].value)
        for _, call in _text_calls()
        if isinstance(key := call.args[1], ast.JoinedStr) and isinstance(key.values[0], ast.Constant)
    }
    for language in messages.LANGUAGES:
        data = messages._messages(language)
        for code in (k for k in data if k != "quote"):
            for name in data[code]["templates"]:
                assert name in literals or any(name.startswith(p) for p in prefixes), (language, code, name)


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
