"""Scoreboard pages answer exactly what the whole round and the unit score say.

A page reads only its own code range (units, reports, values and not-applicable marks), and its
rows are remembered by their inputs; neither may change an answer. Every page here, with every
filter, page size and starting cursor, is checked against the unit score endpoint's document
(a separate read and scoring path) and the report rows, with the row memo cold and then warm.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from sqlmodel import col, select

from domain.framework import default_framework
from persistence.caches import ReadCaches
from persistence.tables import (
    CentralValueRow,
    IndicatorEntryRow,
    NotApplicableRow,
    ParticipationRow,
    ReportRow,
    RoundRow,
    UnitRow,
)
from persistence.unit_of_work import UnitOfWork
from services import scores
from services.bootstrap import ensure_framework
from services.principal import Principal
from services.reference import UnitView, create_fiscal_year, create_unit

FRAMEWORK = default_framework()
ADMIN = Principal(subject="user:test", role="admin")
LEVELS = (None, "best_practice", "standard", "below_standard", "incomplete")
KINDS = (None, "central", "regional")
NOW = datetime(2015, 4, 5, 3, tzinfo=UTC)
FIELDS = [f.name for f in dataclasses.fields(scores.ScoreRow)]

# Per indicator, the stored (value, steps, score) a unit may have; None: no row at all.
CHOICES: dict[int, list[tuple[str | None, int | None, str | None] | None]] = {
    1: [("95", None, None), ("70.5", None, None), ("100", None, None), (None, None, None)],
    2: [("85", None, None), ("91", None, None), ("60", None, None)],
    3: [("92.5", None, None), ("79", None, None), ("100", None, None), None],
    4: [("18", None, None), ("35", None, None), ("10", None, None), None],
    5: [("94", None, None), ("89.99", None, None), ("96", None, None)],
    6: [(None, 4, None), (None, 5, None), (None, 0, None)],
    7: [(None, 3, None), (None, 5, None), None],
    8: [(None, 4, None), (None, 2, None)],
    9: [(None, 5, None), (None, 4, None), (None, 1, None)],
    10: [(None, None, "4.0000"), (None, None, "2.5"), (None, None, "5")],
}

BEST = {
    1: ("100", None, None),
    2: ("91", None, None),
    3: ("100", None, None),
    4: ("10", None, None),
    5: ("96", None, None),
    6: (None, 5, None),
    7: (None, 5, None),
    8: (None, 4, None),
    9: (None, 5, None),
    10: (None, None, "5"),
}


def _unit_view(i: int) -> UnitView:
    kind = "central" if i % 3 == 0 else "regional"
    return UnitView(f"U{i:03d}", f"หน่วยงาน {i}", f"Unit {i}", kind, None if i % 4 else "ขอนแก่น")


@pytest.fixture
def board(engine):
    """40 participating units with varied values, reports and marks in the 6- and 9-month
    rounds of 2558 (the 9-month one closed), and values that must not leak in: marks of
    another fiscal year, a unit that does not take part, values in the wrong place."""
    rng = random.Random(2558)
    with UnitOfWork(engine, write=True) as uow:
        for i in range(40):
            create_unit(uow, "system:test", _unit_view(i))
        framework_id = ensure_framework(uow, FRAMEWORK)
        fy = create_fiscal_year(uow, "system:test", year_be=2558, framework_id=framework_id)
        create_fiscal_year(uow, "system:test", year_be=2559, framework_id=framework_id)
        # Not a participant, with values and marks all the same; its code is among the others.
        create_unit(uow, "system:test", UnitView("U020x", "นอก", "Outside", "central", None))
    rounds = {r.months: r.round_id for r in fy.rounds}
    with UnitOfWork(engine, write=True) as uow:
        ref = uow.repos.reference
        this_year, next_year = ref.fiscal_year(2558), ref.fiscal_year(2559)
        assert this_year is not None and next_year is not None
        units = ref.units_by_codes([f"U{i:03d}" for i in range(40)] + ["U020x"])
        for _code, unit in sorted(units.items()):
            for rid in (rounds[6], rounds[9]):
                _fill(uow, rng, rid, unit.id, this_year.id)
            if rng.random() < 0.3:
                _mark(uow, next_year.id, unit.id, rng.choice([3, 4, 10]))
        closed = ref.lock_round(rounds[9])
        assert closed is not None
        closed.status = "closed"
    return SimpleNamespace(r6=rounds[6], r9=rounds[9])


def _value_row(no: int, v: tuple[str | None, int | None, str | None]) -> dict[str, Any]:
    return {"indicator_no": no, "value": v[0], "steps": v[1], "score": v[2]} | {
        "updated_by": "system:test",
        "updated_at": NOW,
    }


def _fill(uow: UnitOfWork, rng: random.Random, rid: int, unit_id: Any, fid: Any) -> None:
    """A unit's report (or none), own entries, central values and marks, chosen at random."""
    tier = rng.random()  # the first choices make a standard unit, the best a best practice
    chosen = {
        no: options[0] if tier < 0.3 else BEST[no] if tier < 0.5 else rng.choice(options)
        for no, options in CHOICES.items()
    }
    own = [(no, v) for no, v in chosen.items() if v and FRAMEWORK.indicator(no).source == "unit"]
    central = [
        (no, v) for no, v in chosen.items() if v and FRAMEWORK.indicator(no).source != "unit"
    ]
    if rng.random() < 0.2:
        own.append((1, ("10", None, None)))  # a unit's entry for a central indicator: not used
    if rng.random() < 0.2:
        central.append((3, ("10", None, None)))  # a central value of a unit indicator: not used
    if rng.random() < 0.85:  # otherwise no report at all: a draft without values of its own
        state = rng.choice(["draft", "submitted", "returned", "approved"])
        submitted = state != "draft" and rng.random() < 0.8
        report = ReportRow(
            round_id=rid,
            unit_id=unit_id,
            state=state,
            updated_at=NOW,
            submitted_at=NOW + timedelta(days=rng.randrange(30)) if submitted else None,
            on_time=rng.choice([True, False]) if submitted else None,
        )
        uow.repos.reporting.add(report)
        uow.repos.reporting.flush()
        uow.repos.bulk.insert_many(
            IndicatorEntryRow, [{"report_id": report.id} | _value_row(no, v) for no, v in own]
        )
    uow.repos.bulk.insert_many(
        CentralValueRow,
        [
            {"round_id": rid, "unit_id": unit_id, "provider_code": "BLSD"} | _value_row(no, v)
            for no, v in central
        ],
    )
    if rng.random() < 0.3:
        for no in rng.sample([3, 4, 7, 10], rng.choice([1, 2])):
            _mark(uow, fid, unit_id, no)


def _mark(uow: UnitOfWork, fid: Any, unit_id: Any, no: int) -> None:
    """A not-applicable mark (once: the two rounds share their fiscal year's marks)."""
    uow.insert_if_free(
        NotApplicableRow(
            fiscal_year_id=fid,
            unit_id=unit_id,
            indicator_no=no,
            reason="ไม่มีบริการนี้",
            created_by="system:test",
        )
    )


def _expected(engine, round_id: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The whole round, row by row, from the ORM and the unit score document."""
    with UnitOfWork(engine) as uow:
        session = uow.session
        rnd = session.get(RoundRow, round_id)
        assert rnd is not None
        units = session.exec(
            select(UnitRow)
            .join(ParticipationRow, col(ParticipationRow.unit_id) == UnitRow.id)
            .where(ParticipationRow.fiscal_year_id == rnd.fiscal_year_id)
            .order_by(col(UnitRow.code))
        ).all()
        reports = {
            r.unit_id: r
            for r in session.exec(select(ReportRow).where(ReportRow.round_id == round_id))
        }
        out = []
        for u in units:
            doc = orjson.loads(scores.unit_score_document(uow, ADMIN, round_id, u.code))
            report = reports.get(u.id)
            out.append(
                {
                    "unit_code": u.code,
                    "name_th": u.name_th,
                    "name_en": u.name_en,
                    "kind": u.kind,
                    "province": u.province,
                    "overall": doc["overall"],
                    "level": doc["level"],
                    "indicator_scores": {
                        str(i["indicator_no"]): i["score"] for i in doc["indicators"]
                    },
                    "report_state": report.state if report else "draft",
                    "submitted_at": report.submitted_at if report else None,
                    "on_time": report.on_time if report else None,
                    "level_name_th": doc["level_name_th"],
                    "level_name_en": doc["level_name_en"],
                }
            )
        return out


def _walk(
    engine, caches: ReadCaches, round_id: int, page_size: int | None, **filters: Any
) -> list[list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Every page, each in a unit of work of its own sharing ``caches`` (as the app's do)."""
    pages, cursor = [], None
    while True:
        with UnitOfWork(engine, caches=caches) as uow:
            rows, cursor = scores.scoreboard(
                uow, ADMIN, round_id, after=cursor, page_size=page_size, **filters
            )
        pages.append([dataclasses.asdict(r) for r in rows])
        if cursor is None:
            return pages
        assert page_size is not None and len(rows) == page_size  # only the last page is short
        assert len(pages) < 100


def _flat(pages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return list(itertools.chain.from_iterable(pages))


@pytest.mark.parametrize("months", [6, 9])
def test_every_page_matches_the_whole_round(engine, board, months):
    round_id = board.r6 if months == 6 else board.r9
    expected = _expected(engine, round_id)
    assert len(expected) == 40
    assert {r["level"] for r in expected} == set(LEVELS[1:])
    assert any(r["report_state"] == "draft" and r["submitted_at"] is None for r in expected)
    caches = ReadCaches()
    for memo in ("cold", "warm"):
        if memo == "cold":
            caches = ReadCaches()
        assert _walk(engine, caches, round_id, None) == [expected]
        assert _flat(_walk(engine, caches, round_id, 1)) == expected
        for level in LEVELS:
            for kind in KINDS:
                want = [
                    r
                    for r in expected
                    if (level is None or r["level"] == level)
                    and (kind is None or r["kind"] == kind)
                ]
                for size in (2, 7, 100):
                    pages = _walk(engine, caches, round_id, size, level=level, kind=kind)
                    assert _flat(pages) == want, (level, kind, size)
                    if level is None:  # else the last full page cannot know it is the last
                        assert len(pages) == max(1, -(-len(want) // size)), (kind, size)


def test_a_page_from_any_cursor(engine, board):
    expected = _expected(engine, board.r6)
    codes = [r["unit_code"] for r in expected]
    # Every unit, a non-participant between two units, codes between and past every unit.
    cursors = [*codes, "U020x", "U0205", "", "A", "U039~", "Z"]
    caches = ReadCaches()
    for cursor in cursors:
        for size in (1, 5, 100):
            with UnitOfWork(engine, caches=caches) as uow:
                rows, nxt = scores.scoreboard(
                    uow, ADMIN, board.r6, after=cursor or None, page_size=size
                )
            want = [r for r in expected if r["unit_code"] > cursor][:size]
            assert [dataclasses.asdict(r) for r in rows] == want, (cursor, size)
            more = len([r for r in expected if r["unit_code"] > cursor]) > size
            assert nxt == (want[-1]["unit_code"] if more else None), (cursor, size)


def test_a_unit_officer_sees_only_its_unit(engine, board):
    expected = {r["unit_code"]: r for r in _expected(engine, board.r6)}
    officer = Principal(subject="user:officer", role="unit_officer", unit_code="U007")
    with UnitOfWork(engine) as uow:
        rows, nxt = scores.scoreboard(uow, officer, board.r6, page_size=10)
    assert [dataclasses.asdict(r) for r in rows] == [expected["U007"]] and nxt is None
    inspector = Principal(
        subject="user:inspector", role="inspector", unit_codes=frozenset({"U003", "U031", "U020x"})
    )
    with UnitOfWork(engine) as uow:
        first, nxt = scores.scoreboard(uow, inspector, board.r6, page_size=1)
        second, last = scores.scoreboard(uow, inspector, board.r6, after=nxt, page_size=1)
    assert [r.unit_code for r in first + second] == ["U003", "U031"] and last is None


def test_the_json_page_is_the_service_rows(client, engine, board, make_user):
    """The API writes the rows as they are: fields in order, times in UTC with a Z."""
    admin = make_user("admin")
    expected = _expected(engine, board.r6)
    url = f"/api/v1/rounds/{board.r6}/scores"
    r = client.get(url, headers=admin, params={"page_size": 15})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert all(list(item) == FIELDS for item in items)
    assert items == orjson.loads(orjson.dumps(expected[:15], option=orjson.OPT_UTC_Z))
    cursor = r.json()["next_cursor"]
    rest = client.get(url, headers=admin, params={"page_size": 100, "cursor": cursor}).json()
    assert rest["items"] == orjson.loads(orjson.dumps(expected[15:], option=orjson.OPT_UTC_Z))
    assert rest["next_cursor"] is None


def test_a_page_reads_only_its_own_units_values(engine, board):
    """The page's values, not-applicable marks included, are the whole round's for the units
    of its code range (and kind) and nothing else; each statement is compiled once per
    dialect, whatever the page."""
    from persistence.repositories import reporting

    with UnitOfWork(engine) as uow:
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None and fy.id is not None
        units = {u.code: u for u in uow.repos.reference.list_units()}
        whole = uow.repos.reporting.board_values(board.r6, fy.id, None)
        assert any(r[1] == 2 for rows in whole.values() for r in rows)  # marks are there
        assert units["U020x"].id in whole  # the whole round reads every unit's values
        pages = [("U000", "U000"), ("U001", "U013"), ("U014", "U027"), ("U020x", "U039")]
        for kind in (None, "central", "regional"):
            of_kind = uow.repos.reporting.board_values(board.r6, fy.id, None, kind)
            assert of_kind == {
                uid: rows
                for uid, rows in whole.items()
                if kind is None or any(u.id == uid and u.kind == kind for u in units.values())
            }
            for first, last in pages:
                page = uow.repos.reporting.board_values(board.r6, fy.id, (first, last), kind)
                wanted = {
                    u.id
                    for c, u in units.items()
                    if first <= c <= last and (kind is None or u.kind == kind)
                }
                assert page == {uid: rows for uid, rows in whole.items() if uid in wanted}
    dialect = engine.dialect
    sorted_here = dialect.name != "sqlite"  # SQLite's rows come grouped without a sort
    for (_page, _kind, ordered), stmt in reporting._BOARD_VALUES.items():
        used = (
            [(dialect.name, dialect.driver, dialect.paramstyle)] if ordered == sorted_here else []
        )
        assert list(stmt._compiled) == used


def test_one_units_read_is_the_boards_read_of_that_unit(engine, board):
    """The score read's one statement (round, year and unit by code, and the values) finds for
    every unit exactly what the scoreboard's reader finds for it, marks of another fiscal year
    left out; an unknown round or unit finds nothing at all."""
    from persistence.repositories.score_read import read_score_inputs

    with UnitOfWork(engine) as uow:
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None and fy.id is not None
        units = {u.code: u for u in uow.repos.reference.list_units()}
        conn = uow.session.connection()
        seen = set()
        for months, rid in ((6, board.r6), (9, board.r9)):
            whole = uow.repos.reporting.board_values(rid, fy.id, None)
            for code, unit in units.items():
                head, own, central, na = read_score_inputs(conn, rid, code)
                assert head is not None
                assert (head.months, head.round_status) == (
                    months,
                    "open" if months == 6 else "closed",
                )
                assert (head.fiscal_year_id, head.year_be) == (fy.id, 2558)
                assert (head.framework_id, head.unit_id, head.unit_code) == (
                    fy.framework_id,
                    unit.id,
                    code,
                )
                rows = whole.get(unit.id, ())
                assert sorted(own) == sorted(r[2:] for r in rows if r[1] == 0)
                assert sorted(central) == sorted(r[2:] for r in rows if r[1] == 1)
                assert sorted(na) == sorted(r[2] for r in rows if r[1] == 2)
                seen.update(src for src, rows_ in ((0, own), (1, central), (2, na)) if rows_)
        assert seen == {0, 1, 2}  # the board has every kind of input
        assert read_score_inputs(conn, 10**6, "U001") == (None, [], [], [])
        assert read_score_inputs(conn, board.r6, "NOPE") == (None, [], [], [])
