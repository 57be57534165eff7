"""The score reader over the engine's own pool, where no reader of its own fits.

SQLite in memory: a connection of the reader's own would open another, empty database; and
PostgreSQL with ``SQS_DB_READ_POOL_SIZE=0`` (no connections besides the engine's pool). The
statement runs on a raw driver connection of the engine (not through SQLAlchemy's execution,
as the other readers' statements do not either): on the event loop for SQLite, which is
in-process, and in a worker thread otherwise, since a network round trip must not hold the
loop.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from sqlalchemy.engine import Engine

from persistence.caches import ReadCaches
from persistence.score_reader.base import ScoreReader


class EngineScoreReader(ScoreReader):
    def __init__(self, engine: Engine, caches: ReadCaches) -> None:
        super().__init__(engine.dialect, caches)
        self._engine = engine
        self._in_process = engine.dialect.name == "sqlite"

    async def _fetch(self, sql: str, args: Any) -> list[Any]:
        if self._in_process:
            return self._read(sql, args)
        return await anyio.to_thread.run_sync(self._read, sql, args)

    def _read(self, sql: str, args: Any) -> list[Any]:
        conn = self._engine.raw_connection()
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(sql, args)
                return list(cursor.fetchall())
            finally:
                cursor.close()
        finally:
            conn.close()  # back to the pool, which ends the driver's transaction
