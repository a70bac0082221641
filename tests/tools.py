"""External programs some tests drive (LibreOffice, Chromium, pdftoppm).

`scripts/install-test-tools.sh` (run by the README's test command) installs them. In CI a
missing program fails the test; on a developer's machine without them the test is skipped
with the reason, so the rest of the suite still runs.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest


def require_tool(*names: str) -> str:
    """The path of the first of ``names`` found on PATH; fail in CI, skip elsewhere, when none is."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    message = f"{' or '.join(names)} not installed (scripts/install-test-tools.sh installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def package_parts(path: Path) -> dict[str, bytes]:
    """Every part of a DOCX/XLSX package by name: the annotated-copy tests compare them byte for byte."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}
