import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import *  # noqa: E402,F401,F403 - helpers shared by the extraction scripts
from extract_common import json, random, re, subprocess, unicodedata  # noqa: E402,F401
# ---- sv-other: other real Swedish public-body requirement text found by search ----
# Sources were read with the search tool's read_file (no fetchable snapshot / snapshot lacking the file);
# their verbatim requirement lines were saved to /work/scratch/nordic/src/*.tsv, which this script reads.
import os
SRC = "/work/scratch/nordic/src"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sv-other.jsonl")
DIGG = "Myndigheten för digital förvaltning (DIGG)"
CHECK_LEAD = "Punkter är krav (SKA) om inget annat anges. Punkter markerade BÖR är rekommendationer."


def rows(name):
    with open(os.path.join(SRC, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            yield n, line.rstrip("\n").split("\t")


def main():
    col = Collector()
    # 1. DIGG, national REST API profile requirements as listed in RAP-LP GUIDELINES.md
    repo, commit, path = "diggsweden/rest-api-profil-lint-processor", "0005aecc098872aae57ecc05ffbd04a393805fb9", "GUIDELINES.md"
    for n, (area, rid, krav, typ) in rows("digg-rap-lp-guidelines-krav.tsv"):
        col.add(DIGG, krav, heading=f"Område: {area}", table_row=True, repo=repo, commit=commit, path=path,
                locator=f"section ID: {rid}", licence="CC0-1.0 (SPDX header of the file)", lang="sv")
    # 2. DIGG, checklist for acquiring open source software (list items; SKA/BÖR marker kept as written)
    repo, commit, path = "diggsweden/open-source-checklists", "0f2e948928e76fcf34a15bf5c0811fd59b6ed762", "docs/checklista-anskaffning.md"
    k = {}
    for n, (heading, item) in rows("digg-checklista-anskaffning.tsv"):
        k[heading] = k.get(heading, 0) + 1
        col.add(DIGG, item, heading=heading, lead_in=CHECK_LEAD, repo=repo, commit=commit, path=path,
                locator=f"section {heading}, item {k[heading]}", licence="none stated in file (repo has REUSE.toml)",
                lang="sv")
    counts, elig = sample_and_write(col.units, {}, "sv", OUT, default_cap=80)
    print("eligible", elig, "written", counts, "skipped", col.skipped)


if __name__ == "__main__":
    main()
