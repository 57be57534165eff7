"""The unit report: read, write entries, ETag / If-Match, submit requirements, Thai round-trip."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.api.conftest import UNIT_VALUES

NARRATIVE = "ดำเนินการครบถ้วนตามแผน ผู้รับบริการพึงพอใจ — ติดตามทุกเดือน"


def report_url(world, unit="BKK01", months=6):
    return f"/api/v1/rounds/{getattr(world, f'r{months}')}/units/{unit}/report"


def fill(client, world, headers, unit="BKK01", values=UNIT_VALUES):
    for no, value in values.items():
        r = client.put(
            f"{report_url(world, unit)}/indicators/{no}",
            headers=headers,
            json=value | {"narrative": NARRATIVE},
        )
        assert r.status_code == 200, r.text
    return r


def test_unwritten_report_reads_as_empty_draft(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.get(report_url(world), headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "draft" and body["version"] == 0 and body["entries"] == []
    assert r.headers["etag"].startswith('"0.')


def test_put_entry_round_trips_thai_and_decimal_strings(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(
        f"{report_url(world)}/indicators/3",
        headers=h,
        json={
            "value": "92.5",
            "narrative": NARRATIVE,
            "problems": "ปัญหา\u0e31\u0e49",
            "suggestions": "ข้อเสนอแนะ",
        },
    )
    assert r.status_code == 200, r.text
    entry = r.json()["entries"][0]
    assert entry["value"] == "92.5" and entry["narrative"] == NARRATIVE
    assert entry["problems"] == "ปัญหา\u0e31\u0e49"
    assert r.headers["etag"].startswith('"1.')
    again = client.get(report_url(world), headers=h).json()
    assert again["entries"][0]["suggestions"] == "ข้อเสนอแนะ"


def test_plain_json_numbers_are_accepted(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(f"{report_url(world)}/indicators/4", headers=h, json={"value": 18})
    assert r.status_code == 200 and r.json()["entries"][0]["value"] == "18"


def test_text_only_update_keeps_the_value(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "92.5"})
    r = client.put(f"{report_url(world)}/indicators/3", headers=h, json={"narrative": "ใหม่"})
    assert r.json()["entries"][0]["value"] == "92.5"
    r = client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": None})
    assert r.json()["entries"][0]["value"] is None


def test_wrong_value_field_for_kind_is_422(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(f"{report_url(world)}/indicators/6", headers=h, json={"value": "3"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:sqs:problem:value_invalid"


def test_steps_out_of_range_is_422(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    assert (
        client.put(f"{report_url(world)}/indicators/6", headers=h, json={"steps": 6}).status_code
        == 422
    )


def test_non_finite_numbers_are_422(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    for bad in ('{"value": NaN}', '{"value": "Infinity"}', '{"value": 1e309}'):
        r = client.put(
            f"{report_url(world)}/indicators/3",
            headers=h | {"content-type": "application/json"},
            content=bad,
        )
        assert r.status_code == 422, (bad, r.text)


def test_unit_cannot_set_central_indicator_value(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(f"{report_url(world)}/indicators/1", headers=h, json={"value": "95"})
    assert r.status_code == 422
    assert r.json()["type"] == "urn:sqs:problem:value_not_unit_supplied"
    # the narrative for a central indicator is the unit's to write
    r = client.put(f"{report_url(world)}/indicators/1", headers=h, json={"narrative": NARRATIVE})
    assert r.status_code == 200


def test_unknown_fields_are_rejected(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(
        f"{report_url(world)}/indicators/3", headers=h, json={"value": "90", "state": "approved"}
    )
    assert r.status_code == 422
    assert any(e["field"].endswith("state") for e in r.json()["errors"])


def test_unknown_indicator_is_404(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    assert (
        client.put(
            f"{report_url(world)}/indicators/42", headers=h, json={"narrative": "x"}
        ).status_code
        == 404
    )


def test_stale_if_match_is_412_and_current_one_wins(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    first = client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "90"})
    etag = first.headers["etag"]
    ok = client.put(
        f"{report_url(world)}/indicators/3", headers=h | {"If-Match": etag}, json={"value": "91"}
    )
    assert ok.status_code == 200
    stale = client.put(
        f"{report_url(world)}/indicators/3", headers=h | {"If-Match": etag}, json={"value": "99"}
    )
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:sqs:problem:precondition_failed"
    assert client.get(report_url(world), headers=h).json()["entries"][0]["value"] == "91"


def test_put_whole_report_is_all_or_nothing(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(
        report_url(world),
        headers=h,
        json={"entries": [{"indicator_no": 3, "value": "92.5"}, {"indicator_no": 6, "value": "3"}]},
    )
    assert r.status_code == 422
    assert client.get(report_url(world), headers=h).json()["entries"] == []
    r = client.put(
        report_url(world),
        headers=h,
        json={"entries": [{"indicator_no": 3, "value": "92.5"}, {"indicator_no": 6, "steps": 3}]},
    )
    assert r.status_code == 200 and len(r.json()["entries"]) == 2


def test_submit_lists_every_unmet_requirement_at_once(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "92.5"})
    r = client.post(f"{report_url(world)}/submit", headers=h)
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "urn:sqs:problem:requirements_unmet"
    missing_values = {p["indicator_no"] for p in body["errors"] if p["rule"] == "value_missing"}
    missing_text = {p["indicator_no"] for p in body["errors"] if p["rule"] == "narrative_missing"}
    assert missing_values == {4, 6, 7, 8, 9}
    assert missing_text == {3, 4, 6, 7, 8, 9}


def test_submit_records_time_and_on_time(client, world, make_user, app):
    h = make_user("unit_officer", unit_code="BKK01")
    fill(client, world, h)
    app.state.clock = lambda: datetime(
        2015, 4, 10, 16, 59, tzinfo=UTC
    )  # 23:59 in Bangkok on the deadline
    r = client.post(f"{report_url(world)}/submit", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "submitted" and body["on_time"] is True
    assert body["submitted_at"].startswith("2015-04-10T16:59")
    # a submitted report is no longer editable by the unit
    again = client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "99"})
    assert again.status_code == 409


def test_submit_after_deadline_is_accepted_and_flagged_late(client, world, make_user, app):
    h = make_user("unit_officer", unit_code="BKK01")
    fill(client, world, h)
    app.state.clock = lambda: datetime(
        2015, 4, 10, 17, 0, tzinfo=UTC
    )  # 00:00 on 11 April in Bangkok
    r = client.post(f"{report_url(world)}/submit", headers=h)
    assert r.status_code == 200 and r.json()["on_time"] is False


def test_twelve_month_round_needs_evidence_and_working_group_order(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.post(f"{report_url(world, months=12)}/submit", headers=h)
    assert r.status_code == 422
    rules = {p["rule"] for p in r.json()["errors"]}
    assert {"evidence_short", "working_group_order_missing", "narrative_missing"} <= rules


def test_other_units_report_is_404_for_an_officer(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    assert client.get(report_url(world, unit="CMI"), headers=h).status_code == 404
    assert (
        client.put(
            f"{report_url(world, unit='CMI')}/indicators/3", headers=h, json={"value": "90"}
        ).status_code
        == 404
    )


def test_missing_round_is_404(client, world, make_user):
    h = make_user("admin")
    assert client.get("/api/v1/rounds/9999/units/BKK01/report", headers=h).status_code == 404


def test_writes_are_audited_with_before_and_after(client, world, make_user, engine):
    h = make_user("unit_officer", unit_code="BKK01")
    client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "90"})
    client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "91"})
    from sqlmodel import Session, col, select

    from persistence.tables import AuditEventRow

    with Session(engine) as s:
        events = s.exec(  # in the order written: without ORDER BY, rows come in any order
            select(AuditEventRow)
            .where(AuditEventRow.action == "report.entry.put")
            .order_by(col(AuditEventRow.id))
        ).all()
    assert len(events) == 2
    assert '"value": "90"' in events[1].before and '"value": "91"' in events[1].after


def test_resubmission_after_a_return_keeps_the_first_submissions_timeliness(
    client, world, make_user, app
):
    officer = make_user("unit_officer", unit_code="BKK01")
    inspector = make_user("inspector", unit_codes=["BKK01"])
    fill(client, world, officer)
    app.state.clock = lambda: datetime(2015, 4, 9, 3, 0, tzinfo=UTC)
    assert client.post(f"{report_url(world)}/submit", headers=officer).json()["on_time"] is True
    app.state.clock = lambda: datetime(2015, 4, 20, 3, 0, tzinfo=UTC)  # after the deadline
    returned = client.post(
        f"{report_url(world)}/return",
        headers=inspector,
        json={"comments": [{"indicator_no": 3, "comment": "แนบหลักฐานเพิ่มเติม"}]},
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    again = client.post(f"{report_url(world)}/submit", headers=officer)
    assert again.status_code == 200
    assert again.json()["on_time"] is True
    assert again.json()["submitted_at"].startswith("2015-04-20")


def test_submit_retried_with_the_same_idempotency_key_replays_the_first_answer(
    client, world, make_user
):
    h = make_user("unit_officer", unit_code="BKK01")
    fill(client, world, h)
    keyed = h | {"Idempotency-Key": "submit-bkk01-6"}
    first = client.post(f"{report_url(world)}/submit", headers=keyed)
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "submitted"
    again = client.post(f"{report_url(world)}/submit", headers=keyed)
    assert again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"]
    # without the key a second submission is a conflict: the report is no longer a draft
    assert client.post(f"{report_url(world)}/submit", headers=h).status_code == 409


def test_a_failed_submission_keeps_no_idempotency_record(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01") | {"Idempotency-Key": "submit-early"}
    assert client.post(f"{report_url(world)}/submit", headers=h).status_code == 422
    fill(client, world, {k: v for k, v in h.items() if k != "Idempotency-Key"})
    r = client.post(f"{report_url(world)}/submit", headers=h)
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert r.headers.get("idempotent-replayed") is None
