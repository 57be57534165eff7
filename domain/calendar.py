"""Thai fiscal-year calendar and the three cumulative monitoring rounds.

WHY (SPEC §2 "Fiscal year"): "Named by the Buddhist-Era year in which it ends
(B.E. = C.E. + 543). FY 2558 runs 1 Oct 2014 – 30 Sep 2015. Rounds are cumulative from
1 October. Default deadlines: 10 April, 10 July, 9 October (the last falls in the next fiscal
year); each is editable." Submissions are judged on time by the Bangkok calendar date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from domain.errors import ValueInvalid

BE_OFFSET = 543
"""Buddhist Era year = Common Era year + 543."""

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
"""Thailand has no daylight saving time: a fixed UTC+7 offset is exact."""

ROUND_MONTHS: tuple[int, int, int] = (6, 9, 12)

# (months, period end (month, day, in the ending C.E. year), deadline (month, day, year offset))
_ROUND_TABLE: tuple[tuple[int, tuple[int, int], tuple[int, int, int]], ...] = (
    (6, (3, 31), (4, 10, 0)),
    (9, (6, 30), (7, 10, 0)),
    (12, (9, 30), (10, 9, 0)),
)


@dataclass(frozen=True, slots=True)
class RoundSpec:
    """One monitoring round: cumulative period from 1 October and the reporting deadline."""

    months: int
    period_start: date
    period_end: date
    deadline: date


def be_to_ce(year_be: int) -> int:
    """B.E. year → C.E. year (2558 → 2015)."""
    return year_be - BE_OFFSET


def ce_to_be(year_ce: int) -> int:
    """C.E. year → B.E. year (2015 → 2558)."""
    return year_ce + BE_OFFSET


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of the fiscal year named ``year_be``: 2558 → (2014-10-01, 2015-09-30)."""
    end_ce = be_to_ce(year_be)
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def round_spec(year_be: int, months: int, deadline: date | None = None) -> RoundSpec:
    """The round of ``months`` (6, 9 or 12) in fiscal year ``year_be``.

    ``deadline`` overrides the default (SPEC: "each is editable").
    """
    start, _ = fiscal_year_bounds(year_be)
    end_ce = be_to_ce(year_be)
    for m, (end_month, end_day), (dl_month, dl_day, dl_offset) in _ROUND_TABLE:
        if m == months:
            default_deadline = date(end_ce + dl_offset, dl_month, dl_day)
            return RoundSpec(
                months=m,
                period_start=start,
                period_end=date(end_ce, end_month, end_day),
                deadline=deadline if deadline is not None else default_deadline,
            )
    raise ValueInvalid(
        f"round of {months} months does not exist; rounds are 6, 9 and 12 months",
        [{"rule": "round_months_invalid", "message": f"unknown round {months}", "field": "months"}],
    )


def default_rounds(year_be: int) -> tuple[RoundSpec, RoundSpec, RoundSpec]:
    """The 6-, 9- and 12-month rounds with default deadlines 10 Apr, 10 Jul and 9 Oct.

    The 12-month deadline (9 October) lies in the *next* fiscal year, as in the seed
    ("ภายในวันที่ 9 ตุลาคม 2558" for FY 2558).
    """
    return (round_spec(year_be, 6), round_spec(year_be, 9), round_spec(year_be, 12))


def fiscal_year_of(d: date) -> int:
    """The B.E. fiscal year containing ``d`` (1 Oct 2014 → 2558; 30 Sep 2015 → 2558)."""
    year_ce = d.year + 1 if d.month >= 10 else d.year
    return ce_to_be(year_ce)


def round_months_of(d: date) -> int:
    """The first round whose cumulative period covers ``d``.

    October–March → 6, April–June → 9, July–September → 12.
    """
    if d.month >= 10 or d.month <= 3:
        return 6
    if d.month <= 6:
        return 9
    return 12


def bangkok_date(moment: datetime) -> date:
    """The calendar date in Bangkok of an aware ``datetime``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueInvalid(
            "submission time must be timezone-aware",
            [{"rule": "naive_datetime", "message": "datetime without a time zone"}],
        )
    return moment.astimezone(BANGKOK).date()


def is_on_time(submitted_at: datetime, deadline: date) -> bool:
    """On time when the Bangkok-local date of submission is on or before the deadline.

    WHY: SPEC §3 "Submission records the time and whether it was on time against the
    deadline"; deadlines are Thai calendar days, so 23:59 Bangkok time on the deadline is on
    time even though it is 16:59 UTC, and 00:30 Bangkok the next day is late.
    """
    return bangkok_date(submitted_at) <= deadline


THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
"""Full Thai month names, January first, as Thai official documents write them."""


def thai_date(d: date) -> str:
    """``1 ตุลาคม 2557``: day, full Thai month name and Buddhist-Era year, the way a Thai
    government document dates things (the seed's "ภายในวันที่ 9 ตุลาคม 2558")."""
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {ce_to_be(d.year)}"


def thai_period(start: date, end: date) -> str:
    """``1 ตุลาคม 2557 – 31 มีนาคม 2558``: a cumulative round period, en dash between."""
    return f"{thai_date(start)} – {thai_date(end)}"


def thai_datetime(moment: datetime) -> str:
    """``7 ธันวาคม 2569 เวลา 13:50 น.``: a moment as Bangkok wall-clock time (a naive one is
    UTC, as the database keeps every time)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(BANGKOK)
    return f"{thai_date(local.date())} เวลา {local:%H:%M} น."
