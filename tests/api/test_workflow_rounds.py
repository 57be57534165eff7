"""Rounds: deadlines judged on the Bangkok calendar, monitoring rates, and closing a round.

The world has BKK01 (central), CMI and KKN (regional), fiscal year 2558, 6-month deadline
10 April 2015. Bangkok is UTC+7 all year (no daylight saving): 23:59:59 on 10 April in Bangkok
is 16:59:59 UTC, and 00:00 on 11 April in Bangkok is 17:00 UTC on 10 April.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from domain.framework import default_framework
from persistence.tables import OutboxEventRow
from services.rounds import percent
from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES

NARRATIVE = "ผลการดำเนินงานเป็นไปตามแผน"
LAST_SECOND_ON_TIME = datetime(2015, 4, 10, 16, 59, 59, tzinfo=UTC)  # 23:59:59 Bangkok, 10 Apr
FIRST_SECOND_LATE = datetime(2015, 4, 10, 17, 0, 0, tzinfo=UTC)  # 00:00:00 Bangkok, 11 Apr


def report_url(world, unit, months=6):
    return f"/api/v1/rounds/{getattr(world, f'r{months}')}/units/{unit}/report"


def fill(client, world, headers, unit, values=UNIT_VALUES):
    for no, value in values.items():
        r = client.put(
            f"{report_url(world, unit)}/indicators/{no}",
            headers=headers,
            json=value | {"narrative": NARRATIVE},
        )
        assert r.status_code == 200, r.text


def submit_at(client, app, world, headers, unit, moment):
    app.state.clock = lambda: moment
    try:
        r = client.post(f"{report_url(world, unit)}/submit", headers=headers)
    finally:
        app.state.clock = lambda: datetime.now(UTC)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_percent_is_exact_and_half_up():
    assert percent(2, 3) == "66.67"
    assert percent(1, 3) == "33.33"
    assert percent(1, 8) == "12.50"
    assert percent(1, 1) == "100.00"
    assert percent(0, 5) == "0.00"
    assert percent(0, 0) is None
    assert percent(1, 16) == "6.25"
    assert percent(1, 80_000) == "0.00"  # 0.00125 % → 0.00
    assert percent(1, 40_000) == "0.00"  # 0.0025 % → 0.00
    assert percent(1, 400) == "0.25"
    assert percent(1, 200) == "0.50"
    assert percent(1, 1600) == "0.06"  # 0.0625 %
    assert percent(1, 800) == "0.13"  # 0.125 %: a tie rounds up (half-up, not half-even)
    assert percent(3, 800) == "0.38"  # 0.375 %
    assert percent(5, 8) == "62.50"


def test_deadline_boundary_in_bangkok_time(client, app, world, admin):
    fill(client, world, admin, "BKK01")
    fill(client, world, admin, "CMI")
    on_time = submit_at(client, app, world, admin, "BKK01", LAST_SECOND_ON_TIME)
    late = submit_at(client, app, world, admin, "CMI", FIRST_SECOND_LATE)
    assert on_time["on_time"] is True
    assert late["on_time"] is False  # accepted, and flagged late
    assert late["state"] == "submitted"
    assert on_time["submitted_at"].startswith("2015-04-10T16:59:59")
    assert late["submitted_at"].startswith("2015-04-10T17:00:00")


def test_monitoring_states_flags_and_rates(client, app, world, admin, make_user):
    """BKK01 (central) on time, CMI (regional) late, KKN (regional) never submitted.

    Overall: reported 2/3 = 66.67 %, on time 1/2 = 50.00 %. Central: 1/1 = 100.00 %, 1/1 =
    100.00 %. Regional: 1/2 = 50.00 %, 0/1 = 0.00 %.
    """
    fill(client, world, admin, "BKK01")
    fill(client, world, admin, "CMI")
    submit_at(client, app, world, admin, "BKK01", LAST_SECOND_ON_TIME)
    submit_at(client, app, world, admin, "CMI", FIRST_SECOND_LATE)

    r = client.get(f"/api/v1/rounds/{world.r6}/monitoring", headers=admin)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["months"] == 6 and doc["deadline"] == "2015-04-10" and doc["status"] == "open"
    units = {u["unit_code"]: u for u in doc["units"]}
    assert [u["unit_code"] for u in doc["units"]] == ["BKK01", "CMI", "KKN"]
    assert units["BKK01"]["state"] == "submitted" and units["BKK01"]["on_time"] is True
    assert units["BKK01"]["submitted_at"].startswith("2015-04-10T16:59:59")
    assert units["CMI"]["on_time"] is False and units["CMI"]["reported"] is True
    kkn = {k: units["KKN"][k] for k in ("state", "reported", "submitted_at", "on_time")}
    assert kkn == {"state": "draft", "reported": False, "submitted_at": None, "on_time": None}
    assert units["KKN"]["name_th"] == "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดขอนแก่น"

    overall = doc["overall"]
    assert {k: v for k, v in overall.items() if k != "states"} == {
        "participating": 3,
        "reported": 2,
        "not_reported": 1,
        "on_time": 1,
        "late": 1,
        "reporting_rate": "66.67",
        "on_time_rate": "50.00",
    }
    assert overall["states"] == {"draft": 1, "submitted": 2, "returned": 0, "approved": 0}
    central, regional = doc["by_kind"]["central"], doc["by_kind"]["regional"]
    assert (central["reporting_rate"], central["on_time_rate"]) == ("100.00", "100.00")
    assert (regional["reporting_rate"], regional["on_time_rate"]) == ("50.00", "0.00")

    # a returned report still counts as reported; an approved one too
    inspector = make_user("inspector", unit_codes=["BKK01", "CMI"])
    client.post(f"{report_url(world, 'BKK01')}/approve", headers=inspector)
    client.post(
        f"{report_url(world, 'CMI')}/return",
        headers=inspector,
        json={"comments": [{"indicator_no": 4, "comment": "ตรวจสอบเวลาให้บริการ"}]},
    )
    doc = client.get(f"/api/v1/rounds/{world.r6}/monitoring", headers=admin).json()
    assert doc["overall"]["states"] == {"draft": 1, "submitted": 0, "returned": 1, "approved": 1}
    assert doc["overall"]["reporting_rate"] == "66.67"

    # the inspector sees, and its rates count, only its assigned units
    mine = client.get(f"/api/v1/rounds/{world.r6}/monitoring", headers=inspector).json()
    assert [u["unit_code"] for u in mine["units"]] == ["BKK01", "CMI"]
    assert mine["overall"]["reporting_rate"] == "100.00"
    assert mine["by_kind"]["regional"]["participating"] == 1


def test_monitoring_of_an_empty_round_has_null_rates(client, world, admin):
    doc = client.get(f"/api/v1/rounds/{world.r9}/monitoring", headers=admin).json()
    assert doc["overall"]["reporting_rate"] == "0.00"
    assert doc["overall"]["on_time_rate"] is None  # nobody reported: no denominator


def test_monitoring_access(client, world, make_user):
    url = f"/api/v1/rounds/{world.r6}/monitoring"
    assert client.get(url, headers=make_user("viewer")).status_code == 200
    assert client.get(url, headers=make_user("unit_officer", unit_code="BKK01")).status_code == 403
    assert (
        client.get(url, headers=make_user("central_provider", provider_code="BLSD")).status_code
        == 403
    )
    assert client.get(url).status_code == 401
    assert (
        client.get("/api/v1/rounds/999/monitoring", headers=make_user("admin")).status_code == 404
    )
    lonely = client.get(url, headers=make_user("inspector")).json()
    assert lonely["units"] == [] and lonely["overall"]["reporting_rate"] is None


def test_closing_a_round_stops_unit_writes_and_emits_round_closed(
    client, world, admin, make_user, engine
):
    officer = make_user("unit_officer", unit_code="BKK01")
    fill(client, world, officer, "BKK01")
    r = client.put(f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"})
    assert r.status_code == 200 and r.json()["status"] == "closed"

    put = client.put(
        f"{report_url(world, 'BKK01')}/indicators/3", headers=officer, json={"value": "99"}
    )
    assert put.status_code == 409 and put.json()["type"] == "urn:sqs:problem:round_closed"
    sub = client.post(f"{report_url(world, 'BKK01')}/submit", headers=officer)
    assert sub.status_code == 409 and sub.json()["type"] == "urn:sqs:problem:round_closed"
    assert (
        client.get(report_url(world, "BKK01"), headers=officer).json()["round_status"] == "closed"
    )

    doc = client.get(f"/api/v1/rounds/{world.r6}/monitoring", headers=admin).json()
    assert doc["status"] == "closed" and doc["closed_at"] is not None

    with Session(engine) as s:
        closed = s.exec(
            select(OutboxEventRow).where(OutboxEventRow.event_type == "round.closed")
        ).all()
    assert len(closed) == 1
    payload = json.loads(closed[0].payload)
    assert payload["version"] == 2
    assert payload["data"] == {
        "round_id": world.r6,
        "year_be": 2558,
        "months": 6,
        "period_start": "2014-10-01",
        "period_end": "2015-03-31",
        "deadline": "2015-04-10",
    }

    # closing again changes nothing and emits nothing; reopening lets the unit write again
    client.put(f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"})
    with Session(engine) as s:
        assert (
            len(
                s.exec(
                    select(OutboxEventRow).where(OutboxEventRow.event_type == "round.closed")
                ).all()
            )
            == 1
        )
    client.put(f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "open"})
    r = client.put(
        f"{report_url(world, 'BKK01')}/indicators/3", headers=officer, json={"value": "99"}
    )
    assert r.status_code == 200


def test_missing_value_policy_applies_once_the_round_is_closed(client, world, admin):
    """A framework that scores a missing value as 0 once the round closes: before closing the
    unit is incomplete; after, indicator 4 scores 0.0000 (shown as such) and the level follows."""
    doc = default_framework().to_dict()
    doc.pop("version")
    doc |= {
        "code": "sqs-close-as-zero",
        "missing_value_policy": "score_as",
        "missing_score_as": "0",
    }
    r = client.post("/api/v1/frameworks", headers=admin, json=doc)
    assert r.status_code == 201, r.text
    fy = client.post(
        "/api/v1/fiscal-years",
        headers=admin,
        json={"year_be": 2559, "framework_id": r.json()["id"]},
    )
    assert fy.status_code == 201, fy.text
    r6 = next(x["round_id"] for x in fy.json()["rounds"] if x["months"] == 6)

    values = {k: v for k, v in UNIT_VALUES.items() if k != 4}
    for no, value in values.items():
        assert (
            client.put(
                f"/api/v1/rounds/{r6}/units/BKK01/report/indicators/{no}", headers=admin, json=value
            ).status_code
            == 200
        )
    rows = [{"unit_code": "BKK01", "indicator_no": no} | v for no, v in CENTRAL_VALUES.items()]
    assert (
        client.put(f"/api/v1/rounds/{r6}/central-values", headers=admin, json=rows).status_code
        == 200
    )

    before = client.get(f"/api/v1/rounds/{r6}/units/BKK01/score", headers=admin).json()
    assert (
        before["level"] == "incomplete" and before["overall"] is None and before["missing"] == [4]
    )

    client.put(f"/api/v1/rounds/{r6}/status", headers=admin, json={"status": "closed"})
    after = client.get(f"/api/v1/rounds/{r6}/units/BKK01/score", headers=admin).json()
    ind4 = next(i for i in after["indicators"] if i["indicator_no"] == 4)
    assert ind4["status"] == "scored_as_missing" and ind4["score"] == "0.0000"
    assert "missing" in ind4["explanation"]["note"]
    assert after["level"] == "below_standard" and after["overall"] is not None
    board = client.get(f"/api/v1/rounds/{r6}/scores", headers=admin).json()["items"]
    assert next(i for i in board if i["unit_code"] == "BKK01")["level"] == "below_standard"

    # the default framework's policy is "incomplete": closing leaves the unit incomplete
    for no, value in values.items():
        client.put(f"{report_url(world, 'BKK01')}/indicators/{no}", headers=admin, json=value)
    client.put(f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"})
    default = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=admin).json()
    assert default["level"] == "incomplete"
