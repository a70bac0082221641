import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import json, random, re, subprocess, unicodedata  # noqa: E402,F401
# ---- no-grouse: KDRS-SA/grouse Noark 5 tender requirement rows ----
import csv, io, os
REPO = "KDRS-SA/grouse"
REPO_DIR = "/work/.mirror/KDRS-SA+grouse/repo"
COMMIT = "9a04b64cece41d9e77c932b9689c476518d81dde"
PATH = "src/main/resources/db/data_source_start_point.csv"
ORG = "KDRS (Kommunearkivinstitusjonenes digitale ressurssenter)"  # buyer side: three unnamed merging municipalities ("de tre kommuners databaser")
LICENCE = "AGPL-3.0 (repository LICENSE)"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-grouse.jsonl")


def main():
    text = git_show(REPO_DIR, COMMIT, PATH)
    lines = text.split("\n")
    col = Collector()
    heading = None
    buf, buf_start = [], 0
    stats = {"rows": 0, "purpose_rows": 0, "noark_rows": 0, "malformed": 0}

    def flush():
        nonlocal buf
        if not buf:
            return
        rec = next(csv.reader(io.StringIO("\n".join(buf)), skipinitialspace=True))
        start = buf_start
        buf = []
        if rec and rec[0].strip().isdigit():
            rec = [""] + rec          # one row lacks its noarkRequirement flag
        if rec and rec[0].strip().lower() == "falsen":
            rec[0] = "false"          # typo in the source file
        if len(rec) < 3 or rec[0].strip().lower() not in ("true", "false", ""):
            stats["malformed"] += 1
            return
        stats["rows"] += 1
        txt = norm(rec[2])
        if rec[0].strip().lower() == "true" or re.match(r"NOARK\s*5?\s*[\d.]+\s*\(", txt):
            stats["noark_rows"] += 1
            # requirement copied from the Noark 5 standard: drop the leading reference "NOARK 6.3.20 (V)"
            txt = re.sub(r"^NOARK\s*5?\s*[\d.]+\s*(\([A-Z]\))?\s*:?\s*", "", txt, flags=re.I)
        if rec[1].strip() == "0":
            stats["purpose_rows"] += 1   # the table's purpose statement ("formålsbeskrivelse")
        col.add(ORG, txt, heading=heading, table_row=True, repo=REPO, commit=COMMIT, path=PATH,
                locator=f"line {start}", licence=LICENCE, lang="no")

    quote_open = False
    for n, line in enumerate(lines, 1):
        if not quote_open:
            if line.startswith("#"):
                flush()
                heading = norm(line.lstrip("#")) or None
                continue
            if not line.strip():
                flush()
                continue
            if n == 1:
                continue  # header
            flush()
            buf, buf_start = [line], n
        else:
            buf.append(line)
        if line.count('"') % 2 == 1:
            quote_open = not quote_open
    flush()
    counts, elig = sample_and_write(col.units, {ORG: 150}, "grouse", OUT)
    print("stats", stats, "eligible", elig, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
