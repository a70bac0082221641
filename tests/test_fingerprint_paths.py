"""A finding's fingerprint does not change with how the folder was typed: relative, ``./``-prefixed or
absolute, the SARIF URI is the same and so is every fingerprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upphandlingsgranskare.cli.app import app

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"
runner = CliRunner()


def test_fingerprints_do_not_depend_on_how_the_folder_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "anbud").mkdir()
    shutil.copy(SAMPLES / "sv-kravspecifikation-arendehantering.docx", tmp_path / "anbud" / "krav.docx")
    (tmp_path / "annan").mkdir()
    monkeypatch.chdir(tmp_path)
    seen = []
    for typed in ("anbud", "./anbud", str(tmp_path / "anbud"), "annan/../anbud"):
        result = runner.invoke(app, ["review", typed, "-f", "sarif"])
        assert result.exit_code == 1, result.output
        run = json.loads(result.stdout)["runs"][0]
        uris = [a["location"]["uri"] for a in run["artifacts"]]
        prints = [r["partialFingerprints"] for r in run["results"]]
        seen.append((uris, prints))
    assert seen[0][0] == ["anbud/krav.docx"] and seen[0][1]
    assert all(other == seen[0] for other in seen[1:])
