"""Norwegian and Danish documents are named and refused, not misread with Swedish word lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from upphandlingsgranskare.segment.language import detect_document_language

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"

SWEDISH = (
    "Kommunen behöver ett nytt ärendehanteringssystem. Systemet ska ha stöd för e-underskrift och det ska "
    "vara möjligt att följa ärendet. Leverantören ska också utbilda personalen och detta ska ske på plats."
)
NORWEGIAN = (
    "Kunden har behov for en felles skjemaløsning. Løsningen skal støtte innlogging med ID-porten, og det "
    "skal være mulig å se status. Leverandøren skal også beskrive hvordan dette gjøres, og ikke minst hva "
    "som skjer etter innsending av skjemaet gjennom Altinn."
)
DANISH = (
    "Kunden har behov for en løsning, der kan oversætte tekster. Løsningen skal kunne bruges af "
    "medarbejderne, og det skal være muligt at se hvad der er sket med sagen efter behandlingen. "
    "Leverandøren skal også beskrive hvordan data af denne type behandles, og ikke mindst nogen eksempler."
)
ENGLISH = "The system shall provide single sign-on. The contractor shall train the staff and provide documentation."


@pytest.mark.parametrize(("text", "language"), [(SWEDISH, "sv"), (NORWEGIAN, "no"), (DANISH, "da"), (ENGLISH, "en")])
def test_language_of_a_document(text, language):
    assert detect_document_language(text) == language


def test_a_norwegian_name_in_a_swedish_text_changes_nothing():
    assert detect_document_language(SWEDISH + " Kontaktperson: Bjørn Ødegård, Sjøvegen 3.") == "sv"


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="needs ../shared/realdocs")
def test_the_norwegian_specification_is_refused_with_one_line_and_nothing_reviewed(tmp_path):
    from typer.testing import CliRunner

    from upphandlingsgranskare.cli.app import app

    source = REALDOCS / "no" / "indigo-ikt-kravspesifikasjon.docx"
    before = source.read_bytes()
    result = CliRunner().invoke(app, ["review", str(source), "-f", "json"])
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.stdout)
    (document,) = report["documents"]
    assert document["skipped"] and "norska" in document["error"] and "Norwegian" in document["error"]
    assert document["findings"] == [] and document["requirements"] == []
    assert source.read_bytes() == before
    # Reviewing it anyway as Swedish remains possible on request.
    forced = CliRunner().invoke(app, ["review", str(source), "-f", "json", "--language", "sv"])
    assert forced.exit_code in (0, 1) and json.loads(forced.stdout)["documents"][0]["requirements"]
