"""The HTML pages' shared pieces: escaping, the <head> with its Content-Security-Policy, and the share figure."""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable

from .. import __version__
from ..models import Language
from .html_assets import CSS as _CSS
from .html_assets import JS as _JS


def escape(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def page_head(title: str, language: Language, *, script: bool) -> str:
    # default-src 'none' forbids every load (images, fonts, frames, fetch); only our own
    # style and script blocks, identified by hash, may run.
    policy = f"default-src 'none'; style-src {_csp_hash(_CSS)}; base-uri 'none'; form-action 'none'"
    if script:
        policy += f"; script-src {_csp_hash(_JS)}"
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
        f'<meta name="referrer" content="no-referrer">\n'
        f'<meta name="generator" content="upphandlingsgranskare {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
    )


def share_text(share: float | None, language: Language) -> str:
    if share is None:
        return "–"
    percent = round(share * 100)
    # Swedish writes a space before the percent sign.
    return f"{percent}\u00a0%" if language == "sv" else f"{percent}%"


def overall_share(parts: Iterable[tuple[float | None, int]]) -> float | None:
    """The share over several documents from each one's (share, in_scope): weighted by in_scope,
    so it is the documents' requirements with a stated need over all their requirements on the
    solution, whatever each document's share counts as 'without a need'."""
    weighted = [(share, in_scope) for share, in_scope in parts if share is not None and in_scope]
    total = sum(in_scope for _, in_scope in weighted)
    return None if total == 0 else round(sum(share * in_scope for share, in_scope in weighted) / total, 4)
