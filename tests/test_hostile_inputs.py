"""Hostile input (issue 7): every bad file gets a clear message naming it, no traceback, limits hold.

The corpus is generated once per module by ``tests/hostile/build_corpus.py`` (nothing binary
is committed); the good sample is copied in beside it. Fast by construction: the zip bomb is
refused from its declared sizes, the million-row sheet from a streamed row count.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from build_corpus import PASSWORD, SWEDISH, build_corpus  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from upphandlingsgranskare.cli.app import app  # noqa: E402
from upphandlingsgranskare.extract import ExtractionLimits, extract  # noqa: E402
from upphandlingsgranskare.extract.limits import option_name  # noqa: E402
from upphandlingsgranskare.models import DocumentReview, ExtractionError  # noqa: E402
from upphandlingsgranskare.review import collect_inputs, review_paths  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "corpora" / "samples" / "sv-kravspecifikation-arendehantering.docx"


def _chmod_stops_reading() -> bool:
    """False as root (CI): chmod 000 does not stop a process that may override file permissions."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder, "probe")
        probe.write_bytes(b"x")
        probe.chmod(0)
        try:
            probe.read_bytes()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


AS_ROOT = not _chmod_stops_reading()
ROOT_REASON = (
    "runs as root: chmod 000 does not stop root from reading (the FIFO case covers an unopenable "
    "file; run under `setpriv --bounding-set=-dac_override,-dac_read_search` to test this as root)"
)

# Case -> fragments its error must contain (both languages where it matters).
ERRORS: dict[str, tuple[str, ...]] = {
    "pdf_encrypted": ("krypterad pdf", "encrypted pdf", "--password"),
    "pdf_scanned": ("textlager", "ocr"),
    "pdf_truncated": ("avkortad", "truncated"),
    "pdf_corrupt": ("trasig", "corrupt"),
    "docx_truncated": ("docx", "avkortat", "truncated"),
    "docx_corrupt": ("docx", "trasig", "corrupt"),
    "xlsx_truncated": ("xlsx", "avkortat", "truncated"),
    "xlsx_corrupt": ("xlsx", "trasig", "corrupt"),
    "empty_pdf": ("tom", "empty (0 bytes)"),
    "empty_docx": ("tom", "empty (0 bytes)"),
    "empty_xlsx": ("tom", "empty (0 bytes)"),
    "empty_txt": ("tom", "empty (0 bytes)"),
    "empty_md": ("tom", "empty (0 bytes)"),
    "text_named_xlsx": ("vanlig text", "plain text", ".txt"),
    "docx_zip_bomb": ("zip-bomb", "zip bomb", "word/document.xml"),
    "docx_zip_bomb_lying_size": ("trasig", "corrupt", "crc"),
    "docx_billion_laughs": ("dtd", "doctype", "word/document.xml"),
    "docx_xxe": ("dtd", "xxe", "word/document.xml"),
    "xlsx_billion_laughs": ("dtd", "entity expansion", "xl/worksheets/sheet1.xml"),
    "xlsx_xxe": ("dtd", "xxe", "xl/sharedStrings.xml"),
    "xlsx_million_rows": ("max_rows", "--max-rows", "[limits]"),
    "symlink_loop_file": ("slinga", "loop"),
    "fifo": ("pipe", "not a regular file"),
    "xlsx_uncached_formulas": (
        "formler utan sparade värden",
        "formulas without saved values",
        "LibreOffice",
        "--headless",
    ),
}
if not AS_ROOT:
    ERRORS["unreadable_file"] = ("behörighet", "permission denied")
    ERRORS["unreadable_folder"] = ("behörighet", "permission denied")

# Case -> format it is reviewed as (huge-but-legal, lying names, odd encodings).
REVIEWED: dict[str, str] = {
    "pdf_owner_password_only": "pdf",
    "docx_named_pdf": "docx",
    "pdf_named_docx": "pdf",
    "xlsx_lying_dimension": "xlsx",
    "pdf_2000_pages": "pdf",
    "text_utf16le_bom": "txt",
    "text_utf16be_bom": "txt",
    "text_utf16le": "txt",
    "text_utf16be": "txt",
    "text_cp1252": "txt",
    "text_latin1": "txt",
    "text_utf8_bom": "md",
    "text_mac_roman": "txt",
    "good": "docx",
    # issue 18: once minutes or gigabytes, or a traceback; now reviewed within the default budget
    "text_one_line_ska": "txt",
    "text_underscores": "txt",
    "text_emoji": "txt",
    "docx_numbering_10e12": "docx",
    "xlsx_merged_whole_sheet": "xlsx",
    "text_cp1252_punctuation": "txt",
    "text_utf8_one_bad_byte": "txt",
    "name_245_characters": "txt",
}
if sys.platform != "darwin":
    REVIEWED["name_not_utf8"] = "txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile")
    cases = build_corpus(folder)
    shutil.copy(GOOD, folder / GOOD.name)
    cases["good"] = folder / GOOD.name
    yield cases
    for name in ("unreadable_file", "unreadable_folder"):  # let pytest clean up the temp folder
        cases[name].chmod(0o755)


@pytest.fixture(scope="module")
def reviews(corpus: dict[str, Path]) -> dict[str, DocumentReview]:
    folder = corpus["good"].parent
    return {r.path: r for r in review_paths(collect_inputs([folder]))}


def _by_case(corpus: dict[str, Path], reviews: dict[str, DocumentReview], name: str) -> DocumentReview:
    review = reviews.get(str(corpus[name]))
    assert review is not None, f"{name}: {corpus[name]} was not reviewed; got {sorted(reviews)}"
    return review


def _assert_error(name: str, path: Path, error: str | None) -> None:
    assert error, f"{name}: {path.name} was reviewed without an error"
    assert "Traceback" not in error and 'File "' not in error
    for fragment in ERRORS[name]:
        assert fragment.casefold() in error.casefold(), f"{name}: {fragment!r} not in {error!r}"
    assert " / " in error, f"{name}: not 'svenska / English': {error!r}"


# --- the whole folder, through the pipeline and the CLI ---------------------------------


def test_every_bad_file_gets_an_error_entry(corpus: dict[str, Path], reviews: dict[str, DocumentReview]) -> None:
    for name in ERRORS:
        review = _by_case(corpus, reviews, name)
        _assert_error(name, corpus[name], review.error)
        assert not review.requirements and not review.skipped


def test_legal_files_are_reviewed(corpus: dict[str, Path], reviews: dict[str, DocumentReview]) -> None:
    for name, fmt in REVIEWED.items():
        review = _by_case(corpus, reviews, name)
        assert review.error is None, f"{name}: {review.error}"
        assert review.format == fmt, name
    good = _by_case(corpus, reviews, "good")
    assert len(good.requirements) >= 30 and good.findings
    assert _by_case(corpus, reviews, "pdf_2000_pages").pages == 2000
    assert "DOCX" in _by_case(corpus, reviews, "docx_named_pdf").extractor
    assert ".pdf" in _by_case(corpus, reviews, "docx_named_pdf").extractor


def test_symlinked_folder_loop_is_not_followed(corpus: dict[str, Path], reviews: dict[str, DocumentReview]) -> None:
    loop = corpus["symlink_loop_dir"]
    inside = [p for p in reviews if Path(p).parent == loop]
    assert sorted(Path(p).name for p in inside) == ["a.txt", "b.txt"]  # not loop/a.txt, loop/loop/...
    assert not any("/loop/" in p for p in reviews)


def test_cli_over_the_hostile_folder(corpus: dict[str, Path]) -> None:
    folder = corpus["good"].parent
    result = CliRunner().invoke(app, ["review", str(folder), "-f", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    documents = {d["path"]: d for d in report["documents"]}
    for name in ERRORS:
        _assert_error(name, corpus[name], documents[str(corpus[name])]["error"])
        assert str(corpus[name]) in result.stderr  # every failure named on stderr too
    good = documents[str(corpus["good"])]
    assert good["error"] is None and good["findings"]


# --- single cases, with extract() ------------------------------------------------------


def _raises(path: Path, *fragments: str, **kwargs: object) -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract(path, **kwargs)  # type: ignore[arg-type]
    err = info.value
    assert err.path == str(path) and path.name in str(err)
    for fragment in fragments:
        assert fragment.casefold() in err.reason.casefold(), err.reason
    return err


def test_encrypted_pdf_opens_with_the_password(corpus: dict[str, Path]) -> None:
    doc = extract(corpus["pdf_encrypted"], password=PASSWORD)
    assert "ärendehanteringssystem" in doc.text
    _raises(corpus["pdf_encrypted"], "lösenordet stämmer inte", "password is wrong", "--password", password="fel")
    _raises(corpus["pdf_encrypted"], "--password")
    # A batch-wide password must not lock out a PDF that needs none.
    assert "ärendehanteringssystem" in extract(corpus["pdf_owner_password_only"], password="fel").text


def test_zip_bomb_is_refused_without_unpacking(corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = real_read(self, n)
        unpacked.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    _raises(corpus["docx_zip_bomb"], "zip bomb")
    assert sum(unpacked) == 0  # refused from the declared sizes alone
    _raises(corpus["docx_zip_bomb_lying_size"], "crc")
    assert sum(unpacked) < 2 * 1024 * 1024  # stopped at the (false) declared size, not 2 GB


def test_dtd_in_utf16_or_hidden_behind_an_encoding_is_refused(tmp_path: Path) -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = f'<w:document xmlns:w="{ns}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [<!ENTITY x "y">]>' + body).encode("utf-16")
    utf7 = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE w:document+AD4-' + body.encode()
    for name, part in (("utf16.docx", utf16), ("utf7.docx", utf7)):
        path = tmp_path / name
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                dst.writestr(info.filename, part if info.filename == "word/document.xml" else src.read(info))
        _raises(path, "word/document.xml", "dtd" if name == "utf16.docx" else "utf-7")


def _refused_entities(exc: BaseException | None) -> bool:
    """libxml2's amplification guard or defusedxml's EntitiesForbidden, somewhere in the chain."""
    while exc is not None:
        if any(word in f"{type(exc).__name__} {exc}".casefold() for word in ("entit", "amplification")):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def test_libraries_do_not_expand_entities_even_unguarded(corpus: dict[str, Path]) -> None:
    """If the DTD check were bypassed, python-docx and openpyxl would refuse or leave entities unexpanded.

    Seen with lxml 6 / python-docx 1.2 / openpyxl 3.1 + defusedxml: the laughs DOCX stops at
    libxml2's amplification limit, the XXE DOCX parses with the entity left out, and openpyxl
    refuses both workbooks through defusedxml. The DTD check stays: it does not depend on
    library versions or on defusedxml being installed.
    """
    import docx
    import openpyxl

    for name in ("docx_billion_laughs", "docx_xxe"):
        try:
            text = "".join(p.text for p in docx.Document(str(corpus[name])).paragraphs)
        except Exception as exc:  # noqa: BLE001 - a refusal is safe too
            assert _refused_entities(exc), exc
            continue
        assert "lollol" not in text and "root:" not in text, name
    for name in ("xlsx_billion_laughs", "xlsx_xxe"):
        try:
            wb = openpyxl.load_workbook(str(corpus[name]), read_only=True)
            values = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]
            wb.close()
        except Exception as exc:  # noqa: BLE001
            assert _refused_entities(exc), exc
            continue
        assert not any("lollol" in v or "root:" in v for v in values), name


def test_text_encodings_are_detected_and_named(corpus: dict[str, Path]) -> None:
    expected = {
        "text_utf16le_bom": "utf-16-le BOM",
        "text_utf16be_bom": "utf-16-be BOM",
        "text_utf16le": "utf-16-le utan BOM",
        "text_utf16be": "utf-16-be utan BOM",
        "text_cp1252": "cp1252",
        "text_latin1": "cp1252",
        "text_utf8_bom": "utf-8 BOM",
        "text_mac_roman": "mac_roman",
    }
    words = [w.strip(".,") for w in SWEDISH.split() if any(ch in w for ch in "åäö")]
    for name, encoding in expected.items():
        doc = extract(corpus[name])
        assert encoding in doc.extractor, (name, doc.extractor)
        for word in words:
            assert word in doc.text, (name, word)


@pytest.mark.parametrize(
    ("case", "limits", "limit"),
    [
        ("pdf_2000_pages", ExtractionLimits(max_pages=100), "max_pages"),
        ("pdf_2000_pages", ExtractionLimits(seconds_per_document=1e-6), "seconds_per_document"),
        ("good", ExtractionLimits(max_file_mb=0.001), "max_file_mb"),
        ("good", ExtractionLimits(max_decompressed_mb=0.01), "max_decompressed_mb"),
        ("good", ExtractionLimits(seconds_per_document=1e-6), "seconds_per_document"),
        ("xlsx_lying_dimension", ExtractionLimits(max_rows=2), "max_rows"),
    ],
)
def test_each_limit_names_itself_and_how_to_raise_it(
    corpus: dict[str, Path], case: str, limits: ExtractionLimits, limit: str
) -> None:
    _raises(corpus[case], limit, option_name(limit), "[limits]", "upphandlingsgranskare.toml", limits=limits)


def test_the_million_row_sheet_is_refused_by_the_row_count(corpus: dict[str, Path]) -> None:
    err = _raises(corpus["xlsx_million_rows"], "max_rows")
    assert "200000" in err.reason
    doc = extract(corpus["xlsx_lying_dimension"])  # "A1:XFD1048576" is not believed
    assert [b.text for b in doc.blocks][-1] == "Systemet bör ha en app."


def test_limits_validate_and_map_to_options() -> None:
    assert ExtractionLimits() == ExtractionLimits.from_mapping({})
    assert ExtractionLimits.from_mapping({"max_pages": 10}).max_pages == 10
    assert option_name("max_decompressed_mb") == "--max-decompressed-mb"
    with pytest.raises(ValueError, match="max_page"):
        ExtractionLimits.from_mapping({"max_page": 10})
    with pytest.raises(ValueError, match="max_rows"):
        ExtractionLimits(max_rows=0)


def test_unreadable_folder_entry_does_not_stop_the_batch(tmp_path: Path) -> None:
    if AS_ROOT:
        pytest.skip(ROOT_REASON)
    locked = tmp_path / "låst"
    locked.mkdir()
    (locked / "a.txt").write_text("Leverantören ska svara.", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Leverantören ska svara.", encoding="utf-8")
    locked.chmod(0)
    try:
        inputs = collect_inputs([tmp_path])
        results = {Path(r.path).name: r for r in review_paths(inputs)}
    finally:
        locked.chmod(0o755)
    assert results["ok.txt"].error is None
    assert "permission denied" in (results["låst"].error or "")


# --- issue 18: every case through the command line, with its line and exit code ---------

# Case -> (exit code, fragment of stderr, extra options). REVIEWED: exit 0 or 1, as its findings go.
REVIEWED_EXIT = -1
CLI_CASES: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "xlsx_uncached_formulas": (2, "soffice --headless", ()),
    "text_cp1252_punctuation": (REVIEWED_EXIT, "läst som / read as cp1252", ()),
    "text_utf8_one_bad_byte": (REVIEWED_EXIT, "1 ogiltiga byte ersatta", ()),
    "docx_numbering_10e12": (REVIEWED_EXIT, "", ()),
    "xlsx_merged_whole_sheet": (REVIEWED_EXIT, "", ("-f", "xlsx")),
    "text_underscores": (REVIEWED_EXIT, "", ()),
    "text_emoji": (REVIEWED_EXIT, "", ()),
    "name_245_characters": (REVIEWED_EXIT, "", ("-f", "json,html,docx")),
}
if sys.platform != "darwin":
    CLI_CASES["name_not_utf8"] = (REVIEWED_EXIT, "", ("-f", "json,sarif,html,markdown,text,csv"))


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_issue18_case_through_the_cli(corpus: dict[str, Path], case: str, tmp_path: Path) -> None:
    code, fragment, extra = CLI_CASES[case]
    path = corpus[case]
    before = path.read_bytes()
    options = list(extra) + (["-o", str(tmp_path / "ut")] if extra else ["-f", "json"])
    result = CliRunner().invoke(app, ["review", str(path), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in ((0, 1) if code == REVIEWED_EXIT else (code,)), (result.exit_code, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and fragment in result.stderr, result.stderr[-2000:]
    assert path.read_bytes() == before
    if "-o" in options:
        assert (tmp_path / "ut" / "index.html").is_file()
        assert all(len(os.fsencode(p.name)) <= 255 for p in (tmp_path / "ut").iterdir())
    else:
        json.loads(result.stdout)  # one valid UTF-8 report, whatever the name


def test_a_name_that_is_not_utf8_is_shown_readable_and_linked_by_its_bytes(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    if "name_not_utf8" not in corpus:
        pytest.skip("the file system refuses names that are not UTF-8")
    result = CliRunner().invoke(
        app, ["review", str(corpus["name_not_utf8"]), "-f", "json,sarif,html", "-o", str(tmp_path)]
    )
    assert result.exit_code == 1, result.stderr
    sarif = next(tmp_path.glob("*.sarif")).read_text("utf-8")
    assert "%FF%FEnamn.txt" in sarif
    report = json.loads(next(tmp_path.glob("*.json")).read_text("utf-8"))
    assert report["documents"][0]["path"].endswith("\ufffd\ufffdnamn.txt")
    assert 'href="%FF%FEnamn.txt.granskning.html"' in (tmp_path / "index.html").read_text("utf-8")
