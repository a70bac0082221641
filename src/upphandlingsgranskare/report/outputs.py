"""Writing a review's outputs: one report on stdout or in a file, or a folder of outputs per
document (``review FOLDER --format html,docx,pdf --output DIR``) with an index page.

In folder mode each document's outputs mirror its place under the folder that was reviewed
(``anbud/del1/krav.docx`` -> ``DIR/del1/krav.granskad.docx``, ``DIR/del1/krav.docx.granskning.html``);
a name that would land outside DIR is refused, whatever the input's name or links say.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import DocumentReview, Language
from .names import fit_name, readable

if TYPE_CHECKING:
    from ..extract.limits import ExtractionLimits

REPORT_FORMATS = ("text", "json", "markdown", "html", "sarif", "csv")
ANNOTATED_FORMATS = ("docx", "pdf", "xlsx")  # the input handed back with comments
ALL_FORMATS = REPORT_FORMATS + ANNOTATED_FORMATS
_REPORT_SUFFIX = {"text": "txt", "json": "json", "markdown": "md", "html": "html", "sarif": "sarif", "csv": "csv"}
_ANNOTATED_INPUTS = {"docx": (".docx",), "pdf": (".pdf",), "xlsx": (".xlsx", ".xlsm")}


class OutputError(ValueError):
    """An output that cannot be written where asked (outside the output folder, unknown format)."""


def parse_formats(values: Sequence[str]) -> list[str]:
    """``["html,docx", "pdf"]`` -> ``["html", "docx", "pdf"]``, in order, unknown names refused."""
    formats: list[str] = []
    for value in values:
        for name in (p.strip().lower() for p in value.split(",")):
            if not name:
                continue
            name = {"md": "markdown", "txt": "text"}.get(name, name)
            if name not in ALL_FORMATS:
                raise OutputError(f"okänt format / unknown format '{name}'; välj / choose {', '.join(ALL_FORMATS)}")
            if name not in formats:
                formats.append(name)
    return formats or ["text"]


def render_report(reviews: list[DocumentReview], fmt: str, *, color: bool = False, show_info: bool = True) -> str:
    """One report over all reviews in a report format; ``show_info`` False leaves info findings out of the
    terminal text report (the CLI's default), never out of a file format."""
    from .names import readable, readable_review

    if fmt == "sarif":  # its URIs percent-encode a file name's real bytes; the rest is shown readable
        from .sarif import to_sarif

        return readable(to_sarif(reviews))
    reviews = [readable_review(r) for r in reviews]
    if fmt == "html":
        from .html import render_html

        return render_html(reviews)
    if fmt == "csv":
        from .csv_report import to_csv

        return to_csv(reviews)
    if fmt == "summary":  # `review --summary`: figures only
        from .summary import render_summary

        return render_summary(reviews, show_info=show_info)
    from .emit import render

    return render(reviews, fmt, color=color, show_info=show_info)  # type: ignore[arg-type]


def report_bytes(reviews: list[DocumentReview], fmt: str, *, show_info: bool = True) -> bytes:
    """``render_report`` for a file, as UTF-8; the JSON report never becomes a Python str on the way."""
    if fmt == "json":
        from .emit import json_bytes
        from .names import readable_review

        return json_bytes([readable_review(r) for r in reviews])
    return render_report(reviews, fmt, show_info=show_info).encode("utf-8")


def relative_name(document: Path, roots: Sequence[Path]) -> Path:
    """Where a document's outputs go under the output folder: its path under the reviewed folder
    it came from, or just its name when it was named on the command line."""
    absolute = Path(os.path.abspath(document))
    for root in roots:
        root_abs = Path(os.path.abspath(root))
        if root.is_dir() and absolute.is_relative_to(root_abs) and absolute != root_abs:
            return absolute.relative_to(root_abs)
    return Path(absolute.name)


def inside(out_dir: Path, relative: Path) -> Path:
    """``out_dir / relative``, refusing anything that would resolve outside ``out_dir``."""
    if relative.is_absolute() or ".." in relative.parts:
        raise OutputError(f"{relative}: utdatanamnet skulle hamna utanför / the output name would escape {out_dir}")
    target = out_dir / relative
    base = out_dir.resolve()
    if not target.resolve().is_relative_to(base):  # a symlinked folder inside out_dir pointing elsewhere
        raise OutputError(f"{target}: pekar utanför / points outside {out_dir}")
    return target


@dataclass
class WrittenDocument:
    review: DocumentReview
    relative: Path
    outputs: dict[str, Path] = field(default_factory=dict)  # format -> path relative to the output folder
    notes: list[str] = field(default_factory=list)  # anchoring fallbacks
    not_applicable: list[str] = field(
        default_factory=list
    )  # annotated formats this input is not (a PDF asked for docx)
    without_findings: list[str] = field(default_factory=list)  # annotated copies not written: nothing to annotate


def _names(relative: Path, language: str) -> tuple[Callable[[str], Path], Callable[[str], Path]]:
    report_word = "granskning" if language == "sv" else "review"
    annotated_word = "granskad" if language == "sv" else "reviewed"

    def report(fmt: str) -> Path:  # the input's extension stays: krav.docx and krav.pdf never collide
        return relative.with_name(fit_name(f"{relative.name}.{report_word}.{_REPORT_SUFFIX[fmt]}"))

    def annotated(extension: str) -> Path:
        return relative.with_name(fit_name(f"{relative.stem}.{annotated_word}{extension}"))

    return report, annotated


STATE_DIR = ".upphandlingsgranskare-state"


class FolderWriter:
    """Writes each document's outputs as soon as it is reviewed, then a state record.

    Outputs are written atomically and the state record last, so an interrupted batch leaves
    no half-written file, and ``resume`` knows exactly which documents are finished: the same
    input bytes, reviewed with the same settings, with every output still in place.
    """

    def __init__(
        self,
        out_dir: Path,
        roots: Sequence[Path],
        formats: Sequence[str],
        settings: str = "",
        *,
        protected: frozenset[Path] = frozenset(),
        annotate_clean: bool = False,
        limits: ExtractionLimits | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.limits = limits  # --seconds-per-document holds for writing a document's outputs too
        self.roots = list(roots)
        self.formats = list(formats)
        self.settings = settings  # a fingerprint of everything that changes a review or its outputs
        self.protected = protected  # the inputs, resolved: never written over
        self.annotate_clean = annotate_clean  # annotated copies of documents without findings too
        out_dir.mkdir(parents=True, exist_ok=True)
        state = out_dir / STATE_DIR
        if state.is_symlink() or (state.exists() and not state.is_dir()):
            raise OutputError(
                f"{state}: är en symbolisk länk eller ingen mapp; tas inte i bruk / is a symbolic link "
                "or not a folder; not used (ta bort den / remove it)"
            )

    def remove_half_written(self) -> str | None:
        """Delete the temporary files a killed run left in the folder; the line saying so, if any were."""
        from ..fileio import remove_half_written

        removed = remove_half_written(self.out_dir)
        if not removed:
            return None
        return (
            f"{removed} halvskrivna filer borttagna / half-written files removed (.tmp, från en avbruten körning / "
            "from an interrupted run)"
        )

    def _state_path(self, document: Path) -> Path:
        import hashlib

        key = hashlib.sha256(os.fsencode(relative_name(document, self.roots).as_posix())).hexdigest()[:24]
        return self.out_dir / STATE_DIR / f"{key}.json"

    def write(self, review: DocumentReview) -> WrittenDocument:
        """The document's outputs; raises ``ExtractionError`` when writing them goes over the time budget."""
        from contextlib import nullcontext

        from ..budget import writing_budget

        with writing_budget(review.path, self.limits) if self.limits is not None else nullcontext():
            entry = _write_document(review, self.roots, self.formats, self.out_dir, self.protected, self.annotate_clean)
        if not review.error:
            self._save_state(review, entry)
        return entry

    def _save_state(self, review: DocumentReview, entry: WrittenDocument) -> None:
        import json

        from .. import __version__
        from ..fileio import write_atomic

        record = {
            "tool": __version__,
            "settings": self.settings,
            "input_sha256": _sha256(Path(review.path)),
            "relative": entry.relative.as_posix(),
            "outputs": {k: v.as_posix() for k, v in entry.outputs.items()},
            "notes": entry.notes,
            "not_applicable": entry.not_applicable,
            "without_findings": entry.without_findings,
            "review": review.model_dump(mode="json"),
        }
        # ASCII: a file name's undecodable bytes (lone surrogates) round-trip as \udcXX escapes.
        write_atomic(self._state_path(Path(review.path)), json.dumps(record, ensure_ascii=True))

    def finished(self, document: Path) -> WrittenDocument | None:
        """The document's earlier result when it is done and still valid, else None (review it again)."""
        import json

        from .. import __version__

        path = self._state_path(document)
        try:
            record = json.loads(path.read_text("utf-8"))
            if (
                record["tool"] != __version__
                or record["settings"] != self.settings
                or record["input_sha256"] != _sha256(document)
            ):
                return None
            outputs = {k: Path(v) for k, v in record["outputs"].items()}
            skipped = set(record["not_applicable"]) | set(record.get("without_findings", ()))
            if set(outputs) | skipped != set(self.formats):
                return None
            if not all((self.out_dir / v).is_file() for v in outputs.values()):
                return None
            review = DocumentReview.model_validate(record["review"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return WrittenDocument(
            review,
            Path(record["relative"]),
            outputs,
            list(record["notes"]),
            list(record["not_applicable"]),
            list(record.get("without_findings", ())),
        )


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_document(
    review: DocumentReview,
    roots: Sequence[Path],
    formats: Sequence[str],
    out_dir: Path,
    protected: frozenset[Path] = frozenset(),
    annotate_clean: bool = False,
) -> WrittenDocument:
    from ..budget import check_budget
    from ..fileio import write_atomic

    def place(relative: Path) -> Path:
        target = inside(out_dir, relative)
        if target.resolve() in protected:
            raise OutputError(
                f"{target}: är en indatafil och skrivs inte över / is an input file and is not "
                "overwritten; välj en annan --output / choose another --output"
            )
        return target

    relative = relative_name(Path(review.path), roots)
    entry = WrittenDocument(review, relative)
    if review.error:
        return entry
    report_name, annotated_name = _names(relative, review.language)
    for fmt in formats:
        check_budget()
        if fmt in REPORT_FORMATS:
            target = place(report_name(fmt))
            write_atomic(target, report_bytes([review], fmt))
            entry.outputs[fmt] = target.relative_to(out_dir)
            continue
        source = Path(review.path)
        suffix = source.suffix.lower()
        if suffix in _ANNOTATED_INPUTS[fmt] and not review.findings and not annotate_clean:
            entry.without_findings.append(fmt)
        elif suffix in _ANNOTATED_INPUTS[fmt]:
            target = place(annotated_name(source.suffix))
            result = _annotate(fmt, source, review, target)
            entry.outputs[fmt] = target.relative_to(out_dir)
            if result.unanchored:
                entry.notes.append(
                    f"{fmt}: {len(result.unanchored)} anmärkningar utan exakt plats / findings "
                    f"without an exact anchor ({', '.join(result.unanchored[:5])})"
                )
        elif fmt == "xlsx":
            from .annotate_xlsx import findings_workbook

            # Not a workbook to hand back: the findings as a workbook of their own.
            word = "anmarkningar" if review.language == "sv" else "findings"
            target = place(relative.with_name(fit_name(f"{relative.name}.{word}.xlsx")))
            findings_workbook([review], target)
            entry.outputs[fmt] = target.relative_to(out_dir)
        else:
            entry.not_applicable.append(fmt)
    return entry


def _annotate(fmt: str, source: Path, review: DocumentReview, target: Path):
    if fmt == "docx":
        from .annotate_docx import annotate_docx

        return annotate_docx(source, review, target)
    if fmt == "pdf":
        from .annotate_pdf import annotate_pdf

        return annotate_pdf(source, review, target)
    from .annotate_xlsx import annotate_xlsx

    return annotate_xlsx(source, review, target)


def folder_notes(written: Sequence[WrittenDocument]) -> list[str]:
    """The lines a folder run prints after its outputs: anchoring fallbacks, then per annotated format the
    documents that are not of it and those without findings (no copy unless --annotate-clean)."""
    lines = [f"{item.review.path}: {note}" for item in written for note in item.notes]
    for fmt in ANNOTATED_FORMATS:
        others = sum(fmt in item.not_applicable for item in written)
        if others:
            lines.append(
                f"{fmt}: {others} dokument är inte {fmt.upper()} och fick ingen kommenterad kopia / "
                f"documents are not {fmt.upper()} and got no annotated copy"
            )
        clean = [item.relative.as_posix() for item in written if fmt in item.without_findings]
        if clean:
            shown = ", ".join(clean[:3]) + (f" (+{len(clean) - 3})" if len(clean) > 3 else "")
            lines.append(
                f"{fmt}: {len(clean)} dokument utan anmärkningar fick ingen kommenterad kopia / documents "
                f"without findings got no annotated copy ({shown}); --annotate-clean skriver den ändå / "
                "writes it anyway"
            )
    return lines


def write_index(written: Sequence[WrittenDocument], out_dir: Path) -> Path:
    from ..fileio import write_atomic
    from .html_index import IndexEntry, render_index
    from .schema import summarise

    entries = []
    for item in written:
        if item.review.skipped:
            continue  # files of other types met in the folder (.jsonl, .png): not tender documents
        summary = summarise(item.review)
        entries.append(
            IndexEntry(
                path=readable(item.relative.as_posix()),
                outputs={k: v.as_posix() for k, v in item.outputs.items()},
                requirements=summary.requirements,
                in_scope=summary.in_scope,
                flagged=summary.flagged,
                need_stated_share=summary.need_stated_share,
                error=item.review.error,
                language=None if item.review.error else item.review.language,
            )
        )
    languages: list[Language] = []
    for entry in entries:
        if entry.language is not None:
            languages.append(entry.language)
    candidates: tuple[Language, ...] = ("sv", "en")
    majority: Language | None = None
    if languages:
        most_common: Language = max(candidates, key=languages.count)
        majority = most_common
    target = out_dir / "index.html"
    write_atomic(target, readable(render_index(entries, language=majority)))
    return target
