"""The review's work grows linearly with the document: no step that compares every requirement with
every other thing (goals, earlier requirements) or re-reads the whole document per requirement.

Work is counted, not timed: the number of Python and built-in function calls cProfile records while
one fresh process reviews a generated tender (the benchmark's generator) of 500, 1,000 and 4,000
items. The count is the same on a busy machine and an idle one, so the test cannot flake on timing;
the time figures are ``benchmarks/scaling.py``'s (10 to 5,000 pages). A super-linear step shows as
more calls per added item late in the document than early: from 1,000 to 4,000 items the calls per
item may be at most 1.2 times those from 500 to 1,000. A linear review gives 0.97 (the counts do not
vary from run to run); one loop over every pair of requirements (``len`` of each, nothing more) gives
1.36. The bound is tighter than the 1.5 the timings are held to, because a count does not jitter.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from review_speed import tender_items  # noqa: E402 - the benchmark's tender generator, one source for both

COUNT_CALLS = """
import cProfile, json, pstats, sys
from pathlib import Path
from upphandlingsgranskare.review import review_document
from upphandlingsgranskare.nlp.label_model import packaged_model
from upphandlingsgranskare.nlp.pipeline import get_pipeline
get_pipeline("sv"); packaged_model()  # loading is start-up, not work that grows with the document
profile = cProfile.Profile()
profile.enable()
review = review_document(Path(sys.argv[1]))
profile.disable()
print(json.dumps({"calls": pstats.Stats(profile).total_calls, "requirements": len(review.requirements),
                  "goals": len(review.goals), "findings": len(review.findings)}))
"""


def _tender(path: Path, items: int) -> Path:
    """A Markdown tender of ``items`` headings, paragraphs, requirements, rationales and list items."""
    stream = tender_items(random.Random(7))
    lines = ["# Förfrågningsunderlag", ""]
    for number in range(items):
        kind, text = next(stream)
        prefix = {"heading1": "## ", "heading2": "### ", "bullet": "- "}.get(kind, "")
        if kind in ("req", "prose", "rationale"):
            # A word of its own in each text, so each one is read afresh, as in a real tender: the
            # generator's few sentences would otherwise be answered from the caches, hiding the growth.
            text = f"{text.rstrip('.')} inom delområde {_word(number)}."
        lines += [prefix + text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _word(number: int) -> str:
    letters = "bcdfghjklmnprstv"
    word = ""
    while True:
        number, digit = divmod(number, len(letters))
        word += letters[digit] + "a"
        if not number:
            return word.capitalize()


def _work(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", COUNT_CALLS, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_work_per_item_does_not_grow_with_the_document(tmp_path: Path) -> None:
    work = {items: _work(_tender(tmp_path / f"tender-{items}.md", items)) for items in (500, 1_000, 4_000)}
    # The documents are what the test says: eight times the requirements from the first to the last.
    assert work[4_000]["requirements"] > 7 * work[500]["requirements"] > 0
    # Calls per added item, early and late: start-up and first-use costs fall out of both.
    early = (work[1_000]["calls"] - work[500]["calls"]) / 500
    late = (work[4_000]["calls"] - work[1_000]["calls"]) / 3_000
    assert late <= 1.2 * early, f"calls per item: {late:.0f} from 1,000 to 4,000 items against {early:.0f} before"
