"""Accepting findings: in-document markers and baseline files.

In the document: an officer writes ``ugr: ignorera UG101`` (or ``ugr: ignore UG101``; several
codes separated by commas or spaces; no code accepts every check) where it belongs to the
requirement:

- any format: in the requirement's own text, its rationale cell or "Motivering:" paragraph,
  or the list lead-in it belongs to;
- DOCX: in a Word comment anchored on the requirement's paragraph or table row;
- XLSX: in a cell comment (note) on any cell of the requirement's row.

A marker that accepts nothing (the requirement has no such finding any more) is reported as
unused, so stale markers do not pile up.

A baseline file lists accepted findings; ``review --baseline FILE`` shows only findings not in
it. Entries match by check code and normalised requirement text, not by file name or position,
so the second revision of a tender (``fu_v2.docx``) shows only new and changed requirements.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .models import Finding, Requirement

MARKER = re.compile(r"\bugr:\s*(?:ignorera|ignore)\b(?P<codes>(?:[\s,]*UG\d{3}\b)*)", re.IGNORECASE)
_CODE = re.compile(r"UG\d{3}", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    codes: frozenset[str] | None  # None: every check
    where: str  # "text", "rationale", "lead-in", "comment"

    def accepts(self, code: str) -> bool:
        return self.codes is None or code in self.codes

    def describe(self) -> str:
        codes = "alla / all" if self.codes is None else ", ".join(sorted(self.codes))
        return f"ugr: ignorera {codes} ({self.where})"


def markers_in(text: str | None, where: str) -> list[Marker]:
    found = []
    for match in MARKER.finditer(text or ""):
        codes = {c.upper() for c in _CODE.findall(match["codes"] or "")}
        found.append(Marker(frozenset(codes) if codes else None, where))
    return found


# A marker with what sets it off from the text around it: "(ugr: ignorera UG102)", " – ugr: ignore UG101".
_MARKER_IN_TEXT = re.compile(r"\s*[(\[]?\s*(?:[–—-]\s*)?" + MARKER.pattern + r"\s*[)\]]?", re.IGNORECASE)


def strip_markers(text: str) -> str:
    """``text`` without suppression markers: they belong to the review, not to a quote or a rewrite."""
    if "ugr" not in text.casefold():
        return text
    stripped = _MARKER_IN_TEXT.sub("", text).strip()
    return re.sub(r"\s+([,.;:])", r"\1", stripped)


def _without_markers(finding: Finding) -> Finding:
    fields = ("message", "question", "suggestion", "evidence")
    update = {name: strip_markers(getattr(finding, name)) for name in fields if getattr(finding, name)}
    changed = {name: value for name, value in update.items() if value != getattr(finding, name)}
    return finding.model_copy(update=changed) if changed else finding


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class CommentAnchor:
    """A document comment holding a marker, with the text it is anchored on."""

    anchored_text: str
    marker: Marker
    sheet: str | None = None
    row: int | None = None  # XLSX: 1-based row of the commented cell


def read_comment_markers(path: str | Path) -> list[CommentAnchor]:
    """Markers in DOCX comments and XLSX cell notes; other formats have none we read."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".docx", ".docm"):
            return _docx_comment_markers(path)
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_comment_markers(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return []  # extraction already reports an unreadable file; markers are a courtesy on top
    return []


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_comment_markers(path: Path) -> list[CommentAnchor]:
    from lxml import etree

    with zipfile.ZipFile(path) as package:
        if "word/comments.xml" not in package.namelist():
            return []
        comments = etree.fromstring(package.read("word/comments.xml"), _parser())
        body = etree.fromstring(package.read("word/document.xml"), _parser())
    marked: dict[str, list[Marker]] = {}
    for comment in comments.iter(f"{W}comment"):
        text = "".join(t.text or "" for t in comment.iter(f"{W}t"))
        found = markers_in(text, "comment")
        if found:
            marked[comment.get(f"{W}id")] = found
    if not marked:
        return []
    anchors: list[CommentAnchor] = []
    # The commented text: every paragraph from the one holding the range start to the one holding its end.
    paragraphs = list(body.iter(f"{W}p"))
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraphs]
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for index, paragraph in enumerate(paragraphs):
        for element in paragraph.iter(f"{W}commentRangeStart", f"{W}commentReference"):
            starts.setdefault(element.get(f"{W}id"), index)
        for element in paragraph.iter(f"{W}commentRangeEnd"):
            ends[element.get(f"{W}id")] = index
    for comment_id, found in marked.items():
        if comment_id not in starts:
            continue
        start = starts[comment_id]
        end = max(ends.get(comment_id, start), start)
        anchored = " ".join(texts[start : end + 1])
        # A comment on a table row's cell stands for the whole row: widen to the row's paragraphs.
        row = next((a for a in paragraphs[start].iterancestors(f"{W}tr")), None)
        if row is not None:
            anchored = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in row.iter(f"{W}p"))
        anchors.extend(CommentAnchor(anchored, marker) for marker in found)
    return anchors


def _xlsx_comment_markers(path: Path) -> list[CommentAnchor]:
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pkg_rel = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    anchors = []
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        workbook = etree.fromstring(package.read("xl/workbook.xml"), _parser())
        rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"), _parser())
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{pkg_rel}Relationship")}
        for sheet in workbook.iter(f"{main}sheet"):
            sheet_path = _part_path("xl", targets.get(sheet.get(f"{rel_ns}id"), ""))
            sheet_rels = str(Path(sheet_path).parent / "_rels" / (Path(sheet_path).name + ".rels"))
            if sheet_rels not in names:
                continue
            for rel in etree.fromstring(package.read(sheet_rels), _parser()).iter(f"{pkg_rel}Relationship"):
                if not rel.get("Type", "").endswith("/comments"):
                    continue
                comments_path = _part_path(str(Path(sheet_path).parent), rel.get("Target", ""))
                if comments_path not in names:
                    continue
                tree = etree.fromstring(package.read(comments_path), _parser())
                for comment in tree.iter(f"{main}comment"):
                    text = "".join(t.text or "" for t in comment.iter(f"{main}t"))
                    row = int(re.sub(r"^[A-Z]+", "", comment.get("ref", "A0")) or 0)
                    for marker in markers_in(text, "comment"):
                        anchors.append(CommentAnchor("", marker, sheet=sheet.get("name"), row=row))
    return anchors


def _part_path(base: str, target: str) -> str:
    """A relationship target as a zip member name: absolute ("/xl/comments/comment1.xml", as openpyxl
    writes) or relative to the source part's folder ("../comments1.xml", as Excel writes)."""
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def requirement_markers(requirement: Requirement, anchors: Sequence[CommentAnchor]) -> list[Marker]:
    found = markers_in(requirement.text, "text") + markers_in(requirement.rationale, "rationale")
    found += markers_in(requirement.context, "lead-in")
    location = requirement.location
    own = _normalise(requirement.text)
    for anchor in anchors:
        if anchor.sheet is not None:
            if anchor.sheet == location.sheet and anchor.row == location.row:
                found.append(anchor.marker)
        elif own and (own in _normalise(anchor.anchored_text) or _normalise(anchor.anchored_text) in own):
            found.append(anchor.marker)
    return found


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    marker: str


@dataclass
class SuppressionResult:
    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # "K12: ugr: ignorera UG101 (comment)"


def apply_markers(
    requirements: Sequence[Requirement], findings: Iterable[Finding], anchors: Sequence[CommentAnchor]
) -> SuppressionResult:
    """Split findings into kept and suppressed by the markers on their requirement."""
    result = SuppressionResult()
    markers = {(r.id, r.text): requirement_markers(r, anchors) for r in requirements}
    used: set[tuple[tuple[str, str], int]] = set()
    for finding in findings:
        key = (finding.requirement_id, finding.requirement_text)
        hit = next((n for n, m in enumerate(markers.get(key, [])) if m.accepts(finding.code)), None)
        if hit is None:
            result.kept.append(_without_markers(finding))
        else:
            used.add((key, hit))
            result.suppressed.append(Suppressed(finding, markers[key][hit].describe()))
    for key, found in markers.items():
        for n, marker in enumerate(found):
            if (key, n) not in used:
                result.unused.append(f"{key[0]}: {marker.describe()}")
    return result


# -- baseline files ------------------------------------------------------------------------------------

BASELINE_VERSION = 1


def baseline_key(code: str, requirement_text: str) -> str:
    digest = hashlib.sha256(f"{code}\x1f{_normalise(requirement_text)}".encode())
    return digest.hexdigest()[:16]


class BaselineFileError(ValueError):
    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


def load_baseline(path: str | Path) -> dict[str, dict]:
    """Accepted findings by key; a missing file is an empty baseline (the first run writes it)."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") != BASELINE_VERSION:
            raise BaselineFileError(path, f"okänd version / unknown version {data.get('version')!r}")
        return {entry["key"]: entry for entry in data["accepted"]}
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        raise BaselineFileError(path, f"ingen baslinjefil / not a baseline file: {error}") from None


def baseline_document(findings: Iterable[Finding]) -> str:
    entries = {}
    for finding in findings:
        key = baseline_key(finding.code, finding.requirement_text)
        entries[key] = {
            "key": key,
            "code": finding.code,
            "file": finding.location.file,
            "requirement_id": finding.requirement_id,
            "requirement_text": finding.requirement_text,
        }
    data = {
        "version": BASELINE_VERSION,
        "tool": "upphandlingsgranskare",
        "accepted": sorted(entries.values(), key=lambda e: (e["file"], e["code"], e["requirement_id"])),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
