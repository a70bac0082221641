"""Find requirements and stated goals in an extracted document.

A requirement is found by
- a modal verb in a sentence (ska, skall, måste, bör, får inte; shall, must, should, is required),
  or a need phrase (behöver, har behov av; needs to),
- a requirement id at the start of a paragraph ("K12", "4.2.1", "SKA-krav 7", "FR-3"),
- a row of a requirement matrix (a table or sheet whose header names a requirement column),
- an item of a list introduced by a requirement that ends with a colon
  ("Systemet ska stödja följande:" followed by "Påminnelse till de som ska signera").

Each requirement keeps its kind (ska/bör), its section heading path, its attached rationale
(a rationale cell, a "Motivering:" paragraph right after it, or a following sentence that
begins with a purpose marker) and its context (the lead-in of its list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .._yaml import load_data_file
from ..budget import check_budget, check_requirement_count
from ..models import Block, CellRole, ExtractedDocument, Goal, Language, Requirement, RequirementKind
from ..nlp.lexicon import compile_phrase_regex
from ..nlp.pipeline import Pipeline, get_pipeline
from ..trace.goals import GoalCandidate, SectionKind, finalise, is_goal_item, is_lead_in, section_kind, states_goal
from .language import detect_language

# "SKA-krav 7", "Bör-krav 3", "Krav 12"
_KIND_ID = (
    r"(?:(?P<kindword>ska|skall|bör|must|should)[- ]?(?:krav|requirement)|krav|req(?:uirement)?)\s*\.?\s*\d+[a-z]?"
)
# "K12", "FR-3", "NFR-12", "REQ-001", "SR1.2", "O3" (needs a letter prefix of at most 6 letters)
_CODE_ID = r"[A-ZÅÄÖ]{1,6}[-_.]?\d+(?:\.\d+)*[a-z]?"
# "4.2.1" (at least one dot, so a plain "3" or a year is no id)
_NUMBER_ID = r"\d+(?:\.\d+){1,4}"
REQUIREMENT_ID = re.compile(
    rf"^\s*(?:\[\s*)?(?P<id>{_KIND_ID}|{_CODE_ID}|{_NUMBER_ID})(?:\s*\])?(?:\s*[:.)–—-]\s*|\s+)(?=\S)", re.IGNORECASE
)
_ID_ONLY = re.compile(rf"^\s*(?P<id>{_KIND_ID}|{_CODE_ID}|{_NUMBER_ID})\s*[:.]?\s*$", re.IGNORECASE)
GOAL_ID = re.compile(
    r"^\s*(?P<id>(?:effektmål|projektmål|verksamhetsmål|mål|objective|goal|business objective)\s*(?:nr\.?\s*)?[A-Z]?\d+[a-z]?|[OGEM]\d+)\s*[:.)–-]?\s*",
    re.IGNORECASE,
)
_NAMED_GOAL = re.compile(r"(?i)effektmål|projektmål|verksamhetsmål|objective|goal")
NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+\S")
# A lead-in without its colon: the sentence stops on a word that needs a continuation, and the
# list that follows supplies it ("Staff should have the ability to" + "add, delete, or amend lines").
_DANGLING_END = re.compile(
    r"(?i)(?<!\w)(?:to|the|following|include|including|of|for|with|by|att|följande|för|med|av|till|"
    r"kunna|inkludera|omfatta|bland annat)$"
)

_KIND_WORDS: dict[str, RequirementKind] = {
    "ska": "ska",
    "skall": "ska",
    "måste": "ska",
    "obligatorisk": "ska",
    "obligatoriskt": "ska",
    "krav": "ska",
    "ska-krav": "ska",
    "skall-krav": "ska",
    "mandatory": "ska",
    "must": "ska",
    "shall": "ska",
    "m": "ska",
    "required": "ska",
    "ja": "ska",
    "x": "ska",
    "obligatorisk/ja": "ska",
    "bör": "bör",
    "bör-krav": "bör",
    "önskvärt": "bör",
    "önskemål": "bör",
    "meriterande": "bör",
    "desirable": "bör",
    "should": "bör",
    "d": "bör",
    "optional": "bör",
    "desired": "bör",
    "preferred": "bör",
    "ønsket": "bör",
    "valfritt": "bör",
    "option": "bör",
}


def kind_from_cell(text: str) -> RequirementKind | None:
    word = text.strip().lower().rstrip(".")
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    first = re.split(r"[\s/,(]", word, maxsplit=1)[0]
    return _KIND_WORDS.get(first)


@dataclass(frozen=True)
class _Sentence:
    text: str
    start: int  # offset in the block (or cell) text
    kind: RequirementKind | None  # None: no modal
    is_need: bool = False


@dataclass
class Segmentation:
    language: Language
    requirements: list[Requirement] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)


@lru_cache(maxsize=4096)  # paragraphs and cells recur within a tender and across a batch; _Sentence is frozen
def _sentences(language: Language, text: str) -> tuple[_Sentence, ...]:
    pipeline = get_pipeline(language)
    if not _modal_hint(language).search(text):
        return (_Sentence(text=text.strip(), start=len(text) - len(text.lstrip()), kind=None),) if text.strip() else ()
    doc = pipeline(text)
    matches = pipeline.matches(doc)
    modal_tokens: dict[int, tuple[RequirementKind, bool]] = {}
    modal_labels: tuple[tuple[str, RequirementKind, bool], ...] = (
        ("modal_ska", "ska", False),
        ("modal_bör", "bör", False),
        ("need_modals", "unknown", True),
        ("story_modals", "unknown", False),
    )
    for label, modal_kind_, need in modal_labels:
        for start, _ in matches.get(label, []):
            modal_tokens.setdefault(start, (modal_kind_, need))
    weak = {start for start, _ in matches.get("weak_modals", [])}
    subjects = {s for s, _ in matches.get("will_subjects", [])}
    out: list[_Sentence] = []
    for sent in doc.sents:
        kind: RequirementKind | None = None
        is_need = False
        # "får inte" and "bör inte" are matched as phrases; the first modal decides the kind.
        for i in range(sent.start, sent.end):
            if i in modal_tokens:
                kind, is_need = modal_tokens[i]
                break
            # English "will" is a requirement only after the solution or a party ("The system will ...").
            if i in weak and any(s in subjects for s in range(sent.start, i)):
                kind = "ska"
                break
        start = sent.start_char
        text_ = sent.text.strip()
        if text_:
            out.append(
                _Sentence(
                    text=text_, start=start + (len(sent.text) - len(sent.text.lstrip())), kind=kind, is_need=is_need
                )
            )
    return tuple(out)


def modal_kind(text: str, language: Language) -> RequirementKind:
    """ska or bör as segmentation reads the first sentence of ``text`` that carries a modal verb
    (English "will" after the solution or a party counts as ska); "unknown" when none does."""
    return next((s.kind for s in _sentences(language, text) if s.kind is not None), "unknown")


@cache
def _modal_hint(language: Language) -> re.Pattern[str]:
    """Cheap pre-filter: text without any modal word needs no spaCy pass (large sheets of data)."""
    lex = get_pipeline(language).lexicon
    modal_phrases = [p for group in lex.modals.values() for p in group]
    modal_phrases += lex.words("need_modals") + lex.words("story_modals") + lex.words("weak_modals")
    return compile_phrase_regex(modal_phrases)


@cache
def _qualifiers(language: Language) -> tuple[re.Pattern[str], ...]:
    """Sentences that qualify the requirement before them (``data/qualifiers.yaml``)."""
    patterns = load_data_file("upphandlingsgranskare.segment", "data", "qualifiers.yaml")[language]
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


class _Segmenter:
    def __init__(self, document: ExtractedDocument, language: Language):
        self.document = document
        self.language = language
        self.pipeline: Pipeline = get_pipeline(language)
        lex = self.pipeline.lexicon
        self.goal_candidates: list[GoalCandidate] = []
        self.rationale_label = re.compile(
            r"^\s*(?:" + "|".join(re.escape(w) for w in lex.words("rationale_labels")) + r")\s*[:：–-]\s*",
            re.IGNORECASE,
        )
        self.purpose_start = compile_phrase_regex(lex.words("purpose_markers"))
        self.result = Segmentation(language=language)
        self.headings: list[tuple[int, str]] = []
        self.counter = 0
        self.pending_id: str | None = None
        # A requirement ending in ":" whose list items may follow: (requirement, index in result)
        self.lead_in: tuple[Requirement, int] | None = None
        self.lead_in_items = 0
        self.last_block_requirements: list[int] = []

    # -- helpers --------------------------------------------------------------------------
    @property
    def heading_path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def goal_section(self) -> SectionKind | None:
        """'goal' or 'background' when the innermost heading opens such a section (see trace.goals)."""
        return section_kind(self.headings[-1][1], self.language) if self.headings else None

    def next_id(self) -> str:
        self.counter += 1
        return f"R{self.counter}"

    def sentences(self, text: str) -> list[_Sentence]:
        return list(_sentences(self.language, text))

    def make(
        self,
        *,
        text: str,
        kind: RequirementKind,
        block: Block,
        offset: int,
        req_id: str | None,
        rationale: str | None = None,
        context: str | None = None,
        cell_ref: str | None = None,
        matrix_row: bool = False,
    ) -> Requirement:
        loc = block.location
        start = (loc.start or 0) + offset
        update: dict = {"start": start, "end": start + len(text)}
        if cell_ref is not None:
            update["cell"] = cell_ref
        source_id = req_id is not None
        return Requirement(
            id=req_id or self.next_id(),
            text=text,
            kind=kind,
            location=loc.model_copy(update=update),
            language=self.language,
            heading_path=self.heading_path,
            rationale=rationale or None,
            context=context,
            source_id=source_id,
            matrix_row=matrix_row,
        )

    def add(self, requirement: Requirement) -> None:
        check_requirement_count(len(self.result.requirements) + 1)
        self.result.requirements.append(requirement)
        self.last_block_requirements.append(len(self.result.requirements) - 1)

    def attach_rationale(self, text: str) -> bool:
        """Attach ``text`` to the requirement(s) of the previous block; False if there is none."""
        if not self.last_block_requirements:
            return False
        index = self.last_block_requirements[-1]
        req = self.result.requirements[index]
        rationale = f"{req.rationale} {text}" if req.rationale else text
        self.result.requirements[index] = req.model_copy(update={"rationale": rationale})
        return True

    # -- blocks ---------------------------------------------------------------------------
    def run(self) -> Segmentation:
        for block in self.document.blocks:
            check_budget()
            previous = self.last_block_requirements
            self.last_block_requirements = []
            if block.kind == "heading" and self.is_requirement_heading(block.text):
                # A numbered requirement that extraction took for a heading ("3.2.1 Anbudet ska vara ...").
                self.paragraph(block, previous)
            elif block.kind == "heading":
                self.heading(block)
                self.end_lead_in()
                self.pending_id = None
            elif block.kind in ("table_row", "sheet_row"):
                self.end_lead_in()
                self.row(block)
            else:
                self.paragraph(block, previous)
        self.end_lead_in()
        self.result.goals = finalise(self.goal_candidates)
        return self.result

    def is_requirement_heading(self, text: str) -> bool:
        if not text.rstrip().endswith((".", "!")) or len(text.split()) < 4:
            return False
        return any(s.kind for s in self.sentences(text))

    def heading(self, block: Block) -> None:
        level = block.level or 1
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, block.text))

    def end_lead_in(self) -> None:
        self.lead_in = None
        self.lead_in_items = 0

    def goal(self, text: str, block: Block, offset: int, *, structured: bool, goal_id: str | None = None) -> None:
        """Record a goal; a leading id ("Effektmål 2: ") becomes its id and leaves its text."""
        match = GOAL_ID.match(text) if goal_id is None else None
        if match and match.end() < len(text):
            goal_id = match.group("id").strip()
            offset += match.end()
            text = text[match.end() :]
        stripped = text.strip()
        if not stripped:
            return
        offset += len(text) - len(text.lstrip())
        start = (block.location.start or 0) + offset
        heading = self.headings[-1][1] if self.headings else ""
        label = block.list_label if block.kind == "list_item" else None
        self.goal_candidates.append(
            GoalCandidate(
                Goal(
                    id=goal_id,
                    text=stripped,
                    heading=heading,
                    label=label,
                    location=block.location.model_copy(update={"start": start, "end": start + len(stripped)}),
                ),
                structured=structured,
            )
        )

    def goal_paragraph(self, block: Block, section: SectionKind) -> bool:
        """Goals in a paragraph or list item of a goal or background section; False when it holds none."""
        text = block.text
        if (
            section == "goal"
            and block.kind == "list_item"
            and not is_lead_in(text, self.language)
            and is_goal_item(text)
        ):
            self.goal(text, block, 0, structured=True)
            return True
        found = False
        for sent in self.pipeline(text).sents:
            sentence = sent.text.strip()
            if sentence and states_goal(sentence, self.language, section):
                self.goal(
                    sentence, block, sent.start_char + (len(sent.text) - len(sent.text.lstrip())), structured=False
                )
                found = True
        return found

    def goal_row(self, block: Block) -> None:
        """A row of a table in a goal section: the goal is its text cell, else the row without its id cell."""
        if block.is_header:
            return
        text_cell = block.cell(CellRole.TEXT)
        if text_cell is not None:
            id_cell = block.cell(CellRole.ID)
            self.goal(
                text_cell.text,
                block,
                max(block.text.find(text_cell.text), 0),
                structured=True,
                goal_id=id_cell.text.strip() if id_cell else None,
            )
            return
        cells = [c.text for c in block.cells if c.text.strip()]
        if not cells:
            return
        if (
            block.location.row in (0, None)
            and all(len(c.split()) <= 4 for c in cells)
            and not any(ch.isdigit() for ch in block.text)
            and not states_goal(block.text, self.language, "goal")
        ):
            return  # the header row of a table whose columns extraction did not recognise ("Mål | Nuläge | Målvärde")
        first = cells[0].strip()
        if (
            len(cells) > 1
            and (_ID_ONLY.match(first) or GOAL_ID.fullmatch(first))
            and block.text.startswith(first + " | ")
        ):
            self.goal(block.text[len(first) + 3 :], block, len(first) + 3, structured=True, goal_id=first.rstrip(":."))
        else:
            self.goal(block.text, block, 0, structured=True)

    def paragraph(self, block: Block, previous: list[int]) -> None:
        text = block.text
        # "Motivering: ..." right after a requirement is its rationale.
        label = self.rationale_label.match(text)
        if label and previous:
            self.last_block_requirements = previous
            self.attach_rationale(text[label.end() :].strip() or text)
            return
        # Goals: named goals ("Effektmål 2: ...") anywhere, numbered ones ("O3: ...") in a goal section,
        # and in goal and background sections the items and sentences that state a goal (trace.goals).
        goal_match = GOAL_ID.match(text)
        section = self.goal_section()
        if goal_match and (section or _NAMED_GOAL.match(goal_match.group("id"))):
            self.goal(text, block, 0, structured=True)
            return
        if section and self.goal_paragraph(block, section):
            return
        # An id alone on its line names the requirement that follows.
        only_id = _ID_ONLY.match(text)
        if only_id and re.match(r"[A-Za-zÅÄÖåäö]", only_id.group("id")):
            self.pending_id = only_id.group("id")
            return

        # List item under a lead-in requirement ("Systemet ska stödja följande:").
        if self.lead_in is not None and block.kind == "list_item":
            lead, lead_index = self.lead_in
            item = text.strip()
            if not item:
                return  # an empty bullet is no requirement
            item_offset = len(text) - len(text.lstrip())
            item_sentences = self.sentences(item)
            kind = next((s.kind for s in item_sentences if s.kind), None) or lead.kind
            self.lead_in_items += 1
            # Items of a numbered lead-in ("K16 ... följande:") are numbered under it: K16.1, K16.2 ...
            item_id = f"{lead.id}.{self.lead_in_items}" if lead.source_id else None
            self.add(
                self.make(text=item, kind=kind, block=block, offset=item_offset, req_id=item_id, context=lead.text)
            )
            if self.lead_in_items == 1:
                # The items carry the lead-in; it is context, not a requirement of its own.
                self.result.requirements.pop(lead_index)
                self.last_block_requirements = [len(self.result.requirements) - 1]
                self.lead_in = (lead, -1)
            return
        if block.kind != "list_item":
            self.end_lead_in()

        req_id = self.pending_id
        self.pending_id = None
        body_offset = 0
        id_match = REQUIREMENT_ID.match(text)
        if id_match and not (
            block.kind == "list_item" and NUMBERED_HEADING.match(text) and not id_match.group("kindword")
        ):
            req_id = id_match.group("id").strip()
            body_offset = id_match.end()
        body = text[body_offset:]
        sentences = self.sentences(body)
        modal = [s for s in sentences if s.kind]
        id_kind = _kind_from_id(req_id)

        if req_id is not None and (modal or id_match):
            # A numbered requirement is the whole paragraph, so a purpose in its second sentence counts.
            kind = id_kind or (modal[0].kind if modal else None) or "unknown"
            if not modal and id_match and NUMBERED_HEADING.match(text) and not id_kind:
                return  # "4.2 Something" without a modal verb is a section title, not a requirement
            self.add(
                self.make(
                    text=body.strip(),
                    kind=kind,
                    block=block,
                    offset=body_offset + (len(body) - len(body.lstrip())),
                    req_id=req_id,
                )
            )
            self.maybe_lead_in(body)
            return

        self.sentence_requirements(block, body, body_offset, sentences, req_id)
        self.maybe_lead_in(body)

    def sentence_requirements(
        self, block: Block, body: str, body_offset: int, sentences: list[_Sentence], req_id: str | None
    ) -> None:
        """One requirement per sentence with a modal verb, with the sentences that qualify it ("Likvärdiga
        produkter godtas.", "Med snabbt avses ...") and a following purpose sentence as its rationale."""
        for i, sentence in enumerate(sentences):
            if not sentence.kind:
                continue
            last = i
            while (
                last + 1 < len(sentences) and not sentences[last + 1].kind and self.qualifies(sentences[last + 1].text)
            ):
                last += 1
            rationale = None
            following = sentences[last + 1] if last + 1 < len(sentences) else None
            if following is not None and not following.kind and self.starts_with_purpose(following.text):
                rationale = following.text
            text = body[sentence.start : sentences[last].start + len(sentences[last].text)]
            self.add(
                self.make(
                    text=text,
                    kind=sentence.kind,
                    block=block,
                    offset=body_offset + sentence.start,
                    req_id=req_id,
                    rationale=rationale,
                )
            )
            req_id = None

    def starts_with_purpose(self, text: str) -> bool:
        match = self.purpose_start.search(text)
        return match is not None and match.start() < 12

    def qualifies(self, text: str) -> bool:
        return any(pattern.match(text) for pattern in _qualifiers(self.language))

    def maybe_lead_in(self, body: str) -> None:
        end = body.rstrip()
        if (end.endswith(":") or _DANGLING_END.search(end)) and self.last_block_requirements:
            index = self.last_block_requirements[-1]
            self.lead_in = (self.result.requirements[index], index)
            self.lead_in_items = 0

    def row(self, block: Block) -> None:
        text_cell = block.cell(CellRole.TEXT)
        in_goals = self.goal_section() == "goal"
        if in_goals and not self.is_section_row(block, text_cell):
            self.goal_row(block)
            return
        if block.is_header:
            return
        if text_cell is None:
            # A table that is no requirement matrix: read each cell like a paragraph.
            for cell in block.cells:
                if cell.text.strip():
                    offset = block.text.find(cell.text)
                    self.cell_text(block, cell.text, max(offset, 0), cell.ref)
            return
        id_cell = block.cell(CellRole.ID)
        kind_cell = block.cell(CellRole.KIND)
        rationale_cell = block.cell(CellRole.RATIONALE)
        text = text_cell.text.strip()
        offset = max(block.text.find(text), 0)
        # A section title row inside a matrix ("4.3 Signering") updates the heading path.
        if self.is_section_row(block, text_cell):
            number = text.split()[0].rstrip(".")
            self.heading(block.model_copy(update={"level": number.count(".") + 1}))
            return
        sentences = self.sentences(text)
        modal_kind = next((s.kind for s in sentences if s.kind), None)
        kind = (kind_from_cell(kind_cell.text) if kind_cell else None) or modal_kind or "unknown"
        req_id = id_cell.text.strip() if id_cell else None
        if req_id is None:
            id_match = REQUIREMENT_ID.match(text)
            if id_match:
                req_id = id_match.group("id")
        rationale = rationale_cell.text.strip() if rationale_cell else None
        self.add(
            self.make(
                text=text,
                kind=kind,
                block=block,
                offset=offset,
                req_id=req_id,
                rationale=rationale,
                cell_ref=text_cell.ref,
                matrix_row=True,
            )
        )

    def is_section_row(self, block: Block, text_cell) -> bool:
        """A section title row inside a matrix ("4.3 Signering"): only a numbered title in the text cell."""
        if text_cell is None or block.is_header:
            return False
        text = text_cell.text.strip()
        return (
            block.cell(CellRole.ID) is None
            and block.cell(CellRole.KIND) is None
            and block.cell(CellRole.RATIONALE) is None
            and bool(NUMBERED_HEADING.match(text))
            and len(text.split()) <= 6
            and not any(s.kind for s in self.sentences(text))
        )

    def cell_text(self, block: Block, text: str, offset: int, ref: str | None) -> None:
        id_match = REQUIREMENT_ID.match(text)
        body_offset = id_match.end() if id_match else 0
        for sentence in self.sentences(text[body_offset:]):
            if sentence.kind:
                req_id = id_match.group("id") if id_match else None
                self.add(
                    self.make(
                        text=sentence.text,
                        kind=_kind_from_id(req_id) or sentence.kind,
                        block=block,
                        offset=offset + body_offset + sentence.start,
                        req_id=req_id,
                        cell_ref=ref,
                    )
                )
                id_match = None


def _kind_from_id(req_id: str | None) -> RequirementKind | None:
    if not req_id:
        return None
    lowered = req_id.lower()
    if lowered.startswith(("ska", "skall", "must")):
        return "ska"
    if lowered.startswith(("bör", "should")):
        return "bör"
    return None


def segment(document: ExtractedDocument, language: Language | None = None) -> Segmentation:
    """Requirements and goals of ``document``; the language is detected when not given."""
    language = language or detect_language(document.text)
    return _Segmenter(document, language).run()


def split_sentences(text: str, language: Language) -> list[str]:
    """Sentences of ``text`` as the segmenter sees them (abbreviation-aware)."""
    dummy = ExtractedDocument(path="", format="txt", blocks=())
    return [s.text for s in _Segmenter(dummy, language).sentences(text)]
