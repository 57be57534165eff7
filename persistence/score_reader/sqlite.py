"""The score reader on a SQLite file: one ``sqlite3`` connection of its own.

Why: a score read through the unit of work on SQLite spent more in the ORM session, BEGIN
and COMMIT than in its one statement. Here the statement runs on a plain ``sqlite3``
connection in autocommit: SQLite makes one statement one snapshot, and a WAL reader never
waits for a writer. It runs on the event loop (SQLite is in-process), so one connection
serves every read of the process; a lock keeps another thread (a second event loop, in
tests) from using it at the same moment.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy.engine import Dialect

from persistence.caches import ReadCaches
from persistence.db import sqlite_pragmas
from persistence.score_reader.base import ScoreReader


class SqliteScoreReader(ScoreReader):
    def __init__(self, path: str, dialect: Dialect, caches: ReadCaches) -> None:
        super().__init__(dialect, caches)
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    async def _fetch(self, sql: str, args: Any) -> list[Any]:
        with self._lock:
            conn = self._conn
            if conn is None:
                conn = self._conn = sqlite3.connect(
                    self._path, isolation_level=None, check_same_thread=False
                )
                sqlite_pragmas(conn)  # the engine's own: a busy timeout above all
            return conn.execute(sql, args).fetchall()

    async def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
