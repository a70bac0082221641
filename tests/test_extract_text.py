"""Plain text and Markdown extraction."""

from __future__ import annotations

from pathlib import Path

from tests import extract_helpers as cx
from upphandlingsgranskare.extract import extract  # noqa: E402
from upphandlingsgranskare.extract.offsets import with_offsets  # noqa: E402
from upphandlingsgranskare.models import Block, CellRole, Location  # noqa: E402

MD = """\
# Kravspecifikation

Inledande text som
fortsätter på nästa rad.

## 4.2 Inloggning

- Systemet ska stödja\u00a0inloggning med e-legitimation.
- Andra punkten
  fortsätter här

K12 Leverantören ska leverera en testmiljö.
K13 Leverantören bör dokumentera API:et.
SKA-krav 7: Systemet ska logga alla inloggningar.

| Krav-id | Krav | Ska/Bör | Motivering |
|---|---|---|---|
| K1 | Systemet ska exportera data | Ska | Behövs för arkivering |
| K2 | Systemet bör ha mörkt läge | Bör | |

### Övrigt

1. Första
2. Andra
"""


def test_markdown_blocks(tmp_path: Path) -> None:
    path = tmp_path / "krav.md"
    path.write_text(MD, encoding="utf-8")
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    assert doc.format == "md"
    by_text = {b.text: b for b in doc.blocks}

    assert by_text["Kravspecifikation"].kind == "heading" and by_text["Kravspecifikation"].level == 1
    assert by_text["4.2 Inloggning"].level == 2
    assert by_text["Övrigt"].level == 3
    assert by_text["Inledande text som fortsätter på nästa rad."].kind == "paragraph"

    sso = by_text["Systemet ska stödja inloggning med e-legitimation."]  # NBSP normalised
    assert sso.kind == "list_item" and sso.list_label == "•"
    assert by_text["Andra punkten fortsätter här"].kind == "list_item"
    assert by_text["Första"].list_label == "1."

    # requirement-id lines stay separate blocks
    assert "K12 Leverantören ska leverera en testmiljö." in by_text
    assert "K13 Leverantören bör dokumentera API:et." in by_text
    assert "SKA-krav 7: Systemet ska logga alla inloggningar." in by_text

    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert len(rows) == 3
    assert rows[0].is_header and [c.role for c in rows[0].cells] == [
        CellRole.ID,
        CellRole.TEXT,
        CellRole.KIND,
        CellRole.RATIONALE,
    ]
    k1 = rows[1]
    assert k1.location.table == 0 and k1.location.row == 1
    assert k1.cell(CellRole.TEXT).text == "Systemet ska exportera data"
    assert k1.cell(CellRole.TEXT).header == "Krav"
    assert k1.cell(CellRole.RATIONALE).text == "Behövs för arkivering"
    assert k1.text == "K1 | Systemet ska exportera data | Ska | Behövs för arkivering"
    assert rows[2].text == "K2 | Systemet bör ha mörkt läge | Bör"  # empty cell left out


def test_plain_text_headings_and_paragraph_index(tmp_path: Path) -> None:
    path = tmp_path / "krav.txt"
    path.write_text(
        "Rubrik\n\n4.2 Inloggning\nSystemet ska återställa lösenord.\n\n"
        "4 Integration\n\n1. Punkt ett\n2. Punkt två\n\n"
        "Detta är en lång mening som\nbryts över två rader.\n",
        encoding="utf-8",
    )
    doc = extract(path)
    cx.assert_consistent(doc, str(path))
    kinds = [(b.kind, b.text, b.level) for b in doc.blocks]
    assert kinds == [
        ("paragraph", "Rubrik", None),
        ("heading", "4.2 Inloggning", 2),
        ("paragraph", "Systemet ska återställa lösenord.", None),
        ("heading", "4 Integration", 1),
        ("list_item", "Punkt ett", None),
        ("list_item", "Punkt två", None),
        ("paragraph", "Detta är en lång mening som bryts över två rader.", None),
    ]
    assert [b.location.paragraph for b in doc.blocks] == list(range(7))


def test_encodings(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffÅtgärd ska dokumenteras.".encode("utf-8"))
    assert extract(bom).blocks[0].text == "Åtgärd ska dokumenteras."

    legacy = tmp_path / "cp1252.txt"
    legacy.write_bytes("Leverantören ska återrapportera – månadsvis.".encode("cp1252"))
    assert extract(legacy).blocks[0].text == "Leverantören ska återrapportera – månadsvis."


def test_location_file_is_path_as_given(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Hej.\n", encoding="utf-8")
    doc = extract("a.txt")
    assert doc.path == "a.txt" and doc.blocks[0].location.file == "a.txt"


def test_uppercase_extension(tmp_path: Path) -> None:
    path = tmp_path / "KRAV.MD"
    path.write_text("# Rubrik\n\nText.\n", encoding="utf-8")
    doc = extract(path)
    assert doc.format == "md" and doc.blocks[0].kind == "heading"


def test_with_offsets_drops_empty_blocks() -> None:
    loc = Location(file="x")
    blocks = [
        Block(text="abc", kind="paragraph", location=loc),
        Block(text="", kind="paragraph", location=loc),
        Block(text="de", kind="paragraph", location=loc),
    ]
    out = with_offsets(blocks)
    assert [(b.location.start, b.location.end) for b in out] == [(0, 3), (4, 6)]


def test_input_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "krav.md"
    path.write_text(MD, encoding="utf-8")
    before = cx.sha256(path)
    mtime = path.stat().st_mtime_ns
    extract(path)
    assert cx.sha256(path) == before and path.stat().st_mtime_ns == mtime


def test_description_column_of_a_roles_table_is_no_requirement_text(tmp_path: Path) -> None:
    """ "Role | Description" describes people (a real US statement of requirements has such tables):
    its rows are read like paragraphs, so only their own shall-sentences become requirements."""
    from upphandlingsgranskare.extract.roles import detect_roles
    from upphandlingsgranskare.review import review_document

    assert detect_roles(["Role", "Description", "% Project Availability"]) == [CellRole.OTHER] * 3
    assert detect_roles(["User Class", "Number of Users", "Description"]) == [CellRole.OTHER] * 3
    assert detect_roles(["Begrepp", "Beskrivning"]) == [CellRole.OTHER] * 2
    # A requirement matrix keeps its Description column: an id, a kind or no row key.
    assert detect_roles(["Req ID", "Description", "Role"])[1] is CellRole.TEXT
    assert detect_roles(["Description", "Priority"]) == [CellRole.TEXT, CellRole.KIND]
    assert detect_roles(["Funktion", "Beskrivning"]) == [CellRole.TEXT, CellRole.OTHER]

    path = tmp_path / "roles.md"
    path.write_text(
        "# Project roles\n\n"
        "| Role | Description | % Project Availability |\n|---|---|---|\n"
        "| Business Administrator | Responsible for all business configuration and permissions | 20% |\n"
        "| Project Manager | The Project Manager shall report status weekly. | 50% |\n\n"
        "# Requirements\n\n"
        "| Req ID | Description | Priority |\n|---|---|---|\n"
        "| R1 | Export of reports to Excel | M |\n",
        encoding="utf-8",
    )
    texts = [r.text for r in review_document(path).requirements]
    assert texts == ["The Project Manager shall report status weekly.", "Export of reports to Excel"]


def test_normalize_fast_path_knows_every_changed_character() -> None:
    """``normalize`` returns a line as it is (stripped) when it holds no character that translate or sub would
    change: those it looks for must be every character of the table and every whitespace character but the space."""
    from upphandlingsgranskare.extract import characters

    every = [chr(c) for c in range(0x110000)]
    looked_for = {c for c in every if characters._NOT_NORMAL.match(c)}
    changed = {chr(c) for c in characters._TRANSLATION} | {c for c in every if c.isspace() and c != " "}
    assert looked_for == changed
    for line in ["  a  b ", "a\u00a0b", "a\tb", "a\u2009 b", "x\u00adx", " plain line "]:
        assert characters.normalize(line) == characters._WS.sub(" ", line.translate(characters._TRANSLATION)).strip()
