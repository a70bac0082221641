"""A requirement typed in (``lint_text``, the check fixtures, the evaluations' gold items) as the document
extraction would give: the same block model, so segmentation, labelling and checks read it as they read a file.

The text itself is read as a .txt file is (``extract.text.parse_text``). Its context becomes the blocks a
document holds it in: a heading over it, a list lead-in before it (the text then its items), a
"Motivering:" paragraph after it, or a row of a requirement matrix with a rationale column, and a goal
section after it holding the document's stated goals.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..extract import build_document
from ..extract.text import parse_text
from ..models import Block, Cell, CellRole, ExtractedDocument, Language, Location

# The words a document puts in front of the parts: the first rationale label and goal heading of each
# language's lexicon ("Motivering", "Mål"), and the header of a requirement matrix's columns.
_RATIONALE_LABEL = {"sv": "Motivering", "en": "Rationale"}
_GOAL_HEADING = {"sv": "Mål", "en": "Goals"}
_MATRIX_HEADER = {"sv": ("Krav", "Motivering"), "en": ("Requirement", "Rationale")}


def typed_document(
    text: str,
    *,
    language: Language,
    source: str = "text",
    heading: str | None = None,
    rationale: str | None = None,
    table_row: bool = False,
    lead_in: str | None = None,
    goals: Sequence[str] = (),
) -> ExtractedDocument:
    """The document a requirement typed in stands in, with the context given (see the module's docstring)."""
    blocks: list[Block] = []
    if heading:
        blocks.append(Block(text=heading, kind="heading", level=1, location=Location(file=source)))
    if table_row:
        blocks.extend(_matrix(text, rationale, language, source))
    else:
        body = parse_text(text, source, markdown=False)
        if lead_in and lead_in.strip():
            blocks.append(Block(text=lead_in.strip(), kind="paragraph", location=Location(file=source)))
            body = [
                b.model_copy(update={"kind": "list_item", "list_label": b.list_label or "•"})
                if b.kind == "paragraph"
                else b
                for b in body
            ]
        blocks.extend(body)
        if rationale and rationale.strip():
            blocks.append(
                Block(
                    text=f"{_RATIONALE_LABEL[language]}: {rationale.strip()}",
                    kind="paragraph",
                    location=Location(file=source),
                )
            )
    if goals:
        blocks.append(Block(text=_GOAL_HEADING[language], kind="heading", level=1, location=Location(file=source)))
        blocks.extend(
            Block(text=goal, kind="list_item", list_label="•", location=Location(file=source)) for goal in goals
        )
    return build_document(source, "txt", blocks)


def _matrix(text: str, rationale: str | None, language: Language, source: str) -> list[Block]:
    """A requirement matrix of one row: a header row, then the requirement in its text cell and the rationale
    (when given) in its own column."""
    requirement_header, rationale_header = _MATRIX_HEADER[language]
    roles = [(CellRole.TEXT, requirement_header, text.strip())]
    if rationale is not None:
        roles.append((CellRole.RATIONALE, rationale_header, rationale.strip()))
    header = Block(
        text=" | ".join(h for _, h, _ in roles),
        kind="table_row",
        is_header=True,
        location=Location(file=source, table=0, row=0),
        cells=tuple(Cell(text=h, role=role, header=h) for role, h, _ in roles),
    )
    row = Block(
        text=" | ".join(t for _, _, t in roles),
        kind="table_row",
        location=Location(file=source, table=0, row=1),
        cells=tuple(Cell(text=t, role=role, header=h) for role, h, t in roles),
    )
    return [header, row]
