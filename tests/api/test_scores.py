"""Scores through the API: the unit score, the scoreboard (JSON pages, CSV), history, simulation."""

from __future__ import annotations

import csv
import io

from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES


def supply(
    client, world, unit="BKK01", *, unit_values=UNIT_VALUES, central=CENTRAL_VALUES, round_months=6
):
    rid = getattr(world, f"r{round_months}")
    admin = client.headers_admin
    for no, value in unit_values.items():
        r = client.put(
            f"/api/v1/rounds/{rid}/units/{unit}/report/indicators/{no}", headers=admin, json=value
        )
        assert r.status_code == 200, r.text
    rows = [{"unit_code": unit, "indicator_no": no} | v for no, v in central.items()]
    r = client.put(f"/api/v1/rounds/{rid}/central-values", headers=admin, json=rows)
    assert r.status_code == 200, r.text


def _admin(client, make_user):
    client.headers_admin = make_user("admin")
    return client.headers_admin


def test_unit_score_golden(client, world, make_user):
    """Hand-worked: 1: 95 on 80..100 → 4.0000; 2: 85 on 70..90 → 4.0000; 3: 92.5 → 3.5000;
    4: 18 min on 30..10 → 3.4000; 5: 94 on 88..96 → 4.0000; 6..9 steps 4,3,4,5; 10: 4.0000.
    Dimensions: d1 = 4; d2 = (4 + 3.5 + 3.4)/3 = 3.6333…; d3 = (4 + 4)/2 = 4; d4 = (3+4+5+4)/4 = 4.
    Overall = (15·4 + 35·10.9/3 + 30·4 + 20·4)/100
            = 0.6 + 1.271666… + 1.2 + 0.8 = 3.871666… → 3.8717.
    Every indicator ≥ 3 but some < 4 → standard."""
    h = _admin(client, make_user)
    supply(client, world)
    r = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=h)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["overall"] == "3.8717"
    assert doc["level"] == "standard"
    scores = {i["indicator_no"]: i["score"] for i in doc["indicators"]}
    assert scores == {
        1: "4.0000",
        2: "4.0000",
        3: "3.5000",
        4: "3.4000",
        5: "4.0000",
        6: "4.0000",
        7: "3.0000",
        8: "4.0000",
        9: "5.0000",
        10: "4.0000",
    }
    gap = doc["next_level_gap"]
    assert gap["target_level"] == "best_practice"
    blocking = {b["indicator_no"]: b for b in gap["blocking"]}
    assert set(blocking) == {3, 4, 7}
    assert blocking[3]["required_value"] == "95.00"
    assert blocking[4]["required_value"] == "15.00"
    assert blocking[7]["required_steps"] == 4
    explanation = next(i for i in doc["indicators"] if i["indicator_no"] == 3)["explanation"]
    assert explanation["criteria"] == ["80", "85", "90", "95", "100"]
    assert explanation["interval"]["lower"] == "90"


def test_missing_values_make_the_unit_incomplete(client, world, make_user):
    h = _admin(client, make_user)
    supply(client, world, unit_values={k: v for k, v in UNIT_VALUES.items() if k != 4})
    doc = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=h).json()
    assert doc["level"] == "incomplete" and doc["overall"] is None and 4 in doc["missing"]


def test_not_applicable_is_left_out_and_explained(client, world, make_user):
    h = _admin(client, make_user)
    supply(client, world, unit_values={k: v for k, v in UNIT_VALUES.items() if k != 4})
    r = client.put(
        "/api/v1/fiscal-years/2558/units/BKK01/not-applicable/4",
        headers=h,
        json={"reason": "หน่วยงานไม่มีงานบริการหน้าเคาน์เตอร์"},
    )
    assert r.status_code == 204
    doc = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=h).json()
    assert doc["level"] != "incomplete" and doc["not_applicable"] == [4]
    ind4 = next(i for i in doc["indicators"] if i["indicator_no"] == 4)
    assert ind4["status"] == "not_applicable"


def test_scoreboard_json_pages_and_filters(client, world, make_user):
    h = _admin(client, make_user)
    for unit in ("BKK01", "CMI", "KKN"):
        supply(client, world, unit=unit)
    page1 = client.get(f"/api/v1/rounds/{world.r6}/scores?page_size=2", headers=h).json()
    assert [i["unit_code"] for i in page1["items"]] == ["BKK01", "CMI"]
    assert page1["next_cursor"]
    page2 = client.get(
        f"/api/v1/rounds/{world.r6}/scores?page_size=2&cursor={page1['next_cursor']}", headers=h
    ).json()
    assert [i["unit_code"] for i in page2["items"]] == ["KKN"] and page2["next_cursor"] is None
    regional = client.get(f"/api/v1/rounds/{world.r6}/scores?kind=regional", headers=h).json()
    assert [i["unit_code"] for i in regional["items"]] == ["CMI", "KKN"]
    standard = client.get(f"/api/v1/rounds/{world.r6}/scores?level=standard", headers=h).json()
    assert len(standard["items"]) == 3
    none = client.get(f"/api/v1/rounds/{world.r6}/scores?level=best_practice", headers=h).json()
    assert none["items"] == []


def test_scoreboard_page_size_is_capped_and_validated(client, world, make_user):
    h = _admin(client, make_user)
    assert client.get(f"/api/v1/rounds/{world.r6}/scores?page_size=0", headers=h).status_code == 422
    assert client.get(f"/api/v1/rounds/{world.r6}/scores?cursor=%%%", headers=h).status_code == 400


def test_scoreboard_csv_has_bom_and_thai(client, world, make_user):
    h = _admin(client, make_user)
    supply(client, world)
    r = client.get(f"/api/v1/rounds/{world.r6}/scores?format=csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0]["unit_code"] == "BKK01" and rows[0]["overall"] == "3.8717"
    assert rows[1]["name_th"] == "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดเชียงใหม่"


def test_score_history_lists_every_round(client, world, make_user):
    h = _admin(client, make_user)
    supply(client, world)
    hist = client.get("/api/v1/units/BKK01/score-history", headers=h).json()
    assert [(x["year_be"], x["months"]) for x in hist] == [(2558, 6), (2558, 9), (2558, 12)]
    assert hist[0]["overall"] == "3.8717" and hist[1]["level"] == "incomplete"


def test_simulation_is_stateless_and_uses_the_same_document(client, world, make_user):
    h = make_user("viewer")
    values = [{"indicator_no": n} | v for n, v in (UNIT_VALUES | CENTRAL_VALUES).items()]
    r = client.post(
        "/api/v1/score-simulations",
        headers=h,
        json={"framework_id": world.framework_id, "values": values},
    )
    assert r.status_code == 200, r.text
    assert r.json()["overall"] == "3.8717" and r.json()["level"] == "standard"
    r = client.post(
        "/api/v1/score-simulations",
        headers=h,
        json={"framework_id": world.framework_id, "values": values, "not_applicable": [4]},
    )
    assert r.json()["not_applicable"] == [4]
    bad = client.post("/api/v1/score-simulations", headers=h, json={"values": values})
    assert bad.status_code == 422


def test_simulation_with_an_inline_invalid_framework_names_every_problem(client, world, make_user):
    h = make_user("viewer")
    fw = client.get(f"/api/v1/frameworks/{world.framework_id}", headers=h).json()
    doc = {
        k: fw[k]
        for k in (
            "code",
            "name_th",
            "name_en",
            "note",
            "providers",
            "dimensions",
            "indicators",
            "rounds",
            "levels",
            "below_level1_score",
            "missing_value_policy",
            "missing_score_as",
            "overall_basis",
        )
    }
    doc["dimensions"][0]["weight"] = "10"
    doc["indicators"][2]["criteria"] = ["80", "85", "85", "95", "100"]
    r = client.post("/api/v1/score-simulations", headers=h, json={"framework": doc, "values": []})
    assert r.status_code == 422
    assert r.json()["type"] == "urn:sqs:problem:framework_invalid"
    assert len(r.json()["errors"]) >= 2


def test_viewer_reads_scores_but_not_reports(client, world, make_user):
    _admin(client, make_user)
    supply(client, world)
    viewer = make_user("viewer")
    assert (
        client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=viewer).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/report", headers=viewer).status_code
        == 403
    )


def test_officer_sees_only_own_score(client, world, make_user):
    _admin(client, make_user)
    supply(client, world)
    h = make_user("unit_officer", unit_code="CMI")
    assert client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=h).status_code == 404
    board = client.get(f"/api/v1/rounds/{world.r6}/scores", headers=h).json()
    assert [i["unit_code"] for i in board["items"]] == ["CMI"]


def test_scoreboard_follows_every_change_of_its_inputs(client, world, make_user):
    """The scoreboard remembers rows by their inputs; a changed value, a not-applicable mark or
    a closed round must each give the row that the unit's own score gives."""
    h = _admin(client, make_user)
    for unit in ("BKK01", "CMI"):
        supply(client, world, unit=unit)
    board_url = f"/api/v1/rounds/{world.r6}/scores"

    def agree() -> dict:
        rows = {i["unit_code"]: i for i in client.get(board_url, headers=h).json()["items"]}
        for unit in ("BKK01", "CMI"):
            own = client.get(f"/api/v1/rounds/{world.r6}/units/{unit}/score", headers=h).json()
            assert rows[unit]["overall"] == own["overall"], unit
            assert rows[unit]["level"] == own["level"], unit
        return rows

    before = agree()
    r = client.put(
        f"/api/v1/rounds/{world.r6}/units/BKK01/report/indicators/3",
        headers=h,
        json={"value": "10"},
    )
    assert r.status_code == 200, r.text
    after = agree()
    assert after["BKK01"]["overall"] != before["BKK01"]["overall"]
    assert after["CMI"] == before["CMI"]
    r = client.put(
        "/api/v1/fiscal-years/2558/units/BKK01/not-applicable/4",
        headers=h,
        json={"reason": "no counter service at this unit"},
    )
    assert r.status_code == 204
    marked = agree()
    assert marked["BKK01"]["indicator_scores"]["4"] is None
    assert marked["BKK01"]["overall"] != after["BKK01"]["overall"]


def test_scores_name_levels_indicators_and_dimensions_in_thai_and_english(client, world, make_user):
    from domain.framework import default_framework

    framework = default_framework()
    h = _admin(client, make_user)
    supply(client, world)
    doc = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=h).json()
    standard = next(lv for lv in framework.levels if lv.code == "standard")
    assert (doc["level_name_th"], doc["level_name_en"]) == (standard.name_th, standard.name_en)
    by_no = {i.indicator_no: i for i in framework.indicators}
    for item in doc["indicators"]:
        indicator = by_no[item["indicator_no"]]
        assert (item["name_th"], item["name_en"]) == (indicator.name_th, indicator.name_en)
    dims = {d.code: d for d in framework.dimensions}
    assert all(d["name_th"] == dims[d["code"]].name_th for d in doc["dimensions"])

    page = client.get(f"/api/v1/rounds/{world.r6}/scores", headers=h).json()
    rows = {r["unit_code"]: r for r in page["items"]}
    assert rows["BKK01"]["level_name_en"] == standard.name_en
    assert (rows["KKN"]["level_name_th"], rows["KKN"]["level_name_en"]) == (
        "ข้อมูลไม่ครบถ้วน",
        "Incomplete",
    )
    legend = {i["indicator_no"]: i for i in page["indicators"]}
    assert sorted(str(n) for n in legend) == sorted(rows["BKK01"]["indicator_scores"])
    assert legend[3]["name_th"] == by_no[3].name_th and legend[3]["name_en"] == by_no[3].name_en

    simulated = client.post(
        "/api/v1/score-simulations",
        headers=h,
        json={"framework_id": world.framework_id, "values": []},
    ).json()
    assert simulated["level"] == "incomplete" and simulated["level_name_en"] == "Incomplete"


def test_a_missing_round_or_unit_is_named_in_the_404(client, world, make_user):
    """The score reader says which of the two it did not find (one statement more, no unit
    of work behind it)."""
    admin = _admin(client, make_user)
    url = "/api/v1/rounds/{}/units/{}/score"
    missing_round = client.get(url.format(10**6, "BKK01"), headers=admin)
    missing_unit = client.get(url.format(world.r6, "NOPE"), headers=admin)
    both = client.get(url.format(10**6, "NOPE"), headers=admin)
    assert [r.status_code for r in (missing_round, missing_unit, both)] == [404, 404, 404]
    assert str(10**6) in missing_round.json()["detail"]
    assert "NOPE" in missing_unit.json()["detail"]
    assert both.json()["detail"] == missing_round.json()["detail"]


def test_what_a_score_read_remembers_belongs_to_its_app(client, world, make_user, settings, engine):
    """The app's read caches are its own (persistence.caches): its score reader and its units
    of work share them, and another app on the same database starts with nothing."""
    from api.main import create_app

    admin = _admin(client, make_user)
    supply(client, world)
    caches = client.app.state.runtime.caches
    assert client.app.state.runtime.score_reader.caches is caches
    assert client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=admin).is_success
    assert len(caches.documents.data) == 1 and caches.frameworks.data
    assert client.get(f"/api/v1/rounds/{world.r6}/scores", headers=admin).is_success
    assert caches.row_scores.data and caches.values.data
    other = create_app(settings, engine=engine, migrate=False).state.runtime.caches
    assert other is not caches
    assert not (other.documents.data or other.frameworks.data or other.row_scores.data)
