"""The HTML report and the folder index: self-contained, escaped, filterable in a real browser.

The browser tests drive Debian's headless Chromium through its command line only
(``--dump-dom`` gives the DOM after the page's script ran, ``--screenshot`` a PNG), so no
CDP client is needed. The filters are set through the URL fragment, which the page reads
on load.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.tools import require_tool
from upphandlingsgranskare.models import DocumentReview, Finding, Location, Requirement
from upphandlingsgranskare.report.html import render_html
from upphandlingsgranskare.report.html_index import IndexEntry, render_index
from upphandlingsgranskare.report.schema import summarise
from upphandlingsgranskare.review import review_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "corpora" / "samples").iterdir() if p.suffix in {".pdf", ".docx", ".xlsx"})
ARTIFACTS = ROOT / "tests" / "artifacts"
EVIL = '<script>document.title="pwned"</script> & "quoted" <img src=x onerror=alert(1)>'


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of elements with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open_ids: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self._open_ids.append((tag, attributes["id"]))
            self.text_by_id.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data):
        for _, element_id in self._open_ids:
            self.text_by_id[element_id] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def findings_in(dom: _Elements) -> list[dict[str, str | None]]:
    return [a for t, a in dom.tags if t == "section" and "finding" in (a.get("class") or "").split()]


def cards_in(dom: _Elements) -> list[dict[str, str | None]]:
    return [a for t, a in dom.tags if t == "article" and "card" in (a.get("class") or "").split()]


@functools.lru_cache(maxsize=1)
def sample_reviews() -> tuple[DocumentReview, ...]:
    """The sample documents reviewed once per test session (the report tests share them)."""
    return tuple(review_document(path) for path in SAMPLES)


@pytest.fixture(scope="module")
def reviews() -> list[DocumentReview]:
    return list(sample_reviews())


def _failed(path: str, error: str) -> DocumentReview:
    return DocumentReview(path=path, format="pdf", language="sv", requirements=(), goals=(), findings=(), error=error)


def _evil_review() -> DocumentReview:
    location = Location(file="evil<b>.docx", paragraph=3, start=10, end=40)
    requirement = Requirement(
        id='K1"><i>',
        text=EVIL,
        kind="ska",
        location=location,
        language="sv",
        heading_path=("2 <em>Krav</em>", "2.1 Säkerhet & drift"),
    )
    finding = Finding(
        code="UG001",
        name="feature-without-need",
        severity="warning",
        message="Skäl </dd><b>x</b>",
        question="Varför <script>?",
        suggestion=EVIL + ", för att [önskad effekt]",
        location=location,
        requirement_id=requirement.id,
        requirement_text=requirement.text,
        language="sv",
    )
    return DocumentReview(
        path="evil<b>.docx",
        format="docx",
        language="sv",
        requirements=(requirement,),
        goals=(),
        findings=(finding,),
        in_scope=1,
    )


def _chromium(profile: Path, url: str, *args: str) -> str:
    exe = require_tool("chromium", "chromium-browser")
    command = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _dump_dom(tmp_path: Path, page: Path, fragment: str = "") -> _Elements:
    return parse(_chromium(tmp_path / "profile", page.as_uri() + fragment, "--dump-dom"))


# --- static checks -----------------------------------------------------------------------

_URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href"}


def assert_self_contained(html: str) -> None:
    dom = parse(html)
    for tag, attrs in dom.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "video", "audio"}, tag
        for name, value in attrs.items():
            if name in _URL_ATTRIBUTES and value:
                assert not re.match(r"\s*([a-z][a-z0-9+.-]*:|//)", value, re.IGNORECASE), f"{tag} {name}={value!r}"
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html
    for style in re.findall(r"<style>(.*?)</style>", html, re.DOTALL):
        assert not re.search(r"\burl\s*\(", style, re.IGNORECASE)  # no background images or fonts to fetch
    assert len(dom.find("script")) <= 1 and len(dom.find("style")) == 1
    assert "Content-Security-Policy" in html and "default-src 'none'" in html.replace("&#x27;", "'")


def test_report_is_self_contained_and_complete(reviews):
    html = render_html(reviews + [_failed("trasig.pdf", "filen är skadad / the file is damaged")])
    assert_self_contained(html)
    dom = parse(html)
    findings = [f for r in reviews for f in r.findings]
    articles = findings_in(dom)
    assert len(articles) == len(findings) > 0
    assert [(a["data-code"], a["data-severity"], a["data-fingerprint"]) for a in articles] == [
        (f.code, f.severity, f.fingerprint) for f in findings
    ]
    # One card per requirement (issue 17): a requirement's findings share it, its text is quoted once.
    anchors = []
    for r in reviews:
        for f in r.findings:
            key = (r.path, f.subject, f.requirement_id, f.requirement_text)
            if not anchors or anchors[-1] != key:
                anchors.append(key)
    assert len(cards_in(dom)) == len(anchors) < len(findings)
    assert html.count('class="req-text"') == len(anchors)
    # The first document decides the page's language; each document keeps its own.
    assert reviews[0].language == "en" and '<html lang="en">' in html
    assert "Review report" in html and "Question for the business owner" in html
    assert {a["lang"] for a in dom.find("section") if "document" in (a.get("class") or "")} == {"en", "sv"}
    # Summary figures are the schema's figures, summed.
    assert dom.text_by_id["figure-requirements"].endswith(str(sum(summarise(r).requirements for r in reviews)))
    assert dom.text_by_id["figure-flagged"].endswith(str(sum(summarise(r).flagged for r in reviews)))
    assert dom.text_by_id["shown-count"] == dom.text_by_id["total-count"] == str(len(findings))
    assert "UG001" in dom.text_by_id["checks"]
    # The unreadable document is listed with its error.
    assert "trasig.pdf" in dom.text_by_id["unreadable"] and "filen är skadad" in dom.text_by_id["unreadable"]
    # Findings are grouped under their requirement's heading path.
    sv_pdf = next(r for r in reviews if r.path.endswith(".pdf"))
    first = next(f for f in sv_pdf.findings if f.subject == "requirement")  # not a goal's finding (UG202)
    requirement = next(
        q for q in sv_pdf.requirements if (q.id, q.text) == (first.requirement_id, first.requirement_text)
    )
    assert requirement.heading_path
    assert f"<h4>{' › '.join(requirement.heading_path)}</h4>" in html


def test_report_in_swedish_for_a_swedish_first_document(reviews):
    html = render_html([r for r in reviews if r.language == "sv"])
    assert '<html lang="sv">' in html
    for text in (
        "Granskningsrapport",
        "Andel med angivet behov",
        "Fråga till verksamheten",
        "Förslag till omskrivning",
        "Bedömd av",
        "regler",
    ):
        assert text in html


def test_accepted_findings_are_noted(reviews):
    if "suppressed" not in DocumentReview.model_fields:
        pytest.skip("this tree's DocumentReview has no suppression counts")
    review = reviews[-1].model_copy(
        update={"suppressed": 2, "baselined": 1, "unused_suppressions": ("K9: ugr: ignorera UG101 <x>",)}
    )
    html = render_html([review])
    assert "godtagna anmärkningar: 2 genom markering i dokumentet, 1 genom baslinjen" in html
    assert "markering som inte godtar något: K9: ugr: ignorera UG101 &lt;x&gt;" in html


def test_document_text_is_escaped():
    html = render_html([_evil_review()])
    assert_self_contained(html)
    assert "<script>document.title" not in html and "<img src=x" not in html and "<em>Krav" not in html
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt; &amp; &quot;quoted&quot;" in html
    dom = parse(html)
    assert len(dom.find("script")) == 1 and not dom.find("img") and not dom.find("em") and not dom.find("i")
    assert "2 &lt;em&gt;Krav&lt;/em&gt; › 2.1 Säkerhet &amp; drift" in html
    assert "K1&quot;&gt;&lt;i&gt;" in html


def test_empty_report_renders():
    html = render_html([])
    assert_self_contained(html)
    assert "Inga dokument granskades." in html


# --- in the browser ----------------------------------------------------------------------


def test_filters_from_the_url_fragment_in_chromium(reviews, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(reviews), encoding="utf-8")
    findings = [f for r in reviews for f in r.findings]
    infos = [f for f in findings if f.severity == "info" and f.code == "UG001"]
    assert 0 < len(infos) < len(findings)

    dom = _dump_dom(tmp_path, page, "#code=UG001&severity=info")
    articles = findings_in(dom)
    assert len(articles) == len(findings)
    shown = [a for a in articles if "hidden" not in a]
    assert len(shown) == len(infos)
    assert {a["data-severity"] for a in shown} == {"info"} and {a["data-code"] for a in shown} == {"UG001"}
    assert dom.text_by_id["shown-count"] == str(len(infos))  # the script ran and counted
    assert "hidden" not in dom.find("form", id="filters")[0]  # the script shows the filters
    boxes = {a["value"]: "checked" in a for a in dom.find("input", type="checkbox")}
    assert boxes["info"] and not boxes["warning"] and not boxes["error"] and boxes["UG001"]

    assert not [f for f in findings if f.code == "UG001" and f.severity == "error"]
    dom = _dump_dom(tmp_path, page, "#code=UG001&severity=error")
    assert all("hidden" in a for a in findings_in(dom))
    assert dom.text_by_id["shown-count"] == "0"
    assert "hidden" not in dom.find("p", id="no-match")[0]
    # Sections left without a visible finding are hidden with them.
    assert all("hidden" in a for a in dom.find("section") if "group" in (a.get("class") or "").split())


def test_escaped_text_stays_text_in_chromium(tmp_path):
    page = tmp_path / "evil.html"
    page.write_text(render_html([_evil_review()]), encoding="utf-8")
    out = _chromium(tmp_path / "profile", page.as_uri(), "--dump-dom")
    dom = parse(out)
    assert len(dom.find("script")) == 1 and not dom.find("img") and not dom.find("em")
    assert "pwned" not in re.search(r"<title>(.*?)</title>", out, re.DOTALL).group(1)
    assert dom.text_by_id["shown-count"] == "1"


def test_screenshot_in_chromium(reviews, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(reviews), encoding="utf-8")
    png = tmp_path / "report.png"
    _chromium(tmp_path / "profile", page.as_uri(), f"--screenshot={png}", "--window-size=1280,2000")
    assert png.exists() and png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("UG_KEEP_ARTIFACTS"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, ARTIFACTS / "report-html.png")


# --- folder index ------------------------------------------------------------------------


def _entries() -> list[IndexEntry]:
    return [
        IndexEntry(
            path="kravspec ö.docx",
            outputs={"html": "kravspec ö.docx.html", "json": "kravspec ö.docx.json"},
            requirements=40,
            in_scope=30,
            flagged=12,
            need_stated_share=0.6,
            error=None,
            language="sv",
        ),
        IndexEntry(
            path="javascript:alert(1).pdf",
            outputs={"html": "javascript:alert(1).pdf.html"},
            requirements=10,
            in_scope=10,
            flagged=0,
            need_stated_share=1.0,
            error=None,
        ),
        IndexEntry(
            path="a#b<i>.xlsx",
            outputs={"csv": "sub/a#b<i>.xlsx.csv"},
            requirements=0,
            in_scope=0,
            flagged=0,
            need_stated_share=None,
            error=None,
        ),
        IndexEntry(
            path="trasig.pdf",
            outputs={},
            requirements=0,
            in_scope=0,
            flagged=0,
            need_stated_share=None,
            error="filen är skadad <b>",
        ),
    ]


def test_index_page(tmp_path):
    html = render_index(_entries())
    assert_self_contained(html)
    assert '<html lang="sv">' in html and "Granskade dokument" in html
    dom = parse(html)
    hrefs = [a["href"] for a in dom.find("a")]
    assert hrefs == [
        "kravspec%20%C3%B6.docx.html",
        "kravspec%20%C3%B6.docx.html",
        "kravspec%20%C3%B6.docx.json",
        "javascript%3Aalert%281%29.pdf.html",
        "javascript%3Aalert%281%29.pdf.html",
        "sub/a%23b%3Ci%3E.xlsx.csv",
    ]
    assert not dom.find("i") and not dom.find("b")
    assert dom.text_by_id["figure-documents"].endswith("4")
    assert dom.text_by_id["figure-requirements"].endswith("50")
    assert dom.text_by_id["figure-flagged"].endswith("12")
    assert dom.text_by_id["figure-share"].endswith("70\u00a0%")  # (40 - 12) / 40 on the solution
    assert dom.text_by_id["figure-errors"].endswith("1")
    assert "filen är skadad &lt;b&gt;" in html
    assert "60\u00a0%" in html and "100\u00a0%" in html
    assert render_index(_entries(), language="en").count("Reviewed documents") == 2  # title and heading

    page = tmp_path / "index.html"
    page.write_text(html, encoding="utf-8")
    browser = _dump_dom(tmp_path, page)
    assert (
        len(browser.find("tr", **{"class": "entry"})) == 3 and len(browser.find("tr", **{"class": "entry failed"})) == 1
    )
