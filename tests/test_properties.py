"""Property tests: segmentation and checks on arbitrary text must not crash and must keep
their location guarantees.

Guarantees tested (read from the code, not wished for):
- ``segment`` gives every requirement and goal ``start``/``end`` offsets into
  ``ExtractedDocument.text`` with ``text[start:end] == requirement.text`` exactly (it slices
  block text by offset, never re-normalises), and the span lies inside one block.
- Every check runs as the review runs it (labelling checks first, goal links, per-requirement
  checks within their scope, document checks last); every finding carries the location and
  text of the requirement or goal it stands on, so the same slice equality holds for it.
- ``check.run`` flags exactly when ``check.assess`` says flagged, with the same finding.
- Goal links name a real requirement and goal, with a score in 0..1.
- Segmentation and checks are deterministic: the same blocks give the same findings.
- Requirement and goal texts are never blank, padded, or made only of invisible characters.
- Fingerprints are deterministic and ignore whitespace and case (``models.fingerprint``
  promises to survive re-extraction).
- The TXT/MD reader turns any text into non-empty blocks whose offsets match the joined text.

Profiles: "ci" (default, ~200 examples per test, ~35 s) and "long" (HYPOTHESIS_PROFILE=long:
4000 examples and longer lines; half an hour or more).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import unicodedata
from pathlib import Path

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from upphandlingsgranskare.checks import ALL_CHECKS, DocumentContext  # noqa: E402
from upphandlingsgranskare.extract import ExtractionError, extract, with_offsets  # noqa: E402
from upphandlingsgranskare.extract.characters import normalize  # noqa: E402
from upphandlingsgranskare.extract.text import parse_text  # noqa: E402
from upphandlingsgranskare.labelling import label_requirements  # noqa: E402
from upphandlingsgranskare.models import (  # noqa: E402
    Block,
    Cell,
    CellRole,
    ExtractedDocument,
    Finding,
    Location,
    Requirement,
    fingerprint,
)
from upphandlingsgranskare.review import review_document  # noqa: E402
from upphandlingsgranskare.segment import Segmentation, detect_language, segment  # noqa: E402

# Generated documents are large-ish by design (long lines); the health checks that complain
# about slow or large generation would only hide the cases we want.
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)
settings.register_profile("long", max_examples=4000, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Fragments per "very long line": ~60 characters each.
LONG_LINE_REPEATS = 300 if PROFILE.max_examples > 1000 else 60
# Tests that review every document twice get a quarter of the examples.
SLOW_PROFILE = settings(PROFILE, max_examples=max(20, PROFILE.max_examples // 4))


# -- vocabulary -------------------------------------------------------------------------

FRAGMENTS = [
    # Swedish, from the sample corpus and the annotation guide
    "Systemet ska ha stöd för inloggning med BankID och Freja eID+.",
    "E-tjänsten ska ha stöd för att ladda upp ritningar i formaten PDF, DWG och JPEG.",
    "För att minska andelen ofullständiga ansökningar ska e-tjänsten kontrollera bilagor",
    "E-tjänsten får inte kräva att sökande installerar någon programvara.",
    "E-tjänsten bör kunna visas på engelska och arabiska.",
    "Sökande ska kunna följa ärendet via Mina sidor, så att antalet samtal minskar.",
    "Leverantören ska ha ett certifierat ledningssystem enligt ISO 27001.",
    "Anbudet ska vara skrivet på svenska.",
    "Tjänsten ska ha en tillgänglighet om 99,5 % per månad.",
    "Systemet ska stödja följande:",
    "Motivering: ekonomienheten följer upp kostnader per enhet i eget verktyg.",
    "Effektmål 2: Handläggningstiden ska minska från tio till fyra veckor.",
    "Kommunen har behov av en gemensam lägesbild.",
    "Vid inloggning ska användaren välja organisation.",
    "vilket bidrar till effektmål 2",
    "i enlighet med lagen (2018:1937) om tillgänglighet",
    "t.ex. bl.a. m.m. d.v.s.",
    "Skall-krav",
    "Bör-krav",
    # English
    "The system shall provide a dashboard with real-time KPIs.",
    "The system must route new referrals to a caseworker queue, which supports objective O1.",
    "As a caseworker, I want to see all open cases so that I do not have to search.",
    "Caseworkers need to spend at least 30 % less time on documentation.",
    "The supplier shall provide training for administrators.",
    "The system will support SAML 2.0.",
    "Rationale: the County reports quarterly to the state.",
    "The solution should support the following:",
    "in order to",
    "e.g. i.e. etc.",
]
HEADINGS = [
    "4 Krav på lösningen",
    "4.2 Inloggning",
    "1 Bakgrund",
    "2 Syfte och mål",
    "Effektmål",
    "Mål",
    "3 Administrativa föreskrifter",
    "Krav på leverantören",
    "5 Requirements",
    "Business objectives",
    "Goals",
    "Functional requirements",
    "3.5 Kravtabell",
]
MODALS = [
    "ska",
    "skall",
    "måste",
    "bör",
    "får inte",
    "bör inte",
    "behöver",
    "har behov av",
    "SKA",
    "Skall",
    "shall",
    "must",
    "should",
    "will",
    "is required to",
    "needs to",
    "may not",
    "SHALL",
]
IDS = [
    "K12",
    "K1",
    "FR-3",
    "NFR-12",
    "REQ-001",
    "SR1.2",
    "O3",
    "G1",
    "E2",
    "4.2.1",
    "3.2",
    "1.",
    "SKA-krav 7",
    "Bör-krav 3",
    "Krav 12",
    "Req. 4",
    "[K3]",
    "Effektmål 2",
    "Objective O3",
    "Goal 1",
    "ÅÄÖ9",
]
NUMBERS = ["99,5 %", "12 000", "2024", "2026-01-15", "0", "-1", "1e9", "3/4", "45-day", "(2018:1937)"]
PUNCTUATION = list(".,;:!?()[]{}\"'”“«»–—-/\\|…*#&%§@") + ["...", ". ", ": ", " – ", "||", "|"]
BULLETS = ["•", "-", "*", "–", "o", "1.", "2)", "a)", "iv.", "▪", "\uf0b7", "➢"]
SPECIAL = [
    "åäö",
    "ÅÄÖ",
    "é",
    "ü",
    "ß",
    "İ",
    "ı",
    "ﬁ",
    "Å",
    "A\u030a",  # precomposed and combining Å
    "\u00a0",
    "\u202f",
    "\u2007",
    "\u3000",  # NBSP and friends
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",  # zero-width, BOM, soft hyphen
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2069",  # bidi
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufffe",
    "\uffff",
    "\ufffd",
    "\t",
    "\U0001f600",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627",
    "中文",
    "\u0301",
]
SEPARATORS = [" ", " ", " ", "", "  ", "\u00a0", ", ", ". ", "\t", " \u200b"]

_word = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
_latin_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ-", min_size=1, max_size=12)
_token = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(MODALS),
    st.sampled_from(IDS),
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**6), max_value=10**12).map(str),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(BULLETS),
    st.sampled_from(SPECIAL),
    st.sampled_from(HEADINGS),
    _latin_word,
    _word,
)


@st.composite
def sentence_text(draw: st.DrawFn, max_tokens: int = 25) -> str:
    tokens = draw(st.lists(_token, max_size=max_tokens))
    out = ""
    for token in tokens:
        out += draw(st.sampled_from(SEPARATORS)) + token
    return out


@st.composite
def long_line(draw: st.DrawFn) -> str:
    """A very long line: one fragment repeated, with or without sentence ends between."""
    fragment = draw(st.sampled_from(FRAGMENTS))
    joiner = draw(st.sampled_from([" ", " och ", " and ", ", "]))
    count = draw(st.integers(min_value=10, max_value=LONG_LINE_REPEATS))
    if draw(st.booleans()):
        fragment = fragment.rstrip(".:")  # one endless sentence
    return joiner.join([fragment] * count)


# Long lines are drawn at most once per document (see ``blocks``): the rule-based matcher
# costs ~0.25 ms per token, and one long line per document is enough to exercise them.
_block_text = st.one_of(sentence_text(), sentence_text(), sentence_text(), st.just(""), st.just(" "))


@st.composite
def blocks(draw: st.DrawFn, normalised: bool) -> list[Block]:
    """Blocks as the extractors build them; ``normalised`` applies their text normalisation."""

    def clean(text: str) -> str:
        # Extractors normalise every block; raw text still reaches segment() through its API.
        # "\n" is the block separator of ExtractedDocument.text, so only sheet cells keep it.
        return normalize(text) if normalised else text.replace("\n", " ").replace("\r", " ")

    count = draw(st.integers(min_value=0, max_value=10))
    long_at = draw(st.integers(min_value=-3 * count - 1, max_value=count - 1)) if count else -1  # a long line in ~1/4
    out: list[Block] = []
    for i in range(count):
        kind = draw(
            st.sampled_from(["heading", "paragraph", "paragraph", "list_item", "list_item", "table_row", "sheet_row"])
        )
        if kind in ("table_row", "sheet_row"):
            n = draw(st.integers(min_value=1, max_value=5))
            cells = []
            for c in range(n):
                text = clean(
                    draw(
                        st.one_of(_block_text, st.sampled_from(IDS), st.sampled_from(["ska", "bör", "M", "D", "X", ""]))
                    )
                )
                role = draw(st.sampled_from(list(CellRole)))
                header = draw(st.one_of(st.none(), st.sampled_from(["Krav", "Kravtext", "Id", "Motivering", "Typ"])))
                cells.append(
                    Cell(
                        text=text, role=role, header=header, ref=f"{'ABCDE'[c]}{i + 1}" if kind == "sheet_row" else None
                    )
                )
            if kind == "sheet_row":
                text = " | ".join(c.text for c in cells)  # xlsx.py joins every kept cell
                location = Location(file="doc.xlsx", sheet="Krav", row=i + 1, cell=cells[0].ref)
            else:
                text = " | ".join(c.text for c in cells if c.text)  # docx_reader.py/text.py skip empty cells
                location = Location(file="doc.docx", table=0, row=i)
            out.append(
                Block(
                    text=text,
                    kind=kind,
                    location=location,
                    cells=tuple(cells),  # type: ignore[arg-type]
                    is_header=draw(st.booleans()) and draw(st.booleans()),
                )
            )
            continue
        if kind == "heading":
            text = clean(draw(st.one_of(st.sampled_from(HEADINGS), sentence_text(max_tokens=6))))
            level = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=7)))
        else:
            text = clean(draw(long_line() if i == long_at else _block_text))
            level = None
        label = draw(st.sampled_from(BULLETS)) if kind == "list_item" else None
        out.append(
            Block(
                text=text,
                kind=kind,
                level=level,
                list_label=label,  # type: ignore[arg-type]
                location=Location(file="doc.pdf", page=1 + i // 4, paragraph=i),
            )
        )
    return out


def build(raw: list[Block]) -> ExtractedDocument:
    # with_offsets is what every extractor uses to place its blocks in ExtractedDocument.text.
    return ExtractedDocument(path="doc.pdf", format="pdf", blocks=with_offsets(raw))


# -- invariants -------------------------------------------------------------------------


def assert_span(document: ExtractedDocument, location: Location, expected: str, what: str) -> None:
    text = document.text
    start, end = location.start, location.end
    assert start is not None and end is not None, f"{what}: no offsets"
    assert 0 <= start <= end <= len(text), f"{what}: span {start}:{end} outside 0:{len(text)}"
    assert text[start:end] == expected, f"{what}: text[{start}:{end}]={text[start:end]!r} != {expected!r}"
    inside = [b for b in document.blocks if b.location.start <= start and end <= b.location.end]
    assert inside, f"{what}: span {start}:{end} crosses a block boundary"


def _link(requirements: list[Requirement], goals: tuple, language: str) -> tuple:
    try:  # goal traceability, where this version of the review has it
        from upphandlingsgranskare.trace import link_requirements
    except ImportError:
        return ()
    return tuple(link_requirements(requirements, goals, language))


def review_invariants(document: ExtractedDocument, language: str | None) -> tuple[Segmentation, list[Finding]]:
    """Segment and run every check in the review's order; assert the guarantees; return both results.

    As ``review_document``: the labelling stage labels every requirement first, requirements are
    linked to goals, then the checks run per requirement (within their scope) and per document
    (``run_document``).
    """
    detected = detect_language(document.text)
    assert detected in ("sv", "en")
    assert detect_language(document.text) == detected
    segmentation = segment(document, language)  # type: ignore[arg-type]
    assert segmentation.language == (language or detected)
    for requirement in segmentation.requirements:
        assert requirement.language == segmentation.language
        assert_span(document, requirement.location, requirement.text, f"requirement {requirement.id}")
    for goal in segmentation.goals:
        assert_span(document, goal.location, goal.text, f"goal {goal.id}")

    context = DocumentContext(path=document.path, language=segmentation.language, goals=tuple(segmentation.goals))
    # The labelling stage labels every requirement (rules and label model) before any check reads it.
    requirements, _ = label_requirements(segmentation.requirements, context)
    findings: list[Finding] = []
    for requirement in requirements:
        assert requirement.label is not None and requirement.label_reason is not None
    links = _link(requirements, context.goals, segmentation.language)
    requirement_ids = {r.id for r in requirements}
    goal_ids = {g.id for g in segmentation.goals}
    for link in links:
        assert link.requirement_id in requirement_ids and link.goal_id in goal_ids, link
        assert 0.0 <= link.score <= 1.0, link
    if links:
        context = dataclasses.replace(context, links=links)
    for check in ALL_CHECKS:
        for requirement in requirements:
            if getattr(check, "applies_to", lambda r: True)(requirement):
                findings.extend(check.run(requirement, context))
        run_document = getattr(check, "run_document", None)
        if run_document is not None:
            findings.extend(run_document(requirements, context))

    codes = {c.code for c in ALL_CHECKS}
    by_span = {(r.location.start, r.location.end): r for r in requirements}
    by_span.update({(g.location.start, g.location.end): g for g in segmentation.goals})
    for finding in findings:
        assert finding.code in codes
        assert finding.fingerprint == fingerprint(finding.code, finding.location.file, finding.requirement_text)
        # A finding stands on a requirement (or, for goal and document findings, a goal or the
        # requirement it is anchored on): its span and text are that one's.
        assert_span(
            document, finding.location, finding.requirement_text, f"finding {finding.code} {finding.requirement_id}"
        )
        anchor = by_span.get((finding.location.start, finding.location.end))
        assert anchor is not None and anchor.text == finding.requirement_text, f"{finding.code}: no anchor"
        assert finding.language in ("sv", "en")
    return segmentation, findings


_language = st.sampled_from([None, "sv", "en"])


def texts_of(segmentation: Segmentation) -> list[str]:
    return [r.text for r in segmentation.requirements] + [g.text for g in segmentation.goals]


def assert_trimmed(segmentation: Segmentation) -> None:
    # Every path in segment() strips its text, so a requirement or goal is never blank or padded.
    for text in texts_of(segmentation):
        assert text and text == text.strip(), f"blank or padded requirement/goal text {text!r}"


def visible(text: str) -> bool:
    # Whitespace, control (Cc) and format (Cf: zero-width, bidi marks, BOM) characters render as nothing.
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") for ch in text)


# -- properties -------------------------------------------------------------------------


_LEAD_IN = Block(text="Systemet ska stödja följande:", kind="paragraph", location=Location(file="doc.pdf"))


@PROFILE
@given(raw=blocks(normalised=True), language=_language)
@example(raw=[_LEAD_IN, Block(text="påminnelser", kind="list_item", location=Location(file="doc.pdf"))], language=None)
def test_segment_and_checks_on_extractor_like_blocks(raw: list[Block], language: str | None) -> None:
    segmentation, _ = review_invariants(build(raw), language)
    assert_trimmed(segmentation)  # normalised blocks are stripped, so their requirements are too


@PROFILE
@given(raw=blocks(normalised=False), language=_language)
def test_segment_and_checks_on_raw_blocks(raw: list[Block], language: str | None) -> None:
    # segment() is public API: blocks that skipped normalisation (control chars, NBSP, bidi
    # marks, stray whitespace) must not break it either.
    review_invariants(build(raw), language)


# Regression guard: segment() used to keep a blank or padded list item under a lead-in as is.
@PROFILE
@given(raw=blocks(normalised=False))
@example(raw=[_LEAD_IN, Block(text=" ", kind="list_item", location=Location(file="doc.pdf"))])
def test_raw_blocks_give_no_blank_or_padded_requirements(raw: list[Block]) -> None:
    assert_trimmed(segment(build(raw)))


# Regression guard: normalize() used to keep bidi marks and C0 controls, so an item of only
# those became an invisible requirement.
@PROFILE
@given(raw=blocks(normalised=True))
@example(raw=[_LEAD_IN, Block(text=normalize("\u200e"), kind="list_item", location=Location(file="doc.pdf"))])
def test_requirements_have_visible_text(raw: list[Block]) -> None:
    for text in texts_of(segment(build(raw))):
        assert visible(text), f"invisible requirement/goal text {text!r}"


@SLOW_PROFILE
@given(raw=blocks(normalised=True), language=_language)
def test_review_is_deterministic(raw: list[Block], language: str | None) -> None:
    document = build(raw)
    _, first = review_invariants(document, language)
    _, again = review_invariants(build(raw), language)
    assert [f.fingerprint for f in first] == [f.fingerprint for f in again]
    assert first == again


@st.composite
def text_file(draw: st.DrawFn) -> str:
    """A whole .txt/.md file: lines of text, blank lines, bullets, ids, headings, tables."""
    lines = []
    allow_long = draw(st.integers(min_value=0, max_value=3)) == 0  # as in blocks(): a long line in ~1/4
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        shape = draw(
            st.sampled_from(["text", "text", "blank", "bullet", "id", "heading", "md_heading", "table", "long"])
        )
        if shape == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t", "\u00a0"])))
        elif shape == "bullet":
            lines.append(f"{draw(st.sampled_from(BULLETS))} {draw(sentence_text(max_tokens=15))}")
        elif shape == "id":
            lines.append(
                f"{draw(st.sampled_from(IDS))}{draw(st.sampled_from([' ', ': ', '. ', ') ']))}{draw(sentence_text(max_tokens=15))}"
            )
        elif shape == "heading":
            lines.append(draw(st.sampled_from(HEADINGS)))
        elif shape == "md_heading":
            lines.append(f"{'#' * draw(st.integers(1, 7))} {draw(st.sampled_from(HEADINGS))}")
        elif shape == "table":
            width = draw(st.integers(1, 4))
            header = draw(st.sampled_from(["| Id | Krav | Motivering |", "| Nr | Requirement | Type |", "| a |"]))
            rows = [
                " | ".join(draw(sentence_text(max_tokens=5)) for _ in range(width))
                for _ in range(draw(st.integers(0, 3)))
            ]
            lines += [header, "|---|---|---|", *(f"| {r} |" for r in rows)]
        elif shape == "long" and allow_long and not any(len(line) > 1000 for line in lines):
            lines.append(draw(long_line()))
        else:
            lines.append(draw(sentence_text(max_tokens=15)))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines)


@PROFILE
@given(source=text_file(), markdown=st.booleans(), language=_language)
def test_text_reader_blocks_and_review(source: str, markdown: bool, language: str | None) -> None:
    blocks_ = parse_text(source, "doc.md" if markdown else "doc.txt", markdown=markdown)
    document = ExtractedDocument(path="doc.txt", format="md" if markdown else "txt", blocks=with_offsets(blocks_))
    position = 0
    for block in document.blocks:
        assert block.text, "empty block"
        assert "\n" not in block.text and "\r" not in block.text
        assert block.text == block.text.strip()
        assert (block.location.start, block.location.end) == (position, position + len(block.text))
        position += len(block.text) + 1
    segmentation, _ = review_invariants(document, language)
    assert_trimmed(segmentation)


@SLOW_PROFILE
@given(
    source=text_file(),
    suffix=st.sampled_from([".txt", ".md"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_review_document_on_text_files(source: str, suffix: str, encoding: str) -> None:
    """The real pipeline through a file: either ExtractionError or a review with valid spans."""
    data = source.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            document = extract(path)
        except ExtractionError:
            with pytest.raises(ExtractionError):
                review_document(path)
            return
        review = review_document(path)
        again = review_document(path)
    assert review == again
    for requirement in review.requirements:
        assert_span(document, requirement.location, requirement.text, f"requirement {requirement.id}")
    for finding in review.findings:
        assert_span(document, finding.location, finding.requirement_text, f"finding {finding.requirement_id}")
        assert finding.fingerprint == fingerprint(finding.code, str(path), finding.requirement_text)


@PROFILE
@given(
    text=sentence_text(),
    code=st.sampled_from(["UG001", "UG002"]),
    file=st.sampled_from(["a.pdf", "dir/b.docx"]),
    spaces=st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2003", " \r\n "]), min_size=1, max_size=8),
)
def test_fingerprint_is_stable_and_ignores_whitespace_and_case(
    text: str, code: str, file: str, spaces: list[str]
) -> None:
    value = fingerprint(code, file, text)
    assert value == fingerprint(code, file, text)
    assert len(value) == 16 and int(value, 16) >= 0
    # Re-extraction may re-wrap lines, change whitespace runs, or re-case (PDF small caps).
    words = text.split()
    rejoined = spaces[0] + "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    assert fingerprint(code, file, rejoined) == value
    assert fingerprint(code, file, text.casefold()) == value
    if words:
        assert fingerprint("UGX", file, text) != value
