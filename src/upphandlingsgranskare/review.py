"""The pipeline: file -> extraction -> segmentation -> checks -> ``DocumentReview``.

Plain functions, imported by the CLI and by tests. A file that cannot be read becomes a
``DocumentReview`` with ``error`` set, so a batch goes on past it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .models import DocumentReview, ExtractionError, Finding, Requirement


@dataclass(frozen=True)
class InputFile:
    path: Path
    skipped_reason: str | None = None  # unsupported file met inside a folder


def supported_extensions() -> frozenset[str]:
    from .extract import SUPPORTED_EXTENSIONS

    return frozenset(SUPPORTED_EXTENSIONS)


def collect_inputs(paths: Sequence[str | os.PathLike]) -> list[InputFile]:
    """Files to review, in a stable order. Folders are searched recursively by extension.

    A path that does not exist raises ``FileNotFoundError``. A file named explicitly is
    always returned (an unsupported one fails in extraction with a clear message); inside a
    folder, unsupported files are returned as skipped so the report can name them.
    """
    extensions = supported_extensions()
    found: list[InputFile] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"{path}: finns inte / does not exist")
        if path.is_file():
            candidates = [InputFile(path)]
        else:
            candidates = []
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue  # hidden files and folders (.git, .DS_Store)
                if child.name.startswith("~$"):
                    continue  # Office lock files
                if child.suffix.lower() in extensions:
                    candidates.append(InputFile(child))
                else:
                    reason = (f"hoppades över: filtypen {child.suffix or '(ingen)'} stöds inte / skipped: unsupported "
                              f"file type; supported: {', '.join(sorted(extensions))}")
                    candidates.append(InputFile(child, skipped_reason=reason))
        for candidate in candidates:
            key = candidate.path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def review_document(path: str | os.PathLike) -> DocumentReview:
    """Review one file. Raises ``ExtractionError`` when the file cannot be read."""
    from .checks import ALL_CHECKS, DocumentContext
    from .extract import extract
    from .segment import detect_language, segment

    document = extract(path)
    language = detect_language(document.text)
    segmentation = segment(document, language)
    context = DocumentContext(path=document.path, language=language, goals=tuple(segmentation.goals))
    requirements: list[Requirement] = []
    findings: list[Finding] = []
    in_scope = 0
    for requirement in segmentation.requirements:
        for check in ALL_CHECKS:
            assessment = check.assess(requirement, context)
            if assessment is not None:
                requirement = requirement.model_copy(
                    update={"label": assessment.label, "label_reason": assessment.reason})
                in_scope += assessment.in_scope
                if assessment.flagged:
                    findings.append(check.finding(requirement, context, assessment))
            else:
                findings.extend(check.run(requirement, context))
        requirements.append(requirement)
    return DocumentReview(
        path=document.path,
        format=document.format,
        language=language,
        requirements=tuple(requirements),
        goals=tuple(segmentation.goals),
        findings=tuple(findings),
        in_scope=in_scope,
        pages=document.pages,
        extractor=document.extractor,
    )


def review_paths(
    inputs: Iterable[InputFile],
    on_done: Callable[[InputFile, DocumentReview], None] | None = None,
) -> list[DocumentReview]:
    """Review every input; a broken file gives a review with ``error`` and the batch goes on."""
    reviews: list[DocumentReview] = []
    for item in inputs:
        if item.skipped_reason:
            review = _failed(item.path, item.skipped_reason, skipped=True)
        else:
            try:
                review = review_document(item.path)
            except ExtractionError as error:
                review = _failed(item.path, error.reason)
            except Exception as error:  # noqa: BLE001 - one bad file must not stop a batch
                review = _failed(item.path, f"oväntat fel / unexpected error: {type(error).__name__}: {error}")
        reviews.append(review)
        if on_done is not None:
            on_done(item, review)
    return reviews


def _failed(path: Path, reason: str, skipped: bool = False) -> DocumentReview:
    return DocumentReview(
        path=str(path),
        format=path.suffix.lower().lstrip(".") or "unknown",
        language="sv",
        requirements=(),
        goals=(),
        findings=(),
        error=reason,
        skipped=skipped,
    )
