"""Engine factory: one place that knows the differences between SQLite and PostgreSQL.

SQLite is the embedded default: WAL so readers never block the writer, foreign keys on for
every connection (SQLite leaves them off by default), and a busy timeout so concurrent
writers wait instead of failing. PostgreSQL gets a sized connection pool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
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
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
        # psycopg prepares a statement after its fifth run, and PostgreSQL may then switch to
        # a generic plan. For the scoreboard's code-range pages that plan was measured at
        # about twice the time of a plan made for the actual values (10,000 units: 1.4 s
        # against 0.8 s for the whole board). Custom plans keep the prepared parse.
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
    )


def _sqlite_autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself, so write transactions can take the
    # write lock up front (BEGIN IMMEDIATE) instead of failing on a lock upgrade under load.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def pool_capacity(engine: Engine) -> int:
    """How many connections the engine's pool can hand out at once."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        return max(1, int(size()) + max(0, int(overflow)))
    return 8


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query (the readiness check)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
