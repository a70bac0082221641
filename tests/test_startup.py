"""Start-up: a command imports what it needs and nothing more (import time is most of a small review's
wall time; see benchmarks/review_speed.py for the figures). Checked by which modules a fresh process
has loaded, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOADED = """
import json, sys
sys.argv = ["upphandlingsgranskare", *sys.argv[1:]]
from upphandlingsgranskare.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n" + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.stdout.strip(), done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_loads_no_language_processing() -> None:
    assert not _loaded("--help") & {"spacy", "numpy", "thinc", "pydantic_core", "lxml", "openai", "langchain_core"}


def test_reviewing_a_text_file_loads_no_reader_of_other_formats_and_no_llm_client(tmp_path: Path) -> None:
    tender = tmp_path / "krav.txt"
    tender.write_text("Krav\n\nK1 Systemet ska ha stöd för inloggning med BankID.\n", encoding="utf-8")
    loaded = _loaded("review", "--no-progress", str(tender))
    assert "spacy" in loaded  # the review did run
    assert not loaded & {
        "lxml",
        "docx",
        "openpyxl",
        "pypdfium2",
        "pypdf",
        "openai",
        "langchain_core",
        "langchain_openai",
        "tiktoken",
        "httpx",
    }


def test_every_lexical_attribute_the_code_reads_is_computed() -> None:
    """The pipelines compute only the lexical attributes in ``_READ_ATTRIBUTES`` (spaCy's others cost time
    for every new word): a token attribute read anywhere in the package that is not computed would
    silently read its default."""
    import re

    from upphandlingsgranskare.nlp.pipeline import _READ_ATTRIBUTES

    computed = {name.lower() for name in _READ_ATTRIBUTES}
    read = set()
    for source in (ROOT / "src" / "upphandlingsgranskare").rglob("*.py"):
        read |= set(re.findall(r"\.((?:is|like)_[a-z]+)\b", source.read_text(encoding="utf-8")))
    lexical = {
        "is_alpha",
        "is_ascii",
        "is_digit",
        "is_lower",
        "is_upper",
        "is_title",
        "is_punct",
        "is_left_punct",
        "is_right_punct",
        "is_space",
        "is_bracket",
        "is_quote",
        "is_currency",
        "is_stop",
        "like_url",
        "like_num",
        "like_email",
    }
    assert read & lexical <= computed, sorted(read & lexical - computed)
