"""Word comments added to a DOCX's comments part, with ids counted once.

python-docx's ``add_comment`` rescans every comment id for each comment it adds, so a copy with
thousands of findings took minutes (quadratic; ``benchmarks/annotate_docx_speed.py``). Here the
ids are read once, each comment is built as XML and its range marked around the anchored runs,
and the part is written back through ``package.Package``. A comment the tool already wrote with
the same text (its own annotated copy, reviewed again) is not added twice.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from ..extract.docx_reader import W_P, W_T, _w
from ..models import Finding
from .annotated import AUTHOR, INITIALS, heading, labels
from .package import Package, serialise

W_R = _w("r")
W_RPR = _w("rPr")

_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_MAX_ID = 2**31 - 1


class Comments:
    """The document's comments part, or a new one, with ids counted once (python-docx rescans every
    id for each comment it adds: quadratic in the number of comments)."""

    def __init__(self, document):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.parts.comments import CommentsPart

        self.part = None
        for rel in document.part.rels.values():
            if rel.reltype == RT.COMMENTS and not rel.is_external:
                self.part = rel.target_part
        self.element = (
            self.part.element if self.part is not None else CommentsPart.default(document.part.package).element
        )
        self.used = {int(i) for i in self.element.xpath("./w:comment/@w:id") if str(i).lstrip("-").isdigit()}
        self.next_id = max(self.used, default=-1) + 1
        # What the tool wrote before, by text: reviewing its own annotated copy adds nothing twice.
        self.present: Counter[str] = Counter(
            _comment_key(c) for c in self.element.findall(_w("comment")) if c.get(_w("author")) == AUTHOR
        )
        self.added = 0

    def _new_id(self) -> int:
        while self.next_id in self.used:
            self.next_id += 1
        if self.next_id > _MAX_ID:  # ids are 32-bit: take the lowest free one (rare, and only then slow)
            self.next_id = next(n for n in range(_MAX_ID) if n not in self.used)
        self.used.add(self.next_id)
        return self.next_id

    def add(self, first: etree._Element, last: etree._Element, findings: list[Finding]) -> None:
        """One comment on the requirement from ``first`` to ``last`` that lists each of its findings."""
        comment = _comment_element(findings)
        key = _comment_key(comment)
        if self.present[key]:
            self.present[key] -= 1
            return
        comment_id = str(self._new_id())
        comment.set(_w("id"), comment_id)
        self.element.append(comment)
        start = etree.Element(_w("commentRangeStart"))
        start.set(_w("id"), comment_id)
        first.addprevious(start)
        end = etree.Element(_w("commentRangeEnd"))
        end.set(_w("id"), comment_id)
        reference = _run([], style="CommentReference")
        etree.SubElement(reference, _w("commentReference")).set(_w("id"), comment_id)
        last.addnext(end)
        end.addnext(reference)
        self.added += 1

    def save(self, package: Package, document_name: str) -> None:
        if not self.added:
            return
        if self.part is not None:
            package.set(self.part.partname.lstrip("/"), serialise(self.element))
            return
        name, n = "word/comments.xml", 1
        while package.get(name) is not None:
            n += 1
            name = f"word/comments{n}.xml"
        package.set(name, serialise(self.element))
        package.add_relationship(document_name, _COMMENTS_REL, name)
        package.add_override(name, _COMMENTS_TYPE)


def _run(texts: list[str], *, bold: bool = False, style: str | None = None) -> etree._Element:
    run = etree.Element(W_R)
    if bold or style:
        properties = etree.SubElement(run, W_RPR)
        if style:
            etree.SubElement(properties, _w("rStyle")).set(_w("val"), style)
        if bold:
            etree.SubElement(properties, _w("b"))
    for text in texts:
        t = etree.SubElement(run, W_T)
        t.text = text
        t.set(_XML_SPACE, "preserve")
    return run


def _comment_element(findings: list[Finding]) -> etree._Element:
    """The comment: for each finding its check as a bold title, the message, the question and the suggestion."""
    comment = etree.Element(_w("comment"), nsmap={"w": etree.QName(W_P).namespace})
    comment.set(_w("author"), AUTHOR)
    comment.set(_w("initials"), INITIALS)
    for number, finding in enumerate(findings):
        text = labels(finding.language)
        title = etree.SubElement(comment, W_P)
        if number == 0:
            etree.SubElement(etree.SubElement(title, _w("pPr")), _w("pStyle")).set(_w("val"), "CommentText")
            annotation = _run([], style="CommentReference")
            etree.SubElement(annotation, _w("annotationRef"))
            title.append(annotation)
        title.append(_run([_clean(heading(finding))], bold=True))
        etree.SubElement(comment, W_P).append(_run([_clean(finding.message)]))
        for label, value in ((text["question"], finding.question), (text["suggestion"], finding.suggestion)):
            if value:
                paragraph = etree.SubElement(comment, W_P)
                paragraph.append(_run([label], bold=True))
                paragraph.append(_run([f" {_clean(value)}"]))
    return comment


def _comment_key(comment: etree._Element) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(W_T)) for p in comment.iter(W_P))


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)
