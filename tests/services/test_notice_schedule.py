"""The reminder calendar with an injected clock: a whole fiscal year, day by day.

Fiscal year 2558 runs from 1 October 2557 (2014) to 30 September 2558 (2015); its deadlines are
10 April, 10 July and 9 October 2015 (the 12-month one falls in the next fiscal year), all
Bangkok calendar days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.framework import default_framework
from persistence.unit_of_work import UnitOfWork
from services import notices
from services.bootstrap import ensure_framework
from services.notices import reminder_stage
from services.reference import UnitView, create_fiscal_year, create_unit

DEADLINES = {6: date(2015, 4, 10), 9: date(2015, 7, 10), 12: date(2015, 10, 9)}


@pytest.fixture
def rounds(engine):
    with UnitOfWork(engine, write=True) as uow:
        create_unit(uow, "system:test", UnitView("BKK01", "หน่วย", "Unit", "central", None))
        framework_id = ensure_framework(uow, default_framework())
        fy = create_fiscal_year(uow, "system:test", year_be=2558, framework_id=framework_id)
    found = {r.months: r.round_id for r in fy.rounds}
    assert {r.months: r.deadline for r in fy.rounds} == DEADLINES
    return found


def bangkok(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def run_year(engine, days, moments=((0, 5), (12, 0), (23, 55))):
    """Every day from 1 Oct 2014 to 31 Oct 2015, the scheduler at each moment (Bangkok time);
    which events it wrote on which Bangkok day."""
    written: dict[str, date] = {}
    day = date(2014, 10, 1)
    while day <= date(2015, 10, 31):
        for hour, minute in moments:
            with UnitOfWork(engine, write=True) as uow:
                for key in notices.schedule(uow, bangkok(day, hour, minute), days):
                    assert key not in written, f"{key} written twice"
                    written[key] = day
        day += timedelta(days=1)
    return written


def expected(rounds, days):
    out = {}
    for months, rid in rounds.items():
        deadline = DEADLINES[months]
        for d in {*days, 0}:
            out[f"reminder:{rid}:{d}"] = deadline - timedelta(days=d)
        out[f"deadline_passed:{rid}"] = deadline + timedelta(days=1)
    return out


def test_default_reminders_7_and_1_days_before_and_on_the_day_across_a_fiscal_year(engine, rounds):
    assert run_year(engine, (7, 1)) == expected(rounds, (7, 1))


def test_configured_reminder_days(engine, rounds):
    assert run_year(engine, (14, 3), moments=((10, 0),)) == expected(rounds, (14, 3))


def test_bangkok_midnight_decides_the_day(engine, rounds):
    deadline = DEADLINES[6]
    # 23:59 Bangkok on the eighth day before: nothing yet; 00:00 Bangkok (17:00 UTC) the 7th
    with UnitOfWork(engine, write=True) as uow:
        assert notices.schedule(uow, bangkok(deadline - timedelta(days=8), 23, 59), (7, 1)) == []
    with UnitOfWork(engine, write=True) as uow:
        now = bangkok(deadline - timedelta(days=7), 0, 0)
        assert now.hour == 17  # still the previous day in UTC
        assert notices.schedule(uow, now, (7, 1)) == [f"reminder:{rounds[6]}:7"]


def test_a_closed_round_gets_no_reminders(engine, rounds):
    from services.principal import Principal
    from services.reference import set_round_status

    with UnitOfWork(engine, write=True) as uow:
        set_round_status(uow, Principal("user:1", "admin"), rounds[6], "closed")
    with UnitOfWork(engine, write=True) as uow:
        assert notices.schedule(uow, bangkok(DEADLINES[6], 9), (7, 1)) == []


def test_a_deadline_long_past_is_history_not_news(engine, rounds):
    with UnitOfWork(engine, write=True) as uow:
        late = bangkok(DEADLINES[6] + notices.PASSED_GRACE + timedelta(days=1), 9)
        assert f"deadline_passed:{rounds[6]}" not in notices.schedule(uow, late, (7, 1))


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(30, None), (8, None), (7, 7), (5, 7), (2, 7), (1, 1), (0, 0), (-1, None)],
)
def test_reminder_stage_sends_the_latest_reached_never_a_stale_one(days_left, stage):
    deadline = date(2015, 4, 10)
    assert reminder_stage(deadline, deadline - timedelta(days=days_left), (7, 1)) == stage
