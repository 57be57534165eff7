"""The read endpoints issue as many SQL statements for a big world as for a small one.

A score, a report, a score history and a scoreboard page must not cost one more statement
per unit, indicator, evidence file, comment or round (no N+1). Statements are counted at the
engine (``before_cursor_execute``), first with every process cache empty (as after a restart),
then again warm; the world then grows tenfold and every count must stay the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from api.export_limit import ExportLimiter
from domain.framework import default_framework
from persistence.tables import (
    CentralValueRow,
    EvidenceRow,
    IndicatorEntryRow,
    NotApplicableRow,
    ParticipationRow,
    ReportRow,
    ReviewCommentRow,
)
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import ensure_framework
from services.reference import UnitView, create_fiscal_year, create_unit
from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES

NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")
NOW = datetime(2015, 4, 5, 3, tzinfo=UTC)
FRAMEWORK = default_framework()
UNIT_INDICATORS = [i.indicator_no for i in FRAMEWORK.indicators if i.source == "unit"]
CENTRAL = [i for i in FRAMEWORK.indicators if i.source != "unit"]

# The most statements any of these reads may take, cold (a small fixed number: the caller,
# the round or unit, the values, the framework once per process).
CEILING = 10


class StatementCounter:
    def __init__(self, engine, reader) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.reader = reader  # the app's score reader, which skips the unit of work
        self.statements: list[str] = []

    def _count(self, _conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(NOT_QUERIES):
            self.statements.append(statement)

    def _count_awaited(self, statement: str) -> None:
        self.statements.append(statement)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        """Statements through the engine and those read without a unit of work
        (persistence.score_reader), which do not pass through the engine."""
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._count)
        self.reader.observers.append(self._count_awaited)
        try:
            yield self.statements
        finally:
            event.remove(self.engine, "before_cursor_execute", self._count)
            self.reader.observers.remove(self._count_awaited)


def _add_units(engine, codes: list[str], year_be: int | None) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork(engine, write=True) as uow:
        for code in codes:
            create_unit(uow, "system:test", UnitView(code, f"หน่วย {code}", code, "regional", None))
        if year_be is not None:
            fy = uow.repos.reference.fiscal_year(year_be)
            assert fy is not None and fy.id is not None
            ids = uow.repos.reference.units_by_codes(codes)
            uow.repos.bulk.insert_many(
                ParticipationRow,
                [{"fiscal_year_id": fy.id, "unit_id": ids[c].id} for c in codes],
            )


def _fill(engine, year_be: int, codes: list[str], *, evidence: int, comments: int) -> None:  # type: ignore[no-untyped-def]
    """Reports in the 6-month round with every value and a not-applicable mark (made once per
    unit); then ``evidence`` more files per indicator and ``comments`` more review comments."""
    with UnitOfWork(engine, write=True) as uow:
        fy = uow.repos.reference.fiscal_year(year_be)
        assert fy is not None and fy.id is not None
        round_id = next(r.id for r in uow.repos.reference.rounds_of(fy.id) if r.months == 6)
        assert round_id is not None
        units = uow.repos.reference.units_by_codes(codes)
        bulk = uow.repos.bulk
        for code in codes:
            unit_id = units[code].id
            assert unit_id is not None
            report = uow.repos.reporting.report(round_id, unit_id)
            if report is None:
                report = ReportRow(
                    round_id=round_id, unit_id=unit_id, state="returned", version=2, updated_at=NOW
                )
                uow.repos.reporting.add(report)
                uow.repos.reporting.flush()
                _values(uow, fy.id, round_id, unit_id, report.id)
            bulk.insert_many(
                EvidenceRow,
                [
                    {
                        "id": str(uuid.uuid4()),
                        "kind": "indicator",
                        "report_id": report.id,
                        "unit_id": unit_id,
                        "fiscal_year_id": fy.id,
                        "indicator_no": no,
                        "filename": f"หลักฐาน-{n}.pdf",
                        "content_type": "application/pdf",
                        "size": 1,
                        "sha256": uuid.uuid4().hex * 2,
                        "storage_key": f"k-{uuid.uuid4().hex}",
                        "created_by": "system:test",
                        "created_at": NOW,
                    }
                    for no in UNIT_INDICATORS
                    for n in range(evidence)
                ],
            )
            bulk.insert_many(
                ReviewCommentRow,
                [
                    {
                        "report_id": report.id,
                        "indicator_no": UNIT_INDICATORS[n % len(UNIT_INDICATORS)],
                        "comment": f"แก้ไขข้อ {n}",
                        "author": "inspector",
                        "created_at": NOW,
                    }
                    for n in range(comments)
                ],
            )


def _values(uow: UnitOfWork, fiscal_year_id: int, round_id: int, unit_id: int, report_id) -> None:  # type: ignore[no-untyped-def]
    uow.repos.bulk.insert_many(
        IndicatorEntryRow,
        [
            {
                "report_id": report_id,
                "indicator_no": no,
                "value": UNIT_VALUES[no].get("value"),
                "steps": UNIT_VALUES[no].get("steps"),
                "narrative": "ดำเนินการตามแผน",
                "updated_by": "system:test",
                "updated_at": NOW,
            }
            for no in UNIT_INDICATORS
        ],
    )
    uow.repos.bulk.insert_many(
        CentralValueRow,
        [
            {
                "round_id": round_id,
                "unit_id": unit_id,
                "indicator_no": i.indicator_no,
                "provider_code": i.source,
                "value": CENTRAL_VALUES[i.indicator_no].get("value"),
                "score": CENTRAL_VALUES[i.indicator_no].get("score"),
                "updated_by": "system:test",
                "updated_at": NOW,
            }
            for i in CENTRAL
        ],
    )
    uow.repos.reference.add(
        NotApplicableRow(
            fiscal_year_id=fiscal_year_id,
            unit_id=unit_id,
            indicator_no=10,
            reason="ไม่มีบริการนี้",
            created_by="system:test",
        )
    )


def _new_year(engine, year_be: int) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(engine, write=True) as uow:
        framework_id = ensure_framework(uow, FRAMEWORK)
        fy = create_fiscal_year(uow, "system:test", year_be=year_be, framework_id=framework_id)
    return next(r.round_id for r in fy.rounds if r.months == 6)


def _reads(round_id: int) -> dict[str, str]:
    base = f"/api/v1/rounds/{round_id}"
    return {
        "unit score": f"{base}/units/U000/score",
        "report": f"{base}/units/U000/report",
        "indicator evidence": f"{base}/units/U000/report/indicators/3/evidence",
        "score history": "/api/v1/units/U000/score-history",
        "scoreboard page (JSON)": f"{base}/scores?page_size=10",
        "scoreboard (CSV)": f"{base}/scores?format=csv",
    }


def _measure(client, counter: StatementCounter, headers, round_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for name, url in _reads(round_id).items():
        for state in ("cold", "warm"):
            if state == "cold":
                client.app.state.runtime.caches.clear()
                client.app.state.runtime.principals.clear()
            with counter.counting() as statements:
                r = client.get(url, headers=headers)
            assert r.status_code == 200, (name, r.text)
            counts[f"{name}, {state}"] = len(statements)
    return counts


@pytest.mark.slow
def test_read_statement_counts_do_not_grow_with_the_data(client, engine, make_user):
    counter = StatementCounter(engine, client.app.state.runtime.score_reader)
    # exports run in worker processes with engines of their own: here, on this one, in threads
    exports = client.app.state.runtime.exports
    client.app.state.runtime.exports = ExportLimiter(
        2,
        exports.database_url,
        executor=ThreadPoolExecutor(2),
        engine=engine,
        caches=client.app.state.runtime.caches,
    )
    small_units = [f"U{i:03d}" for i in range(3)]
    big_units = [f"U{i:03d}" for i in range(3, 30)]

    _add_units(engine, small_units, None)
    round_id = _new_year(engine, 2558)
    _fill(engine, 2558, small_units, evidence=1, comments=1)
    admin = make_user("admin")
    small = _measure(client, counter, admin, round_id)

    # Tenfold: 30 units, 10 evidence files and 10 comments per report, a second fiscal year.
    _add_units(engine, big_units, 2558)
    _fill(engine, 2558, small_units, evidence=9, comments=9)
    _fill(engine, 2558, big_units, evidence=10, comments=10)
    _new_year(engine, 2559)
    _fill(engine, 2559, small_units, evidence=10, comments=10)
    big = _measure(client, counter, admin, round_id)

    print("statement counts (small, big):", {k: (small[k], big[k]) for k in small})
    grown = {k: (small[k], big[k]) for k in small if big[k] != small[k]}
    assert not grown, f"statement counts grew with the data (small, big): {grown}"
    too_many = {k: v for k, v in big.items() if v > CEILING}
    assert not too_many, f"more than {CEILING} statements: {too_many}"
    # every read reads something: a count of 0 would mean statements went uncounted
    uncounted = {k for k, v in small.items() if v == 0}
    assert not uncounted, f"no statement counted for {uncounted}"
