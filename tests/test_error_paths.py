"""Every error path ends in one line and exit 2, never a traceback and never exit 1 (issue 18, items 8-14):
writes, names, decoding, formulas, config, baselines and eval inputs."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app  # noqa: E402
from upphandlingsgranskare.extract import extract  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TRACE = ROOT / "corpora" / "traceability"
REQUIREMENT = "Leverantören ska leverera ett system med inloggning.\n"


def _run(*args: str):
    result = CliRunner().invoke(app, [*args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _one_line_exit_2(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("upphandlingsgranskare")]
    assert lines, result.stderr
    for fragment in fragments:
        assert any(fragment in line for line in lines), (fragment, result.stderr)


@pytest.fixture()
def document(tmp_path: Path) -> Path:
    path = tmp_path / "krav.txt"
    path.write_text(REQUIREMENT, encoding="utf-8")
    return path


def _blocked(tmp_path: Path) -> Path:
    """A path no one can write: its parent is a file (permissions do not stop root)."""
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    return tmp_path / "fil" / "ut"


# --- writes ------------------------------------------------------------------------------


def test_a_report_that_cannot_be_written(document: Path, tmp_path: Path) -> None:
    _one_line_exit_2(
        _run("review", str(document), "-f", "json", "-o", str(_blocked(tmp_path) / "r.json")),
        "kunde inte skriva / could not write",
    )


def test_a_full_disk(document: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import upphandlingsgranskare.fileio as fileio

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio.os, "fsync", full)
    _one_line_exit_2(
        _run("review", str(document), "-f", "json", "-o", str(tmp_path / "r.json")), "disken är full / the disk is full"
    )
    assert not list(tmp_path.glob(".r.json.*"))  # no temporary file left


def test_a_file_size_limit(document: Path, tmp_path: Path) -> None:
    """``ulimit -f``: the write fails with EFBIG (Python ignores SIGXFSZ)."""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "upphandlingsgranskare",
            "review",
            str(document),
            "-f",
            "json",
            "-o",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_files,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "ulimit -f" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder(document: Path, tmp_path: Path) -> None:
    folder = tmp_path / "skrivskyddad"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        _one_line_exit_2(
            _run("review", str(document), "-f", "json", "-o", str(folder / "r.json")),
            "saknar behörighet att skriva / permission denied",
        )
    finally:
        folder.chmod(0o755)


def test_a_baseline_that_cannot_be_written(document: Path, tmp_path: Path) -> None:
    target = _blocked(tmp_path) / "baslinje.json"
    _one_line_exit_2(_run("review", str(document), "--baseline", str(target), "--update-baseline"), "could not write")
    _one_line_exit_2(
        _run(
            "review",
            str(document),
            "-f",
            "html,json",
            "-o",
            str(tmp_path / "ut"),
            "--baseline",
            str(target),
            "--update-baseline",
        ),
        "could not write",
    )


def test_schema_that_cannot_be_written(tmp_path: Path) -> None:
    _one_line_exit_2(_run("schema", "-o", str(_blocked(tmp_path) / "schema.json")), "could not write")


def test_eval_predictions_that_cannot_be_written(tmp_path: Path) -> None:
    gold = tmp_path / "guld.jsonl"
    gold.write_text(
        json.dumps({"id": "a", "lang": "sv", "text": "Systemet ska ha inloggning.", "label": "feature_without_need"})
        + "\n",
        encoding="utf-8",
    )
    _one_line_exit_2(
        _run("eval", "--gold", str(gold), "--predictions", str(_blocked(tmp_path) / "p.jsonl")), "could not write"
    )


def test_an_index_that_cannot_be_written(document: Path, tmp_path: Path) -> None:
    out = tmp_path / "ut"
    (out / "index.html").mkdir(parents=True)  # a folder where the index goes
    _one_line_exit_2(_run("review", str(document), "-f", "html", "-o", str(out)), "index.html")


def test_the_index_is_written_when_one_document_fails_to_write(tmp_path: Path) -> None:
    folder = tmp_path / "anbud"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(REQUIREMENT, encoding="utf-8")
    out = tmp_path / "ut"
    (out / "a.txt.granskning.html").mkdir(parents=True)  # a's report cannot be written
    result = _run("review", str(folder), "-f", "html", "-o", str(out))
    _one_line_exit_2(result, "a.txt")
    index = (out / "index.html").read_text("utf-8")
    assert "b.txt.granskning.html" in index and "a.txt" in index


# --- decoding, formulas -----------------------------------------------------------------


def test_windows_1252_punctuation_is_not_mac_roman(tmp_path: Path) -> None:
    path = tmp_path / "pris.txt"
    path.write_bytes("Priset ska anges i € per licens … enligt “avtalet”.\r\n".encode("cp1252"))
    document = extract(path)
    assert "€" in document.text and "“avtalet”" in document.text and "cp1252" in document.extractor


def test_utf8_with_one_bad_byte_stays_utf8(tmp_path: Path) -> None:
    path = tmp_path / "stod.txt"
    data = "Leverantören ska ge stöd till handläggare så att ärenden avslutas.\n".encode()
    path.write_bytes(data[:10] + b"\xff" + data[10:])
    document = extract(path)
    assert "stöd" in document.text and "handläggare" in document.text and "stÃ" not in document.text
    result = _run("review", str(path), "-f", "json")
    assert "read as utf-8, 1 " in result.stderr or "läst som / read as utf-8, 1 " in result.stderr


def test_formulas_without_values_are_named(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "matris.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Id", "Krav"])
    for i in range(1, 4):
        wb.active.append([f"K{i}", f'="Systemet ska exportera rapport {i}."'])
    wb.save(path)
    _one_line_exit_2(_run("review", str(path)), "formulas without saved values", "LibreOffice")


# --- config and baselines ---------------------------------------------------------------


def _config_above(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / "upphandlingsgranskare.toml").write_bytes(data)
    sub = tmp_path / "anbud"
    sub.mkdir()
    path = sub / "krav.txt"
    path.write_text(REQUIREMENT, encoding="utf-8")
    return path


def test_a_config_that_is_not_utf8(tmp_path: Path) -> None:
    path = _config_above(tmp_path, '# kommentar på svenska\nselect = ["UG001"]\n'.encode("cp1252"))
    _one_line_exit_2(_run("review", str(path)), "upphandlingsgranskare.toml", "not UTF-8")


def test_formats_that_are_not_a_list(tmp_path: Path) -> None:
    path = _config_above(tmp_path, b"formats = 5\n")
    _one_line_exit_2(_run("review", str(path)), "upphandlingsgranskare.toml", "'formats'")


def test_an_empty_selection_names_the_config_file(tmp_path: Path) -> None:
    """Before: "Inga anmärkningar", exit 0, from a config file in a parent folder nobody mentioned."""
    path = _config_above(tmp_path, b"select = []\n")
    _one_line_exit_2(_run("review", str(path)), str(tmp_path / "upphandlingsgranskare.toml"), "no check is selected")


def test_an_infinite_limit_is_refused_and_blamed_on_the_option(tmp_path: Path) -> None:
    path = _config_above(tmp_path, b"[limits]\nmax_pages = 10\n")
    for option in ("--max-file-mb", "--max-pages"):
        value = "inf" if option == "--max-file-mb" else "0"
        result = _run("review", str(path), option, value)
        _one_line_exit_2(result, "command line", option)
        assert "upphandlingsgranskare.toml" not in result.stderr


def test_a_missing_baseline_is_an_error(document: Path, tmp_path: Path) -> None:
    _one_line_exit_2(_run("review", str(document), "--baseline", str(tmp_path / "saknas.json")), "--update-baseline")


# --- eval inputs ------------------------------------------------------------------------


def test_a_misspelt_key_in_an_item_file(tmp_path: Path) -> None:
    gold = tmp_path / "guld.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "a",
                "lang": "sv",
                "text": "Systemet ska ha inloggning.",
                "label": "feature_without_need",
                "ambigous": True,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    _one_line_exit_2(_run("eval", "--gold", str(gold)), "ambigous", "ambiguous")


def _traceability_copy(tmp_path: Path, kind: str) -> tuple[Path, list[dict]]:
    shutil.copy(TRACE / "en-rfq-contact-centre.md", tmp_path)
    lines = (TRACE / f"en-rfq-contact-centre.{kind}.jsonl").read_text("utf-8").splitlines()
    return tmp_path / f"guld.{kind}.jsonl", [json.loads(line) for line in lines if line.strip()]


def test_spans_mode_warns_on_duplicates_and_missing_documents(tmp_path: Path) -> None:
    gold, records = _traceability_copy(tmp_path, "spans")
    records += [records[0], {**records[0], "document": "saknas.md"}]
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = _run("eval", "--gold", str(gold))
    assert "Traceback" not in result.stderr
    assert "occurs 2 times" in result.stderr and "saknas.md" in result.stderr
    assert "the document does not exist" in result.stderr


def test_links_mode_warns_on_duplicates_and_unknown_goal_ids(tmp_path: Path) -> None:
    gold, records = _traceability_copy(tmp_path, "links")
    records[1] = {**records[1], "goal_ids": ["M99"]}
    records.append(records[0])
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = _run("eval", "--gold", str(gold))
    assert "Traceback" not in result.stderr
    assert "M99" in result.stderr and "goal ids the review gives no goal" in result.stderr
    assert "occurs 2 times" in result.stderr
