"""SARIF 2.1.0: the findings for code-scanning dashboards and other SARIF viewers.

One run per call. Each check is a rule; each finding a result with a stable
``partialFingerprints`` entry (the finding's fingerprint: check, file and normalised
requirement text), so a dashboard keeps tracking a finding when the requirement moves.

Tender documents are mostly PDF/DOCX/XLSX, not text files: ``start``/``end`` are offsets
into the *extracted* text, so the region says so in its properties, and the page, sheet,
cell, table, row and paragraph go into ``logicalLocations`` where a person can use them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..models import DocumentReview, Finding, Language, Location, Requirement, Severity
from .schema import summarise

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "upphandlingsgranskare/v1"  # bump the suffix if fingerprint() ever changes
SRCROOT = "%SRCROOT%"

LEVELS: dict[Severity, str] = {"error": "error", "warning": "warning", "info": "note"}

_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "md": "text/markdown",
}

_LABELS: dict[Language, dict[str, str]] = {
    "sv": {"question": "Fråga till verksamheten", "suggestion": "Förslag"},
    "en": {"question": "Question for the business owner", "suggestion": "Suggestion"},
}

# Tool notifications (not rules): why a document has no results.
_UNREADABLE = "unreadable-document"
_SKIPPED = "skipped-file"
_NOTIFICATIONS = [
    {
        "id": _UNREADABLE,
        "name": "unreadable-document",
        "shortDescription": {"text": "Dokumentet kunde inte läsas / the document could not be read."},
        "defaultConfiguration": {"level": "error"},
    },
    {
        "id": _SKIPPED,
        "name": "skipped-file",
        "shortDescription": {"text": "Filtypen stöds inte, filen hoppades över / unsupported file type, skipped."},
        "defaultConfiguration": {"level": "note"},
    },
]

_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")


def _markdown(doc: str) -> str:
    """The docstring as Markdown: its reST-style underlined section titles become headings."""
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i].strip() and _UNDERLINE.match(lines[i + 1]):
            out.append(f"### {lines[i].strip()}")
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out).strip()


def _intro(doc: str) -> str:
    """The docstring up to its first section title: what the check flags."""
    lines = doc.splitlines()
    for i in range(len(lines) - 1):
        if lines[i].strip() and _UNDERLINE.match(lines[i + 1]):
            lines = lines[:i]
            break
    paragraphs = [" ".join(p.split()) for p in "\n".join(lines).split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _rules(language: Language, reviews: list[DocumentReview]) -> tuple[list[dict], dict[str, int]]:
    from ..checks import ALL_CHECKS

    rules: list[dict] = []
    index: dict[str, int] = {}
    for check in ALL_CHECKS:
        doc = check.documentation()
        summary = dict(check.summary)
        rule = {
            "id": check.code,
            "name": check.name,
            "shortDescription": {"text": summary.get(language) or summary.get("en") or check.name},
            "fullDescription": {"text": _intro(doc) or summary.get("en", check.name)},
            "help": {"text": doc or summary.get("en", check.name), "markdown": _markdown(doc) or check.name},
            "defaultConfiguration": {"level": LEVELS[check.default_severity]},
            "properties": {"summary": summary, "tags": ["procurement", "requirements"]},
        }
        index[check.code] = len(rules)
        rules.append(rule)
    # A code the registry does not know (an older or foreign review) still gets a rule, so
    # every result's ruleIndex is valid.
    for review in reviews:
        for finding in review.findings:
            if finding.code not in index:
                index[finding.code] = len(rules)
                rules.append(
                    {
                        "id": finding.code,
                        "name": finding.name,
                        "shortDescription": {"text": finding.name},
                        "defaultConfiguration": {"level": LEVELS[finding.severity]},
                    }
                )
    return rules, index


def _artifact_location(path: str, base: Path) -> dict:
    """A relative URI under %SRCROOT% where the path allows it, else an absolute file URI."""
    raw = Path(path)
    if raw.is_absolute() or ".." in raw.parts:
        absolute = (base / raw).resolve()
        try:
            raw = absolute.relative_to(base.resolve())
        except ValueError:
            return {"uri": absolute.as_uri()}
    # Percent-encode: Swedish file names (å, ä, ö) and spaces are not allowed raw in a URI.
    # quote() of the file system's bytes: a name that is not UTF-8 keeps its real bytes (%FF), no traceback.
    return {"uri": quote(os.fsencode(raw.as_posix()), safe="/"), "uriBaseId": SRCROOT}


def _logical_locations(location: Location, requirement_id: str, heading_path: tuple[str, ...]) -> list[dict]:
    found: list[dict] = []
    if heading_path:
        found.append({"name": heading_path[-1], "fullyQualifiedName": " > ".join(heading_path), "kind": "section"})
    if location.page is not None:
        found.append({"name": f"p. {location.page}", "kind": "page", "properties": {"page": location.page}})
    if location.sheet is not None:
        cell = f"{location.sheet}!{location.cell}" if location.cell else location.sheet
        found.append(
            {
                "name": location.cell or location.sheet,
                "fullyQualifiedName": cell,
                "kind": "cell",
                "properties": {"sheet": location.sheet, "cell": location.cell, "row": location.row},
            }
        )
    elif location.table is not None:
        row = 0 if location.row is None else location.row + 1
        found.append(
            {
                "name": f"row {row}",
                "fullyQualifiedName": f"table {location.table + 1} row {row}",
                "kind": "tableRow",
                "properties": {"table": location.table, "row": location.row},
            }
        )
    elif location.paragraph is not None:
        found.append(
            {
                "name": f"¶ {location.paragraph + 1}",
                "kind": "paragraph",
                "properties": {"paragraph": location.paragraph},
            }
        )
    found.append({"name": requirement_id, "kind": "requirement"})
    return found


def _result(
    finding: Finding, rule_index: int, artifact_index: int, artifact: dict, requirement: Requirement | None
) -> dict:
    labels = _LABELS[finding.language]
    text = (
        f"{finding.message}\n\n{labels['question']}: {finding.question}\n{labels['suggestion']}: {finding.suggestion}"
    )
    physical: dict = {"artifactLocation": {**artifact, "index": artifact_index}}
    loc = finding.location
    if loc.start is not None and loc.end is not None and loc.end >= loc.start:
        physical["region"] = {
            "charOffset": loc.start,
            "charLength": loc.end - loc.start,
            "snippet": {"text": finding.requirement_text},
            "properties": {
                "offsetsInto": "extractedText",
                "note": "charOffset/charLength count Unicode code points in the text upphandlingsgranskare "
                "extracted from the document (blocks joined by newlines), not in the file's bytes.",
            },
        }
    heading_path = requirement.heading_path if requirement is not None else ()
    location = {
        "physicalLocation": physical,
        "logicalLocations": _logical_locations(loc, finding.requirement_id, heading_path),
        "message": {"text": loc.describe()},
    }
    properties: dict = {
        "requirementId": finding.requirement_id,
        "requirementText": finding.requirement_text,
        "origin": finding.origin,
        "suggestion": finding.suggestion,
        "question": finding.question,
        "severity": finding.severity,
        "language": finding.language,
    }
    if heading_path:
        properties["headingPath"] = list(heading_path)
    if finding.evidence:
        properties["evidence"] = finding.evidence
    if finding.origin_detail:
        properties["originDetail"] = finding.origin_detail
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "kind": "fail",
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }


def _artifact(review: DocumentReview, location: dict) -> dict:
    """The run's artifact for one document: its location, format, and either its figures or why it was not read."""
    properties: dict = {"format": review.format, "language": review.language}
    if review.error:
        properties["error"] = review.error
        properties["skipped"] = review.skipped
    else:
        s = summarise(review)
        properties.update(
            {
                "requirements": s.requirements,
                "inScope": s.in_scope,
                "flagged": s.flagged,
                "needStatedShare": s.need_stated_share,
                "goals": len(review.goals),
            }
        )
        if review.pages is not None:
            properties["pages"] = review.pages
        if review.extractor:
            properties["extractor"] = review.extractor
    artifact: dict = {"location": location, "roles": ["analysisTarget"], "properties": properties}
    if review.format in _MIME:
        artifact["mimeType"] = _MIME[review.format]
    return artifact


def _notification(review: DocumentReview, location: dict, artifact_index: int) -> dict:
    """The tool execution notification for a document that could not be read or was skipped."""
    descriptor = _SKIPPED if review.skipped else _UNREADABLE
    return {
        "level": "note" if review.skipped else "error",
        "message": {"text": f"{review.path}: {review.error}"},
        "descriptor": {"id": descriptor, "index": 1 if review.skipped else 0},
        "locations": [{"physicalLocation": {"artifactLocation": {**location, "index": artifact_index}}}],
    }


def to_sarif_log(reviews: list[DocumentReview], *, base_dir: str | os.PathLike | None = None) -> dict:
    """The SARIF log as a dict. Paths are made relative to ``base_dir`` (default: the current
    directory) under the ``%SRCROOT%`` base id; a path outside it becomes an absolute file URI."""
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    language: Language = reviews[0].language if reviews else "sv"
    rules, rule_index = _rules(language, reviews)

    artifacts: list[dict] = []
    results: list[dict] = []
    notifications: list[dict] = []
    for artifact_index, review in enumerate(reviews):
        location = _artifact_location(review.path, base)
        artifacts.append(_artifact(review, location))
        if review.error:
            notifications.append(_notification(review, location, artifact_index))
            continue
        requirements = {(r.id, r.text): r for r in review.requirements}
        for finding in review.findings:
            results.append(
                _result(
                    finding,
                    rule_index[finding.code],
                    artifact_index,
                    location,
                    requirements.get((finding.requirement_id, finding.requirement_text)),
                )
            )

    failed = any(r.error and not r.skipped for r in reviews)
    invocation: dict = {"executionSuccessful": not failed}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict = {
        "tool": {
            "driver": {
                "name": "upphandlingsgranskare",
                "version": __version__,
                "semanticVersion": __version__,
                "language": language,
                "rules": rules,
                "notifications": _NOTIFICATIONS,
            }
        },
        "invocations": [invocation],
        "language": language,
        "columnKind": "unicodeCodePoints",  # Python str offsets
        "artifacts": artifacts,
        "results": results,
    }
    if base_dir is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base.resolve().as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def to_sarif(reviews: list[DocumentReview], *, base_dir: str | os.PathLike | None = None) -> str:
    return json.dumps(to_sarif_log(reviews, base_dir=base_dir), ensure_ascii=False, indent=2) + "\n"
