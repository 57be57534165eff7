"""PostgreSQL pool: a connection that sat idle is pinged before reuse, a busy one is not
(see persistence.db._ping_if_idle, which replaces pool_pre_ping's ping per checkout)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from persistence import db
from tests.conftest import ON_POSTGRES, PG_URL

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs SQS_TEST_DATABASE_URL on PostgreSQL (set by .ci/run)"
)


@pytest.fixture
def pool_engine():
    engine = db.make_engine(PG_URL, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine, pid: int) -> None:
    other = db.make_engine(PG_URL, pool_size=1, max_overflow=0)
    try:
        with other.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
            conn.commit()
    finally:
        other.dispose()


def test_an_idle_connection_that_died_is_replaced_before_use(pool_engine, monkeypatch):
    pid = _backend_pid(pool_engine)
    _terminate(pool_engine, pid)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every pooled connection counts as idle
    # the ping fails on the dead connection; the pool opens a new one and the caller never sees it
    assert _backend_pid(pool_engine) != pid


def test_a_connection_back_from_use_is_not_pinged(pool_engine, monkeypatch):
    pid = _backend_pid(pool_engine)
    _terminate(pool_engine, pid)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)
    # not idle long enough: no ping, so the dead connection is handed out and the statement
    # fails (SQLAlchemy then invalidates it); this is the round trip the ping saves per request
    with pytest.raises(Exception, match=r"(?i)terminat|closed|connection"):
        _backend_pid(pool_engine)
    assert _backend_pid(pool_engine) != pid  # the pool replaced it


def test_a_read_without_transaction_leaves_none_behind(pool_engine):
    """``read_statement_by_statement`` (autocommit for a read) must not leak into the next
    user of the pooled connection: a write there is still one transaction."""
    from persistence.unit_of_work import UnitOfWork

    with UnitOfWork(pool_engine) as uow:
        uow.read_statement_by_statement()
        conn = uow.session.connection()
        assert conn.connection.driver_connection.autocommit is True
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    with UnitOfWork(pool_engine, write=True) as uow:  # the same (only) pooled connection
        conn = uow.session.connection()
        assert conn.connection.driver_connection.autocommit is False
        conn.exec_driver_sql("SELECT 1")
        status = conn.connection.driver_connection.info.transaction_status
        assert status == psycopg.pq.TransactionStatus.INTRANS  # the statement ran after BEGIN
