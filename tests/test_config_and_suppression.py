"""Configuration (file + command line), in-document markers and baseline files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from openpyxl.comments import Comment
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.config import Config, ConfigError, find_config, load_config
from upphandlingsgranskare.options import ReviewOptions
from upphandlingsgranskare.review import review_document
from upphandlingsgranskare.settings import settings_from

runner = CliRunner()

KRAV = """# Kravspecifikation

## 4 Krav på lösningen

K1 Systemet ska ha stöd för inloggning med BankID.

K2 Systemet ska kunna exportera ärendelistor till Excel.

K3 Systemet ska skicka påminnelser till handläggare så att inga ärenden blir liggande.

K4 Lösningen bör ha en dashboard med nyckeltal.
"""


def build_options(config: Config | None = None, **overrides: Any) -> ReviewOptions:
    """The review options from ``config`` and command-line values, through the settings model."""
    limits = overrides.pop("limits", None)
    return settings_from(config or Config(), {"review": overrides, "limits": limits}).review_options()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def review_json(*args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["review", *args, "-f", "json"])
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else {}), result.stderr


def codes_by_requirement(report: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for document in report["documents"]:
        for finding in document["findings"]:
            out.setdefault(finding["requirement_id"], []).append(finding["code"])
    return out


# -- configuration ------------------------------------------------------------------------------------------


def test_nearest_config_wins_and_pyproject_counts_only_with_the_tool_table(tmp_path: Path) -> None:
    write(tmp_path / "upphandlingsgranskare.toml", 'ignore = ["UG001"]\n')
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "x"\n')  # no tool table: not a config
    write(tmp_path / "a" / "b" / "pyproject.toml", '[tool.upphandlingsgranskare]\nlanguage = "en"\n')
    assert find_config(tmp_path / "a") == tmp_path / "upphandlingsgranskare.toml"
    assert find_config(tmp_path / "a" / "b" / "krav.txt") == tmp_path / "a" / "b" / "pyproject.toml"
    assert load_config(start=tmp_path / "a" / "b").values == {"language": "en"}


@pytest.mark.parametrize(
    "content, key",
    [
        ('selekt = ["UG001"]\n', "selekt"),
        ('[llm]\nmodell = "x"\n', "llm.modell"),
        ("[limits]\nmax_sidor = 3\n", "limits.max_sidor"),
        ('ignore = ["UG999"]\n', "UG999"),
        ('[severity]\nUG001 = "fatal"\n', "severity.UG001"),
        ('rationale_policy = "sometimes"\n', "sometimes"),
        ('label_model = "yes"\n', "label_model"),
        ("embeddings = 1\n", "embeddings"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_a_bad_key_or_value_names_the_file_and_the_key(tmp_path: Path, content: str, key: str) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    write(tmp_path / "upphandlingsgranskare.toml", content)
    code, _, stderr = review_json(str(doc))
    assert code == 2
    assert "upphandlingsgranskare.toml" in stderr and key in stderr


def test_select_ignore_and_severity_from_file_and_command_line(tmp_path: Path) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    write(tmp_path / "upphandlingsgranskare.toml", '[severity]\nUG001 = "error"\n')
    code, report, _ = review_json(str(doc))
    assert code == 1
    assert {f["severity"] for f in report["documents"][0]["findings"] if f["code"] == "UG001"} == {"error"}
    # UG201: the document states no goals (a document-level finding, ignored like any other check).
    code, report, _ = review_json(
        str(doc),
        "--ignore",
        "UG001,UG101",
        "--ignore",
        "vague-wording",
        "--ignore",
        "UG103",
        "--ignore",
        "no-stated-goals",
    )
    assert code == 0 and report["documents"][0]["findings"] == []
    # Labels and the share with a stated need do not depend on which findings are shown.
    summary = report["documents"][0]["summary"]
    assert summary["without_need"] == 3 and summary["need_stated_share"] == 0.25
    code, report, _ = review_json(str(doc), "--severity", "UG001=info", "--select", "feature-without-need")
    assert {f["severity"] for f in report["documents"][0]["findings"]} == {"info"}


def test_language_can_be_forced(tmp_path: Path) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    assert review_document(doc, options=ReviewOptions(language="en")).language == "en"
    assert review_document(doc).language == "sv"


RATIONALE = """# Kravmatris

## 4 Krav på lösningen

K1 Systemet ska ha stöd för inloggning med BankID.

Motivering: invånare ska kunna logga in utan särskilt konto.

K2 Systemet ska skicka påminnelser till handläggare så att inga ärenden blir liggande.

K3 Systemet ska kunna exportera ärendelistor till Excel.
"""


@pytest.mark.parametrize(
    "policy, flagged",
    [
        ("both", {"K3"}),
        ("inline", {"K1", "K3"}),  # the rationale paragraph does not count
        ("separate", {"K2", "K3"}),  # the purpose clause in the text does not count
    ],
)
def test_rationale_policy(tmp_path: Path, policy: str, flagged: set[str]) -> None:
    doc = write(tmp_path / "krav.txt", RATIONALE)
    review = review_document(doc, options=build_options(rationale_policy=policy))
    assert {f.requirement_id for f in review.findings if f.code == "UG001"} == flagged
    if policy == "separate":
        k2 = next(f for f in review.findings if f.requirement_id == "K2")
        assert "eget fält" in k2.message and "Motivering:" in k2.suggestion


@pytest.mark.parametrize(
    "key, default, flag", [("label_model", True, "--no-label-model"), ("embeddings", False, "--embeddings")]
)
def test_a_labelling_switch_is_set_in_the_config_and_on_the_command_line(
    tmp_path: Path, key: str, default: bool, flag: str
) -> None:
    """label_model (on by default) and embeddings (off by default): the config turns either, the command line
    wins over the config, and the review runs with the flag."""
    from upphandlingsgranskare.config import load_config

    assert getattr(build_options(), key) is default
    write(tmp_path / "upphandlingsgranskare.toml", f"{key} = {str(not default).lower()}\n")
    assert getattr(build_options(load_config(start=tmp_path)), key) is (not default)
    assert getattr(build_options(load_config(start=tmp_path), **{key: default}), key) is default
    doc = write(tmp_path / "krav.txt", KRAV)
    code, report, _ = review_json(str(doc), flag)
    assert code in (0, 1) and report["documents"][0]["findings"]


# -- markers in the document --------------------------------------------------------------------------------


def test_a_marker_in_the_requirement_text_accepts_that_check_and_unused_markers_are_reported(tmp_path: Path) -> None:
    text = KRAV.replace("med BankID.", "med BankID. ugr: ignorera UG001").replace(
        "så att inga ärenden blir liggande.", "så att inga ärenden blir liggande. ugr: ignore UG001"
    )
    doc = write(tmp_path / "krav.txt", text)
    code, report, stderr = review_json(str(doc))
    assert {r for r, codes in codes_by_requirement(report).items() if "UG001" in codes} == {"K2", "K4"}
    assert report["documents"][0]["summary"]["suppressed"] == 1
    assert report["documents"][0]["unused_suppressions"] == ["K3: ugr: ignorera UG001 (text)"]
    assert "oanvänd markering / unused suppression: K3" in stderr


def test_a_word_comment_with_a_marker_accepts_the_commented_requirement(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("4 Krav på lösningen", level=1)
    first = document.add_paragraph("K1 Systemet ska ha stöd för inloggning med BankID.")
    document.add_paragraph("K2 Systemet ska kunna exportera ärendelistor till Excel.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Id", "Krav"
    table.cell(1, 0).text, table.cell(1, 1).text = "K3", "Lösningen ska ha en dashboard med nyckeltal."
    document.add_comment(first.runs, text="Godtas: ugr: ignorera UG001", author="Upphandlare")
    document.add_comment(table.cell(1, 0).paragraphs[0].runs, text="ugr: ignorera", author="Upphandlare")
    path = tmp_path / "krav.docx"
    document.save(path)
    review = review_document(path)
    assert {f.requirement_id for f in review.findings if f.code == "UG001"} == {"K2"}
    assert review.suppressed == 2 and review.unused_suppressions == ()


def test_an_excel_note_with_a_marker_accepts_the_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Krav"
    sheet.append(["Id", "Krav", "Ska/Bör"])
    sheet.append(["K1", "Systemet ska ha stöd för inloggning med BankID.", "Ska"])
    sheet.append(["K2", "Systemet ska kunna exportera ärendelistor till Excel.", "Ska"])
    sheet["A2"].comment = Comment("ugr: ignorera UG001 – beslutat 2026-11-02", "Upphandlare")
    path = tmp_path / "krav.xlsx"
    workbook.save(path)
    review = review_document(path)
    assert {f.requirement_id for f in review.findings if f.code == "UG001"} == {"K2"}
    assert review.suppressed == 1


# -- baselines ----------------------------------------------------------------------------------------------


def test_a_baseline_shows_only_what_changed_in_the_next_revision(tmp_path: Path) -> None:
    first = write(tmp_path / "fu_v1.txt", KRAV)
    baseline = tmp_path / "godtagna.json"
    code, report, stderr = review_json(
        str(first), "--baseline", str(baseline), "--update-baseline", "--select", "UG001"
    )
    assert code == 0 and "baseline written" in stderr
    assert json.loads(baseline.read_text("utf-8"))["version"] == 1
    assert report["documents"][0]["summary"]["baselined"] == 3

    second = write(
        tmp_path / "fu_v2.txt",
        KRAV.replace("till Excel.", "till Excel och CSV.")  # changed
        .replace("## 4 Krav på lösningen\n", "## 4 Krav på lösningen\n\nK0 Systemet ska ha en chattbot.\n")
        .replace("K4 Lösningen bör ha en dashboard med nyckeltal.\n", ""),
    )  # removed
    code, report, stderr = review_json(str(second), "--baseline", str(baseline), "--select", "UG001")
    assert code == 1
    assert set(codes_by_requirement(report)) == {"K0", "K2"}
    assert report["documents"][0]["summary"]["baselined"] == 1
    assert "2 godtagna anmärkningar matchar inget längre" in stderr  # the changed K2 and the removed K4


def test_a_broken_baseline_file_is_a_clear_error(tmp_path: Path) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    bad = write(tmp_path / "b.json", '{"something": "else"}')
    code, _, stderr = review_json(str(doc), "--baseline", str(bad))
    assert code == 2 and "b.json" in stderr and "baseline" in stderr


def test_config_error_type() -> None:
    with pytest.raises(ConfigError, match="unknown check 'UG999'"):
        build_options(select=["UG999"])


def test_formats_from_the_config_file(tmp_path: Path) -> None:
    doc = write(tmp_path / "krav.txt", KRAV)
    write(tmp_path / "upphandlingsgranskare.toml", 'formats = ["html", "json"]\n')
    out = tmp_path / "ut"
    result = runner.invoke(app, ["review", str(doc), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert (out / "krav.txt.granskning.html").is_file() and (out / "krav.txt.granskning.json").is_file()
    write(tmp_path / "upphandlingsgranskare.toml", 'formats = ["word"]\n')
    result = runner.invoke(app, ["review", str(doc)])
    assert result.exit_code == 2 and "upphandlingsgranskare.toml" in result.stderr and "word" in result.stderr
