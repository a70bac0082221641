"""Gold files that would be scored wrongly without a word: misspelt keys, duplicated records, goal ids the
document does not have, documents that are not there.

An item file's unknown key is an error (``ambigous`` for ``ambiguous`` would silently score an ambiguous
item). In spans and links mode the rest are warnings, printed before the figures: a duplicated span or
link counts twice, a goal id the review never gives can never be found, a missing document scores nothing.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

# Keys of an item record beyond GoldItem's fields that the project's own files carry.
EXTRA_ITEM_KEYS = frozenset({"note", "split", "expected"})


def unknown_keys(record: Mapping[str, object], known: Iterable[str]) -> str | None:
    """'field 'ambigous' is unknown (did you mean 'ambiguous'?)' for the first unknown key, else None."""
    known = sorted(set(known))
    for key in record:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (menade du / did you mean '{close[0]}'?)" if close else f"; kända / known: {', '.join(known)}"
            return f"okänt fält / unknown field '{key}'{hint}"
    return None


def missing_documents(documents: Iterable[Path]) -> list[str]:
    return [f"{d}: dokumentet finns inte / the document does not exist" for d in documents if not d.is_file()]


def duplicated(document: Path, keys: Sequence[tuple[str, ...]], what: str) -> list[str]:
    """One warning per record key that occurs more than once in ``document``'s gold records."""
    counts = Counter(keys)
    return [
        f"{document.name}: {what} '{' / '.join(k for k in key if k)[:80]}' finns {n} gånger / occurs {n} times"
        for key, n in counts.items()
        if n > 1
    ]


def unknown_goal_ids(document: Path, wanted: Iterable[str], known: Iterable[str]) -> list[str]:
    known_folded = {k.casefold() for k in known}
    missing = sorted({g for g in wanted if g.casefold() not in known_folded})
    if not missing:
        return []
    return [
        f"{document.name}: mål-id som granskningen inte ger något mål / goal ids the review gives no goal: "
        f"{', '.join(missing)} (kända / known: {', '.join(sorted(set(known))) or '-'})"
    ]
