"""An annotated copy of a reviewed PDF: a highlight over each flagged requirement, with a note.

Each ``Finding`` becomes one /Highlight annotation whose quad points cover the requirement's
characters line by line, found with PDFium's text page; its /Contents (shown in a popup)
hold the check, the message, the question for the business owner and the suggestion, in the
finding's language. The annotations are written with pypdf into a copy; the input is never
touched.

Where each finding stands on its pages is worked out by ``pdf_locate`` (its search order and how
unanchored findings are told apart).

Coordinates: PDFium's character boxes are in the page's default user space (unrotated, not
shifted by MediaBox/CropBox), which is also the space of /QuadPoints and /Rect, so they are
used as they are; page rotation and CropBox matter only for placing notes and popups.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.annotations import Highlight, Popup, Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from .. import __version__
from ..fileio import write_atomic
from ..models import DocumentReview, Finding
from .annotated import AUTHOR, AnnotationResult, heading, labels
from .package import PDF_MARKER_KEY
from .pdf_locate import Quad, locate_findings

_UNANCHORED = {
    "sv": "Kravet kunde inte hittas i sidans text; anteckningen gäller",
    "en": "The requirement could not be found in the page text; this note concerns",
}

# Highlight colours by severity (RGB 0..1), drawn with multiply blending so the text stays readable.
_COLOURS = {"error": (1.0, 0.62, 0.45), "warning": (1.0, 0.92, 0.23), "info": (0.62, 0.85, 1.0)}

_FLAG_PRINT, _FLAG_NO_ZOOM, _FLAG_NO_ROTATE = 4, 8, 16

# --- writing annotations -------------------------------------------------------------------


_SEPARATOR = "\n\n\u2014\n\n"  # between the findings of one requirement in its note


def _by_requirement(anchors: list) -> list[tuple[int, list]]:
    """Consecutive anchors of findings on the same requirement, with the index of the first: one note each."""
    groups: list[tuple[int, list]] = []
    for number, anchor in enumerate(anchors):
        if groups and _requirement(groups[-1][1][0].finding) == _requirement(anchor.finding):
            groups[-1][1].append(anchor)
        else:
            groups.append((number, [anchor]))
    return groups


def _requirement(f: Finding) -> tuple:
    return f.subject, f.requirement_id, f.requirement_text, f.location.page


def note_text(finding: Finding, unanchored: bool = False) -> str:
    """The note's content: check, message, question and suggestion, in the finding's language."""
    text = labels(finding.language)
    parts = [heading(finding)]
    if unanchored:
        parts.append(
            f"{_UNANCHORED.get(finding.language, _UNANCHORED['sv'])} {finding.requirement_id}: "
            f"\u201c{finding.requirement_text}\u201d"
        )
    parts += [finding.message, f"{text['question']} {finding.question}", f"{text['suggestion']} {finding.suggestion}"]
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _box(page: PageObject) -> tuple[float, float, float, float]:
    box = page.cropbox  # pypdf resolves inheritance and falls back to the MediaBox
    return float(box.left), float(box.bottom), float(box.right), float(box.top)


def _display_to_user(page: PageObject, dx: float, dy: float) -> tuple[float, float]:
    """A point given from the top left corner of the page as shown (rotated, cropped), in user space."""
    x0, y0, x1, y1 = _box(page)
    rotation = (page.rotation or 0) % 360
    if rotation == 90:
        return x0 + dy, y0 + dx
    if rotation == 180:
        return x1 - dx, y0 + dy
    if rotation == 270:
        return x1 - dy, y1 - dx
    return x0 + dx, y1 - dy


def _display_rect(
    page: PageObject, dx0: float, dy0: float, dx1: float, dy1: float
) -> tuple[float, float, float, float]:
    corners = [_display_to_user(page, dx, dy) for dx in (dx0, dx1) for dy in (dy0, dy1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _bounds(quads: Sequence[Quad]) -> tuple[float, float, float, float]:
    xs = [q[i] for q in quads for i in (0, 2, 4, 6)]
    ys = [q[i] for q in quads for i in (1, 3, 5, 7)]
    return min(xs), min(ys), max(xs), max(ys)


def _appearance(
    writer: PdfWriter,
    quads: Sequence[Quad],
    rect: tuple[float, float, float, float],
    colour: tuple[float, float, float],
) -> DictionaryObject:
    """A normal appearance for the highlight, so every viewer draws the same thing.

    BBox equals /Rect and the matrix is the identity, so the stream draws in user space.
    """
    ops = ["/GS0 gs", "{:.3f} {:.3f} {:.3f} rg".format(*colour)]
    for q in quads:
        ul, ur, ll, lr = q[0:2], q[2:4], q[4:6], q[6:8]
        ops.append("{:.3f} {:.3f} m {:.3f} {:.3f} l {:.3f} {:.3f} l {:.3f} {:.3f} l h f".format(*ul, *ur, *lr, *ll))
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/ExtGState"): DictionaryObject(
                        {
                            NameObject("/GS0"): DictionaryObject(
                                {
                                    NameObject("/Type"): NameObject("/ExtGState"),
                                    NameObject("/BM"): NameObject("/Multiply"),
                                }
                            )
                        }
                    )
                }
            ),
        }
    )
    # Streams must be indirect objects; pypdf has no public call for adding one.
    return DictionaryObject({NameObject("/N"): writer._add_object(stream)})


def _common(annotation: DictionaryObject, finding: Finding, name: str, content: str, now: str) -> None:
    annotation.update(
        {
            NameObject("/Contents"): TextStringObject(content),
            NameObject("/NM"): TextStringObject(name),
            NameObject("/Subj"): TextStringObject(f"{finding.code} {finding.name}"),
            NameObject("/M"): TextStringObject(now),
            NameObject("/CreationDate"): TextStringObject(now),
        }
    )


def _add_highlight(
    writer: PdfWriter, page_index: int, quads: Sequence[Quad], finding: Finding, name: str, content: str, now: str
) -> None:
    page = writer.pages[page_index]
    pad = 0.5
    left, bottom, right, top = _bounds(quads)
    rect = (left - pad, bottom - pad, right + pad, top + pad)
    colour = _COLOURS.get(finding.severity, _COLOURS["warning"])
    highlight = Highlight(
        rect=rect,
        quad_points=ArrayObject(FloatObject(round(v, 3)) for q in quads for v in q),
        highlight_color="{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in colour)),
        printing=True,
        title_bar=AUTHOR,
    )
    _common(highlight, finding, name, content, now)
    highlight[NameObject("/AP")] = _appearance(writer, quads, rect, colour)
    added = writer.add_annotation(page_index, highlight)
    # The popup beside the highlight, kept inside the visible page; closed until the reader opens it.
    x0, y0, x1, y1 = _box(page)
    width, height = min(240.0, x1 - x0), min(140.0, y1 - y0)
    px = right + 12 if right + 12 + width <= x1 else max(x0, left - 12 - width)
    py = min(max(y0, top - height), y1 - height)
    writer.add_annotation(page_index, Popup(rect=(px, py, px + width, py + height), parent=added, open=False))


def _add_note(
    writer: PdfWriter, page_index: int, slot: int, finding: Finding, name: str, content: str, now: str
) -> None:
    page = writer.pages[page_index]
    offset = 24.0 * (slot % 20)  # several notes on one page sit side by side along the top edge
    rect = _display_rect(page, 6 + offset, 6, 26 + offset, 26)
    note = Text(rect=rect, text=content, open=False, title_bar=AUTHOR)
    del note["/Flags"]  # pypdf writes the flags under a non-standard key
    note[NameObject("/F")] = NumberObject(_FLAG_PRINT | _FLAG_NO_ZOOM | _FLAG_NO_ROTATE)
    note[NameObject("/Name")] = NameObject("/Comment")
    note[NameObject("/C")] = ArrayObject(FloatObject(c) for c in _COLOURS.get(finding.severity, _COLOURS["warning"]))
    _common(note, finding, name, content, now)
    writer.add_annotation(page_index, note)


def _writer(data: bytes, source: Path) -> PdfWriter:
    """A writer that appends the annotations as an incremental update.

    The original bytes stay as they are (a signature over them stays valid, nothing is
    re-encoded). An encrypted file that opens without a password is rewritten whole and
    decrypted: appending to it would mean encrypting the new objects, for AES with a
    dependency the project does not have.
    """
    reader = PdfReader(io.BytesIO(data))
    if not reader.is_encrypted:
        return PdfWriter(io.BytesIO(data), incremental=True)
    if not reader.decrypt(""):
        raise ValueError(f"{source}: PDF-filen är lösenordsskyddad / the PDF is password-protected")
    return PdfWriter(clone_from=reader)


def annotate_pdf(source: Path, review: DocumentReview, target: Path) -> AnnotationResult:
    """Write a copy of ``source`` to ``target`` with one highlight (or note) per flagged requirement, its note
    listing each of the requirement's findings.

    ``unanchored`` names, by requirement id, the findings whose text was not found and got a
    note at the top of their page instead.
    """
    source, target = Path(source), Path(target)
    if target.resolve() == source.resolve():
        raise ValueError(
            f"{target}: målfilen måste skilja sig från originalet / the target must differ from the source"
        )
    data = source.read_bytes()
    anchors = locate_findings(data, review.findings)

    writer = _writer(data, source)
    now = _pdf_date(datetime.now(UTC))
    unanchored: list[str] = []
    notes: Counter[int] = Counter()
    from ..budget import check_budget

    for number, group in _by_requirement(anchors):
        check_budget()  # folder mode: the document's time budget holds for writing its copy too
        anchor = group[0]
        finding = anchor.finding
        name = f"ug-{finding.fingerprint}-{number}"
        if anchor.anchored:
            content = _SEPARATOR.join(note_text(a.finding) for a in group)
            for part, (page, quads) in enumerate(anchor.parts):
                _add_highlight(
                    writer, page - 1, quads, finding, name if part == 0 else f"{name}-{part + 1}", content, now
                )
        else:
            content = _SEPARATOR.join(note_text(a.finding, unanchored=n == 0) for n, a in enumerate(group))
            _add_note(writer, anchor.page - 1, notes[anchor.page], finding, name, content, now)
            notes[anchor.page] += 1
            unanchored.extend(a.finding.requirement_id for a in group)
    # The marker that tells a later run this is the tool's own copy (report.package.is_marked).
    writer.add_metadata({PDF_MARKER_KEY: __version__})
    out = io.BytesIO()
    writer.write(out)
    write_atomic(target, out.getvalue())
    # Every finding not highlighted got a note at the top of its page: all are fallbacks.
    return AnnotationResult(
        target=target, anchored=len(anchors) - len(unanchored), unanchored=tuple(unanchored), fallback=len(unanchored)
    )
