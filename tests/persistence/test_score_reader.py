"""The score reader (persistence.score_reader), on whichever database the suite runs: the same
rows as the unit of work's read, what was committed a moment ago, the framework read once,
and always a reader, whatever the engine."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import literal_column, select, text

from domain.framework import default_framework
from persistence.caches import ReadCaches
from persistence.db import BUSY_TIMEOUT_MS, make_engine
from persistence.repositories.driver_statement import DriverStatement
from persistence.repositories.score_read import read_score_inputs
from persistence.score_reader import Presence, make_score_reader
from persistence.score_reader.engine import EngineScoreReader
from persistence.unit_of_work import UnitOfWork
from tests.conftest import ON_POSTGRES
from tests.services.test_scoreboard_pages import board  # noqa: F401 - a fixture

_ONE = DriverStatement(select(literal_column("1")))


def _sorted(inputs):  # type: ignore[no-untyped-def]
    head, own, central, na = inputs
    return head, sorted(own), sorted(central), sorted(na)


def _reader(engine, which: str):  # type: ignore[no-untyped-def]
    """The reader the factory gives this engine, or the one over the engine's own pool."""
    if which == "own":
        return make_score_reader(engine, ReadCaches(), 3)
    return EngineScoreReader(engine, ReadCaches())


@pytest.mark.parametrize("which", ["own", "engine"])
def test_the_read_finds_what_the_unit_of_works_read_finds(engine, board, which):  # noqa: F811
    with UnitOfWork(engine) as uow:
        conn = uow.session.connection()
        codes = [u.code for u in uow.repos.reference.list_units()] + ["NOPE"]
        expected = {
            (rid, code): _sorted(read_score_inputs(conn, rid, code))
            for rid in (board.r6, board.r9, 10**6)
            for code in codes
        }
    assert sum(head is not None for head, *_ in expected.values()) == 2 * (len(codes) - 1)

    async def read_all() -> dict[tuple[int, str], object]:
        reader = _reader(engine, which)
        try:
            found = await asyncio.gather(*(reader.score_inputs(r, c) for r, c in expected))
            return {key: _sorted(f) for key, f in zip(expected, found, strict=True)}
        finally:
            await reader.close()

    assert asyncio.run(read_all()) == expected


def test_a_committed_change_is_read_at_once(engine, board):  # noqa: F811
    """Each read is its own snapshot: a change committed between two reads on the same
    connection is in the second."""

    async def scenario() -> tuple[object, object]:
        reader = make_score_reader(engine, ReadCaches(), 1)
        try:
            before = await reader.score_inputs(board.r6, "U001")
            with UnitOfWork(engine, write=True) as uow:
                uow.session.execute(
                    text(
                        "UPDATE indicator_entry SET value = '12.5' WHERE indicator_no = 4 AND "
                        "report_id = (SELECT report.id FROM report JOIN unit ON unit.id = "
                        "report.unit_id WHERE unit.code = 'U001' AND report.round_id = :r)"
                    ),
                    {"r": board.r6},
                )
            return before, await reader.score_inputs(board.r6, "U001")
        finally:
            await reader.close()

    (_, own_before, _, _), (_, own_after, _, _) = asyncio.run(scenario())
    assert (4, "12.5", None, None) not in own_before
    assert (4, "12.5", None, None) in own_after


def test_the_framework_is_read_once_per_process(engine, board):  # noqa: F811
    with UnitOfWork(engine) as uow:
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None
        framework_id = fy.framework_id
    seen: list[str] = []

    async def twice() -> list[object]:
        reader = make_score_reader(engine, ReadCaches(), 1)
        reader.observers.append(seen.append)
        try:
            return [await reader.framework(framework_id), await reader.framework(framework_id)]
        finally:
            reader.observers.remove(seen.append)
            await reader.close()

    first, second = asyncio.run(twice())
    assert first is second
    assert first == default_framework()
    assert len(seen) == 1


@pytest.mark.parametrize("which", ["own", "engine"])
def test_the_reader_says_which_of_round_and_unit_exist(engine, board, which):  # noqa: F811
    async def presence() -> list[Presence]:
        reader = _reader(engine, which)
        try:
            return [
                await reader.presence(board.r6, "U001"),
                await reader.presence(10**6, "U001"),
                await reader.presence(board.r6, "NOPE"),
                await reader.presence(10**6, "NOPE"),
            ]
        finally:
            await reader.close()

    assert asyncio.run(presence()) == [(True, True), (False, True), (True, False), (False, False)]


def test_there_is_always_a_reader(engine):
    """Turned off (no connections of its own) or in memory (another connection would see
    another database), the reader reads over the engine's own pool: no caller falls back."""
    memory = make_engine("sqlite://")
    assert isinstance(make_score_reader(memory, ReadCaches(), 4), EngineScoreReader)
    if ON_POSTGRES:
        assert isinstance(make_score_reader(engine, ReadCaches(), 0), EngineScoreReader)

    async def read() -> object:
        reader = make_score_reader(memory, ReadCaches(), 4)
        return await reader.rows(_ONE, {})

    assert asyncio.run(read()) == [(1,)]


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking (this run is on PostgreSQL)")
def test_sqlite_reads_do_not_wait_for_a_writer(engine, board):  # noqa: F811
    """While another connection holds SQLite's write lock with a change not yet committed,
    a read answers at once, with what was committed (WAL)."""
    writer = sqlite3.connect(engine.url.database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM indicator_entry")

        async def read() -> object:
            reader = make_score_reader(engine, ReadCaches(), 1)
            try:
                return await reader.score_inputs(board.r6, "U001")
            finally:
                await reader.close()

        started = time.perf_counter()
        _, own, _, _ = asyncio.run(read())
        assert time.perf_counter() - started < 1
        assert own  # the entries are still there for everyone but the writer
        writer.execute("ROLLBACK")
    finally:
        writer.close()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's connection settings (this run is on PostgreSQL)")
def test_sqlite_reads_connection_has_the_engines_settings(engine):
    """Its own connection is set up like the engine's: above all the busy timeout, without
    which a read that meets a lock (a checkpoint, say) fails at once instead of waiting."""
    pragmas = ("busy_timeout", "foreign_keys", "journal_mode")

    async def settings() -> list[object]:
        reader = make_score_reader(engine, ReadCaches(), 1)
        try:
            return [(await reader._fetch(f"PRAGMA {p}", ()))[0][0] for p in pragmas]
        finally:
            await reader.close()

    with engine.connect() as conn:
        expected = [conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in pragmas]
    assert expected[0] == BUSY_TIMEOUT_MS
    assert asyncio.run(settings()) == expected
