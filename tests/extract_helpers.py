"""Helpers shared by the extraction tests: the real documents (skipped when the shared folder is absent)
and the consistency of an extracted document's blocks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from upphandlingsgranskare.models import ExtractedDocument

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
_SKIP_REASON = "../shared/realdocs not present: real-document tests need the shared folder next to the repo"


def realdoc(relative: str) -> Path:
    """Path of a real document, or skip the test when the shared folder is absent."""
    path = REALDOCS / relative
    if not path.exists():
        pytest.skip(_SKIP_REASON)
    return path


def realdocs_glob(pattern: str) -> list[Path]:
    if not REALDOCS.is_dir():
        pytest.skip(_SKIP_REASON)
    found = sorted(REALDOCS.glob(pattern))
    if not found:
        pytest.skip(_SKIP_REASON)
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_consistent(doc: ExtractedDocument, path: str) -> None:
    """Every block: non-empty normalised text, the file as given, offsets into doc.text."""
    text = doc.text
    assert doc.blocks, "no blocks"
    for block in doc.blocks:
        loc = block.location
        assert loc.file == path
        assert block.text and block.text == block.text.strip()
        assert "  " not in block.text and "\n" not in block.text
        assert "\u00a0" not in block.text and "\u00ad" not in block.text
        assert loc.start is not None and loc.end is not None
        assert text[loc.start : loc.end] == block.text
        if doc.format == "pdf":
            assert loc.page is not None and loc.paragraph is not None
        elif doc.format == "xlsx":
            assert loc.sheet and loc.row
        elif block.kind == "table_row":
            assert loc.table is not None and loc.row is not None
        else:
            assert loc.paragraph is not None
    starts = [b.location.start for b in doc.blocks]
    assert starts == sorted(starts)
