"""``UnitOfWork.begin_write_now``: SQLite's write lock taken at once or not at all, so that a
write run on the event loop (api.deps.Run) never sits in SQLite's busy handler."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import text

from persistence.db import BUSY_TIMEOUT_MS
from persistence.unit_of_work import UnitOfWork
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(
    ON_POSTGRES, reason="SQLite's write lock (this run is on PostgreSQL)"
)


def _other_process_lock(engine) -> sqlite3.Connection:
    """Another connection, as another process would have, holding the write lock."""
    other = sqlite3.connect(engine.url.database, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_takes_the_lock_at_once_when_free(engine):
    with UnitOfWork(engine, write=True) as uow:
        assert uow.begin_write_now()
        # we hold the lock: another connection cannot take it
        other = sqlite3.connect(engine.url.database, isolation_level=None, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        busy = uow.session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert busy == BUSY_TIMEOUT_MS  # restored for the rest of the transaction


def test_reports_a_lock_held_elsewhere_without_waiting(engine):
    other = _other_process_lock(engine)
    try:
        uow = UnitOfWork(engine, write=True)
        started = time.perf_counter()
        assert uow.begin_write_now() is False
        assert time.perf_counter() - started < 1.0  # not the 30 s busy timeout
        # nothing begun, and the unit of work is still usable once the lock is free
        other.execute("ROLLBACK")
        assert uow.begin_write_now()
        uow.session.connection().execute(text("CREATE TABLE scratch_write_now (x INTEGER)"))
        uow.commit()
        uow.close()
    finally:
        other.close()
    with engine.connect() as conn:
        busy = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert busy == BUSY_TIMEOUT_MS  # the pooled connection keeps its normal patience
