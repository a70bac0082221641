"""Unreadable inputs raise ExtractionError naming the file and saying what to do."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests import extract_helpers as cx
from upphandlingsgranskare.extract import SUPPORTED_EXTENSIONS, extract  # noqa: E402
from upphandlingsgranskare.models import ExtractionError  # noqa: E402


def _raises(path: Path | str, *fragments: str) -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract(path)
    err = info.value
    assert Path(str(path)).name in str(err)
    assert err.path == str(path)
    for fragment in fragments:
        assert fragment.casefold() in err.reason.casefold(), err.reason
    return err


def test_supported_extensions() -> None:
    assert SUPPORTED_EXTENSIONS == {".pdf", ".docx", ".xlsx", ".txt", ".md"}


def test_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "saknas.pdf", "finns inte", "not found")


def test_unsupported_extension_names_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "kravspec.odt"
    path.write_bytes(b"PK\x03\x04 not really")
    err = _raises(path, ".odt", "unsupported")
    for ext in SUPPORTED_EXTENSIONS:
        assert ext in err.reason


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "trasig.docx"
    path.write_bytes(os.urandom(2048))
    _raises(path, "DOCX", "corrupt")


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "inte-docx.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hej")
    path.write_bytes(buf.getvalue())
    _raises(path, "DOCX")


def test_encrypted_office_file(tmp_path: Path) -> None:
    # Password-protected DOCX/XLSX are OLE compound files, not ZIP packages.
    path = tmp_path / "lösenord.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(1024))
    _raises(path, "lösenordsskyddad", "password-protected")


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(os.urandom(512))
    _raises(path, "XLSX")


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "trasig.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(1024))
    _raises(path, "PDF")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a "scan": graphics, no text
    path = tmp_path / "skannad.pdf"
    pdf.output(str(path))
    _raises(path, "OCR")


def test_empty_files(tmp_path: Path) -> None:
    for name in ("tom.txt", "tom.pdf", "tom.docx", "tom.xlsx", "tom.md"):
        path = tmp_path / name
        path.write_bytes(b"")
        _raises(path, "tom", "empty")


def test_whitespace_only_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("   \n\n\t\n", encoding="utf-8")
    _raises(path, "no text")


def test_binary_txt(tmp_path: Path) -> None:
    path = tmp_path / "binär.txt"
    path.write_bytes(b"abc\x00\x01\x02")
    _raises(path, "binary")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "mapp.pdf"
    folder.mkdir()
    _raises(folder, "folder")


def test_library_errors_are_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from upphandlingsgranskare.extract import text

    def boom(*_args, **_kwargs):
        raise RuntimeError("internal library failure")

    monkeypatch.setattr(text, "parse_text", boom)
    path = tmp_path / "ok.txt"
    path.write_text("Hej.", encoding="utf-8")
    err = _raises(path, "could not read")
    assert "internal library failure" in err.reason
    assert isinstance(err.__cause__, RuntimeError)


def test_failed_inputs_are_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "trasig.docx"
    path.write_bytes(os.urandom(2048))
    before = cx.sha256(path)
    with pytest.raises(ExtractionError):
        extract(path)
    assert cx.sha256(path) == before
