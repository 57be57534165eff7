"""The indicator-entry write's answer and audit event, pinned member by member.

The entry write, the multi-entry write and the report read are served from column-only
statements and serialised by orjson (api/v1/reports/router.py ``_json``), not through
``ReportOut``; these tests hold them to what the ORM path answered: every member, the ETag, the
exact bytes FastAPI would render from ``ReportOut``, and the audit event's before and after.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session, col, select

from api.v1.reports.schemas import ReportOut
from persistence.tables import AuditEventRow

THAI = 'ดำเนินการครบถ้วน \u0e31\u0e49 — "quoted" \\ and a new\nline'
AT = datetime(2015, 4, 5, 3, 0, 7, 123400, tzinfo=UTC)


def _url(world, unit="BKK01"):
    return f"/api/v1/rounds/{world.r6}/units/{unit}/report"


def _as_fastapi_renders(body: bytes) -> bytes:
    """The bytes FastAPI sends for a ``ReportOut`` (response_model validation, then its JSON)."""
    out = ReportOut.model_validate_json(body).model_dump(mode="json")
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()


def _audit(engine, action):
    with Session(engine) as s:
        return s.exec(
            select(AuditEventRow)
            .where(AuditEventRow.action == action)
            .order_by(col(AuditEventRow.id))
        ).all()


def _entry(no, **fields):
    return {
        "indicator_no": no,
        "source": "unit",
        "value": None,
        "steps": None,
        "score": None,
        "narrative": None,
        "problems": None,
        "suggestions": None,
        "updated_by": None,
        "updated_at": None,
    } | fields


def test_first_entry_write_answers_the_whole_report(client, world, make_user, app, engine):
    h = make_user("unit_officer", unit_code="BKK01")
    app.state.clock = lambda: AT
    r = client.put(
        f"{_url(world)}/indicators/3",
        headers=h | {"X-Request-ID": "pin-entry-1"},
        json={"value": "92.50", "narrative": THAI, "problems": "ปัญหา", "suggestions": None},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"].startswith('"1.')
    assert r.headers["content-type"] == "application/json"
    subject = _audit(engine, "report.entry.put")[0].actor
    assert r.json() == {
        "round_id": world.r6,
        "year_be": 2558,
        "months": 6,
        "unit_code": "BKK01",
        "state": "draft",
        "version": 1,
        "deadline": "2015-04-10",
        "round_status": "open",
        "submitted_at": None,
        "on_time": None,
        "approved_at": None,
        "updated_at": "2015-04-05T03:00:07.123400Z",
        "entries": [
            _entry(
                3,
                value="92.50",
                narrative=THAI,
                problems="ปัญหา",
                updated_by=subject,
                updated_at="2015-04-05T03:00:07.123400Z",
            )
        ],
        "comments": [],
        "not_applicable": [],
    }
    assert r.content == _as_fastapi_renders(r.content)
    # the read answers the same document, byte for byte
    again = client.get(_url(world), headers=h)
    assert again.content == r.content and again.headers["etag"].startswith('"1.')

    (event,) = _audit(engine, "report.entry.put")
    assert (event.object_type, event.object_id) == ("report", f"{world.r6}/BKK01/3")
    assert event.request_id == "pin-entry-1"
    assert event.before is None
    assert json.loads(event.after or "") == {
        "value": "92.50",
        "steps": None,
        "score": None,
        "narrative": THAI,
        "problems": "ปัญหา",
        "suggestions": None,
    }
    # the texts are stored as the ORM path stored them: sorted keys, Thai unescaped
    assert event.after == json.dumps(
        json.loads(event.after or ""), ensure_ascii=False, sort_keys=True
    )


def test_later_writes_keep_what_they_do_not_name(client, world, make_user, app, engine):
    h = make_user("unit_officer", unit_code="BKK01")
    app.state.clock = lambda: AT
    client.put(f"{_url(world)}/indicators/3", headers=h, json={"value": "92.5", "narrative": "ก"})
    client.put(f"{_url(world)}/indicators/6", headers=h, json={"steps": 4})
    r = client.put(
        f"{_url(world)}/indicators/3", headers=h | {"If-Match": '"2"'}, json={"problems": "ข"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"].startswith('"3.')
    body = r.json()
    assert [e["indicator_no"] for e in body["entries"]] == [3, 6]
    assert body["entries"][0] | {"updated_by": None} == _entry(
        3, value="92.5", narrative="ก", problems="ข", updated_at="2015-04-05T03:00:07.123400Z"
    )
    assert body["entries"][1]["steps"] == 4
    last = _audit(engine, "report.entry.put")[-1]
    assert json.loads(last.before or "") == {
        "value": "92.5",
        "steps": None,
        "score": None,
        "narrative": "ก",
        "problems": None,
        "suggestions": None,
    }
    assert json.loads(last.after or "")["problems"] == "ข"
    # a stale ETag changes nothing and records nothing
    stale = client.put(
        f"{_url(world)}/indicators/3", headers=h | {"If-Match": '"2"'}, json={"value": "1"}
    )
    assert stale.status_code == 412
    assert len(_audit(engine, "report.entry.put")) == 3


def test_answer_shows_comments_and_not_applicable_marks(client, world, make_user, app, engine):
    officer = make_user("unit_officer", unit_code="BKK01")
    inspector = make_user("inspector", unit_codes=["BKK01"])
    admin = make_user("admin")
    app.state.clock = lambda: AT
    assert client.put(
        f"{_url(world)}/indicators/4", headers=officer, json={"value": "18"}
    ).is_success
    for no in (10, 2):
        r = client.put(
            f"/api/v1/fiscal-years/2558/units/BKK01/not-applicable/{no}",
            headers=admin,
            json={"reason": "ไม่มีบริการนี้"},
        )
        assert r.status_code == 204, r.text
    with engine.begin() as conn:  # as if submitted: the inspector may now return it
        conn.execute(text("UPDATE report SET state = 'submitted'"))
    comments = [{"indicator_no": 4, "comment": "แก้ไข"}, {"indicator_no": None, "comment": "ทั่วไป"}]
    r = client.post(f"{_url(world)}/return", headers=inspector, json={"comments": comments})
    assert r.status_code == 200, r.text
    # a Bangkok-time clock: the report keeps the zone it was given, while the entry reads back
    # from the database in UTC (what the ORM path answered)
    app.state.clock = lambda: datetime(2015, 4, 6, 10, 0, 0, 5, tzinfo=ZoneInfo("Asia/Bangkok"))
    r = client.put(f"{_url(world)}/indicators/4", headers=officer, json={"narrative": "แก้แล้ว"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "returned" and body["version"] == 3
    assert body["updated_at"] == "2015-04-06T10:00:00.000005+07:00"
    assert body["entries"][0]["updated_at"] == "2015-04-06T03:00:00.000005Z"
    assert body["not_applicable"] == [2, 10]
    assert [(c["indicator_no"], c["comment"], c["created_at"]) for c in body["comments"]] == [
        (4, "แก้ไข", "2015-04-05T03:00:07.123400Z"),
        (None, "ทั่วไป", "2015-04-05T03:00:07.123400Z"),
    ]
    assert r.content == _as_fastapi_renders(r.content)


def test_multi_entry_write_answer_and_audit(client, world, make_user, app, engine):
    h = make_user("unit_officer", unit_code="BKK01")
    app.state.clock = lambda: AT
    client.put(f"{_url(world)}/indicators/6", headers=h, json={"steps": 2, "narrative": "ก"})
    r = client.put(
        _url(world),
        headers=h,
        json={"entries": [{"indicator_no": 7, "steps": 3}, {"indicator_no": 6, "steps": 4}]},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"].startswith('"2.')
    assert r.content == _as_fastapi_renders(r.content)
    assert [(e["indicator_no"], e["steps"], e["narrative"]) for e in r.json()["entries"]] == [
        (6, 4, "ก"),
        (7, 3, None),
    ]
    (event,) = _audit(engine, "report.put")
    assert event.object_id == f"{world.r6}/BKK01"
    assert json.loads(event.before or "") == {
        "6": {
            "value": None,
            "steps": 2,
            "score": None,
            "narrative": "ก",
            "problems": None,
            "suggestions": None,
        },
        "7": None,
    }
    assert json.loads(event.after or "")["7"]["steps"] == 3
