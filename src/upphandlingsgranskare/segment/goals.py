"""Goals stated in an extracted document, as the segmenter reads them: goal ids ("Effektmål 2: ..."),
the items and sentences of goal and background sections that state a goal, and the rows of a goal table.

``GoalReader`` is the segmenter's goal half (``requirements._Segmenter`` inherits it): it keeps the goal
candidates that ``trace.goals.finalise`` turns into the document's goals; what states a goal is
decided in ``trace.goals``.
"""

from __future__ import annotations

from ..models import Block, CellRole, Goal, Language
from ..nlp.pipeline import Pipeline
from ..trace.goals import GoalCandidate, SectionKind, is_goal_item, is_lead_in, section_kind, states_goal
from .patterns import GOAL_ID, ID_ONLY


class GoalReader:
    """Reads goals into ``goal_candidates``; the segmenter sets the language, pipeline and heading stack."""

    language: Language
    pipeline: Pipeline
    headings: list[tuple[int, str]]
    goal_candidates: list[GoalCandidate]

    def goal_section(self) -> SectionKind | None:
        """'goal' or 'background' when the innermost heading opens such a section (see trace.goals)."""
        return section_kind(self.headings[-1][1], self.language) if self.headings else None

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
            and (ID_ONLY.match(first) or GOAL_ID.fullmatch(first))
            and block.text.startswith(first + " | ")
        ):
            self.goal(block.text[len(first) + 3 :], block, len(first) + 3, structured=True, goal_id=first.rstrip(":."))
        else:
            self.goal(block.text, block, 0, structured=True)
