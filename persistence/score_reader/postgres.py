"""The score reader on PostgreSQL: psycopg async connections from ``psycopg_pool``.

Why: on PostgreSQL every statement is a network round trip, so a request's unit of work runs
in a worker thread (``api.deps.Run``); the hop there and back, the GIL hand-offs between
threads and the event loop, and an ORM session per request cost more than the score read
itself (docs/benchmarks.md). Here the one statement is awaited on the event loop.

The connections are the reader's own, not the engine's pool: ``size`` of them per process
(``SQS_DB_READ_POOL_SIZE``), in autocommit, so each statement is one snapshot, as the unit of
work's reads on PostgreSQL are (``UnitOfWork.read_statement_by_statement``). psycopg prepares
a statement that runs often on a connection, as it does for the engine's.

The pool is ``psycopg_pool.AsyncConnectionPool`` (kept by psycopg's author): it bounds the
connections, queues waiters fairly, and replaces a connection handed back closed or broken.
Two things are ours: a statement that fails because its connection broke (a server restart,
a killed backend) is run once more on another, and a statement cut short (the request
cancelled) closes its connection, since its state is unknown, so it is never handed out again.
"""

from __future__ import annotations

import contextlib
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import Engine

from persistence.caches import ReadCaches
from persistence.score_reader.base import ScoreReader


class PostgresScoreReader(ScoreReader):
    def __init__(self, engine: Engine, size: int, caches: ReadCaches) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("this score reader is for PostgreSQL")
        super().__init__(engine.dialect, caches)
        _args, connect_kwargs = engine.dialect.create_connect_args(engine.url)
        self.pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            kwargs=dict(connect_kwargs) | {"autocommit": True},
            min_size=size,
            max_size=size,
            open=False,  # opened on the event loop that reads (``open``)
            name="score-reader",
        )
        self._opened = False

    @property
    def open_connections(self) -> int:
        """Connections the pool holds now: idle, in use or being made."""
        return int(self.pool.get_stats().get("pool_size", 0))

    async def open(self) -> None:
        if not self._opened:
            self._opened = True
            await self.pool.open(wait=False)

    async def close(self) -> None:
        if self._opened:
            self._opened = False
            await self.pool.close()

    async def _fetch(self, sql: str, args: Any) -> list[Any]:
        if not self._opened:
            await self.open()
        pool = self.pool
        for attempt in (1, 2):
            conn = await pool.getconn()  # not pool.connection(): a context manager less per read
            try:
                cursor = conn.cursor()
                await cursor.execute(sql, args)
                return await cursor.fetchall()
            except psycopg.OperationalError:
                if attempt == 2 or not conn.broken:
                    raise
                # broken: handed back, the pool drops it and makes another; once more
            except BaseException:  # cancelled or failed mid-statement: state unknown
                with contextlib.suppress(Exception):  # thrown away: nothing else to do
                    await conn.close()
                raise
            finally:
                await pool.putconn(conn)
        raise AssertionError("unreachable")  # pragma: no cover
