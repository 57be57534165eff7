"""Lists as a portal pages them: Link headers, the scoreboard's sort, filters and total, and
query parameters no route takes refused by name."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import update

from api.v1.router import FEATURES
from persistence.tables import ReportRow, UnitRow
from persistence.unit_of_work import UnitOfWork
from tests.api.conftest import UNIT_VALUES
from tests.api.test_scores import supply

LINK = re.compile(r'<(?P<url>[^>]+)>; rel="next"')


def _next(r) -> str | None:
    found = LINK.fullmatch(r.headers.get("link", ""))
    return found["url"] if found else None


def test_link_next_is_the_next_page(client, world, make_user):
    admin = make_user("admin")
    first = client.get("/api/v1/units?page_size=1&kind=regional", headers=admin)
    url = _next(first)
    assert first.json()["next_cursor"] and url is not None
    assert "kind=regional" in url and f"cursor={first.json()['next_cursor']}" in url
    second = client.get(url, headers=admin)
    assert [u["code"] for u in second.json()["items"]] == ["KKN"]  # two regional units
    assert second.json()["next_cursor"] is None and "link" not in second.headers
    everything = client.get("/api/v1/units?page_size=1", headers=admin)
    codes = []
    while True:
        codes += [u["code"] for u in everything.json()["items"]]
        url = _next(everything)
        if url is None:
            break
        everything = client.get(url, headers=admin)
    assert codes == ["BKK01", "CMI", "KKN"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/users", "/api/v1/audit-events", "/api/v1/rounds/{r6}/scores"],
)
def test_every_paged_list_links_its_next_page(client, world, make_user, path):
    admin = make_user("admin")
    make_user("viewer")
    r = client.get(path.format(r6=world.r6) + "?page_size=1", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is not None
    url = _next(r)
    assert url is not None and client.get(url, headers=admin).status_code == 200


def _sample(route: APIRoute, world) -> str:
    values = {
        "round_id": str(world.r6),
        "unit_code": "BKK01",
        "year_be": "2558",
        "indicator_no": "3",
        "framework_id": str(world.framework_id),
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], "1"), route.path)


def test_an_unknown_query_parameter_is_refused_by_name_on_every_route(
    client, app, world, make_user
):
    """One mechanism for every route: whatever the route and method, a parameter it does not
    declare is a 400 that names it, before the route does anything."""
    admin = make_user("admin")
    checked = 0
    for module in FEATURES:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                url = "/api/v1" + _sample(route, world) + "?page_size=1&colour=blue"
                r = client.request(method, url, headers=admin)
                assert r.status_code == 400, (method, route.path, r.status_code, r.text)
                assert r.headers["content-type"] == "application/problem+json"
                problem = r.json()
                assert problem["type"] == "urn:sqs:problem:query_unknown"
                assert "'colour'" in problem["detail"], problem
                wanted = {"field": "query.colour", "code": "query_unknown"}
                assert any(wanted.items() <= e.items() for e in problem["errors"]), problem
                checked += 1
    assert checked > 50


def test_a_known_parameter_is_still_taken_and_the_refusal_lists_what_is(client, world, make_user):
    admin = make_user("admin")
    url = f"/api/v1/rounds/{world.r6}/scores"
    assert client.get(url + "?page_size=1", headers=admin).status_code == 200
    r = client.get(url + "?pagesize=1", headers=admin)
    assert r.status_code == 400
    assert "'pagesize'" in r.json()["detail"] and "page_size" in r.json()["detail"]


@pytest.fixture
def board(client, world, make_user, engine):
    """BKK01 standard, CMI below standard (an indicator under 3), KKN with no values at all;
    CMI's report submitted on time."""
    client.headers_admin = make_user("admin")
    supply(client, world)
    supply(client, world, unit="CMI", unit_values=UNIT_VALUES | {3: {"value": "10"}})
    with UnitOfWork(engine, write=True) as uow:
        cmi = uow.session.exec(UnitRow.__table__.select().where(UnitRow.code == "CMI")).one()
        uow.session.execute(
            update(ReportRow)
            .where(ReportRow.unit_id == cmi.id, ReportRow.round_id == world.r6)
            .values(state="submitted", on_time=True)
        )
    return client.headers_admin


def _board(client, world, headers, query=""):
    r = client.get(f"/api/v1/rounds/{world.r6}/scores?{query}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _codes(page) -> list[str]:
    return [row["unit_code"] for row in page["items"]]


def test_sorts(client, world, board):
    rows = {r["unit_code"]: r for r in _board(client, world, board)["items"]}
    assert rows["KKN"]["overall"] is None
    assert Decimal(rows["BKK01"]["overall"]) > Decimal(rows["CMI"]["overall"])
    assert _codes(_board(client, world, board, "sort=unit_code")) == ["BKK01", "CMI", "KKN"]
    assert _codes(_board(client, world, board, "sort=-overall")) == ["BKK01", "CMI", "KKN"]
    assert _codes(_board(client, world, board, "sort=overall")) == ["CMI", "BKK01", "KKN"]
    levels = [r["level"] for r in _board(client, world, board, "sort=level")["items"]]
    assert levels == sorted(
        levels, key=["best_practice", "standard", "below_standard", "incomplete"].index
    )
    r = client.get(f"/api/v1/rounds/{world.r6}/scores?sort=name", headers=board)
    assert r.status_code == 422


@pytest.mark.parametrize("sort", ["unit_code", "overall", "-overall", "level"])
def test_sorted_pages_walk_every_row_once(client, world, board, sort):
    whole = _codes(_board(client, world, board, f"sort={sort}"))
    seen, query = [], f"sort={sort}&page_size=1"
    while True:
        page = _board(client, world, board, query)
        seen += _codes(page)
        if page["next_cursor"] is None:
            break
        query = f"sort={sort}&page_size=1&cursor={page['next_cursor']}"
    assert seen == whole and len(seen) == 3


@pytest.mark.parametrize("overall", ["NaN", "Infinity", "abc", 3])
def test_a_forged_sorted_cursor_is_a_400(client, world, board, overall):
    from api.v1.common.schemas import encode_cursor

    cursor = encode_cursor(["overall", overall, "standard", "BKK01"])
    r = client.get(f"/api/v1/rounds/{world.r6}/scores?sort=overall&cursor={cursor}", headers=board)
    assert r.status_code == 400 and r.json()["type"] == "urn:sqs:problem:cursor_invalid"


def test_a_cursor_of_another_sort_is_refused(client, world, board):
    page = _board(client, world, board, "sort=overall&page_size=1")
    r = client.get(
        f"/api/v1/rounds/{world.r6}/scores?sort=level&cursor={page['next_cursor']}", headers=board
    )
    assert r.status_code == 400 and r.json()["type"] == "urn:sqs:problem:cursor_invalid"
    r = client.get(f"/api/v1/rounds/{world.r6}/scores?cursor={page['next_cursor']}", headers=board)
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("province=เชียงใหม่", ["CMI"]),
        ("province=ไม่มี", []),
        ("kind=regional", ["CMI", "KKN"]),
        ("level=standard", ["BKK01"]),
        ("level=incomplete", ["KKN"]),
        ("state=submitted", ["CMI"]),
        ("state=draft", ["BKK01", "KKN"]),
        ("on_time=true", ["CMI"]),
        ("on_time=false", []),
        ("kind=regional&state=draft", ["KKN"]),
        ("kind=regional&sort=-overall&page_size=1", ["CMI"]),
    ],
)
def test_filters(client, world, board, query, codes):
    assert _codes(_board(client, world, board, query)) == codes


def test_include_total_counts_the_matching_rows(client, world, board):
    assert "total" not in _board(client, world, board)
    page = _board(client, world, board, "include_total=true&page_size=1")
    assert page["total"] == 3 and len(page["items"]) == 1 and page["next_cursor"]
    assert _board(client, world, board, "include_total=true&kind=regional")["total"] == 2
    assert _board(client, world, board, "include_total=true&level=best_practice")["total"] == 0


def test_the_csv_takes_the_same_filters_and_sort(client, world, board):
    r = client.get(
        f"/api/v1/rounds/{world.r6}/scores?format=csv&kind=regional&sort=-overall", headers=board
    )
    assert r.status_code == 200
    lines = r.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["CMI", "KKN"]
