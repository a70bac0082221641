"""Annotated copies edited at package level: the OPC parts (DOCX, XLSX) that need a change are
replaced or added, every other part is copied byte for byte (drawings, images, validations, text
boxes, custom XML, charts, printer settings), in the original order and with the original ZIP
entry settings.

Each copy carries a marker, a custom document property (``docProps/custom.xml``), so a later
run recognises the tool's own copies by their content, not by their name (``is_marked``).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import __version__
from ..extract.safe_xml import safe_xml_parser
from ..fileio import write_atomic

MARKER_PROPERTY = "UpphandlingsgranskareAnnotated"
CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
# The format id every application uses for user-defined custom properties.
_USER_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, safe_xml_parser())


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class Package:
    """A DOCX/XLSX read whole: the ZIP entries in order, and the parts' bytes by name."""

    entries: list[zipfile.ZipInfo]
    parts: dict[str, bytes]
    changed: dict[str, bytes] = field(default_factory=dict)  # replaced or added parts

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
            parts = {info.filename: zf.read(info) for info in entries}
        return cls(entries, parts)

    def get(self, name: str) -> bytes | None:
        return self.changed.get(name, self.parts.get(name))

    def xml(self, name: str) -> etree._Element:
        data = self.get(name)
        if data is None:
            raise KeyError(name)
        return parse_xml(data)

    def set(self, name: str, data: bytes) -> None:
        if self.parts.get(name) != data:
            self.changed[name] = data

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """{rId: (type, part name)} of part ``source`` ("" for the package), targets resolved."""
        rels_name = rels_path(source)
        data = self.get(rels_name)
        if data is None:
            return {}
        out = {}
        base = posixpath.dirname(source)
        for rel in parse_xml(data).iter(f"{{{_RELS_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), name)
        return out

    def add_relationship(self, source: str, rel_type: str, target_name: str) -> str:
        """Add a relationship from ``source`` to part ``target_name``; returns its new id."""
        rels_name = rels_path(source)
        data = self.get(rels_name)
        root = (
            parse_xml(data)
            if data is not None
            else etree.Element(f"{{{_RELS_NS}}}Relationships", nsmap={None: _RELS_NS})
        )
        ids = {rel.get("Id") for rel in root}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rel_id = f"rId{n}"
        target = posixpath.relpath(target_name, posixpath.dirname(source) or ".")
        etree.SubElement(root, f"{{{_RELS_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
        self.set(rels_name, serialise(root))
        return rel_id

    def add_override(self, name: str, content_type: str) -> None:
        root = self.xml(CONTENT_TYPES)
        part = "/" + name
        if not any(o.get("PartName") == part for o in root.iter(f"{{{_CT_NS}}}Override")):
            etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=part, ContentType=content_type)
            self.set(CONTENT_TYPES, serialise(root))

    def mark(self) -> None:
        """Write the tool's marker property into the copy (``docProps/custom.xml``, made if missing)."""
        name = next((n for t, n in self.relationships("").values() if t == _CUSTOM_REL), None)
        if name is None or self.get(name) is None:
            name = name or "docProps/custom.xml"
            root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
            if not any(t == _CUSTOM_REL for t, _ in self.relationships("").values()):
                self.add_relationship("", _CUSTOM_REL, name)
            self.add_override(name, _CUSTOM_TYPE)
        else:
            root = self.xml(name)
        for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
            if prop.get("name") == MARKER_PROPERTY:
                root.remove(prop)
        pids = [int(p.get("pid", "1")) for p in root if p.get("pid", "").isdigit()]
        prop = etree.SubElement(
            root,
            f"{{{_CUSTOM_NS}}}property",
            fmtid=_USER_FMTID,
            pid=str(max(pids, default=1) + 1),
            name=MARKER_PROPERTY,
        )
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = __version__
        self.set(name, serialise(root))

    def write(self, target: Path) -> None:
        """The copy: unchanged parts byte for byte and in their place, changed ones replaced, new ones last."""
        import io

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.entries:
                data = self.changed.get(info.filename, self.parts[info.filename])
                out.writestr(_copy_info(info), data)
            known = {info.filename for info in self.entries}
            for name, data in self.changed.items():
                if name not in known:
                    out.writestr(
                        zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED
                    )
        write_atomic(target, buffer.getvalue())


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.comment = info.comment
    return copy


def rels_path(source: str) -> str:
    """The relationships part of ``source`` ("" is the package itself)."""
    if not source:
        return ROOT_RELS
    folder, name = posixpath.split(source)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def is_marked(path: Path) -> bool:
    """True when ``path`` is an annotated copy this tool wrote (DOCX/XLSX property, PDF metadata key), or
    its markdown report (its first line)."""
    import stat

    suffix = path.suffix.lower()
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block the read; extraction reports it
            return False
        if suffix == ".pdf":
            return _pdf_marked(path)
        if suffix in (".docx", ".xlsx", ".xlsm"):
            return _opc_marked(path)
        if suffix == ".md":
            from .emit import MARKDOWN_HEADING

            with path.open("rb") as handle:
                return (
                    handle.read(len(MARKDOWN_HEADING.encode("utf-8")) + 3)
                    .lstrip(b"\xef\xbb\xbf")
                    .startswith(MARKDOWN_HEADING.encode("utf-8"))
                )
    except (OSError, RuntimeError, ValueError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return False
    return False


def _opc_marked(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        rels = ROOT_RELS if ROOT_RELS in names else None
        custom = "docProps/custom.xml"
        if rels is not None:
            for rel in parse_xml(zf.read(rels)).iter(f"{{{_RELS_NS}}}Relationship"):
                if rel.get("Type") == _CUSTOM_REL:
                    custom = rel.get("Target", custom).lstrip("/")
        if custom not in names or zf.getinfo(custom).file_size > 1 << 20:
            return False
        root = parse_xml(zf.read(custom))
    return any(p.get("name") == MARKER_PROPERTY for p in root.iter(f"{{{_CUSTOM_NS}}}property"))


PDF_MARKER_KEY = "/" + MARKER_PROPERTY


def _pdf_marked(path: Path) -> bool:
    """The marker key in the file's bytes: the copy's metadata is written in the clear, as the last
    incremental update (a scan, not a parse: no PDF library's warnings for a broken file, and fast)."""
    import mmap

    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.rfind(PDF_MARKER_KEY.encode("ascii")) >= 0
