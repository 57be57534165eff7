"""A statement of plain columns, compiled once per dialect and run by the driver."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from persistence.db import PLAN_EACH_TIME

_PLAN_EACH_TIME = {PLAN_EACH_TIME: True}


class DriverStatement:
    """A statement of plain columns, compiled once per dialect and run by the driver.

    The scoreboard reads a page of values on every request: building and compiling its
    statement each time cost more than running it. Here the SQL text (and, for positional
    paramstyles, the order of the named parameters) is kept per dialect, and the rows are the
    driver's own tuples, without a result object per row. ``exec_driver_sql`` keeps
    SQLAlchemy's execution events (statement counting, tracing).

    Only for columns that need no type processing (integers and strings), and for bound
    parameters that are all named and given on every call (no expanding IN lists).

    ``plan_each_time``: on PostgreSQL, never prepare the statement, so that every run is
    planned for its own values (see ``persistence.db.PLAN_EACH_TIME``). For statements whose
    best plan depends on the values (a page of 100 units or of 10,000).
    """

    __slots__ = ("_compiled", "_options", "statement")

    def __init__(self, statement: ClauseElement, *, plan_each_time: bool = False) -> None:
        self.statement = statement
        self._options = _PLAN_EACH_TIME if plan_each_time else None
        self._compiled: dict[tuple[str, str, str], tuple[str, tuple[str, ...] | None]] = {}

    def sql(self, dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
        """(SQL text, parameter names in positional order or None for named paramstyles)."""
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            names = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = self._compiled[key] = (str(compiled), names)
        return found

    def sql_args(self, dialect: Dialect, params: dict[str, Any]) -> tuple[str, Any]:
        """(SQL text, the driver's arguments: ``params`` itself, or in positional order)."""
        sql, names = self.sql(dialect)
        return sql, params if names is None else tuple([params[n] for n in names])

    def rows(
        self, conn: Connection, params: dict[str, Any], *, plan_each_time: bool | None = None
    ) -> list[tuple[Any, ...]]:
        """The rows; ``plan_each_time`` overrides the statement's own choice for this run."""
        sql, args = self.sql_args(conn.dialect, params)
        options = self._options
        if plan_each_time is not None:
            options = _PLAN_EACH_TIME if plan_each_time else None
        result = conn.exec_driver_sql(sql, args, execution_options=options)
        try:
            return list(result.cursor.fetchall())
        finally:
            result.close()
