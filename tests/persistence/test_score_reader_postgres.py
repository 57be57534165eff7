"""The score reader on PostgreSQL (persistence.score_reader.postgres, on psycopg_pool): a
bounded number of connections, and a broken or cut-short connection never handed out again.
(That it finds what the unit of work finds: tests/persistence/test_score_reader.py, on either
database.)"""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import bindparam, func, select, text

from persistence.caches import ReadCaches
from persistence.db import make_engine
from persistence.repositories.driver_statement import DriverStatement
from persistence.score_reader.postgres import PostgresScoreReader
from tests.conftest import ON_POSTGRES
from tests.services.test_scoreboard_pages import board  # noqa: F401 - a fixture

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs SQS_TEST_DATABASE_URL on PostgreSQL (set by .ci/run)"
)

SLEEP = DriverStatement(select(func.pg_sleep(bindparam("seconds"))))
PID = DriverStatement(select(func.pg_backend_pid()))


async def _pid(reader: PostgresScoreReader) -> int:
    """The server process of the connection the reader hands out next (with one, its only)."""
    return int((await reader.rows(PID, {}))[0][0])


def test_connections_are_bounded_and_reused(engine, board, monkeypatch):  # noqa: F811
    connects = 0
    real_connect = psycopg.AsyncConnection.connect

    async def counting_connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal connects
        connects += 1
        return await real_connect(*args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncConnection, "connect", counting_connect)

    async def many() -> tuple[list[object], int]:
        reader = PostgresScoreReader(engine, 2, ReadCaches())
        try:
            found = await asyncio.gather(
                *(reader.score_inputs(board.r6, "U001") for _ in range(40))
            )
            return found, reader.open_connections
        finally:
            await reader.close()

    found, still_open = asyncio.run(many())
    assert all(f == found[0] for f in found) and found[0][0] is not None
    assert connects == 2
    assert still_open == 2


def test_a_broken_connection_is_replaced(engine, board):  # noqa: F811
    async def scenario() -> tuple[int, int, object]:
        reader = PostgresScoreReader(engine, 1, ReadCaches())
        try:
            before = await reader.score_inputs(board.r6, "U001")
            pid = await _pid(reader)
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            for _ in range(50):  # wait until the server has closed it
                with engine.connect() as conn:
                    gone = not conn.execute(
                        text("SELECT 1 FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
                    ).first()
                if gone:
                    break
                await asyncio.sleep(0.05)
            after = await reader.score_inputs(board.r6, "U001")
            assert after == before
            return pid, await _pid(reader), reader.open_connections
        finally:
            await reader.close()

    old_pid, new_pid, still_open = asyncio.run(scenario())
    assert new_pid != old_pid
    assert still_open == 1


def test_a_cancelled_read_drops_its_connection(engine, board):  # noqa: F811
    """A statement cut short leaves its connection in a state nobody knows: it is closed, the
    pool counts it handed back unusable and replaces it, and the next read is served on a new
    connection (another server process)."""

    async def scenario() -> tuple[int, int, int, object]:
        reader = PostgresScoreReader(engine, 1, ReadCaches())
        try:
            before = await _pid(reader)
            sleeping = asyncio.ensure_future(reader.rows(SLEEP, {"seconds": 5}))
            await asyncio.sleep(0.3)
            sleeping.cancel()
            with pytest.raises(asyncio.CancelledError):
                await sleeping
            dropped = reader.pool.get_stats().get("returns_bad", 0)
            found = await asyncio.wait_for(reader.score_inputs(board.r6, "U001"), timeout=2)
            return before, await _pid(reader), dropped, found
        finally:
            await reader.close()

    before, after, dropped, found = asyncio.run(scenario())
    assert dropped == 1
    assert after != before
    assert found[0] is not None


def test_a_waiting_read_gets_the_connection_when_it_is_given_back(engine, board):  # noqa: F811
    """With one connection, a second read waits for it, and a cancelled waiter does not take
    the turn of the one behind it."""

    async def scenario() -> object:
        reader = PostgresScoreReader(engine, 1, ReadCaches())
        try:
            first = asyncio.ensure_future(reader.score_inputs(board.r6, "U001"))
            gives_up = asyncio.ensure_future(reader.score_inputs(board.r6, "U002"))
            third = asyncio.ensure_future(reader.score_inputs(board.r6, "U003"))
            await asyncio.sleep(0)
            gives_up.cancel()
            done = await asyncio.wait_for(asyncio.gather(first, third), timeout=5)
            assert gives_up.cancelled()
            return done
        finally:
            await reader.close()

    first, third = asyncio.run(scenario())
    assert first[0].unit_code == "U001" and third[0].unit_code == "U003"


def test_only_for_postgresql(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with pytest.raises(ValueError, match="PostgreSQL"):
        PostgresScoreReader(engine, 1, ReadCaches())
