import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import json, random, re, subprocess, unicodedata  # noqa: E402,F401
# ---- sv-digg: DIGG, diggsweden/ena-authorization ----
import html, os, sys
REPO = "diggsweden/ena-authorization"
REPO_DIR = "/work/.mirror/diggsweden+ena-authorization/repo"
ORG = "Myndigheten för digital förvaltning (DIGG)"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sv-digg.jsonl")


def html_table_rows(text):
    """Rows of the HTML tables in tillitskrav.md: (line, title, cells)."""
    rows, title = [], None
    for m in re.finditer(r"<tr>(.*?)</tr>", text, flags=re.S):
        body = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        th = re.findall(r"<th[^>]*>(.*?)</th>", body, flags=re.S)
        if th and re.search(r"colspan", body) and norm(md_inline(th[0])):
            title = norm(md_inline(th[0]))
        td = [norm(html.unescape(md_inline(c))) for c in re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S)]
        if len(td) >= 2:
            rows.append((line, title, td))
    return rows


def extract_md(col, text, path, commit, lang="sv"):
    lead = None
    for kind, raw, line, heading in md_blocks(text):
        t = md_inline(raw)
        if kind == "para":
            sents = split_sentences(t)
            for s in sents:
                col.add(ORG, s, heading=heading, repo=REPO, commit=commit, path=path, locator=f"line {line}",
                        lang=lang, check_english=True)
            lead = sents[-1] if sents and sents[-1].endswith(":") else None
        elif kind == "item":
            if re.fullmatch(r"[\d.\s]*", t) or (raw.strip().startswith("[") and raw.strip().endswith(")")):
                continue  # table-of-contents / link-only lines
            if lead is None and len(split_sentences(t)) > 1:
                for s in split_sentences(t):
                    col.add(ORG, s, heading=heading, repo=REPO, commit=commit, path=path, locator=f"line {line}",
                            lang=lang, check_english=True)
            else:
                col.add(ORG, t, heading=heading, lead_in=lead, repo=REPO, commit=commit, path=path,
                        locator=f"line {line}", lang=lang, check_english=True)
        elif kind == "tablecell":
            lead = None
            for s in split_sentences(t):
                col.add(ORG, s, heading=heading, repo=REPO, commit=commit, path=path, locator=f"line {line}",
                        lang=lang, check_english=True)


def main():
    commit = subprocess.run(["git", "-C", REPO_DIR, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    col = Collector()
    files = sorted(p for p in git_ls(REPO_DIR, commit) if p.endswith(".md"))
    # tillitskrav.md first: its table rows are the core requirement list
    files.remove("tillitsmodell/tillitskrav.md")
    files.insert(0, "tillitsmodell/tillitskrav.md")
    for path in files:
        text = git_show(REPO_DIR, commit, path)
        if path == "tillitsmodell/tillitskrav.md":
            for line, title, td in html_table_rows(text):
                kod = td[0]
                col.add(ORG, td[1], heading=title, table_row=True, repo=REPO, commit=commit, path=path,
                        locator=f"line {line} ({kod})", lang="sv")
            text = re.sub(r"<table>.*?</table>", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        extract_md(col, text, path, commit)
    counts, elig = sample_and_write(col.units, {ORG: 150}, "digg", OUT)
    print("eligible", elig, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
