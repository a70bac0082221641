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

Here: the segmenter, which walks the blocks and keeps the heading path and lead-ins. How a sentence
is read and whether it carries a modal verb is in ``sentences``; the id, goal, heading and kind
patterns are in ``patterns``; the reading of goals is in ``goals``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..budget import check_budget, check_requirement_count
from ..models import Block, CellRole, ExtractedDocument, Goal, Language, Requirement, RequirementKind
from ..nlp.lexicon import compile_phrase_regex
from ..nlp.pipeline import Pipeline, get_pipeline
from ..trace.goals import GoalCandidate, finalise
from .goals import GoalReader
from .language import detect_language
from .patterns import GOAL_ID, ID_ONLY, NAMED_GOAL, NUMBERED_HEADING, REQUIREMENT_ID, kind_from_cell, kind_from_id
from .sentences import Sentence, qualifiers, read_sentences

# A lead-in without its colon: the sentence stops on a word that needs a continuation, and the
# list that follows supplies it ("Staff should have the ability to" + "add, delete, or amend lines").
_DANGLING_END = re.compile(
    r"(?i)(?<!\w)(?:to|the|following|include|including|of|for|with|by|att|följande|för|med|av|till|"
    r"kunna|inkludera|omfatta|bland annat)$"
)


@dataclass
class Segmentation:
    language: Language
    requirements: list[Requirement] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)


class _Segmenter(GoalReader):
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

    def next_id(self) -> str:
        self.counter += 1
        return f"R{self.counter}"

    def sentences(self, text: str) -> list[Sentence]:
        return list(read_sentences(self.language, text))

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
        if goal_match and (section or NAMED_GOAL.match(goal_match.group("id"))):
            self.goal(text, block, 0, structured=True)
            return
        if section and self.goal_paragraph(block, section):
            return
        # An id alone on its line names the requirement that follows.
        only_id = ID_ONLY.match(text)
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
        id_kind = kind_from_id(req_id)

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
        self, block: Block, body: str, body_offset: int, sentences: list[Sentence], req_id: str | None
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
        return any(pattern.match(text) for pattern in qualifiers(self.language))

    def maybe_lead_in(self, body: str) -> None:
        end = body.rstrip()
        if self.last_block_requirements and (end.endswith(":") or _DANGLING_END.search(end)):
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
                        kind=kind_from_id(req_id) or sentence.kind,
                        block=block,
                        offset=offset + body_offset + sentence.start,
                        req_id=req_id,
                        cell_ref=ref,
                    )
                )
                id_match = None


def segment(document: ExtractedDocument, language: Language | None = None) -> Segmentation:
    """Requirements and goals of ``document``; the language is detected when not given."""
    language = language or detect_language(document.text)
    return _Segmenter(document, language).run()
