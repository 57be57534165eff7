"""The audit trail's incremental sync: ``updated_since`` pages oldest first by (time, id), so
events written while a client pages come after what it has met, and none is missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.paging import walk

URL = "/api/v1/audit-events"


def _unit(client, admin, code: str) -> None:
    r = client.post(
        "/api/v1/units",
        headers=admin,
        json={"code": code, "name_th": "หน่วย " + code, "name_en": code, "kind": "regional"},
    )
    assert r.status_code == 201, r.text


def test_paging_the_trail_while_events_are_written_misses_none(client, make_user):
    admin = make_user("admin")
    since = datetime.now(UTC) - timedelta(seconds=1)
    for code in ("A1", "A2", "A3"):
        _unit(client, admin, code)
    written = iter(["B1", "B2", "B3", "B4"])

    def others_write() -> None:
        code = next(written, None)
        if code is not None:
            _unit(client, admin, code)

    params = {"updated_since": since.isoformat(), "page_size": 1}
    met = walk(client, URL, admin, params, others_write)
    ids = [e["id"] for e in met]
    assert len(ids) == len(set(ids))
    times = [(e["occurred_at"], e["id"]) for e in met]
    assert times == sorted(times)
    created = [e["object_id"] for e in met if e["action"] == "unit.create"]
    # every event since then, however late it came, was met: the trail's own newest-first
    # list (no sync) holds no unit event the sync did not return
    everything = client.get(URL, params={"action": "unit.create"}, headers=admin).json()["items"]
    assert sorted(created) == sorted(e["object_id"] for e in everything)
    assert {"A1", "A2", "A3", "B1", "B2", "B3", "B4"} == set(created)


def test_the_sync_keeps_the_trails_filters(client, make_user):
    admin = make_user("admin")
    since = datetime.now(UTC) - timedelta(seconds=1)
    _unit(client, admin, "C1")
    r = client.get(
        URL,
        params={"updated_since": since.isoformat(), "action": "user.create"},
        headers=admin,
    )
    assert r.status_code == 200 and r.json()["items"] == []
    later = datetime.now(UTC) + timedelta(seconds=5)
    r = client.get(URL, params={"updated_since": later.isoformat()}, headers=admin)
    assert r.json()["items"] == []
    r = client.get(
        URL, params={"updated_since": since.isoformat(), "cursor": "WzEsMl0"}, headers=admin
    )  # [1,2]: not a (time, id) position
    assert r.status_code == 400 and r.json()["type"] == "urn:sqs:problem:cursor_invalid"
