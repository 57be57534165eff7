"""Thai dates as official documents write them: full month names, Buddhist-Era years."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.calendar import THAI_MONTHS, default_rounds, thai_date, thai_datetime, thai_period


def test_the_seed_dates_read_as_the_seed_writes_them():
    six, _nine, twelve = default_rounds(2558)
    assert thai_period(six.period_start, six.period_end) == "1 ตุลาคม 2557 – 31 มีนาคม 2558"
    assert thai_date(twelve.deadline) == "9 ตุลาคม 2558"
    assert thai_date(six.deadline) == "10 เมษายน 2558"


def test_every_month_has_its_own_name():
    assert len(set(THAI_MONTHS)) == 12
    assert [thai_date(date(2015, m, 1)).split()[1] for m in (1, 2, 12)] == [
        "มกราคม",
        "กุมภาพันธ์",
        "ธันวาคม",
    ]


def test_a_moment_is_told_in_bangkok_time():
    # 17:30 UTC on 31 March is 00:30 on 1 April in Bangkok: the date moves too
    moment = datetime(2015, 3, 31, 17, 30, tzinfo=UTC)
    assert thai_datetime(moment) == "1 เมษายน 2558 เวลา 00:30 น."
    assert thai_datetime(moment.replace(tzinfo=None)) == "1 เมษายน 2558 เวลา 00:30 น."
