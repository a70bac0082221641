#!/usr/bin/env python3
"""Extract user stories (one per line) from studentyb/user_data; one item per story, table_row false.

Organisation per file worked out from the stories / file name (see ORGS); files of the same
organisation share one cap (Scrum Alliance: g10 + saweb1). Cap 40 per organisation,
random.Random(16) per organisation, then document order. Leading ids ("6,") are stripped.
"""
import os, re, subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_common import english_units, sample_and_write  # noqa: E402

REPO = "studentyb/user_data"
GITDIR = "/work/.mirror/studentyb+user_data/repo"
PREFIX, CAP = "us", 40
LICENCE = "none stated"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "en-userstories.jsonl")
ORGS = {  # file -> organisation (evidence in comment)
    "g02-federalspending.txt": "U.S. Department of the Treasury (USAspending / DATA Act Broker)",  # stories name USAspending, the Broker, DABS/FABS
    "g03-loudoun.txt": "Loudoun County, Virginia",                  # file name + "County" staff / public-user stories
    "g04-recycling.txt": "unknown (g04-recycling)",
    "g05-openspending.txt": "Open Knowledge Foundation (OpenSpending)",   # stories name OpenSpending
    "g08-frictionless.txt": "Open Knowledge Foundation (Frictionless Data)",  # stories name Frictionless Data packages
    "g10-scrumalliance.txt": "Scrum Alliance",                     # stories name Scrum Alliance
    "saweb1.txt": "Scrum Alliance",                                # stories name Scrum Alliance
    "g11-nsf.txt": "National Science Foundation",                  # stories name NSF, beta.nsf.gov
    "g12-camperplus.txt": "unknown (g12-camperplus)",
    "g13-planningpoker.txt": "unknown (g13-planningpoker)",
    "g14-datahub.txt": "unknown (g14-datahub)",
    "ctc2.txt": "unknown (ctc2)",
    "repBath3.txt": "unknown (repBath3)",
}

git = lambda *a: subprocess.check_output(["git", "-C", GITDIR, *a])
commit = git("rev-parse", "HEAD").decode().strip()
files = sorted(p for p in git("ls-tree", "-r", "--name-only", commit).decode().split("\n") if p.endswith(".txt"))

units, seen = [], set()
for path in files:
    text = git("show", f"{commit}:{path}").decode("utf-8-sig")
    for no, line in enumerate(text.splitlines(), 1):
        t = re.sub(r"\s+", " ", line.replace("\ufeff", "")).strip()
        t = re.sub(r"^\d+\s*[,;.:)]\s*", "", t)  # leading id
        if len(t.split()) < 5 or len(t) > 450:
            continue
        k = t.lower()
        if k in seen:
            continue
        seen.add(k)
        units.append(dict(text=t, org=ORGS.get(path, f"unknown ({path})"), path=path, locator=f"line {no}"))

counts, _ = sample_and_write(english_units(units, repo=REPO, commit=commit, licence=LICENCE), {}, PREFIX, OUT,
                             default_cap=CAP)
print(f"{len(units)} unique stories, {sum(counts.values())} written to {OUT}")
