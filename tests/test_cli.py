"""The command line, in-process (typer's runner) and as a subprocess, on the bundled samples."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.report.schema import ReviewReport

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
DOCX = SAMPLES / "sv-kravspecifikation-arendehantering.docx"
runner = CliRunner()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_review_json_follows_schema_and_lists_requirements_and_findings(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    before = _sha(DOCX)
    result = runner.invoke(app, ["review", str(DOCX), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1, result.output  # the sample has feature-only requirements
    assert _sha(DOCX) == before  # inputs are never modified
    report = ReviewReport.model_validate_json(out.read_text("utf-8"))
    assert report.schema_version == "1.2"
    (doc,) = report.documents
    assert doc.language == "sv" and doc.format == "docx" and doc.error is None
    assert doc.summary.requirements >= 30
    assert 0 < doc.summary.flagged < doc.summary.in_scope
    for req in doc.requirements:
        assert req.kind in ("ska", "bör", "unknown") and req.location.file == str(DOCX) and req.language == "sv"
    assert {f.code for f in doc.findings} <= {"UG001", "UG101", "UG102", "UG103", "UG201", "UG202", "UG203"}
    # Goal traceability: the three effektmål, each with the requirements that serve it.
    assert [g.id for g in doc.goals] == ["Effektmål 1", "Effektmål 2", "Effektmål 3"]
    assert {(link.requirement_id, link.goal_id, link.method) for link in doc.links} >= {
        ("K19", "Effektmål 3", "reference"),
        ("K25", "Effektmål 2", "reference"),
    }
    assert [c.goal_id for c in doc.goal_coverage] == [g.id for g in doc.goals]
    assert doc.summary.goals == 3 and doc.summary.linked == len({link.requirement_id for link in doc.links})
    for finding in doc.findings:
        assert finding.origin == "rules" and len(finding.fingerprint) == 16
        if finding.code == "UG001":
            # Issue 17: the question names the requirement's own feature and user.
            assert finding.question.startswith("Vilket problem ska ") and "och hur märks det?" in finding.question
    assert not list(tmp_path.glob(".*.tmp")), "atomic write leaves no temporary file"


def test_fingerprints_are_stable_across_runs(tmp_path: Path) -> None:
    a = runner.invoke(app, ["review", str(DOCX), "-f", "json"]).stdout
    b = runner.invoke(app, ["review", str(DOCX), "-f", "json"]).stdout
    fa = [f["fingerprint"] for f in json.loads(a)["documents"][0]["findings"]]
    fb = [f["fingerprint"] for f in json.loads(b)["documents"][0]["findings"]]
    assert fa == fb and len(set(fa)) == len(fa)


def test_text_and_markdown_reports(tmp_path: Path) -> None:
    text = runner.invoke(app, ["review", str(DOCX)])
    assert text.exit_code == 1
    assert (
        "UG001" in text.stdout and "Fråga till verksamheten" in text.stdout and "andel med angivet behov" in text.stdout
    )
    md_path = tmp_path / "r.md"
    md = runner.invoke(app, ["review", str(DOCX), "-f", "markdown", "-o", str(md_path)])
    assert md.exit_code == 1
    content = md_path.read_text("utf-8")
    assert content.startswith("# Granskningsrapport") and "#### UG001" in content


def test_text_report_names_each_requirement_once_wraps_and_prints_its_text_literally(tmp_path: Path) -> None:
    from upphandlingsgranskare.report.emit import render_text
    from upphandlingsgranskare.review import review_document

    source = tmp_path / "krav.md"
    # Two findings on K1 (no stated need; a brand without "or equivalent"); brackets rich would read as markup.
    source.write_text(
        "# Krav\n\nK1 Systemet ska kunna exportera [bold]alla[/] rapporter till Microsoft Excel och "
        "dessutom skriva ut dem på papper i A4-format utan att användaren behöver byta program.\n",
        encoding="utf-8",
    )
    review = review_document(source)
    assert {f.code for f in review.findings} >= {"UG001", "UG101"}
    plain = render_text([review], color=False, width=60)
    lines = plain.splitlines()
    assert sum(line.startswith("K1  ") for line in lines) == 1  # the requirement heads its findings once
    assert "[bold]alla[/]" in plain  # the document's text, not markup
    assert all(len(line) <= 60 for line in lines if not line.startswith(("─", "K1  ")))  # a path is not wrapped
    for code in ("UG001", "UG101"):
        assert any(line.startswith(f"  {code} ") for line in lines)
    assert any(line.startswith("    Fråga till verksamheten: ") for line in lines)
    coloured = render_text([review], color=True, width=60)
    assert "\x1b[" in coloured and "[bold]alla[/]" in coloured
    assert "\x1b[1mFråga till verksamheten:\x1b[0m" in coloured


def test_clean_document_exits_zero(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    # Clean: a stated goal, a requirement that refers to it, and one on the bid (out of scope).
    clean.write_text(
        "Effektmål 1: Fler invånare ska använda e-tjänsterna.\n\nAnbudet ska vara skrivet på svenska.\n\n"
        "Systemet ska ha stöd för BankID för att invånarna ska kunna logga in utan lösenord, vilket "
        "bidrar till effektmål 1.\n",
        "utf-8",
    )
    result = runner.invoke(app, ["review", str(clean), "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)["documents"][0]
    assert doc["summary"]["requirements"] == 2 and doc["summary"]["flagged"] == 0


def test_folder_with_broken_and_unsupported_files_is_still_reviewed(tmp_path: Path) -> None:
    folder = tmp_path / "anbud"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "krav.txt").write_text("Systemet ska ha en dashboard.\n", "utf-8")
    (folder / "trasig.docx").write_bytes(b"this is not a zip file")
    (folder / "anteckning.odt").write_bytes(b"odt")
    result = runner.invoke(app, ["review", str(folder), "-f", "json"])
    assert result.exit_code == 2  # a file could not be read
    docs = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert docs["krav.txt"]["summary"]["flagged"] == 1
    assert docs["trasig.docx"]["error"] and "trasig.docx" in result.stderr
    assert docs["anteckning.odt"]["skipped"] is True and ".odt" in docs["anteckning.odt"]["error"]


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert runner.invoke(app, ["review", str(tmp_path / "saknas.docx")]).exit_code == 2
    assert runner.invoke(app, ["review", str(DOCX), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["review"]).exit_code == 2
    assert runner.invoke(app, ["explain", "UG999"]).exit_code == 2


def test_explain_prints_the_checks_documentation() -> None:
    result = runner.invoke(app, ["explain", "UG001"])
    assert result.exit_code == 0
    for part in ("Why it matters", "Bad", "Good", "feature-without-need"):
        assert part in result.stdout
    assert runner.invoke(app, ["explain", "feature-without-need"]).stdout == result.stdout


def test_schema_command_matches_committed_schema() -> None:
    result = runner.invoke(app, ["schema"])
    committed = (ROOT / "docs" / "review-report.schema.json").read_text("utf-8")
    assert json.loads(result.stdout) == json.loads(committed), (
        "run `upphandlingsgranskare schema -o docs/review-report.schema.json`"
    )


def test_subprocess_console_script_and_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    help_ = subprocess.run(
        [sys.executable, "-m", "upphandlingsgranskare", "--help"], capture_output=True, text=True, env=env
    )
    assert help_.returncode == 0 and "review" in help_.stdout
    out = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-m", "upphandlingsgranskare", "review", str(SAMPLES), "-f", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(out.read_text("utf-8"))
    names = {Path(d["path"]).name for d in report["documents"]}
    assert {
        "sv-kravspecifikation-arendehantering.docx",
        "sv-kravmatris-e-arkiv.xlsx",
        "sv-forfragningsunderlag-lonesystem.pdf",
        "en-rfp-case-management.docx",
    } <= names
    langs = {Path(d["path"]).name: d["language"] for d in report["documents"]}
    assert langs["en-rfp-case-management.docx"] == "en" and langs["sv-kravmatris-e-arkiv.xlsx"] == "sv"
