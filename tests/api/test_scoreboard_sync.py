"""The scoreboard's incremental sync: ``updated_since`` answers what changed, oldest change
first, and paging through it while others write misses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import UNIT_VALUES
from tests.api.paging import walk
from tests.api.test_scores import supply


def _sync(client, world, headers, since: datetime, page_size: int = 100, between=None):
    url = f"/api/v1/rounds/{world.r6}/scores"
    params = {"updated_since": since.isoformat(), "page_size": page_size}
    return walk(client, url, headers, params, between)


def _now() -> datetime:
    return datetime.now(UTC)


def test_only_what_changed_since_comes_back_with_its_time(client, world, make_user):
    admin = client.headers_admin = make_user("admin")
    before_world = _now() - timedelta(minutes=5)
    everything = _sync(client, world, admin, before_world)
    assert sorted(r["unit_code"] for r in everything) == ["BKK01", "CMI", "KKN"]
    assert all(r["updated_at"] for r in everything)
    since = _now()
    assert _sync(client, world, admin, since) == []
    supply(client, world, unit="CMI")
    changed = _sync(client, world, admin, since)
    assert [r["unit_code"] for r in changed] == ["CMI"]
    assert datetime.fromisoformat(changed[0]["updated_at"]) >= since
    assert changed[0]["level"] == "standard"
    # the plain scoreboard has no updated_at
    plain = client.get(f"/api/v1/rounds/{world.r6}/scores", headers=admin).json()
    assert "updated_at" not in plain["items"][0]


def test_changes_without_a_report_write_are_dated_too(client, world, make_user):
    """A removed not-applicable mark leaves no row of its own; closing a round changes every
    row's level; a central value is no report write."""
    admin = client.headers_admin = make_user("admin")
    mark = "/api/v1/fiscal-years/2558/units/KKN/not-applicable/7"
    assert client.put(mark, headers=admin, json={"reason": "ไม่มีบริการ"}).is_success
    since = _now()
    assert client.delete(mark, headers=admin).is_success
    assert [r["unit_code"] for r in _sync(client, world, admin, since)] == ["KKN"]
    since = _now()
    rows = [{"unit_code": "BKK01", "indicator_no": 1, "value": "95"}]
    assert client.put(
        f"/api/v1/rounds/{world.r6}/central-values", headers=admin, json=rows
    ).is_success
    assert [r["unit_code"] for r in _sync(client, world, admin, since)] == ["BKK01"]
    since = _now()
    r = client.put(f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"})
    assert r.status_code == 200, r.text
    assert sorted(r["unit_code"] for r in _sync(client, world, admin, since)) == [
        "BKK01",
        "CMI",
        "KKN",
    ]


def test_paging_while_others_write_misses_nothing(client, world, make_user):
    """One row a page; after each page a unit is written: one already met, one not yet met.
    Every change comes back: the last time a client meets each unit, it meets its final state."""
    admin = client.headers_admin = make_user("admin")
    since = _now() - timedelta(minutes=5)
    writes = iter(
        [
            ("BKK01", {3: {"value": "50"}}),  # met on the first page (oldest stamp: BKK01)
            ("KKN", UNIT_VALUES),  # not met yet
            ("BKK01", {3: {"value": "99"}}),  # met again
            ("CMI", UNIT_VALUES),
        ]
    )

    def others_write() -> None:
        found = next(writes, None)
        if found is not None:
            unit, values = found
            supply(client, world, unit=unit, unit_values=values)

    met = _sync(client, world, admin, since, page_size=1, between=others_write)
    last = {row["unit_code"]: row for row in met}
    final = client.get(f"/api/v1/rounds/{world.r6}/scores", headers=admin).json()["items"]
    assert len(final) == 3
    for row in final:
        seen = dict(last[row["unit_code"]])
        assert seen.pop("updated_at")
        assert seen == row, row["unit_code"]
    # and nothing is met twice at the same time of change
    stamps = [(r["updated_at"], r["unit_code"]) for r in met]
    assert len(stamps) == len(set(stamps)) and stamps == sorted(stamps)


def test_the_sync_takes_filters_but_not_a_sort_or_a_total(client, world, make_user):
    admin = client.headers_admin = make_user("admin")
    url = f"/api/v1/rounds/{world.r6}/scores"
    since = "2000-01-01T00:00:00Z"
    r = client.get(url, params={"updated_since": since, "kind": "regional"}, headers=admin)
    assert [row["unit_code"] for row in r.json()["items"]] == ["CMI", "KKN"]
    for extra in ({"sort": "-overall"}, {"include_total": "true"}, {"format": "csv"}):
        r = client.get(url, params={"updated_since": since} | extra, headers=admin)
        assert r.status_code == 400 and r.json()["type"] == "urn:sqs:problem:sync_conflict"


@pytest.mark.parametrize(
    "value", ["2015-04-10", "1700000000", "0.5", "2015-04-10T00:00:00", "yesterday"]
)
def test_updated_since_is_rfc_3339_with_an_offset(client, world, make_user, value):
    admin = make_user("admin")
    r = client.get(
        f"/api/v1/rounds/{world.r6}/scores", params={"updated_since": value}, headers=admin
    )
    assert r.status_code == 422, r.text
    assert "RFC 3339" in r.json()["detail"]


def test_a_unit_officer_syncs_only_its_unit(client, world, make_user):
    client.headers_admin = make_user("admin")
    officer = make_user("unit_officer", unit_code="CMI")
    met = _sync(client, world, officer, _now() - timedelta(minutes=5))
    assert [r["unit_code"] for r in met] == ["CMI"]
