"""PostgreSQL reads awaited on the event loop (``persistence.reads``): a few psycopg async
connections of their own.

Why: on PostgreSQL every statement is a network round trip, so the request's unit of work
runs in a worker thread (``api.deps.Run``), and the hop there and back, the GIL hand-offs
between sixteen threads and the event loop, and an ORM session per request cost more than
the score read itself. Measured (bench/ab.py's first version, 10,000 units, 2 workers, 32
clients, score reads only, alternated with the code before): 1.00-1.02 ms of app CPU per
read through a thread and a session, 0.61-0.63 ms awaited here; 1,356-1,406 reads/s
against 1,633-2,257.

Only for single statements that read (``DriverStatement``s of plain columns): each runs on
its own in autocommit, so it is one snapshot, as the unit of work's reads on PostgreSQL are
(``UnitOfWork.read_statement_by_statement``). Writes keep the unit of work.

The connections are this object's own, not the engine's pool: ``size`` of them per process,
opened when first needed, in autocommit. psycopg prepares a statement that runs often on a
connection, as it does for the engine's. A connection that broke (a server restart, a
killed backend) is dropped and the statement retried once on a new one; a statement cut
short (the request cancelled) drops its connection too, since its state is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import psycopg
from sqlalchemy.engine import Engine

from persistence.caches import ReadCaches
from persistence.reads import Reads


class AsyncReads(Reads):
    """Single-statement reads on PostgreSQL, awaited on the event loop (see the module)."""

    def __init__(self, engine: Engine, size: int, caches: ReadCaches) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("async reads are for PostgreSQL")
        super().__init__(engine.dialect, caches)
        _args, self._connect_kwargs = engine.dialect.create_connect_args(engine.url)
        self.size = size
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._open = 0  # connections opened and not dropped: idle or in use
        self._waiters: list[asyncio.Future[None]] = []

    @property
    def open_connections(self) -> int:
        return self._open

    async def _fetch(self, sql: str, args: Any) -> list[Any]:
        for attempt in (1, 2):
            conn = await self._take()
            try:
                cursor = conn.cursor()
                await cursor.execute(sql, args)
                found = await cursor.fetchall()
            except psycopg.OperationalError:
                await self._drop(conn)
                if attempt == 2 or not conn.broken:
                    raise
                continue  # the connection had broken: once more on a new one
            except BaseException:  # cancelled or failed mid-statement: state unknown
                await self._drop(conn)
                raise
            self._give_back(conn)
            return found
        raise AssertionError("unreachable")  # pragma: no cover

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            self._open -= 1
            await conn.close()

    async def _take(self) -> psycopg.AsyncConnection[Any]:
        while True:
            if self._idle:
                return self._idle.pop()
            if self._open < self.size:
                self._open += 1
                try:
                    return await psycopg.AsyncConnection.connect(
                        **self._connect_kwargs, autocommit=True
                    )
                except BaseException:
                    self._open -= 1
                    self._wake_one()
                    raise
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                elif not waiter.cancelled():
                    self._wake_one()  # woken and cancelled at once: pass the turn on
                raise

    def _give_back(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._idle.append(conn)
        self._wake_one()

    async def _drop(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._open -= 1
        self._wake_one()
        with contextlib.suppress(Exception):  # it is thrown away: nothing to do if that fails
            await conn.close()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return
