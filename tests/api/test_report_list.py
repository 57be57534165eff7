"""A round's report list: what changed, oldest first, with the cursor on (updated_at, id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import UNIT_VALUES
from tests.api.paging import walk


def _write(client, world, headers, unit: str, no: int = 3) -> None:
    url = f"/api/v1/rounds/{world.r6}/units/{unit}/report/indicators/{no}"
    r = client.put(url, headers=headers, json=UNIT_VALUES[no])
    assert r.status_code == 200, r.text


def test_the_list_pages_in_the_order_of_change_and_misses_no_write(client, world, make_user):
    admin = make_user("admin")
    url = f"/api/v1/rounds/{world.r6}/reports"
    assert client.get(url, headers=admin).json()["items"] == []  # nothing written yet
    for unit in ("KKN", "BKK01", "CMI"):
        _write(client, world, admin, unit)
    since = datetime.now(UTC) - timedelta(minutes=5)
    writes = iter([("KKN", 4), ("BKK01", 4), ("KKN", 6)])

    def others_write() -> None:
        found = next(writes, None)
        if found is not None:
            _write(client, world, admin, *found)

    met = walk(
        client, url, admin, {"updated_since": since.isoformat(), "page_size": 1}, others_write
    )
    last = {r["unit_code"]: r for r in met}
    assert [r["unit_code"] for r in met[:3]] == ["KKN", "BKK01", "CMI"]
    assert {u: r["version"] for u, r in last.items()} == {"KKN": 3, "BKK01": 2, "CMI": 1}
    stamps = [r["updated_at"] for r in met]
    assert stamps == sorted(stamps)
    # updated_since leaves out what did not change since
    now = datetime.now(UTC)
    assert (
        client.get(url, params={"updated_since": now.isoformat()}, headers=admin).json()["items"]
        == []
    )
    _write(client, world, admin, "CMI", 4)
    changed = client.get(url, params={"updated_since": now.isoformat()}, headers=admin).json()
    assert [r["unit_code"] for r in changed["items"]] == ["CMI"]


def test_who_sees_which_reports(client, world, make_user):
    admin = make_user("admin")
    for unit in ("BKK01", "CMI"):
        _write(client, world, admin, unit)
    url = f"/api/v1/rounds/{world.r6}/reports"
    officer = make_user("unit_officer", unit_code="CMI")
    assert [r["unit_code"] for r in client.get(url, headers=officer).json()["items"]] == ["CMI"]
    inspector = make_user("inspector", unit_codes=["BKK01"])
    assert [r["unit_code"] for r in client.get(url, headers=inspector).json()["items"]] == ["BKK01"]
    assert client.get(url, headers=make_user("viewer")).status_code == 403
    assert client.get("/api/v1/rounds/999/reports", headers=admin).status_code == 404
    drafts = client.get(url, params={"state": "submitted"}, headers=admin).json()
    assert drafts["items"] == []
    tag = client.get(url, headers=admin).headers["etag"]
    assert client.get(url, headers=admin | {"If-None-Match": tag}).status_code == 304
    bad = client.get(url, params={"cursor": "WyJ4IiwgMV0"}, headers=admin)  # ["x", 1]
    assert bad.status_code == 400
