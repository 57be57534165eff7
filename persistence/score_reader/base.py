"""The score reader: the most requested read, one statement, without a unit of work.

A unit of work is an ORM session, a transaction (BEGIN, COMMIT) and, on PostgreSQL, a worker
thread; for a read of ONE statement none of that buys anything, since one statement is one
snapshot on both databases. This is the read model of the cosmicpython book made explicit:
the score read asks the database for exactly the rows its answer is made of, on connections
of its own, awaited on the event loop. Writes, and reads of several statements, keep the unit
of work.

``ScoreReader`` is the interface the service uses; each database has its implementation
(``sqlite``, ``postgres``; ``engine`` over the engine's own pool where neither applies) and
``factory.make_score_reader`` picks one, so there is always a reader and no caller chooses.
Each runs ``DriverStatement``s of plain columns and answers the driver's tuples.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, select
from sqlalchemy.engine import Dialect
from sqlmodel import col

from domain.framework import Framework
from persistence.caches import ReadCaches
from persistence.repositories.driver_statement import DriverStatement
from persistence.repositories.score_read import SCORE_READ, ScoreInputs, score_inputs
from persistence.tables import FrameworkRow, RoundRow, UnitRow

# Called with the SQL text of every statement a reader runs (tests count statements with it,
# as they count the engine's with SQLAlchemy's before_cursor_execute event).
StatementObserver = Callable[[str], None]

_FRAMEWORK_DEFINITION = DriverStatement(
    select(col(FrameworkRow.definition)).where(col(FrameworkRow.id) == bindparam("fid"))
)
_PRESENCE = DriverStatement(
    select(
        exists().where(col(RoundRow.id) == bindparam("rid")),
        exists().where(col(UnitRow.code) == bindparam("code")),
    )
)


class Presence(NamedTuple):
    """Which of a round and a unit exist (to say which one a score read did not find)."""

    round: bool
    unit: bool


class ScoreReader(ABC):
    """Single-statement reads on connections of the reader's own (see the module).

    ``caches``: the app's (``persistence.caches``), for the parsed frameworks. ``observers``:
    called with every statement this reader runs."""

    def __init__(self, dialect: Dialect, caches: ReadCaches) -> None:
        self._dialect = dialect
        self.caches = caches
        self.observers: list[StatementObserver] = []

    async def open(self) -> None:  # noqa: B027 - most readers need nothing opened
        """Get ready to read (at the app's start); reading also opens what it needs."""

    async def close(self) -> None:  # noqa: B027 - nor closed
        """Close the reader's connections (at the app's end)."""

    @abstractmethod
    async def _fetch(self, sql: str, args: Any) -> list[Any]:
        """Run ``sql`` on one of this reader's connections; every row."""

    async def rows(self, statement: DriverStatement, params: dict[str, Any]) -> list[Any]:
        """The statement's rows as the driver's tuples."""
        sql, args = statement.sql_args(self._dialect, params)
        for observe in self.observers:
            observe(sql)
        return await self._fetch(sql, args)

    async def score_inputs(self, round_id: int, unit_code: str) -> ScoreInputs:
        """What one unit's score in one round is made of (``ReportingRepository.score_read``,
        the same one statement)."""
        return score_inputs(await self.rows(SCORE_READ, {"rid": round_id, "code": unit_code}))

    async def presence(self, round_id: int, unit_code: str) -> Presence:
        """Whether the round and the unit exist, in one statement."""
        found = await self.rows(_PRESENCE, {"rid": round_id, "code": unit_code})
        return Presence(bool(found[0][0]), bool(found[0][1]))

    async def framework(self, framework_id: int) -> Framework | None:
        """The framework, parsed once per app (as ``ReferenceRepository.framework``)."""
        frameworks = self.caches.frameworks
        found: Framework | None = frameworks.get(framework_id)
        if found is not None:
            return found
        rows = await self.rows(_FRAMEWORK_DEFINITION, {"fid": framework_id})
        return frameworks.remember(framework_id, rows[0][0]) if rows else None
