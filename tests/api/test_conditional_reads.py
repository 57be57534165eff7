"""Conditional GETs: every read carries a strong ETag, and If-None-Match answers 304 with no
body while the answer would be the same, and 200 with a new tag as soon as it would not."""

from __future__ import annotations

import pytest

from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES
from tests.api.test_scores import supply


def _strong(tag: str) -> str:
    assert tag.startswith('"') and tag.endswith('"') and not tag.startswith("W/"), tag
    return tag


def _revalidates(client, url, headers):
    """GET, then GET with If-None-Match: 304, no body, the same tag. Returns the tag."""
    first = client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    tag = _strong(first.headers["etag"])
    again = client.get(url, headers=headers | {"If-None-Match": tag})
    assert again.status_code == 304, again.text
    assert again.content == b"" and again.headers["etag"] == tag
    # the weak comparison of If-None-Match: W/ and lists of tags match too; another tag not
    for header in (f"W/{tag}", f'"other", {tag}', "*"):
        assert client.get(url, headers=headers | {"If-None-Match": header}).status_code == 304
    assert client.get(url, headers=headers | {"If-None-Match": '"other"'}).status_code == 200
    return tag


def test_a_score_is_304_until_one_of_its_inputs_changes(client, world, make_user):
    admin = client.headers_admin = make_user("admin")
    supply(client, world)
    url = f"/api/v1/rounds/{world.r6}/units/BKK01/score"
    tag = _revalidates(client, url, admin)
    # an own value changes the score: a new tag, and the old one no longer matches
    r = client.put(
        f"/api/v1/rounds/{world.r6}/units/BKK01/report/indicators/3",
        headers=admin,
        json={"value": "80"},
    )
    assert r.status_code == 200
    changed = client.get(url, headers=admin | {"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    tag = changed.headers["etag"]
    # a central value changes it too
    rows = [{"unit_code": "BKK01", "indicator_no": 1, "value": "81"}]
    assert client.put(
        f"/api/v1/rounds/{world.r6}/central-values", headers=admin, json=rows
    ).is_success
    assert client.get(url, headers=admin | {"If-None-Match": tag}).status_code == 200
    # another unit's score is another tag
    other = client.get(f"/api/v1/rounds/{world.r6}/units/CMI/score", headers=admin)
    assert other.headers["etag"] != tag


def test_the_same_inputs_give_the_same_tag_after_the_memo_is_forgotten(client, world, make_user):
    """The tag is made of the inputs, not of this process's memory: another instance (or this
    one after a restart) gives the same tag for the same inputs."""
    admin = client.headers_admin = make_user("admin")
    supply(client, world)
    url = f"/api/v1/rounds/{world.r6}/units/BKK01/score"
    tag = client.get(url, headers=admin).headers["etag"]
    client.app.state.runtime.caches.clear()
    assert client.get(url, headers=admin | {"If-None-Match": tag}).status_code == 304


def test_a_report_is_304_until_anything_it_shows_changes(client, world, make_user):
    admin = client.headers_admin = make_user("admin")
    officer = make_user("unit_officer", unit_code="BKK01")
    url = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    tag = _revalidates(client, url, officer)
    assert tag.startswith('"0.')
    # a not-applicable mark is shown in the report without moving its version: a new tag
    na = "/api/v1/fiscal-years/2558/units/BKK01/not-applicable/7"
    assert client.put(na, headers=admin, json={"reason": "ไม่มีบริการนี้"}).is_success
    after = client.get(url, headers=officer | {"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert after.headers["etag"].startswith('"0.') and after.json()["version"] == 0
    tag = after.headers["etag"]
    # so is the round's deadline
    r = client.put(
        f"/api/v1/rounds/{world.r6}/deadline", headers=admin, json={"deadline": "2015-04-20"}
    )
    assert r.status_code == 200, r.text
    moved = client.get(url, headers=officer | {"If-None-Match": tag})
    assert moved.status_code == 200
    # the ETag read is what If-Match takes (only its version counts), and so is the bare version
    put = client.put(
        f"{url}/indicators/3",
        headers=officer | {"If-Match": moved.headers["etag"]},
        json=UNIT_VALUES[3],
    )
    assert put.status_code == 200, put.text
    assert put.headers["etag"].startswith('"1.')
    put = client.put(
        f"{url}/indicators/4", headers=officer | {"If-Match": '"1"'}, json=UNIT_VALUES[4]
    )
    assert put.status_code == 200, put.text
    stale = client.put(
        f"{url}/indicators/4",
        headers=officer | {"If-Match": moved.headers["etag"]},
        json={"value": "1"},
    )
    assert stale.status_code == 412
    # the tag a write answers is the tag the next read has
    assert (
        client.get(url, headers=officer | {"If-None-Match": put.headers["etag"]}).status_code == 304
    )


def test_a_scoreboard_page_is_304_until_a_row_on_it_changes(client, world, make_user):
    admin = client.headers_admin = make_user("admin")
    supply(client, world)
    url = f"/api/v1/rounds/{world.r6}/scores?page_size=2"
    tag = _revalidates(client, url, admin)
    # the same page with another filter or sort is another representation
    for other in ("&sort=-overall", "&kind=regional", "&include_total=true"):
        assert client.get(url + other, headers=admin).headers["etag"] != tag
    # a value of a unit on the page changes the page
    supply(client, world, unit="CMI")
    assert client.get(url, headers=admin | {"If-None-Match": tag}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/frameworks",
        "/api/v1/frameworks/{framework_id}",
        "/api/v1/fiscal-years",
        "/api/v1/fiscal-years/2558",
        "/api/v1/units",
        "/api/v1/units/BKK01",
        "/api/v1/rounds/{r6}/units/BKK01/report/indicators/3/evidence",
        "/api/v1/fiscal-years/2558/units/BKK01/working-group-order",
    ],
)
def test_reference_reads_revalidate(client, world, make_user, path):
    admin = make_user("admin")
    _revalidates(client, path.format(framework_id=world.framework_id, r6=world.r6), admin)


def test_a_fiscal_year_tag_moves_with_its_rounds(client, world, make_user):
    admin = make_user("admin")
    url = "/api/v1/fiscal-years/2558"
    tag = _revalidates(client, url, admin)
    r = client.put(f"/api/v1/rounds/{world.r9}/status", headers=admin, json={"status": "closed"})
    assert r.status_code == 200, r.text
    assert client.get(url, headers=admin | {"If-None-Match": tag}).status_code == 200
    units = client.get("/api/v1/units", headers=admin).headers["etag"]
    r = client.post(
        "/api/v1/units",
        headers=admin,
        json={"code": "AAA", "name_th": "ก", "name_en": "A", "kind": "central"},
    )
    assert r.status_code == 201, r.text
    assert client.get("/api/v1/units", headers=admin | {"If-None-Match": units}).status_code == 200


def test_a_304_still_checks_who_asks(client, world, make_user):
    """A tag is no credential: without a token, or for a unit not theirs, the caller gets the
    refusal, never a 304."""
    admin = client.headers_admin = make_user("admin")
    supply(client, world, central=CENTRAL_VALUES)
    url = f"/api/v1/rounds/{world.r6}/units/BKK01/score"
    tag = client.get(url, headers=admin).headers["etag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 401
    stranger = make_user("unit_officer", unit_code="CMI")
    assert client.get(url, headers=stranger | {"If-None-Match": tag}).status_code in (403, 404)
