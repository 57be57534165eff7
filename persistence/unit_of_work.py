"""One transaction per request: commit on success, roll back on any error.

Services take a unit of work as an argument, so tests can hand them one on a throw-away
database. On SQLite a writing unit of work takes the write lock when it begins
(``BEGIN IMMEDIATE``) so two writers queue instead of failing on a lock upgrade.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from persistence.caches import ReadCaches
from persistence.repositories import Repositories


class UnitOfWork:
    """One transaction. ``caches``: what reads remember between units of work, the app's
    (``persistence.caches``); without one, a private one that lives as long as this unit of
    work (the CLI, tests and workers need no other)."""

    def __init__(
        self,
        engine: Engine,
        *,
        write: bool = False,
        request_id: str | None = None,
        caches: ReadCaches | None = None,
    ) -> None:
        self.engine = engine
        self.write = write
        self.request_id = request_id
        self.caches = caches if caches is not None else ReadCaches()
        bind = engine
        if write and engine.dialect.name == "sqlite":
            # The same engine (pool, compiled statements, events) whose transactions begin
            # with BEGIN IMMEDIATE; made per unit of work, as it costs a few microseconds.
            bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        # No I/O here: the transaction begins on first use, so creating a unit of work never blocks.
        self.session = Session(bind, expire_on_commit=False, autoflush=False)
        self.repos = Repositories(self.session, self.caches.frameworks)
        self._done = False
        # What this unit of work changed that whoever commits it must act on once it has
        # committed (services.credential_changes); it goes with the unit of work.
        self.notes: set[str] = set()

    def begin_write_now(self) -> bool:
        """SQLite: begin the write transaction (its lock) at once without waiting. False, with
        nothing begun, when another connection holds the lock: in this process that cannot
        happen behind the app's write gate, so it is another process (the CLI, a second
        server), and the caller then waits for it somewhere it may block."""
        try:
            self.session.connection(execution_options={"sqlite_nowait": True})
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            self.session.rollback()
            return False
        return True

    def read_statement_by_statement(self) -> None:
        """PostgreSQL, for work that only reads: run each statement on its own (autocommit).

        At READ COMMITTED, PostgreSQL's default, every statement of a transaction takes its
        own snapshot anyway, so for reads BEGIN and COMMIT only add two round trips to the
        server. Call it before the first statement; SQLite keeps its transaction (there one
        transaction is one snapshot)."""
        if self.engine.dialect.name == "postgresql" and not self.write:
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def commit(self) -> None:
        self.session.commit()
        self._done = True

    def rollback(self) -> None:
        self.session.rollback()
        self._done = True

    def insert_if_free(self, row: object) -> bool:
        """Insert ``row`` in a savepoint. False, and nothing inserted, when one of its unique
        keys is taken, also by a concurrent writer whose insert passed the same "does it
        exist yet" check (on PostgreSQL this one waits for that writer, then fails on the
        index). The rest of the transaction stays usable either way."""
        savepoint = self.session.begin_nested()
        try:
            self.session.add(row)
            self.session.flush()
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
            return False
        return True

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and not self._done:
                self.commit()
            elif exc_type is not None:
                self.rollback()
        finally:
            self.close()
