"""Goal traceability (issue 6): which text is a goal, links by reference and by meaning, the UG001 hint,
the goal matrix in the reports, and the links mode of ``eval``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from upphandlingsgranskare.checks import DocumentContext
from upphandlingsgranskare.evaluation.gold import gold_mode
from upphandlingsgranskare.evaluation.run import EvalParams, run_eval
from upphandlingsgranskare.extract import extract
from upphandlingsgranskare.models import Goal, Location, Requirement
from upphandlingsgranskare.report.annotate_xlsx import findings_workbook, goal_matrix_sheet
from upphandlingsgranskare.report.emit import render
from upphandlingsgranskare.report.html import render_html
from upphandlingsgranskare.review import review_document
from upphandlingsgranskare.segment import segment
from upphandlingsgranskare.trace import link_requirements, reference_links
from upphandlingsgranskare.trace.terms import compound_parts, terms

ROOT = Path(__file__).resolve().parent.parent
EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def goals_of(tmp_path: Path, text: str, name: str = "doc.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    document = extract(path)
    seg = segment(document)
    for goal in seg.goals:  # every goal's text is where its location says
        assert document.text[goal.location.start : goal.location.end] == goal.text
    return seg


# -- goals ---------------------------------------------------------------------------------------------------


def test_background_facts_are_no_goals_but_a_stated_need_is(tmp_path: Path) -> None:
    seg = goals_of(
        tmp_path,
        "# Krav\n## 1 Bakgrund\nKommunen tar emot 1 800 ansökningar per år. Under 2025 var "
        "handläggningstiden tio veckor. Kommunen behöver korta handläggningstiden för bygglov.\n\n"
        "Systemet togs i drift 2012.\n## 2 Krav på lösningen\nK1 Systemet ska ha stöd för BankID.\n",
    )
    assert [(g.id, g.generated, g.text) for g in seg.goals] == [
        ("M1", True, "Kommunen behöver korta handläggningstiden för bygglov.")
    ]
    assert [r.id for r in seg.requirements] == ["K1"]


def test_english_background_with_a_goal_statement(tmp_path: Path) -> None:
    seg = goals_of(
        tmp_path,
        "# RFP\n## 1 Background\nThe County serves 38,000 residents. Case data is entered twice. "
        "The aim is to halve the time caseworkers spend on data entry.\n## 3 Requirements\n"
        "FR-1 The system shall provide a dashboard.\n",
    )
    assert [g.text for g in seg.goals] == ["The aim is to halve the time caseworkers spend on data entry."]


def test_goal_section_lists_get_generated_ids_and_the_lead_in_is_no_goal(tmp_path: Path) -> None:
    seg = goals_of(
        tmp_path,
        "# Krav\n## 2 Mål\nKommunen har formulerat följande mål:\n\n1. Kortare handläggningstider.\n"
        "2. Färre samtal till kontaktcenter.\n## 3 Krav\nK1 Systemet ska ha stöd för BankID.\n",
    )
    assert [(g.id, g.label, g.text) for g in seg.goals] == [
        ("M1", "1.", "Kortare handläggningstider."),
        ("M2", "2.", "Färre samtal till kontaktcenter."),
    ]
    assert all(g.generated for g in seg.goals)


def test_named_goals_keep_their_ids_and_lose_the_prefix(tmp_path: Path) -> None:
    seg = goals_of(
        tmp_path,
        "# Krav\n## 2 Syfte och mål\nSyftet med upphandlingen är att korta handläggningstiderna. "
        "Kommunen har formulerat följande effektmål.\n\nEffektmål 1: Handläggningstiden ska minska "
        "från tio till fyra veckor.\n\nEffektmål 2: Andelen kompletta ansökningar ska öka.\n",
    )
    # The purpose sentence introduces the numbered goals of its section, which refine it: no goal of its own.
    assert [(g.id, g.generated, g.text) for g in seg.goals] == [
        ("Effektmål 1", False, "Handläggningstiden ska minska från tio till fyra veckor."),
        ("Effektmål 2", False, "Andelen kompletta ansökningar ska öka."),
    ]


def test_a_purpose_of_its_own_section_is_a_goal(tmp_path: Path) -> None:
    seg = goals_of(
        tmp_path,
        "# Krav\n## 1 Syfte\nSyftet med upphandlingen är att korta handläggningstiderna.\n"
        "## 2 Effektmål\nEffektmål 1: Handläggningstiden ska minska till fyra veckor.\n",
    )
    assert [(g.id, g.generated) for g in seg.goals] == [("M1", True), ("Effektmål 1", False)]


def test_goal_tables_with_and_without_an_id_column(tmp_path: Path) -> None:
    seg = goals_of(
        tmp_path,
        "# RFQ\n## 2 Objectives\n| Objective | Today | Target |\n|---|---|---|\n"
        "| Callers get an answer faster | 9 minutes | 3 minutes |\n"
        "| More enquiries resolved at first contact | 55 % | 80 % |\n\n"
        "## 3 Requirements\nCC-1 The platform shall offer a call-back.\n",
    )
    assert [(g.id, g.text) for g in seg.goals] == [
        ("M1", "Callers get an answer faster | 9 minutes | 3 minutes"),
        ("M2", "More enquiries resolved at first contact | 55 % | 80 %"),
    ]
    seg = goals_of(
        tmp_path,
        "# Krav\n## 2 Effektmål\n| Id | Beskrivning |\n|---|---|\n"
        "| E1 | Kortare väntetid i telefon |\n| E2 | Färre samtal om ärendestatus |\n",
        "b.md",
    )
    assert [(g.id, g.generated, g.text) for g in seg.goals] == [
        ("E1", False, "Kortare väntetid i telefon"),
        ("E2", False, "Färre samtal om ärendestatus"),
    ]


def test_a_goal_section_inside_a_requirement_matrix_ends_at_the_next_section_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["Kravnr", "Kravtext", "Ska/Bör"],
        [None, "1 Mål", None],
        [None, "Färre samtal till kontaktcenter om ärendestatus", None],
        [None, "2 Krav på lösningen", None],
        ["2.1", "Systemet ska ha stöd för BankID.", "Ska"],
    ):
        sheet.append(row)
    workbook.save(tmp_path / "krav.xlsx")
    seg = segment(extract(tmp_path / "krav.xlsx"))
    assert [(g.id, g.text) for g in seg.goals] == [("M1", "Färre samtal till kontaktcenter om ärendestatus")]
    assert [(r.id, r.heading_path) for r in seg.requirements] == [("2.1", ("2 Krav på lösningen",))]


def test_a_goal_written_again_is_one_goal_and_one_link(tmp_path: Path) -> None:
    # A summary that repeats the goal section word for word: the same goals, not twice as many, and a
    # requirement that serves one is linked to it once (repeats used to grow every comparison too).
    goal_section = (
        "## Syfte och mål\nEffektmål 1: Handläggningstiden för bygglov ska minska med 30 procent.\n\n"
        "Effektmål 2: Färre samtal till kontaktcenter.\n"
    )
    seg = goals_of(
        tmp_path,
        "# Krav\n"
        + goal_section
        + "## Sammanfattning\n"
        + goal_section.split("\n", 1)[1]
        + "## Krav\nK1 Systemet ska korta handläggningstiden för bygglov.\n",
    )
    assert [(g.id, g.text) for g in seg.goals] == [
        ("Effektmål 1", "Handläggningstiden för bygglov ska minska med 30 procent."),
        ("Effektmål 2", "Färre samtal till kontaktcenter."),
    ]
    links = link_requirements(seg.requirements, seg.goals, "sv")
    assert [(link.requirement_id, link.goal_id) for link in links] == [("K1", "Effektmål 1")]


def test_a_generated_id_never_takes_one_the_document_uses(tmp_path: Path) -> None:
    seg = goals_of(tmp_path, "# Krav\n## 2 Mål\nM1: Kortare väntetid i telefon.\n\n- Färre samtal om ärendestatus.\n")
    assert [g.id for g in seg.goals] == ["M1", "M2"] and [g.generated for g in seg.goals] == [False, True]


def test_goal_detection_on_the_sample_tenders_is_exact() -> None:
    """Before issue 6 Bakgrund paragraphs were goals too: precision 0.50 (10/20), now 10/10."""
    from upphandlingsgranskare.evaluation.documents import evaluate_documents

    spans = sorted((ROOT / "corpora" / "samples").glob("sv-kravspec*.spans.jsonl"))
    result = evaluate_documents(spans)
    assert (result.goals.gold, result.goals.found, result.goals.matched) == (3, 3, 3)


# -- references ----------------------------------------------------------------------------------------------


def _goal(goal_id: str, text: str = "Ett mål.", generated: bool = False, label: str | None = None) -> Goal:
    return Goal(id=goal_id, text=text, heading="Mål", location=Location(file="x"), generated=generated, label=label)


def _req(text: str, language: str = "sv", rationale: str | None = None, rid: str = "K1") -> Requirement:
    return Requirement(
        id=rid,
        text=text,
        kind="ska",
        location=Location(file="x"),
        language=language,
        rationale=rationale,
        label="feature_with_need",
    )


@pytest.mark.parametrize(
    ("text", "language", "rationale", "expected"),
    [
        ("Systemet ska skicka sms, vilket bidrar till effektmål 3.", "sv", None, ["Effektmål 3"]),
        ("Lösningen ska hämta arbetad tid, i enlighet med mål 1.", "sv", None, ["Effektmål 1"]),  # "mål 1" names it
        ("Systemet ska ha en karttjänst (se effektmål 1 och 2).", "sv", None, ["Effektmål 1", "Effektmål 2"]),
        (
            "Automatisk kontroll av fastighetsbeteckning",
            "sv",
            "Minskar kompletteringar, se effektmål 2.",
            ["Effektmål 2"],
        ),
        ("Systemet ska visa ärendestatus (E3).", "sv", None, ["E3"]),
        ("The portal shall display case status (see objective O3).", "en", None, ["O3"]),
        ("The system must route referrals, which supports objectives O1 and O2.", "en", None, ["O1", "O2"]),
        ("Integration with the eligibility system", "en", "Supports objective O2.", ["O2"]),
        ("Systemet ska bidra till effektmålen.", "sv", None, []),  # no number: no goal named
        ("Systemet ska hantera mål 12 i domstolen.", "sv", None, []),  # no such goal
    ],
)
def test_explicit_references(text: str, language: str, rationale: str | None, expected: list[str]) -> None:
    goals = [
        _goal("Effektmål 1"),
        _goal("Effektmål 2"),
        _goal("Effektmål 3"),
        _goal("E3"),
        _goal("O1"),
        _goal("O2"),
        _goal("O3"),
    ]
    links = reference_links(_req(text, language, rationale), goals)
    assert [link.goal_id for link in links] == expected
    assert all(link.method == "reference" and link.score == 1.0 and link.evidence for link in links)


def test_a_reference_to_a_listed_goal_by_its_number() -> None:
    goals = [_goal("M1", generated=True, label="1."), _goal("M2", generated=True, label="2.")]
    assert [
        link.goal_id for link in reference_links(_req("Systemet ska skicka sms, vilket bidrar till mål 2."), goals)
    ] == ["M2"]
    # A generated id is no text of the document: "(M1)" in a requirement cites nothing.
    assert reference_links(_req("Systemet ska ha en karta (M1)."), [_goal("M1", generated=True)]) == []


# -- meaning -------------------------------------------------------------------------------------------------


def test_swedish_compounds_and_lemmas() -> None:
    assert compound_parts("handläggningstiden") == ("handläggnings", "tiden")
    assert compound_parts("kontaktcenter") == ("kontakt", "center")
    assert compound_parts("ansökningar") is None  # a word the lemma table knows is no compound to split
    bag = terms("Handläggningstiderna för bygglov ska minska.", "sv").weights
    assert "handläggningstid" in bag and "bygglov" in bag and "~handläggningstid" in bag
    assert "minska" not in bag and "för" not in bag and "föra" not in bag  # generic and stop words


def test_meaning_links_in_swedish() -> None:
    goals = [
        _goal("Effektmål 1", "Handläggningstiden för bygglov ska minska från tio till fyra veckor."),
        _goal("Effektmål 2", "Antalet samtal till kontaktcenter om ärendestatus ska halveras."),
    ]
    requirements = [
        _req("Sökande ska kunna följa sitt ärende på Mina sidor, så att färre ringer till kontaktcenter.", rid="K1"),
        _req("Kommunen har behov av att följa upp handläggningstider per ärendetyp.", rid="K2"),
        _req("Systemet ska ha stöd för inloggning med BankID.", rid="K3"),
    ]
    links = link_requirements(requirements, goals, "sv")
    assert [(link.requirement_id, link.goal_id, link.method) for link in links] == [
        ("K1", "Effektmål 2", "meaning"),
        ("K2", "Effektmål 1", "meaning"),
    ]
    k1 = links[0]
    assert 0 < k1.score < 1 and "kontaktcenter" in k1.terms and k1.evidence.startswith(k1.terms[0])


def test_meaning_links_in_english_and_a_reference_wins() -> None:
    goals = [
        _goal("O1", "Calls from clients asking about the status of their case need to fall by half."),
        _goal("O2", "The County needs to meet its federal reporting obligations without manual compilation."),
    ]
    requirements = [
        _req(
            "The system should support SMS notifications to clients about the status of their case.", "en", rid="FR-1"
        ),
        _req("The system shall generate the quarterly federal reports automatically.", "en", rid="FR-2"),
        _req("The system shall show case status to clients, which supports objective O2.", "en", rid="FR-3"),
        _req("All data shall be encrypted at rest using AES-256.", "en", rid="NFR-1"),
    ]
    links = link_requirements(requirements, goals, "en")
    assert [(link.requirement_id, link.goal_id, link.method) for link in links] == [
        ("FR-1", "O1", "meaning"),
        ("FR-2", "O2", "meaning"),
        ("FR-3", "O2", "reference"),
    ]


def test_requirements_off_the_solution_are_not_linked() -> None:
    goals = [_goal("Effektmål 1", "Antalet samtal till kontaktcenter ska halveras.")]
    supplier = _req("Leverantören ska bemanna kontaktcenter vid samtalstoppar.").model_copy(
        update={"label": "out_of_scope"}
    )
    assert link_requirements([supplier], goals, "sv") == ()


def test_ug001_names_the_goal_a_flagged_requirement_resembles(tmp_path: Path) -> None:
    path = tmp_path / "krav.md"
    path.write_text(
        "# Krav\n## 2 Effektmål\nEffektmål 1: Handläggningstiden för bygglov ska minska från tio till fyra "
        "veckor.\n\nEffektmål 2: Antalet samtal till kontaktcenter om ärendestatus ska halveras.\n"
        "## 3 Krav på lösningen\nK1 Systemet ska visa ärendestatus för sökande och handläggare i "
        "kontaktcenter.\n\nK2 Systemet ska ha stöd för inloggning med BankID.\n",
        encoding="utf-8",
    )
    review = review_document(path)
    ug001 = {f.requirement_id: f for f in review.findings if f.code == "UG001"}
    assert (
        "Kravet liknar effektmål 2 (”" in ug001["K1"].message and "men säger inte att det bidrar" in ug001["K1"].message
    )
    # The matched goal first, with the words it shares with the requirement; the other goals after it.
    assert "så att [hur kravet bidrar till Effektmål 2 (”kontaktcenter" in ug001["K1"].suggestion
    assert ug001["K1"].suggestion.endswith("(eller [Effektmål 1]).")
    assert "liknar" not in ug001["K2"].message
    assert "(bidrar till [Effektmål 1 / Effektmål 2])" in ug001["K2"].suggestion
    # K2 serves no goal either: UG203 says so inside K2's UG001 (issue 17: one finding per question).
    assert [f.requirement_id for f in review.findings if f.code == "UG203"] == []
    assert "(UG203)" in ug001["K2"].message and "(UG203)" not in ug001["K1"].message
    assert [f.requirement_id for f in review.findings if f.code == "UG202"] == ["Effektmål 1"]


def test_the_context_names_only_goal_ids_of_the_document() -> None:
    context = DocumentContext(path="x", language="sv", goals=(_goal("Effektmål 1"), _goal("M2", generated=True)))
    assert context.goal_ids == ("Effektmål 1",)


# -- outputs -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def arende():
    return review_document(ROOT / "corpora" / "samples" / "sv-kravspecifikation-arendehantering.docx")


def test_text_and_markdown_give_per_goal_coverage(arende) -> None:
    text = render([arende], "text")
    assert "Mål och kraven som bidrar till dem" in text and "Effektmål 3" in text
    markdown = render([arende], "markdown")
    row = next(line for line in markdown.splitlines() if line.startswith("| Effektmål 3 |"))
    assert "K19" in row and "K5" in row and "via hänvisning" in row and "via innehåll" in row
    data = json.loads(render([arende], "json"))["documents"][0]
    coverage = {c["goal_id"]: c for c in data["goal_coverage"]}
    assert coverage["Effektmål 3"]["requirements"][:2] == ["K5", "K19"] and coverage["Effektmål 3"]["by_reference"] == 1
    assert {"requirement_id": "K19", "goal_id": "Effektmål 3", "method": "reference"}.items() <= next(
        link for link in data["links"] if link["requirement_id"] == "K19"
    ).items()


def test_html_report_has_an_escaped_goal_matrix(arende) -> None:
    from tests.test_report_html import assert_self_contained, parse

    evil = arende.model_copy(
        update={
            "path": "evil.docx",
            "goals": (arende.goals[0].model_copy(update={"id": EVIL, "text": EVIL}), *arende.goals[1:]),
            "links": (arende.links[0].model_copy(update={"goal_id": EVIL, "evidence": EVIL}), *arende.links[1:]),
        }
    )
    html = render_html([arende, evil])
    assert_self_contained(html)
    assert "<script>alert" not in html and "<img src=x" not in html
    dom = parse(render_html([arende]))
    assert dom.find("section", id="goal-matrix") and dom.find("table", id="matrix-1")
    goals = [a["title"] for a in dom.find("th") if a.get("class") == "goal"]
    assert goals == [g.text for g in arende.goals]
    marks = [a for a in dom.find("td") if a.get("data-method")]
    assert len(marks) == len(arende.links) and {a["data-method"] for a in marks} == {"reference", "meaning"}
    assert any(a["title"] == "hänvisning: effektmål 3" for a in marks)
    assert any(a["title"].startswith("innehåll 0.") for a in marks)


def test_findings_workbook_has_a_goals_and_requirements_sheet(arende, tmp_path: Path) -> None:
    path = findings_workbook([arende], tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Anmärkningar", "Mål och krav"]
    ws = wb["Mål och krav"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Krav-id")
    assert list(header[:5]) == ["Krav-id", "Krav", "Effektmål 1", "Effektmål 2", "Effektmål 3"]
    k19 = next(r for r in rows if r[0] == "K19" and r[1] and r[1].startswith("Systemet"))
    assert k19[4] == "●" and k19[2] is None
    k5 = next(r for r in rows if r[0] == "K5" and r[1] and r[1].startswith("Sökande"))
    assert k5[4] == "○"
    assert ("K19", "Effektmål 3", "hänvisning", 1, "effektmål 3") in [tuple(r[:5]) for r in rows]
    english = openpyxl.Workbook()
    sheet = goal_matrix_sheet(english, arende.model_copy(update={"goals": (), "links": ()}), "en")
    assert sheet.title == "Goals and requirements" and sheet["A3"].value == "The document states no goals."


# -- evaluation ----------------------------------------------------------------------------------------------


def test_eval_links_mode_scores_links_by_method(tmp_path: Path) -> None:
    doc = tmp_path / "krav.md"
    doc.write_text(
        "# Krav\n## 2 Effektmål\nEffektmål 1: Handläggningstiden för bygglov ska minska.\n\n"
        "Effektmål 2: Antalet samtal till kontaktcenter om ärendestatus ska halveras.\n"
        "## 3 Krav på lösningen\nK1 Systemet ska skicka sms till sökande, vilket bidrar till effektmål 2.\n\n"
        "K2 Sökande ska kunna följa sitt ärende på Mina sidor, så att färre ringer till kontaktcenter.\n\n"
        "K3 Systemet ska påminna handläggaren när en tidsfrist närmar sig.\n\n"
        "K4 Systemet ska ha stöd för inloggning med BankID.\n",
        encoding="utf-8",
    )
    records = [
        ("K1", "Systemet ska skicka sms till sökande, vilket bidrar till effektmål 2.", ["Effektmål 2"]),
        (
            "K2",
            "Sökande ska kunna följa sitt ärende på Mina sidor, så att färre ringer till kontaktcenter.",
            ["Effektmål 2"],
        ),
        ("K3", "Systemet ska påminna handläggaren när en tidsfrist närmar sig.", ["Effektmål 1"]),
        ("K4", "Systemet ska ha stöd för inloggning med BankID.", []),
    ]
    gold = tmp_path / "krav.links.jsonl"
    gold.write_text(
        "".join(
            json.dumps(
                {"document": doc.name, "requirement_id": rid, "requirement_text": text, "goal_ids": goals},
                ensure_ascii=False,
            )
            + "\n"
            for rid, text, goals in records
        ),
        encoding="utf-8",
    )
    assert gold_mode(gold) == "links"
    out = io.StringIO()
    assert run_eval([gold], EvalParams(fmt="json"), out=out, err=io.StringIO()) == 0
    data = json.loads(out.getvalue())
    assert data["mode"] == "links" and data["requirements"] == {"gold": 4, "paired": 4}
    assert data["links"]["gold"] == 3 and data["by_method"]["reference"]["correct"] == 1
    made = data["links"]["predicted"]
    assert data["links"]["precision"]["value"] == data["links"]["correct"] / made
    assert data["links"]["precision"]["ci"]["low"] <= data["links"]["precision"]["value"]  # a Wilson interval
    assert data["figures"]["links.recall"] == round(data["links"]["correct"] / 3, 4)
    text = io.StringIO()
    run_eval([gold], out=text, err=io.StringIO())
    assert "by method: meaning" in text.getvalue() and "Avvikelser / mismatches" in text.getvalue()
    # Links and spans in one run are refused: each mode scores something else.
    spans = tmp_path / "krav.spans.jsonl"
    spans.write_text(
        json.dumps({"document": doc.name, "text": "Systemet ska ha stöd för inloggning med BankID."}) + "\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    assert run_eval([gold, spans], out=io.StringIO(), err=err) == 2 and "mållänkar" in err.getvalue()


def test_the_committed_gold_links_name_existing_goals_and_requirements() -> None:
    files = sorted((ROOT / "corpora").glob("*/*.links.jsonl"))
    assert len(files) >= 4
    for path in files:
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        assert {r["document"] for r in records} and all(isinstance(r["goal_ids"], list) for r in records)
        assert len({r["requirement_id"] for r in records}) == len(records), path.name


def test_links_are_the_same_in_every_run() -> None:
    """Set iteration order changes with PYTHONHASHSEED; links and their evidence must not."""
    import os
    import subprocess
    import sys

    sample = Path(__file__).resolve().parents[1] / "corpora" / "samples" / "sv-kravspecifikation-arendehantering.docx"
    code = (
        "import json,sys; from upphandlingsgranskare.review import review_document; "
        "r = review_document(sys.argv[1]); print(json.dumps([l.model_dump() for l in r.links], ensure_ascii=False))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(sample)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and json.loads(runs[0])


# -- the meaning index against the plain definition -----------------------------------------------------------


def _plain_meaning_scores(requirements, goals, language):
    """Cosine of every requirement with every goal, written straight from the definition (no index)."""
    import math

    from upphandlingsgranskare.trace.link import _idf, _vector, goal_terms, requirement_terms

    req_terms = [requirement_terms(r) for r in requirements]
    goal_bags = [goal_terms(g, language) for g in goals]
    idf = _idf([t.weights for t in req_terms] + [t.weights for t in goal_bags])
    out = []
    for terms_ in req_terms:
        vec = _vector(terms_.weights, idf)
        norm = math.sqrt(sum(v * v for v in vec.values()))
        scored = []
        for goal, bag in zip(goals, goal_bags):
            gvec = _vector(bag.weights, idf)
            gnorm = math.sqrt(sum(v * v for v in gvec.values()))
            shared = {t: vec[t] * gvec[t] for t in sorted(vec.keys() & gvec.keys())}
            score = sum(shared.values()) / (norm * gnorm) if norm and gnorm else 0.0
            readable = tuple(
                dict.fromkeys(
                    bag.shown.get(t) or terms_.shown.get(t, t)
                    for t, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
                )
            )
            scored.append((goal.id, score, readable))
        out.append(sorted(scored, key=lambda s: -s[1]))
    return out


@pytest.mark.parametrize(
    "name",
    [
        "samples/sv-kravspecifikation-arendehantering.docx",
        "samples/en-rfp-case-management.docx",
        "traceability/en-rfq-contact-centre.md",
    ],
)
def test_meaning_scores_equal_the_plain_cosine_of_every_pair(name: str) -> None:
    # The index compares a requirement only with the goals sharing a term; every score, its shared terms
    # and the order must still be exactly those of comparing every pair.
    from upphandlingsgranskare.trace import meaning_scores

    seg = segment(extract(ROOT / "corpora" / name))
    goals = [g for g in seg.goals if g.id]
    assert len(goals) >= 3 and len(seg.requirements) >= 10
    indexed = [
        [(s.goal.id, s.score, s.shared) for s in row] for row in meaning_scores(seg.requirements, goals, seg.language)
    ]
    assert indexed == _plain_meaning_scores(seg.requirements, goals, seg.language)
    assert any(score > 0 for row in indexed for _, score, _ in row)
    assert any(score == 0 for row in indexed for _, score, _ in row)
