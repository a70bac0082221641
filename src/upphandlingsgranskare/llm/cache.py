"""A persistent answer cache in SQLite, one row per judged requirement.

The key is a hash of the model, the prompt's id and version, the language, the document's
goals and the requirement with its context, exactly as sent (after redaction): the same
review run twice makes no calls, and a new prompt version or model never reuses old answers.
Only grounded judgements are stored, never the API key or the request headers.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS judgements (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def cache_key(model: str, prompt_id: str, language: str, goals: Sequence[str], item_payload: dict[str, Any]) -> str:
    payload = {"model": model, "prompt": prompt_id, "language": language, "goals": list(goals),
               "item": {k: v for k, v in item_payload.items() if k != "id"}}  # batch ids are positional, not content
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AnswerCache:
    """Thread-safe: the review sends batches concurrently and each writes its answers here."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
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
                (key, model, prompt_id, json.dumps(value, ensure_ascii=False), time.time()))
            self._connection.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM judgements").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
