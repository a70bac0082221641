"""Issue 18's pathological inputs for the hostile corpus: small files that once took minutes or gigabytes,
files read wrongly without a word, and names a report must cope with; ``build_large`` adds the two large
texts that take a review its whole budget (for the benchmark and one subprocess test)."""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

from build_corpus import SWEDISH, _replace_members, _xlsx_package


def _docx_numbered_from(start: int) -> bytes:
    """A DOCX whose numbered lists start at ``start``, in roman numerals (``_roman`` once wrote 10**9 "m"s)."""
    import docx

    document = docx.Document()
    for i in range(1, 4):
        document.add_paragraph(f"Leverantören ska leverera del {i} av systemet.", style="List Number")
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        numbering = zf.read("word/numbering.xml").decode()
    numbering = numbering.replace('<w:start w:val="1"/>', f'<w:start w:val="{start}"/>')
    numbering = numbering.replace('<w:numFmt w:val="decimal"/>', '<w:numFmt w:val="lowerRoman"/>')
    return _replace_members(buf.getvalue(), {"word/numbering.xml": numbering.encode()})


def _xlsx_uncached_formulas() -> bytes:
    """A requirement matrix whose texts are formulas saved without values (as openpyxl writes them)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Id", "Krav"])
    for i in range(1, 6):
        ws.append([f"K{i}", f'="Systemet ska kunna exportera rapport {i} till " & "Excel."'])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def add_pathological(folder: Path, put) -> None:  # noqa: ANN001 - build_corpus's put
    """Small files that once took minutes or gigabytes (issue 18), and names a file system allows but a report
    must cope with."""
    put("text_one_line_ska", "en-rad-ska.txt", ("ska " * 200_000 + "\n").encode())
    put("text_underscores", "understreck.txt", ("Leverantören ska fylla i " + "_" * 10_000 + "\n").encode())
    put("text_emoji", "emoji.txt", ("Leverantören ska svara " + "\U0001F600" * 10_000 + "\n").encode())
    put("docx_numbering_10e12", "numrering-10e12.docx", _docx_numbered_from(10**12))
    rows = [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Systemet ska logga händelse {r}.</t></is></c></row>'
            .encode() for r in range(1, 1200)]  # 77 KB of sheet XML, as in the workbook of the issue
    _xlsx_package(folder / "sammanfogat-hela-bladet.xlsx", rows,
                  sheet_epilog='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    put.out["xlsx_merged_whole_sheet"] = folder / "sammanfogat-hela-bladet.xlsx"
    put("xlsx_uncached_formulas", "formler-utan-varden.xlsx", _xlsx_uncached_formulas())
    put("text_cp1252_punctuation", "windows-1252-tecken.txt",
        "Priset ska anges i € per licens … enligt “avtalet”.\r\nLeverantoren ska svara inom tva dagar.\r\n"
        .encode("cp1252"))
    utf8 = "Leverantören ska ge stöd till handläggare så att ärenden avslutas i tid.\n".encode()
    put("text_utf8_one_bad_byte", "utf8-en-trasig-byte.txt", utf8[:20] + b"\xff" + utf8[20:])
    if sys.platform != "darwin":  # APFS refuses names that are not UTF-8
        put("name_not_utf8", os.fsdecode(b"\xff\xfenamn.txt"), SWEDISH.encode())
    put("name_245_characters", "k" * 241 + ".txt", SWEDISH.encode())


def build_large(folder: Path) -> dict[str, Path]:
    """The two large texts of issue 18, apart from the corpus (they take a review its whole budget): 14 MB of
    200,000 requirements, refused by max_requirements or the time budget, and one 5 MB paragraph, reviewed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sentence = "K{0} Leverantören ska kunna registrera ärenden i systemet varje dag.\n"  # 14 MB in all
    many = folder / "200000-krav.txt"
    many.write_text("".join(sentence.format(i) for i in range(200_000)), encoding="utf-8")
    paragraph = folder / "stycke-5mb.txt"
    paragraph.write_text("Leverantören ska leverera ett system och " * 135_000 + "\n", encoding="utf-8")
    return {"text_14mb_200k_requirements": many, "text_5mb_paragraph": paragraph}
