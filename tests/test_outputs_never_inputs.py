"""Outputs are never inputs: a run skips earlier output folders and its own copies (by their marker),
refuses an output that is an input, and writes no annotated copy of a document without findings
unless asked. No input byte changes, in any case."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.report.outputs import STATE_DIR

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
runner = CliRunner()


def hashes(folder: Path, leave_out: Path | None = None) -> dict[Path, str]:
    return {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and (leave_out is None or not p.is_relative_to(leave_out))
    }


def outputs(out: Path) -> dict[str, str]:
    """Every output by name; the reports and the index by content too (copies carry their time of writing)."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.suffix in (".json", ".md", ".html")
        else ""
        for p in out.rglob("*")
        if p.is_file() and STATE_DIR not in p.parts
    }


@pytest.fixture()
def anbud(tmp_path: Path) -> Path:
    base = tmp_path / "anbud"
    (base / "del1").mkdir(parents=True)
    shutil.copy(SAMPLES / "sv-kravspecifikation-arendehantering.docx", base / "del1" / "krav.docx")
    shutil.copy(SAMPLES / "sv-forfragningsunderlag-lonesystem.pdf", base / "del1" / "krav.pdf")
    shutil.copy(SAMPLES / "sv-kravmatris-e-arkiv.xlsx", base / "kravmatris.xlsx")
    return base


def test_a_second_run_into_an_output_folder_inside_its_input_gives_the_same_totals(anbud: Path) -> None:
    out = anbud / "granskning"
    before = hashes(anbud)
    args = ["review", str(anbud), "-f", "docx,pdf,xlsx,markdown,json", "-o", str(out), "--no-progress"]
    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output
    written = outputs(out)
    second = runner.invoke(app, args)
    assert second.exit_code == 1, second.output
    assert "hoppar över 1 utdatamappar" in second.stderr and str(out) in second.stderr
    assert not (out / "granskning").exists()
    assert not [p for p in out.rglob("*.granskad.granskad.*")]
    assert outputs(out) == written  # the same reports, copies and index: the same totals
    assert hashes(anbud, leave_out=out) == before


def test_the_tools_own_copies_are_known_by_their_marker_not_their_name(anbud: Path, tmp_path: Path) -> None:
    out = tmp_path / "ut"
    runner.invoke(app, ["review", str(anbud / "del1"), "-f", "docx,pdf,markdown", "-o", str(out)])
    # Copies moved into the folder under other names are still the tool's own.
    shutil.copy(out / "krav.granskad.docx", anbud / "del1" / "kopia.docx")
    shutil.copy(out / "krav.granskad.pdf", anbud / "del1" / "kopia.pdf")
    shutil.copy(out / "krav.docx.granskning.md", anbud / "del1" / "anteckningar.md")
    # A document of the officer's own that happens to carry the name is reviewed.
    shutil.copy(SAMPLES / "sv-kravspecifikation-arendehantering.docx", anbud / "del1" / "gammal.granskad.docx")
    before = hashes(anbud)
    result = runner.invoke(app, ["review", str(anbud / "del1"), "-f", "json", "-o", str(tmp_path / "r.json")])
    assert "0 utdatamappar och 3 egna kopior och rapporter" in result.stderr, result.stderr
    report = (tmp_path / "r.json").read_text("utf-8")
    assert "kopia.docx" not in report and "kopia.pdf" not in report and "anteckningar.md" not in report
    assert "gammal.granskad.docx" in report
    # Named on the command line, a copy is reviewed.
    named = runner.invoke(app, ["review", str(anbud / "del1" / "kopia.docx"), "-f", "json"])
    assert named.exit_code == 1 and "kopia.docx" in named.stdout
    assert hashes(anbud) == before


def test_an_output_that_is_an_input_is_refused(anbud: Path, tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "sv-kravspecifikation-arendehantering.docx", anbud / "del1" / "krav.granskad.docx")
    note = tmp_path / "self.md"
    note.write_text("Systemet ska ha stöd för export till Excel.\n", "utf-8")
    before, note_before = hashes(anbud), note.read_bytes()
    cases = [
        ["review", str(anbud / "del1"), "-f", "docx,markdown", "-o", str(anbud / "del1")],  # the input folder
        ["review", str(note), "-f", "markdown", "-o", str(note)],  # the input file
        ["review", str(note), "-f", "markdown", "-o", str(tmp_path / "." / "self.md")],  # the same, spelt otherwise
    ]
    for args in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "inputs are never overwritten" in lines[0], lines
    # Files named one by one into their own folder: the copy of krav.docx would land on krav.granskad.docx.
    result = runner.invoke(
        app,
        [
            "review",
            str(anbud / "del1" / "krav.docx"),
            str(anbud / "del1" / "krav.granskad.docx"),
            "-f",
            "docx",
            "-o",
            str(anbud / "del1"),
        ],
    )
    assert result.exit_code == 2 and "is an input file and is not overwritten" in result.stderr
    assert all(hashes(anbud)[p] == h for p, h in before.items())
    assert note.read_bytes() == note_before


def test_no_annotated_copy_of_a_document_without_findings_unless_asked(tmp_path: Path) -> None:
    source = tmp_path / "in" / "inledning.docx"
    source.parent.mkdir()
    document = docx.Document()
    document.add_paragraph("Inledning. Detta dokument beskriver upphandlingens bakgrund.")
    document.save(source)
    out = tmp_path / "out"
    result = runner.invoke(app, ["review", str(source.parent), "-f", "docx,markdown", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "inledning.granskad.docx").exists() and (out / "inledning.docx.granskning.md").is_file()
    assert "docx: 1 dokument utan anmärkningar fick ingen kommenterad kopia" in result.stderr
    assert "--annotate-clean" in result.stderr
    again = runner.invoke(app, ["review", str(source.parent), "-f", "docx,markdown", "-o", str(out), "--resume"])
    assert "1 dokument redan klara" in again.stderr  # a copy not written is not a missing output
    asked = runner.invoke(
        app, ["review", str(source.parent), "-f", "docx,markdown", "-o", str(out), "--annotate-clean"]
    )
    assert asked.exit_code == 0 and (out / "inledning.granskad.docx").is_file()
    (tmp_path / "in" / "upphandlingsgranskare.toml").write_text("annotate_clean = 5\n", "utf-8")
    bad = runner.invoke(app, ["review", str(source.parent), "-f", "docx", "-o", str(tmp_path / "o2")])
    assert bad.exit_code == 2 and "annotate_clean" in bad.stderr


def test_a_state_folder_that_is_a_symlink_is_refused(anbud: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / STATE_DIR).symlink_to(elsewhere, target_is_directory=True)
    result = runner.invoke(app, ["review", str(anbud / "del1"), "-f", "docx,markdown", "-o", str(out)])
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(elsewhere.iterdir()) and not list(p for p in out.iterdir() if p.name != STATE_DIR)
