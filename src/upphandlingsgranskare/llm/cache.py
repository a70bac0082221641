"""A persistent answer cache in SQLite, one row per judged requirement.

The key is a hash of the provider, endpoint, model, temperature and output mode, the prompt's id
and version, the language, the document's goals and the requirement with its context, exactly as
sent (after redaction): the same review run twice makes no calls, and another server, model,
prompt version or sampling setting never reuses old answers. Only grounded judgements are stored,
never the API key or the request headers. The file is readable by its owner only (0600): it
holds tender text.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS judgements (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def cache_key(settings: Any, prompt_id: str, language: str, goals: Sequence[str], item_payload: dict[str, Any]) -> str:
    """``settings``: the LLMSettings whose provider, endpoint, model, temperature and output mode decide an answer."""
    payload = {
        "provider": settings.provider,
        "endpoint": settings.endpoint,
        "model": settings.model,
        "temperature": settings.temperature,
        "output": settings.structured_output,
        "prompt": prompt_id,
        "language": language,
        "goals": list(goals),
        "item": {k: v for k, v in item_payload.items() if k != "id"},
    }  # batch ids are positional, not content
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AnswerCache:
    """Thread-safe: the review sends batches concurrently and each writes its answers here."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))  # before SQLite creates it world-readable
        os.chmod(self.path, 0o600)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(SCHEMA)
            self._connection.commit()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._connection.execute("SELECT value FROM judgements WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, model: str, prompt_id: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._connection.execute(
                "INSERT OR REPLACE INTO judgements (key, model, prompt, value, created) VALUES (?, ?, ?, ?, ?)",
                (key, model, prompt_id, json.dumps(value, ensure_ascii=False), time.time()),
            )
            self._connection.commit()

    def info(self) -> dict[str, Any]:
        """Entries per model and prompt, and the file's size, for ``cache info``."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT model, prompt, COUNT(*), MIN(created), MAX(created) FROM judgements GROUP BY model, prompt "
                "ORDER BY model, prompt"
            ).fetchall()
        return {
            "path": str(self.path),
            "bytes": self.path.stat().st_size,
            "entries": [{"model": m, "prompt": p, "count": n, "oldest": lo, "newest": hi} for m, p, n, lo, hi in rows],
        }

    def clear(self) -> int:
        """Delete every answer; returns how many there were."""
        with self._lock:
            count = self._connection.execute("SELECT COUNT(*) FROM judgements").fetchone()[0]
            self._connection.execute("DELETE FROM judgements")
            self._connection.commit()
            self._connection.execute("VACUUM")
        return count

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM judgements").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
