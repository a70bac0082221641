"""Folder mode: `review FOLDER --format html,docx,pdf,... --output DIR` writes one set of outputs per
document, mirroring the folder inside DIR, plus an index page; nothing escapes DIR."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app
from upphandlingsgranskare.report.outputs import STATE_DIR, OutputError, inside, parse_formats, relative_name

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("anbud")
    (base / "del1").mkdir()
    (base / "del2" / "bilagor").mkdir(parents=True)
    shutil.copy(SAMPLES / "sv-kravspecifikation-arendehantering.docx", base / "del1" / "krav.docx")
    shutil.copy(SAMPLES / "sv-forfragningsunderlag-lonesystem.pdf", base / "del1" / "krav.pdf")  # same stem
    shutil.copy(SAMPLES / "sv-kravmatris-e-arkiv.xlsx", base / "del2" / "bilagor" / "kravmatris.xlsx")
    (base / "del2" / "README.png").write_bytes(b"\x89PNG\r\n")  # not a tender document: skipped
    return base


def test_folder_mode_mirrors_the_folder_and_writes_an_index(folder: Path, tmp_path: Path) -> None:
    before = {p: sha(p) for p in folder.rglob("*") if p.is_file()}
    out = tmp_path / "granskning"
    result = runner.invoke(app, ["review", str(folder), "-f", "html,docx,pdf,xlsx", "-f", "sarif", "-o", str(out)])
    assert result.exit_code == 1, result.output  # findings
    assert before == {p: sha(p) for p in folder.rglob("*") if p.is_file()}, "inputs are never modified"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and STATE_DIR not in p.parts)
    assert files == sorted(
        [
            "index.html",
            "del1/krav.docx.granskning.html",
            "del1/krav.docx.granskning.sarif",
            "del1/krav.granskad.docx",
            "del1/krav.docx.anmarkningar.xlsx",
            "del1/krav.pdf.granskning.html",
            "del1/krav.pdf.granskning.sarif",
            "del1/krav.granskad.pdf",
            "del1/krav.pdf.anmarkningar.xlsx",
            "del2/bilagor/kravmatris.xlsx.granskning.html",
            "del2/bilagor/kravmatris.xlsx.granskning.sarif",
            "del2/bilagor/kravmatris.granskad.xlsx",
        ]
    )
    assert not list(out.rglob("*.tmp")), "no half-written files"
    index = (out / "index.html").read_text("utf-8")
    links = set(re.findall(r'href="([^"#]+)"', index))
    assert {"del1/krav.granskad.docx", "del1/krav.granskad.pdf", "del2/bilagor/kravmatris.granskad.xlsx"} <= links
    for link in links:
        assert (out / link).is_file(), link
    assert "README.png" not in index
    assert "docx: 2 dokument är inte DOCX" in result.stderr


def test_annotated_outputs_carry_one_comment_per_flagged_requirement(folder: Path, tmp_path: Path) -> None:
    import docx
    from pypdf import PdfReader

    out = tmp_path / "o"
    runner.invoke(app, ["review", str(folder / "del1"), "-f", "docx,pdf,json", "-o", str(out)])
    report = json.loads((out / "krav.docx.granskning.json").read_text("utf-8"))
    requirements = {
        (
            f["location"].get("paragraph"),
            f["location"].get("table"),
            f["location"].get("row"),
            f["location"].get("start"),
            f["requirement_text"],
        )
        for f in report["documents"][0]["findings"]
    }
    assert len(docx.Document(str(out / "krav.granskad.docx")).comments) == len(requirements)
    pdf_findings = json.loads((out / "krav.pdf.granskning.json").read_text("utf-8"))["documents"][0]["findings"]
    highlights = [
        a
        for page in PdfReader(out / "krav.granskad.pdf").pages
        for a in (page.get("/Annots") or [])
        if a.get_object()["/Subtype"] == "/Highlight" and not re.search(r"-\d+-\d+$", str(a.get_object()["/NM"]))
    ]  # not the 2nd part over a page break
    pdf_requirements = {(f["subject"], f["requirement_id"], f["requirement_text"]) for f in pdf_findings}
    assert len(highlights) == len(pdf_requirements) > 0  # one highlight per flagged requirement


def test_one_report_goes_to_stdout_or_a_file(folder: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", str(folder / "del1" / "krav.docx"), "-f", "sarif"])
    assert json.loads(result.stdout)["version"] == "2.1.0"
    target = tmp_path / "rapport.html"
    result = runner.invoke(app, ["review", str(folder / "del1" / "krav.docx"), "-f", "html", "-o", str(target)])
    assert result.exit_code == 1 and target.read_text("utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "args, message",
    [(["-f", "html,json"], "--output"), (["-f", "docx"], "--output"), (["-f", "word"], "unknown format 'word'")],
)
def test_format_errors(folder: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["review", str(folder / "del1"), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_output_names_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OutputError):
        inside(out, Path("../evil.html"))
    with pytest.raises(OutputError):
        inside(out, Path("/etc/evil.html"))
    (out / "link").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(OutputError):
        inside(out, Path("link/evil.html"))
    assert inside(out, Path("a/b.html")) == out / "a" / "b.html"
    # A file named on the command line keeps only its name, wherever it lives.
    assert relative_name(Path("/somewhere/else/krav.docx"), [tmp_path]) == Path("krav.docx")
    assert relative_name(tmp_path / "x" / "krav.docx", [tmp_path]) == Path("x/krav.docx")


def test_parse_formats() -> None:
    assert parse_formats(["html,docx", "md", "html"]) == ["html", "docx", "markdown"]
    assert parse_formats([]) == ["text"]


def test_an_interrupted_batch_resumes_without_redoing_finished_documents(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import upphandlingsgranskare.review as review_module

    out = tmp_path / "out"
    real = review_module.review_document
    reviewed: list[str] = []

    def crash_on_the_pdf(path, *args, **kwargs):
        if str(path).endswith(".pdf"):
            raise KeyboardInterrupt  # the officer closes the lid in the middle of the batch
        reviewed.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(review_module, "review_document", crash_on_the_pdf)
    result = runner.invoke(app, ["review", str(folder / "del1"), "-f", "html,docx", "-o", str(out)])
    assert result.exit_code == 130  # interrupted (click turns KeyboardInterrupt into exit 130)
    assert (out / "krav.granskad.docx").is_file() and (out / "krav.docx.granskning.html").is_file()
    assert not list(out.rglob("*.tmp")) and not (out / "krav.pdf.granskning.html").exists()

    monkeypatch.setattr(
        review_module,
        "review_document",
        lambda path, *a, **k: (reviewed.append(Path(path).name), real(path, *a, **k))[1],
    )
    reviewed.clear()
    result = runner.invoke(app, ["review", str(folder / "del1"), "-f", "html,docx", "-o", str(out), "--resume"])
    assert result.exit_code == 1, result.output
    assert reviewed == ["krav.pdf"], "the finished DOCX is not reviewed again"
    assert "1 dokument redan klara" in result.stderr
    index = (out / "index.html").read_text("utf-8")
    assert "krav.granskad.docx" in index and "krav.pdf.granskning.html" in index

    # Other settings (another format) mean the finished document no longer counts as done.
    reviewed.clear()
    runner.invoke(app, ["review", str(folder / "del1"), "-f", "html", "-o", str(out), "--resume"])
    assert sorted(reviewed) == ["krav.docx", "krav.pdf"]


def test_jobs_review_in_parallel_with_the_same_result(folder: Path, tmp_path: Path) -> None:
    one = runner.invoke(app, ["review", str(folder), "-f", "json", "-o", str(tmp_path / "one.json")])
    two = runner.invoke(app, ["review", str(folder), "-f", "json", "-o", str(tmp_path / "two.json"), "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1
    first = json.loads((tmp_path / "one.json").read_text("utf-8"))
    second = json.loads((tmp_path / "two.json").read_text("utf-8"))
    assert first["documents"] == second["documents"]


def test_a_worker_that_dies_fails_only_the_document_it_was_reading(tmp_path: Path, monkeypatch) -> None:
    """--jobs: a worker reads one document at a time (the next waits in its queue), so a crash (out of
    memory, a signal) costs that document only; the one queued behind it and the rest go to this process."""
    import os

    from upphandlingsgranskare import review as review_module
    from upphandlingsgranskare.review import collect_inputs, review_paths

    for n in range(6):
        (tmp_path / f"krav{n}.md").write_text(f"# Krav\n\nK{n} Systemet ska ha stöd för export nummer {n}.\n", "utf-8")
    parent = os.getpid()
    real = review_module.review_document

    for delay in (0.0, 1.5):

        def dies_in_a_worker(path, *args, delay=delay, **kwargs):
            if os.getpid() != parent:
                # With a delay this process has taken every other document and is waiting for the
                # worker when it dies: the document queued behind the dead one must still be reviewed.
                time.sleep(delay)
                os._exit(9)  # what the kernel's OOM killer leaves behind
            return real(path, *args, **kwargs)

        monkeypatch.setattr(review_module, "review_document", dies_in_a_worker)
        reviews = review_paths(collect_inputs([tmp_path]), jobs=2)
        assert [Path(r.path).name for r in reviews] == [f"krav{n}.md" for n in range(6)]  # input order
        died = [r for r in reviews if r.error]
        assert len(died) == 1 and "died" in died[0].error
        assert all(len(r.requirements) == 1 for r in reviews if not r.error)
