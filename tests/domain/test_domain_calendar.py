"""Fiscal calendar: FY named by the B.E. year it ends; cumulative rounds; Bangkok deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.calendar import (
    BANGKOK,
    BE_OFFSET,
    RoundSpec,
    be_to_ce,
    ce_to_be,
    default_rounds,
    fiscal_year_bounds,
    fiscal_year_of,
    is_on_time,
    round_months_of,
    round_spec,
)
from domain.errors import ValueInvalid


def test_be_ce_conversion():
    assert BE_OFFSET == 543
    assert be_to_ce(2558) == 2015
    assert ce_to_be(2015) == 2558
    assert ce_to_be(be_to_ce(2570)) == 2570


def test_fy2558_bounds():
    assert fiscal_year_bounds(2558) == (date(2014, 10, 1), date(2015, 9, 30))


def test_default_rounds_2558_match_the_seed():
    six, nine, twelve = default_rounds(2558)
    assert six == RoundSpec(6, date(2014, 10, 1), date(2015, 3, 31), date(2015, 4, 10))
    assert nine == RoundSpec(9, date(2014, 10, 1), date(2015, 6, 30), date(2015, 7, 10))
    assert twelve == RoundSpec(12, date(2014, 10, 1), date(2015, 9, 30), date(2015, 10, 9))
    # the 12-month deadline falls in the next fiscal year
    assert fiscal_year_of(twelve.deadline) == 2559


def test_rounds_are_cumulative_from_1_october():
    for spec in default_rounds(2570):
        assert spec.period_start == date(2026, 10, 1)


def test_round_spec_deadline_is_editable():
    spec = round_spec(2558, 6, deadline=date(2015, 4, 17))
    assert spec.deadline == date(2015, 4, 17)
    assert spec.period_end == date(2015, 3, 31)


def test_round_spec_rejects_other_months():
    with pytest.raises(ValueInvalid) as exc:
        round_spec(2558, 3)
    assert exc.value.problems[0]["rule"] == "round_months_invalid"


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2014, 10, 1), 2558),
        (date(2014, 9, 30), 2557),
        (date(2015, 9, 30), 2558),
        (date(2015, 10, 1), 2559),
        (date(2015, 1, 1), 2558),
        (date(2024, 2, 29), 2567),
    ],
)
def test_fiscal_year_of(d, fy):
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    ("d", "months"),
    [
        (date(2014, 10, 1), 6),
        (date(2015, 3, 31), 6),
        (date(2015, 4, 1), 9),
        (date(2015, 6, 30), 9),
        (date(2015, 7, 1), 12),
        (date(2015, 9, 30), 12),
        (date(2014, 12, 31), 6),
    ],
)
def test_round_months_of(d, months):
    assert round_months_of(d) == months


def test_on_time_uses_the_bangkok_date():
    deadline = date(2015, 4, 10)
    # 23:59 in Bangkok on the deadline (16:59 UTC): on time
    assert is_on_time(datetime(2015, 4, 10, 23, 59, tzinfo=BANGKOK), deadline)
    assert is_on_time(datetime(2015, 4, 10, 16, 59, tzinfo=UTC), deadline)
    # 17:30 UTC on the deadline is already 00:30 on 11 April in Bangkok: late
    assert not is_on_time(datetime(2015, 4, 10, 17, 30, tzinfo=UTC), deadline)
    # a submission stamped in New York on the evening of 9 April is 10 April in Bangkok
    new_york = timezone(timedelta(hours=-4))
    assert is_on_time(datetime(2015, 4, 9, 20, 0, tzinfo=new_york), deadline)
    assert not is_on_time(datetime(2015, 4, 10, 13, 0, tzinfo=new_york), deadline)
    assert is_on_time(datetime(2015, 1, 1, tzinfo=BANGKOK), deadline)


def test_on_time_requires_an_aware_datetime():
    with pytest.raises(ValueInvalid):
        is_on_time(datetime(2015, 4, 10, 12, 0), date(2015, 4, 10))
