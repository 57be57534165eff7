"""Engine factory: one place that knows the differences between SQLite and PostgreSQL.

SQLite is the embedded default: WAL so readers never block the writer, foreign keys on for
every connection (SQLite leaves them off by default), and a busy timeout so concurrent
writers wait instead of failing. PostgreSQL gets a sized connection pool.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import create_engine

# How long a SQLite statement waits for another connection's lock before failing.
BUSY_TIMEOUT_MS = 30_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def sqlite_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """Our settings for every SQLite connection: the engine's, and the ones opened beside it
    (``persistence.score_reader.sqlite``)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        in_memory = not database or database == ":memory:"
        if not in_memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        pool_args = {} if in_memory else {"pool_size": pool_size, "max_overflow": max_overflow}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool_args)
        event.listen(engine, "connect", sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
    )
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "do_execute", _plan_each_time)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


# An execution option: run this statement unprepared on PostgreSQL (see _plan_each_time).
PLAN_EACH_TIME = "sqs_plan_each_time"


def _plan_each_time(cursor: Any, statement: str, parameters: Any, context: Any) -> bool | None:
    """Run a statement marked ``PLAN_EACH_TIME`` without preparing it.

    psycopg prepares a statement after its fifth run, and from then on PostgreSQL may use a
    generic plan, made once for any values. That is what most statements want: the score
    read, a ``UNION ALL`` of four lookups, costs the server several times more to plan than
    to run from its generic plan (docs/benchmarks.md). The scoreboard's value statement is the
    exception: its best plan depends on how many units the page spans (100 or the whole
    round), so it is sent unprepared and planned for its own values on every run. (Before,
    every session forced custom plans, ``plan_cache_mode=force_custom_plan``, for the sake
    of that one statement, and every score read paid for planning.)"""
    if context is not None and context.execution_options.get(PLAN_EACH_TIME):
        cursor.execute(statement, parameters, prepare=False)
        return True
    return None


# A connection idle in the pool longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 5.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """``pool_pre_ping``, but only for a connection that sat idle: a server restart or a
    dropped connection shows on those. pre_ping costs a ``SELECT 1`` round trip on every
    checkout, i.e. on every request; under load connections go straight back out, and a
    connection that does break while in use is invalidated with the rest of the pool by
    SQLAlchemy's disconnect handling. Raising ``DisconnectionError`` makes the pool retry
    with a fresh connection."""
    idle_since = record.info.get("checked_in_at")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the ping opened a transaction: end it
    except Exception as exc:  # any failure means the connection is not usable
        raise DisconnectionError("the pooled connection did not answer a ping") from exc


def _sqlite_autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself, so write transactions can take the
    # write lock up front (BEGIN IMMEDIATE) instead of failing on a lock upgrade under load.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    begin = f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}"
    if not options.get("sqlite_nowait"):
        conn.exec_driver_sql(begin)
        return
    # Take the lock now or fail at once (a caller on the event loop must never sit in the busy
    # handler). The pragmas go straight to the driver: they are not the request's statements.
    driver = conn.connection.driver_connection
    driver.execute("PRAGMA busy_timeout=0")
    try:
        conn.exec_driver_sql(begin)
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def pool_capacity(engine: Engine) -> int:
    """How many connections the engine's pool can hand out at once: those it keeps, and its
    overflow."""
    return pool_kept(engine) + max(0, int(getattr(engine.pool, "_max_overflow", 0)))


def pool_kept(engine: Engine) -> int:
    """How many connections the engine's pool keeps open between uses (its size, without the
    overflow, whose connections are closed as soon as they are handed back)."""
    size = getattr(engine.pool, "size", None)
    return max(1, int(size())) if callable(size) else 8


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query (the readiness check)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
