"""Single-statement reads that skip the unit of work: the most requested read, cheaply.

A unit of work is an ORM session, a transaction (BEGIN, COMMIT) and, on PostgreSQL, a worker
thread; for a read of ONE statement none of that buys anything, since one statement is one
snapshot on both databases. ``Reads`` runs such statements (``DriverStatement``s of plain
columns) on connections of its own, awaited on the event loop:

- PostgreSQL: ``persistence.async_reads.AsyncReads``, psycopg async connections;
- SQLite: ``persistence.sqlite_reads.SqliteReads``, one connection used on the event loop
  (SQLite is in-process, and a WAL reader never waits for a lock).

Writes, and reads of several statements, keep the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Dialect, Engine
from sqlmodel import col

from domain.framework import Framework
from persistence.caches import ReadCaches
from persistence.repositories.driver_statement import DriverStatement
from persistence.repositories.score_read import SCORE_READ, ScoreInputs, score_inputs
from persistence.tables import FrameworkRow

# Called with the SQL text of every statement run here (tests count statements with it, as
# they count the engine's with SQLAlchemy's before_cursor_execute event).
StatementObserver = Callable[[str], None]

_FRAMEWORK_DEFINITION = DriverStatement(
    select(col(FrameworkRow.definition)).where(col(FrameworkRow.id) == bindparam("fid"))
)


class Reads:
    """Single-statement reads on connections of their own (see the module)."""

    def __init__(self, dialect: Dialect, caches: ReadCaches) -> None:
        self._dialect = dialect
        self.caches = caches
        self.observers: list[StatementObserver] = []

    async def rows(self, statement: DriverStatement, params: dict[str, Any]) -> list[Any]:
        """The statement's rows as the driver's tuples."""
        sql, args = statement.sql_args(self._dialect, params)
        for observe in self.observers:
            observe(sql)
        return await self._fetch(sql, args)

    async def _fetch(self, sql: str, args: Any) -> list[Any]:
        """Run ``sql`` on one of this object's connections; every row."""
        raise NotImplementedError

    async def score_read(self, round_id: int, unit_code: str) -> ScoreInputs:
        """``ReportingRepository.score_read`` (the same one statement)."""
        return score_inputs(await self.rows(SCORE_READ, {"rid": round_id, "code": unit_code}))

    async def framework(self, framework_id: int) -> Framework | None:
        """The framework, parsed once per app (``ReferenceRepository.framework``)."""
        frameworks = self.caches.frameworks
        found: Framework | None = frameworks.get(framework_id)
        if found is not None:
            return found
        rows = await self.rows(_FRAMEWORK_DEFINITION, {"fid": framework_id})
        return frameworks.remember(framework_id, rows[0][0]) if rows else None

    async def close(self) -> None:
        """Close the connections."""


def make_reads(engine: Engine, size: int, caches: ReadCaches) -> Reads | None:
    """The engine's ``Reads``; None when ``size`` is 0 or the database is SQLite in memory
    (another connection would see another database)."""
    if size <= 0:
        return None
    if engine.dialect.name == "postgresql":
        from persistence.async_reads import AsyncReads

        return AsyncReads(engine, size, caches)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        from persistence.sqlite_reads import SqliteReads

        return SqliteReads(database, engine.dialect, caches)
    return None
