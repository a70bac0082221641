"""Segmentation: requirements (modal verbs, ids, matrices, lists), rationale, goals, language."""

from __future__ import annotations

from upphandlingsgranskare.models import Block, Cell, CellRole, ExtractedDocument, Location
from upphandlingsgranskare.segment import detect_language, segment, split_sentences


def _doc(*blocks: Block) -> ExtractedDocument:
    # Offsets as extraction sets them: blocks joined by "\n".
    placed, pos = [], 0
    for b in blocks:
        placed.append(
            b.model_copy(update={"location": b.location.model_copy(update={"start": pos, "end": pos + len(b.text)})})
        )
        pos += len(b.text) + 1
    return ExtractedDocument(path="doc.docx", format="docx", blocks=tuple(placed))


def h(text: str, level: int, i: int = 0) -> Block:
    return Block(text=text, kind="heading", level=level, location=Location(file="doc.docx", paragraph=i))


def p(text: str, i: int = 0, kind: str = "paragraph") -> Block:
    return Block(text=text, kind=kind, location=Location(file="doc.docx", paragraph=i))


def row(cells: list[tuple[str, CellRole]], r: int, header: bool = False) -> Block:
    cs = tuple(Cell(text=t, role=role, header=None) for t, role in cells)
    return Block(
        text=" | ".join(t for t, _ in cells if t),
        kind="table_row",
        cells=cs,
        is_header=header,
        location=Location(file="doc.docx", table=0, row=r),
    )


def test_modal_sentences_become_requirements_with_kind_and_heading_path() -> None:
    doc = _doc(
        h("4 Krav på lösningen", 1),
        h("4.2 Inloggning", 2),
        p("Kommunen har 12 000 invånare. Systemet ska ha stöd för BankID. Lösningen bör stödja SITHS-kort."),
        p("E-tjänsten får inte kräva installation av programvara."),
    )
    seg = segment(doc)
    assert [r.text for r in seg.requirements] == [
        "Systemet ska ha stöd för BankID.",
        "Lösningen bör stödja SITHS-kort.",
        "E-tjänsten får inte kräva installation av programvara.",
    ]
    assert [r.kind for r in seg.requirements] == ["ska", "bör", "ska"]
    assert seg.requirements[0].heading_path == ("4 Krav på lösningen", "4.2 Inloggning")
    text = doc.text
    for r in seg.requirements:
        assert text[r.location.start : r.location.end] == r.text


def test_requirement_ids_are_kept() -> None:
    doc = _doc(
        p("K12 Systemet ska logga alla inloggningar."),
        p("4.2.1 Systemet ska kunna exportera till PDF."),
        p("SKA-krav 7: Tjänsten ska ha en tillgänglighet om 99,5 %."),
        p("BÖR-krav 3. Appen ska fungera offline."),
        p("FR-3 The system shall support SAML 2.0."),
    )
    seg = segment(doc)
    assert [r.id for r in seg.requirements] == ["K12", "4.2.1", "SKA-krav 7", "BÖR-krav 3", "FR-3"]
    assert all(r.source_id for r in seg.requirements)
    assert seg.requirements[0].text == "Systemet ska logga alla inloggningar."
    assert seg.requirements[3].kind == "bör"  # the id's kind wins over the modal


def test_id_on_its_own_line_names_the_next_requirement() -> None:
    seg = segment(_doc(p("K7"), p("Systemet ska skicka kvittens via e-post.")))
    assert [(r.id, r.text) for r in seg.requirements] == [("K7", "Systemet ska skicka kvittens via e-post.")]


def test_motivering_paragraph_is_attached_as_rationale() -> None:
    seg = segment(
        _doc(
            p("Lösningen ska kunna exportera data i CSV-format."),
            p("Motivering: ekonomienheten följer upp kostnader per enhet i eget verktyg."),
        )
    )
    assert len(seg.requirements) == 1
    assert seg.requirements[0].rationale == "ekonomienheten följer upp kostnader per enhet i eget verktyg."


def test_following_purpose_sentence_is_rationale() -> None:
    seg = segment(_doc(p("Systemet ska ha stöd för massutskick. Syftet är att minska manuellt arbete.")))
    assert [r.text for r in seg.requirements] == ["Systemet ska ha stöd för massutskick."]
    assert seg.requirements[0].rationale == "Syftet är att minska manuellt arbete."


def test_list_items_under_a_lead_in_are_requirements_with_context() -> None:
    seg = segment(
        _doc(
            p("Systemet ska stödja följande:"),
            p("Påminnelse till de som ska signera", kind="list_item"),
            p("Signering med BankID", kind="list_item"),
            p("Övrig text utan krav."),
        )
    )
    assert [r.text for r in seg.requirements] == ["Påminnelse till de som ska signera", "Signering med BankID"]
    assert all(r.context == "Systemet ska stödja följande:" for r in seg.requirements)
    assert all(r.kind == "ska" for r in seg.requirements)
    numbered = segment(
        _doc(
            p("K16 Systemet ska stödja följande:"), p("Påminnelse", kind="list_item"), p("Signering", kind="list_item")
        )
    )
    assert [r.id for r in numbered.requirements] == ["K16.1", "K16.2"]


def test_a_lead_in_without_its_colon_is_context_of_the_list() -> None:
    """A real US statement writes "Staff should have the ability to" over its bullets: the sentence
    needs the list to end, so it is a lead-in, not a requirement of its own."""
    seg = segment(
        _doc(
            p("Staff should have the ability to", kind="list_item"),
            p("add, delete, or amend lines", kind="list_item"),
            p("add comments", kind="list_item"),
            p("Other text."),
        )
    )
    assert [(r.text, r.context) for r in seg.requirements] == [
        ("add, delete, or amend lines", "Staff should have the ability to"),
        ("add comments", "Staff should have the ability to"),
    ]
    sv = segment(_doc(p("Handläggaren ska kunna"), p("signera beslut med BankID", kind="list_item")))
    assert [(r.text, r.context) for r in sv.requirements] == [("signera beslut med BankID", "Handläggaren ska kunna")]
    # A finished sentence over a list stays a requirement; the list without a modal verb is no requirement.
    done = segment(_doc(p("The system shall keep an audit log."), p("Background item", kind="list_item")))
    assert [r.text for r in done.requirements] == ["The system shall keep an audit log."]
    # Without a list after it, a dangling sentence stays the requirement it is.
    alone = segment(_doc(p("Staff should have the ability to"), p("Other text.")))
    assert [r.text for r in alone.requirements] == ["Staff should have the ability to"]


def test_items_of_a_lead_in_without_its_colon_are_judged_with_it(tmp_path) -> None:
    """UG001 reads each bullet with its lead-in, as for "...följande:" lists and as gold items are read
    (outside a requirements section, a bullet without a modal verb is no requirement on its own)."""
    from upphandlingsgranskare.nlp.label_model import as_lead_in
    from upphandlingsgranskare.review import review_document

    assert as_lead_in("Staff should have the ability to") == "Staff should have the ability to:"
    assert as_lead_in("Systemet ska stödja följande: ") == "Systemet ska stödja följande:"
    assert as_lead_in("  ") is None
    path = tmp_path / "sor.md"
    path.write_text(
        "# 3. Scope of Work\n\nStaff should have the ability to\n\n- export results to Excel\n"
        "- add comments to each line\n",
        encoding="utf-8",
    )
    review = review_document(path)
    assert [r.text for r in review.requirements] == ["export results to Excel", "add comments to each line"]
    flagged = {f.requirement_text for f in review.findings if f.code == "UG001"}
    assert flagged == {"export results to Excel", "add comments to each line"}


def test_requirement_matrix_rows_with_roles() -> None:
    doc = _doc(
        row(
            [
                ("Krav-id", CellRole.ID),
                ("Krav", CellRole.TEXT),
                ("Ska/Bör", CellRole.KIND),
                ("Motivering", CellRole.RATIONALE),
            ],
            0,
            header=True,
        ),
        row(
            [
                ("K1", CellRole.ID),
                ("Påminnelse till de som ska signera", CellRole.TEXT),
                ("Bör", CellRole.KIND),
                ("", CellRole.RATIONALE),
            ],
            1,
        ),
        row(
            [
                ("K2", CellRole.ID),
                ("Export till CSV", CellRole.TEXT),
                ("Ska", CellRole.KIND),
                ("Ekonomi följer upp kostnader.", CellRole.RATIONALE),
            ],
            2,
        ),
    )
    seg = segment(doc)
    assert [(r.id, r.kind, r.rationale, r.matrix_row) for r in seg.requirements] == [
        ("K1", "bör", None, True),
        ("K2", "ska", "Ekonomi följer upp kostnader.", True),
    ]
    assert seg.requirements[0].location.table == 0 and seg.requirements[0].location.row == 1


def test_goals_are_collected_from_goal_sections() -> None:
    seg = segment(
        _doc(
            h("2 Syfte och mål", 1),
            p("Effektmål 1: Handläggningstiden ska minska från tio till fyra veckor."),
            p("Effektmål 2: Färre samtal till kontaktcenter."),
            h("3 Krav", 1),
            p("Systemet ska ha en dashboard."),
        )
    )
    assert [g.id for g in seg.goals] == ["Effektmål 1", "Effektmål 2"]
    assert [r.text for r in seg.requirements] == ["Systemet ska ha en dashboard."]  # goals are no requirements


def test_english_requirements_and_weak_will() -> None:
    doc = _doc(
        p("The County will evaluate proposals in May. The system will send reminders."),
        p("The solution must support SSO. Vendors should attend the conference. It is required to log in."),
    )
    seg = segment(doc, "en")
    assert [r.text for r in seg.requirements] == [
        "The system will send reminders.",
        "The solution must support SSO.",
        "Vendors should attend the conference.",
        "It is required to log in.",
    ]
    assert [r.kind for r in seg.requirements] == ["ska", "ska", "bör", "ska"]


def test_language_detection() -> None:
    assert detect_language("Systemet ska ha stöd för inloggning och det ska vara enkelt att använda.") == "sv"
    assert detect_language("The system shall support login and it should be easy to use for all of the staff.") == "en"
    assert detect_language("") == "sv"


def test_sentence_split_respects_abbreviations() -> None:
    assert split_sentences("Systemet ska t.ex. stödja BankID enl. avtal. Nästa mening.", "sv") == [
        "Systemet ska t.ex. stödja BankID enl. avtal.",
        "Nästa mening.",
    ]
    assert split_sentences("The system shall, e.g. via SSO, log users in. Next.", "en") == [
        "The system shall, e.g. via SSO, log users in.",
        "Next.",
    ]
