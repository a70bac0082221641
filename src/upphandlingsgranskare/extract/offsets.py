"""Assemble an ExtractedDocument: drop empty blocks and fill each block's start/end offsets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ..models import Block, ExtractedDocument


def with_offsets(blocks: Iterable[Block], *, consume: bool = False) -> tuple[Block, ...]:
    """Blocks with ``location.start``/``end`` set to their span in ``"\\n".join(texts)``.

    Blocks whose text is empty are dropped first, so the offsets match
    ``ExtractedDocument.text`` exactly. With ``consume`` and a list, each entry of the list is
    cleared once copied, so the originals and their copies are never all held at once (a long
    document's blocks are tens of megabytes).
    """
    from ..budget import check_budget  # here, not above: the budget module imports this package

    out: list[Block] = []
    pos = 0
    release = consume and isinstance(blocks, list)
    for index, block in enumerate(blocks):
        if release:
            blocks[index] = None  # type: ignore[index]
        if not len(out) % 1024:
            check_budget()
        if not block.text:
            continue
        end = pos + len(block.text)
        if block.location.start != pos or block.location.end != end:  # a reader may have set them (pdf.py)
            location = block.location.model_copy(update={"start": pos, "end": end})
            block = block.model_copy(update={"location": location})
        out.append(block)
        pos = end + 1  # the "\n" between blocks
    return tuple(out)


def build_document(
    path: str,
    fmt: Literal["pdf", "docx", "xlsx", "txt", "md"],
    blocks: Iterable[Block],
    *,
    pages: int | None = None,
    extractor: str = "",
) -> ExtractedDocument:
    """The document of ``blocks``; a list of blocks is emptied (see ``with_offsets``): build it for this call only."""
    return ExtractedDocument(
        path=path, format=fmt, blocks=with_offsets(blocks, consume=True), pages=pages, extractor=extractor
    )
