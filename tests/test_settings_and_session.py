"""The settings model (schema, defaults, where a bad value came from, one read of the config file) and the
review session (one code path for a single report and a folder)."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from upphandlingsgranskare import config as config_module
from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.config import Config, ConfigError
from upphandlingsgranskare.extract.limits import ExtractionLimits
from upphandlingsgranskare.options import ReviewOptions
from upphandlingsgranskare.session import run_review
from upphandlingsgranskare.settings import Settings, file_keys, load_settings, settings_from

runner = CliRunner()

KRAV = """# Kravspecifikation

## 4 Krav på lösningen

K1 Systemet ska ha stöd för inloggning med BankID.

K2 Systemet ska kunna exportera ärendelistor till Excel.

K3 Lösningen bör ha en dashboard med nyckeltal.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the settings model -------------------------------------------------------------------------------------


def test_the_schema_documents_every_key_of_the_config_file_with_its_default() -> None:
    schema = Settings.model_json_schema()
    definitions = schema["$defs"]
    sections = {
        "review": "ReviewSettings",
        "output": "OutputSettings",
        "limits": "ExtractionLimits",
        "llm": "LLMSettings",
        "run": "RunSettings",
    }
    for section, name in sections.items():
        assert schema["properties"][section]["$ref"] == f"#/$defs/{name}"
        for key, prop in definitions[name]["properties"].items():
            assert prop.get("description"), f"{section}.{key} has no description"
    keys = file_keys()
    top = {k for k, v in keys.items() if v is None}
    assert top == {
        "backend",
        "select",
        "ignore",
        "severity",
        "language",
        "rationale_policy",
        "label_model",
        "embeddings",
        "formats",
        "annotate_clean",
    }
    assert keys["limits"] == {f.name for f in fields(ExtractionLimits)}
    assert "api_key_env" in keys["llm"] and "api_key" not in keys["llm"]  # a key is never written in a file
    assert "password" not in top  # command line only
    assert definitions["LLMSettings"]["properties"]["timeout"]["default"] == 60.0
    assert definitions["ExtractionLimits"]["properties"]["max_pages"]["default"] == 5000


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = load_settings(start=tmp_path, environ={})
    assert settings.source is None and settings.backend == "rules"
    assert settings.review_options() == ReviewOptions()
    assert settings.output.formats == ("text",) and settings.output.annotate_clean is False
    assert settings.run.fail_on == "info" and settings.run.jobs == 1 and not settings.run.exit_zero
    assert settings.llm.model == "gpt-4o-mini" and settings.llm.api_key is None


def test_the_model_is_frozen_and_refuses_unknown_keys() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.backend = "llm"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Settings(reveiw={})  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(run={"exitzero": True})


def test_the_command_line_goes_over_the_file_section_by_section() -> None:
    file = Config(
        path=Path("upphandlingsgranskare.toml"),
        values={
            "ignore": ["UG103"],
            "severity": {"UG001": "error", "UG102": "info"},
            "language": "sv",
            "limits": {"max_pages": 10, "max_rows": 20},
            "llm": {"model": "from-file", "timeout": 5},
            "formats": "html",
            "annotate_clean": True,
        },
    )
    settings = settings_from(
        file,
        {
            "review": {"ignore": ["vague-wording"], "severity": ["UG001=warning"], "language": None},
            "limits": {"max_pages": 99, "max_rows": None},
            "llm": {"model": "from-cli", "timeout": None},
            "output": {"formats": ["json,csv"]},
            "run": {"exit_zero": True},
        },
        environ={},
    )
    options = settings.review_options()
    assert options.ignore == {"UG103", "UG102"}  # --ignore adds to the file's
    assert options.severity == {"UG001": "warning", "UG102": "info"}  # --severity changes the level it names
    assert options.language == "sv" and options.limits.max_pages == 99 and options.limits.max_rows == 20
    assert settings.llm.model == "from-cli" and settings.llm.timeout == 5
    assert settings.output.formats == ("json", "csv") and settings.output.annotate_clean is True
    assert settings.run.exit_zero is True and settings.source == Path("upphandlingsgranskare.toml")


def test_the_environment_goes_between_the_file_and_the_command_line() -> None:
    file = Config(path=Path("u.toml"), values={"llm": {"model": "file", "api_key_env": "MY_KEY"}})
    environ = {"UPPHANDLINGSGRANSKARE_MODEL": "env", "MY_KEY": "secret", "OPENAI_BASE_URL": "http://h:1/v1"}
    settings = settings_from(file, {"backend": "llm"}, environ=environ)
    assert settings.llm.model == "env" and settings.llm.base_url == "http://h:1/v1"
    assert settings.llm.api_key is not None and settings.llm.api_key.get_secret_value() == "secret"
    assert "secret" not in repr(settings)
    assert settings_from(file, {"llm": {"model": "cli"}}, environ=environ).llm.model == "cli"
    # The rules send nothing: a key variable that is not set is no error there, but is with an LLM backend.
    assert settings_from(file, {}, environ={}).llm.api_key is None
    with pytest.raises(ConfigError, match="MY_KEY"):
        settings_from(file, {"backend": "hybrid"}, environ={})


@pytest.mark.parametrize(
    "values, overrides, where",
    [
        ({"limits": {"max_pages": 0}}, {}, "u.toml: [limits]"),
        ({}, {"limits": {"max_pages": 0}}, "command line: --max-pages"),
        ({"llm": {"timeout": 0}}, {}, "u.toml: llm.timeout"),
        ({}, {"llm": {"timeout": 0}}, "command line: --timeout"),
        ({"language": "de"}, {}, "u.toml: 'language'"),
        ({}, {"review": {"language": "de"}}, "command line: --language"),
        ({}, {"output": {"formats": ["word"]}}, "command line: --format"),
        ({"backend": "gpt"}, {}, "u.toml: 'backend'"),
        ({"select": ["UG001"]}, {"review": {"ignore": ["UG001"]}}, "command line: --select, --ignore"),
        ({"select": ["UG001"], "ignore": ["UG001"]}, {}, "u.toml: 'select', 'ignore'"),
    ],
)
def test_a_bad_value_names_where_it_came_from(values: dict, overrides: dict, where: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from(Config(path=Path("u.toml"), values=values), overrides, environ={})
    assert where in str(caught.value)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    real = config_module._read_toml

    def counting(path: Path) -> dict:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(config_module, "_read_toml", counting)
    return reads


def test_a_review_with_an_llm_backend_reads_the_config_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openai")
    doc = write(tmp_path / "krav.txt", KRAV)
    write(tmp_path / "upphandlingsgranskare.toml", '[llm]\nmodel = "from-file"\nbase_url = "http://127.0.0.1:9/v1"\n')
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    reads = _count_reads(monkeypatch)
    result = runner.invoke(app, ["review", str(doc), "--backend", "llm", "--dry-run", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "from-file" in result.stdout  # the dry run's model is the file's: the reviewer got the settings read
    assert reads == [tmp_path / "upphandlingsgranskare.toml"]  # before: read again to build the LLM reviewer


def test_a_pyproject_table_is_read_once_to_find_and_load_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    write(tmp_path / "pyproject.toml", '[tool.upphandlingsgranskare]\nignore = ["UG001"]\n')
    reads = _count_reads(monkeypatch)
    result = runner.invoke(app, ["review", str(doc), "-f", "json", "--no-progress"])
    assert result.exit_code in (0, 1), result.output
    assert reads == [tmp_path / "pyproject.toml"]  # before: once to find it, once to load it
    assert all(f["code"] != "UG001" for f in json.loads(result.stdout)["documents"][0]["findings"])


def test_the_settings_command_shows_the_files_values_and_the_schema(tmp_path: Path) -> None:
    config = write(tmp_path / "upphandlingsgranskare.toml", 'language = "en"\n[limits]\nmax_pages = 7\n')
    result = runner.invoke(app, ["settings", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert 'language = "en"' in result.stdout and "max_pages = 7  # PDF-sidor / PDF pages." in result.stdout
    assert str(config) in result.stdout.splitlines()[0]
    schema = json.loads(runner.invoke(app, ["settings", "--schema"]).stdout)
    assert schema["properties"]["backend"]["default"] == "rules"
    bad = write(tmp_path / "bad.toml", "langauge = 'en'\n")
    result = runner.invoke(app, ["settings", "--config", str(bad)])
    assert result.exit_code == 2 and "langauge" in result.stderr


# -- the session --------------------------------------------------------------------------------------------


def _baseline_then_revise(tmp_path: Path, *output_args: str) -> str:
    """Accept the findings of two documents, change one requirement, review again: the stderr of the second run."""
    folder = tmp_path / "anbud"
    write(folder / "a.txt", KRAV)
    other = KRAV.replace("BankID", "Freja eID").replace("ärendelistor", "fakturor").replace("dashboard", "startsida")
    write(folder / "b.txt", other)  # no requirement text in common with a.txt: the baseline keys are by text
    baseline = tmp_path / "godtagna.json"
    first = runner.invoke(
        app,
        [
            "review",
            str(folder),
            "--baseline",
            str(baseline),
            "--update-baseline",
            "--select",
            "UG001",
            "--no-progress",
            *output_args,
        ],
    )
    assert first.exit_code == 0, first.output
    write(folder / "b.txt", other.replace("till Excel.", "till Excel och CSV."))
    second = runner.invoke(
        app, ["review", str(folder), "--baseline", str(baseline), "--select", "UG001", "--no-progress", *output_args]
    )
    assert second.exit_code == 1, second.output  # the changed requirement is new
    return second.stderr


def test_the_stale_baseline_warning_fires_for_one_report_and_for_a_folder_alike(tmp_path: Path) -> None:
    single = _baseline_then_revise(tmp_path / "one", "-f", "json", "-o", str(tmp_path / "one" / "r.json"))
    out = tmp_path / "folder" / "ut"
    folder = _baseline_then_revise(tmp_path / "folder", "-f", "html,json", "-o", str(out))
    for stderr in (single, folder):
        assert "1 godtagna anmärkningar matchar inget längre / accepted findings no longer match" in stderr
    # The folder's reports hold what the baseline left: b's changed requirement only.
    reports = {p.name: json.loads(p.read_text("utf-8")) for p in out.rglob("*.granskning.json")}
    findings = {name: [f["requirement_id"] for f in r["documents"][0]["findings"]] for name, r in reports.items()}
    assert findings == {"a.txt.granskning.json": [], "b.txt.granskning.json": ["K2"]}
    assert reports["a.txt.granskning.json"]["documents"][0]["summary"]["baselined"] == 3


def test_run_review_is_the_command_as_a_plain_function(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    report = tmp_path / "r.json"

    def settings(**run: object) -> Settings:
        return load_settings(start=tmp_path, overrides={"output": {"formats": ["json"]}, "run": run}, environ={})

    assert run_review([doc], report, settings(progress=False)) == 1
    assert json.loads(report.read_text("utf-8"))["documents"][0]["summary"]["flagged"] == 3
    assert run_review([doc], report, settings(exit_zero=True)) == 0
    assert run_review([tmp_path / "saknas.txt"], None, settings()) == 2
    assert "saknas.txt" in capsys.readouterr().err
    summary = load_settings(start=tmp_path, overrides={"output": {"formats": ["json"]}, "run": {"summary": True}})
    assert run_review([doc], None, summary) == 2  # --summary is the terminal report's
    assert "--summary" in capsys.readouterr().err
