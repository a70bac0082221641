"""The annotated PDF: one highlight per finding, on the requirement's own words, with its note."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from tests.tools import require_tool
from upphandlingsgranskare.models import DocumentReview, Finding, Location
from upphandlingsgranskare.report.annotate_pdf import annotate_pdf, locate_findings
from upphandlingsgranskare.report.annotated import AUTHOR
from upphandlingsgranskare.review import review_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "samples" / "sv-forfragningsunderlag-lonesystem.pdf"
REALDOCS = ROOT.parent / "shared" / "realdocs"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _norm(text: str) -> str:
    """Letters and digits only: the page's line breaks, hyphens and spacing are not the extractor's."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _highlights(pdf: Path) -> list[tuple[int, dict]]:
    """(1-based page, annotation) for every /Highlight in the file."""
    found = []
    for number, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):
        for ref in page.get("/Annots") or ():
            annot = ref.get_object()
            if annot["/Subtype"] == "/Highlight":
                found.append((number, annot))
    return found


def _quads(annot: dict) -> list[list[float]]:
    points = [float(v) for v in annot["/QuadPoints"]]
    assert points and len(points) % 8 == 0
    return [points[i : i + 8] for i in range(0, len(points), 8)]


def _text_under(pdf: Path, page_number: int, quads: list[list[float]]) -> str:
    """The text PDFium finds inside each quad's rectangle, shrunk a little so neighbours stay out."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        textpage = document[page_number - 1].get_textpage()
        parts = []
        for quad in quads:
            xs, ys = quad[0::2], quad[1::2]
            left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
            # Shrink a quarter of the line's height across the text, a point along it.
            horizontal = abs(quad[2] - quad[0]) >= abs(quad[3] - quad[1])  # upper right - upper left
            across, along = (
                ((top - bottom) / 4, min(1.0, (right - left) / 4))
                if horizontal
                else ((right - left) / 4, min(1.0, (top - bottom) / 4))
            )
            inset_x, inset_y = (along, across) if horizontal else (across, along)
            parts.append(textpage.get_text_bounded(left + inset_x, bottom + inset_y, right - inset_x, top - inset_y))
        return " ".join(parts)
    finally:
        document.close()


def _render(pdf: Path, page_number: int, prefix: Path) -> Path:
    pdftoppm = require_tool("pdftoppm")
    page = str(page_number)
    command = [pdftoppm, "-r", "72", "-cropbox", "-f", page, "-l", page, "-png", "-singlefile", str(pdf), str(prefix)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return prefix.with_suffix(".png")


def _to_pixels(page: pypdf.PageObject, x: float, y: float) -> tuple[float, float]:
    """User space to pdftoppm's pixels at 72 dpi: crop box origin, then the page's rotation (clockwise)."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    rotation = (page.rotation or 0) % 360
    return {0: (x - x0, y1 - y), 90: (y - y0, x - x0), 180: (x1 - x, y - y0), 270: (y1 - y, x1 - x)}[rotation]


def _check_pixels(original: Path, annotated: Path, page_number: int, tmp_path: Path, name: str) -> Path:
    """Render the page before and after (as shown: crop box, rotation): only the highlights changed, and they did."""
    image = pytest.importorskip("PIL.Image")
    from PIL import ImageChops, ImageDraw

    before = image.open(_render(original, page_number, tmp_path / f"{name}-original")).convert("RGB")
    after_png = _render(annotated, page_number, tmp_path / f"{name}-annotated")
    after = image.open(after_png).convert("RGB")
    assert before.size == after.size
    red, green, blue = ImageChops.difference(before, after).split()
    changed = ImageChops.lighter(ImageChops.lighter(red, green), blue).point(lambda v: 255 if v > 8 else 0)

    page = pypdf.PdfReader(annotated).pages[page_number - 1]
    boxes = []
    for number, annot in _highlights(annotated):
        if number != page_number:
            continue
        for quad in _quads(annot):
            pixels = [_to_pixels(page, quad[i], quad[i + 1]) for i in range(0, 8, 2)]
            boxes.append(
                (
                    min(p[0] for p in pixels),
                    min(p[1] for p in pixels),
                    max(p[0] for p in pixels),
                    max(p[1] for p in pixels),
                )
            )
    assert boxes, "no highlight on the rendered page"

    allowed = image.new("L", changed.size, 0)
    draw = ImageDraw.Draw(allowed)
    tolerance = 2
    for left, top, right, bottom in boxes:
        draw.rectangle((left - tolerance, top - tolerance, right + tolerance, bottom + tolerance), fill=255)
    outside = ImageChops.subtract(changed, allowed)
    assert outside.getbbox() is None, f"pixels changed outside the highlights: {outside.getbbox()}"
    for left, top, right, bottom in boxes:
        region = changed.crop((round(left) + 1, round(top) + 1, round(right) - 1, round(bottom) - 1))
        share = region.histogram()[255] / max(1, region.width * region.height)
        assert share > 0.5, f"highlight at {(left, top, right, bottom)} changed only {share:.0%} of its pixels"

    if os.environ.get("UG_KEEP_ARTIFACTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy2(after_png, ARTIFACTS / after_png.name)
    return after_png


def _finding(text: str, page: int, requirement_id: str, language: str = "sv") -> Finding:
    return Finding(
        code="UG001",
        name="feature-without-need",
        severity="warning",
        message=f"Kravet beskriver en funktion utan behov ({requirement_id}).",
        question="Vilket behov ska funktionen lösa?",
        suggestion="Beskriv behovet och låt leverantören föreslå lösningen.",
        location=Location(file="test.pdf", page=page),
        requirement_id=requirement_id,
        requirement_text=text,
        language=language,  # type: ignore[arg-type]
    )


def _review(findings: list[Finding]) -> DocumentReview:
    return DocumentReview(
        path="test.pdf", format="pdf", language="sv", requirements=(), goals=(), findings=tuple(findings)
    )


def _build_pdf(
    path: Path, pages: list[list[str]], landscape_rotated: bool = False, crop: tuple[float, ...] | None = None
) -> Path:
    """A PDF with the given lines per page (each line set on its own, so the wrapping is ours).

    ``landscape_rotated``: a landscape page stored the way many exporters do it, as a portrait
    page with /Rotate 90 and its content turned the other way, so the text reads upright on
    screen but runs upwards in user space.
    """
    if not FONT.exists():
        pytest.skip(f"{FONT} not installed")
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(orientation="L" if landscape_rotated else "P", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.cell(0, 6, f"Sida {number} av {len(pages)}")
    raw = path.with_suffix(".raw.pdf")
    pdf.output(str(raw))
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(raw))
    for page in writer.pages:
        if landscape_rotated:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            # (X, Y) -> (height - Y, X): shown upright again by the clockwise /Rotate 90.
            page.add_transformation(pypdf.Transformation().rotate(90).translate(height, 0))
            page.mediabox = pypdf.generic.RectangleObject((0, 0, height, width))
            page.rotate(90)
        page.cropbox = pypdf.generic.RectangleObject(crop or page.mediabox)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


# --- the sample --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    before = _sha256(SAMPLE)
    review = review_document(SAMPLE)
    target = tmp_path_factory.mktemp("annotated") / "annotated.pdf"
    result = annotate_pdf(SAMPLE, review, target)
    assert _sha256(SAMPLE) == before, "the input PDF was modified"
    assert target.read_bytes().startswith(SAMPLE.read_bytes()), "annotations are appended as an incremental update"
    return review, result, target


def _heads(findings) -> list[tuple[int, object, list]]:
    """(index of the first, first finding, all findings) per requirement: one highlight each."""
    heads: list[tuple[int, object, list]] = []
    for index, f in enumerate(findings):
        key = (f.subject, f.requirement_id, f.requirement_text, f.location.page)
        if (
            heads
            and (
                heads[-1][1].subject,
                heads[-1][1].requirement_id,
                heads[-1][1].requirement_text,
                heads[-1][1].location.page,
            )
            == key
        ):
            heads[-1][2].append(f)
        else:
            heads.append((index, f, [f]))
    return heads


def test_sample_gets_one_anchored_highlight_per_requirement(sample) -> None:
    review, result, target = sample
    assert review.findings, "the sample should have findings"
    assert result.target == target and target.is_file()
    assert result.anchored == len(review.findings)
    assert result.unanchored == ()
    highlights = _highlights(target)
    # One highlight per flagged requirement, plus a second part where it runs over a page break ("-2").
    firsts = [a for _, a in highlights if not re.search(r"-\d+-\d+$", str(a["/NM"]))]
    heads = _heads(review.findings)
    assert len(firsts) == len(heads) < len(review.findings)  # some requirements have two findings
    by_name = {str(annot["/NM"]): (number, annot) for number, annot in highlights}
    for index, finding, group in heads:
        number, annot = by_name[f"ug-{finding.fingerprint}-{index}"]
        assert number == finding.location.page
        _quads(annot)
        assert annot["/T"] == AUTHOR
        contents = str(annot["/Contents"])
        assert contents.startswith(f"{finding.code} {finding.name}")
        for each in group:  # the note lists every finding of the requirement
            assert each.message in contents
            assert f"Fråga till verksamheten: {each.question}" in contents
            assert f"Förslag: {each.suggestion}" in contents
        popup = annot["/Popup"].get_object()
        assert popup["/Subtype"] == "/Popup"
        assert popup["/Parent"].get_object() == annot
        assert "/N" in annot["/AP"]  # own appearance: every viewer draws the same highlight


def test_sample_highlights_cover_exactly_the_requirement_words(sample) -> None:
    review, _, target = sample
    by_name = {str(annot["/NM"]): (number, annot) for number, annot in _highlights(target)}
    for index, finding, _ in _heads(review.findings):
        name = f"ug-{finding.fingerprint}-{index}"
        number, annot = by_name[name]
        under = _text_under(target, number, _quads(annot))
        if f"{name}-2" in by_name:  # the rest of the requirement, on the next page
            next_number, rest = by_name[f"{name}-2"]
            assert next_number == number + 1
            under += " " + _text_under(target, next_number, _quads(rest))
        assert _norm(under) == _norm(finding.requirement_text), (finding.requirement_text, under)


def test_sample_rendering_changes_only_the_highlighted_areas(sample, tmp_path: Path) -> None:
    review, _, target = sample
    page = review.findings[0].location.page
    png = _check_pixels(SAMPLE, target, page, tmp_path, "sample")
    assert png.is_file() and png.parent == tmp_path


def test_target_must_not_be_the_source(sample, tmp_path: Path) -> None:
    review, _, _ = sample
    copy = tmp_path / "in.pdf"
    shutil.copy2(SAMPLE, copy)
    with pytest.raises(ValueError):
        annotate_pdf(copy, review, copy)
    assert _sha256(copy) == _sha256(SAMPLE)


def test_encrypted_pdf_without_password_is_annotated(sample, tmp_path: Path) -> None:
    review, _, _ = sample
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(SAMPLE))
    writer.encrypt(user_password="", owner_password="ägare", algorithm="RC4-128")  # RC4: no extra dependency
    encrypted = tmp_path / "encrypted.pdf"
    with encrypted.open("wb") as handle:
        writer.write(handle)
    result = annotate_pdf(encrypted, review, tmp_path / "encrypted-annotated.pdf")
    assert result.anchored == len(review.findings)
    firsts = [a for _, a in _highlights(result.target) if not re.search(r"-\d+-\d+$", str(a["/NM"]))]
    assert len(firsts) == len(_heads(review.findings))


# --- built PDFs: rotation, wrapping, hyphenation, page breaks, fallback ------------------------

WRAPPED = "Lösningen ska kunna skapa och skicka arbetsgivardeklaration på individnivå till Skatteverket."


def test_rotated_page_with_a_wrapped_requirement(tmp_path: Path) -> None:
    pdf = _build_pdf(
        tmp_path / "rotated.pdf",
        [
            [
                "4.1 Lön",
                "SKA-krav 4: Lösningen ska kunna skapa och skicka",
                "arbetsgivardeklaration på individnivå till Skatteverket.",
                "Nästa stycke handlar om annat.",
            ]
        ],
        landscape_rotated=True,
        crop=(20, 30, 580, 820),
    )
    assert pypdf.PdfReader(pdf).pages[0].rotation == 90
    finding = _finding(WRAPPED, 1, "SKA-krav 4")
    result = annotate_pdf(pdf, _review([finding]), tmp_path / "rotated-annotated.pdf")
    assert (result.anchored, result.unanchored) == (1, ())
    [(number, annot)] = _highlights(result.target)
    quads = _quads(annot)
    assert len(quads) == 2, "one quad per line"
    # Text runs upwards in user space here, so the lines lie side by side: one line apart across the text.
    up = (quads[0][0] - quads[0][4], quads[0][1] - quads[0][5])  # upper left - lower left
    height = (up[0] ** 2 + up[1] ** 2) ** 0.5
    centre = [(sum(q[0::2]) / 4, sum(q[1::2]) / 4) for q in quads]
    across = ((centre[0][0] - centre[1][0]) * up[0] + (centre[0][1] - centre[1][1]) * up[1]) / height
    assert across > 0.8 * height, "the second line lies below the first, as read"
    assert abs(up[0]) > abs(up[1]), "the glyphs' up points along x on this page"
    assert _norm(_text_under(result.target, number, quads)) == _norm(WRAPPED)
    _check_pixels(pdf, result.target, 1, tmp_path, "rotated")

    # A note for a requirement not on the page goes at the top left of the page as shown.
    missing = _finding("Lösningen ska ha en inbyggd kaffemaskin.", 1, "K9")
    noted = annotate_pdf(pdf, _review([finding, missing]), tmp_path / "rotated-noted.pdf")
    assert (noted.anchored, noted.unanchored) == (1, ("K9",))
    page = pypdf.PdfReader(noted.target).pages[0]
    [note] = [a.get_object() for a in page["/Annots"] if a.get_object()["/Subtype"] == "/Text"]
    x0, y0, x1, y1 = (float(v) for v in note["/Rect"])
    corners = [_to_pixels(page, x, y) for x in (x0, x1) for y in (y0, y1)]
    assert max(c[0] for c in corners) < 40 and max(c[1] for c in corners) < 40, corners


def test_hyphenation_ligature_neighbour_page_split_and_fallback(tmp_path: Path) -> None:
    pdf = _build_pdf(
        tmp_path / "mixed.pdf",
        [
            [
                "Lösningen ska kunna skicka arbetsgivar-",
                "deklarationer till Skatteverket varje månad.",
                "",
                "",
                "Slutligen ska leverantören kunna leverera",
            ],
            [
                "lönefiler till banken varje vecka.",
                "Systemet ska ﬁnnas tillgängligt dygnet runt.",
                "Lösningen ska kunna ta fram",
                "b)",
                "rapporter över sjukfrånvaro varje vecka.",
            ],  # "b)": dropped as noise
        ],
    )
    hyphenated = _finding("Lösningen ska kunna skicka arbetsgivardeklarationer till Skatteverket varje månad.", 1, "K1")
    split = _finding("Slutligen ska leverantören kunna leverera lönefiler till banken varje vecka.", 1, "K2")
    neighbour = _finding("Systemet ska finnas tillgängligt dygnet runt.", 1, "K3")  # stated page is wrong
    missing = _finding("Lösningen ska ha en inbyggd kaffemaskin.", 2, "K4")
    english = _finding("This text is nowhere in the file.", 1, "R9", language="en")
    interrupted = _finding("Lösningen ska kunna ta fram rapporter över sjukfrånvaro varje vecka.", 2, "K5")
    review = _review([hyphenated, split, neighbour, missing, english, interrupted])

    methods = [a.method for a in locate_findings(pdf, review.findings)]
    assert methods == ["exact", "split", "neighbour", "unanchored", "unanchored", "interrupted"]

    result = annotate_pdf(pdf, review, tmp_path / "mixed-annotated.pdf")
    assert (result.anchored, result.unanchored, result.fallback) == (4, ("K4", "R9"), 2)
    highlights = {str(a["/NM"]): (n, a) for n, a in _highlights(result.target)}
    assert len(highlights) == 5  # the split requirement is highlighted on both pages
    for index, finding in [(0, hyphenated), (1, split), (2, neighbour), (5, interrupted)]:
        name = f"ug-{finding.fingerprint}-{index}"
        parts = [highlights[name]] + ([highlights[f"{name}-2"]] if f"{name}-2" in highlights else [])
        under = " ".join(_text_under(result.target, n, _quads(a)) for n, a in parts)
        assert _norm(under) == _norm(finding.requirement_text), (finding.requirement_text, under)
    assert len(_quads(highlights[f"ug-{interrupted.fingerprint}-5"][1])) == 2, "the dropped label is not highlighted"
    assert highlights[f"ug-{neighbour.fingerprint}-2"][0] == 2
    split_name = f"ug-{split.fingerprint}-1"
    assert (highlights[split_name][0], highlights[f"{split_name}-2"][0]) == (1, 2)

    reader = pypdf.PdfReader(result.target)
    notes = [
        (number, a.get_object())
        for number, page in enumerate(reader.pages, start=1)
        for a in page.get("/Annots") or ()
        if a.get_object()["/Subtype"] == "/Text"
    ]
    assert [n for n, _ in notes] == [1, 2]  # each on its stated page
    for (number, note), finding in zip(notes, (english, missing), strict=True):
        contents = str(note["/Contents"])
        assert note["/T"] == AUTHOR and finding.requirement_text in contents and finding.message in contents
        page = reader.pages[number - 1]
        assert float(note["/Rect"][3]) > float(page.cropbox.top) - 60, "the note sits at the top of the page"
    assert "Question for the business owner: " in str(notes[0][1]["/Contents"])
    assert "Suggestion: " in str(notes[0][1]["/Contents"])


# --- a real tender -------------------------------------------------------------------------


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs not present")
def test_real_pdf_findings_are_anchored(tmp_path: Path, record_property) -> None:
    for pdf in sorted(REALDOCS.glob("en/*.pdf")) + sorted(REALDOCS.glob("*/*.pdf")):
        review = review_document(pdf)
        if review.findings:
            break
    else:
        pytest.skip("no real PDF has findings")
    before = _sha256(pdf)
    anchors = locate_findings(pdf, review.findings)
    result = annotate_pdf(pdf, review, tmp_path / f"annotated-{pdf.name}")
    assert _sha256(pdf) == before
    exact = sum(a.method == "exact" for a in anchors)
    figures = (
        f"{pdf.name}: {len(review.findings)} findings, {exact} exact, {result.anchored} anchored, "
        f"{len(result.unanchored)} fallback notes"
    )
    record_property("anchoring", figures)
    print(figures)
    assert result.anchored >= 0.8 * len(review.findings), figures
    by_name = {str(a["/NM"]): (n, a) for n, a in _highlights(result.target)}
    heads = {index for index, _, _ in _heads(review.findings)}  # one highlight per requirement, on its first finding
    for index, (anchor, finding) in enumerate(zip(anchors, review.findings, strict=True)):
        if anchor.method in ("exact", "neighbour") and index in heads:
            number, annot = by_name[f"ug-{finding.fingerprint}-{index}"]
            assert _norm(_text_under(result.target, number, _quads(annot))) == _norm(finding.requirement_text)
