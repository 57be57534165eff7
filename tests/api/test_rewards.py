"""Rewards and budget of a fiscal year, with hand-computed totals.

Seeded year 2558 (world): BKK01 (central), CMI and KKN (regional), plus UDN (regional) that joins
through ``PUT .../participants/UDN``. Reward rates: best practice 10,000, standard 5,000 baht.
Budgets: BKK01 5,000 (default), CMI 7,500, KKN 5,000, UDN 6,000 → 23,500 baht.

12-month results (all four dimensions; weights 15/35/30/20):

- BKK01: every indicator 5 except indicator 10 (direct 4.5) →
  overall = (15·5 + 35·5 + 30·5 + 20·(5+5+5+4.5)/4) / 100 = 4.975 → **best practice**;
- CMI: the standard values of the 6-month golden test (3.8717) → **standard**;
- KKN: as CMI but indicator 3 = 82 % on 80/85/90/95/100 → 1 + 2/5 = 1.4 < 3 → **below standard**;
- UDN: never approved → **pending** (no level, no award).

Awards: BKK01 10,000 + CMI 5,000 + KKN 0 = 15,000 baht for 2 awarded units.
"""

from __future__ import annotations

from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES

NARRATIVE = "ผลการดำเนินงานครบถ้วนตามแผน พร้อมหลักฐาน"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%"
)

BEST_UNIT = {
    3: {"value": "100"},
    4: {"value": "10"},
    6: {"steps": 5},
    7: {"steps": 5},
    8: {"steps": 5},
    9: {"steps": 5},
}
BEST_CENTRAL = {1: {"value": "100"}, 2: {"value": "90"}, 5: {"value": "96"}, 10: {"score": "4.5"}}
BELOW_UNIT = UNIT_VALUES | {3: {"value": "82"}}


def subset(doc: dict, **want) -> bool:
    return {k: doc[k] for k in want} == want


def pdf(tag: str) -> bytes:
    """A tiny valid PDF; the tag makes each file's bytes (and so its SHA-256) distinct."""
    return PDF + tag.encode() + b"\n%%EOF\n"


def twelve_month_report(
    client, world, unit, officer, admin, unit_values, central_values, *, year=2558, round_id=None
):
    """Fill, evidence (2 files per indicator), working-group order, central values, submit."""
    rid = round_id or world.r12
    url = f"/api/v1/rounds/{rid}/units/{unit}/report"
    for no in range(1, 11):
        r = client.put(
            f"{url}/indicators/{no}",
            headers=officer,
            json=unit_values.get(no, {})
            | {"narrative": NARRATIVE, "problems": "ไม่มี", "suggestions": "—"},
        )
        assert r.status_code == 200, r.text
        for k in ("a", "b"):
            r = client.post(
                f"{url}/indicators/{no}/evidence",
                headers=officer,
                files={"file": (f"หลักฐาน-{no}{k}.pdf", pdf(f"{unit}-{no}-{k}"), "application/pdf")},
            )
            assert r.status_code == 201, r.text
    r = client.post(
        f"/api/v1/fiscal-years/{year}/units/{unit}/working-group-order",
        headers=officer,
        files={"file": ("คำสั่งแต่งตั้งคณะทำงาน.pdf", pdf(f"{unit}-order"), "application/pdf")},
    )
    assert r.status_code == 201, r.text
    rows = [{"unit_code": unit, "indicator_no": no} | v for no, v in central_values.items()]
    r = client.put(f"/api/v1/rounds/{rid}/central-values", headers=admin, json=rows)
    assert r.status_code == 200, r.text
    r = client.post(f"{url}/submit", headers=officer)
    assert r.status_code == 200, r.text
    return url


def seed_year(client, world, make_user):
    admin = make_user("admin")
    r = client.post(
        "/api/v1/units",
        headers=admin,
        json={
            "code": "UDN",
            "name_th": "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดอุดรธานี",
            "name_en": "Udon Thani",
            "kind": "regional",
            "province": "อุดรธานี",
        },
    )
    assert r.status_code == 201, r.text
    joined = client.put(
        "/api/v1/fiscal-years/2558/participants/UDN", headers=admin, json={"budget": "6000"}
    )
    assert joined.status_code == 201, joined.text
    assert joined.json() == {
        "unit_code": "UDN",
        "name_th": "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดอุดรธานี",
        "name_en": "Udon Thani",
        "kind": "regional",
        "budget": "6000.00",
    }
    changed = client.put(
        "/api/v1/fiscal-years/2558/participants/CMI", headers=admin, json={"budget": "7500.00"}
    )
    assert changed.status_code == 200 and changed.json()["budget"] == "7500.00"
    inspector = make_user("inspector", unit_codes=["BKK01", "CMI", "KKN", "UDN"])

    for unit, values, central in (
        ("BKK01", BEST_UNIT, BEST_CENTRAL),
        ("CMI", UNIT_VALUES, CENTRAL_VALUES),
        ("KKN", BELOW_UNIT, CENTRAL_VALUES),
    ):
        officer = make_user("unit_officer", unit_code=unit)
        url = twelve_month_report(client, world, unit, officer, admin, values, central)
        r = client.post(f"{url}/approve", headers=inspector)
        assert r.status_code == 200, r.text
    # UDN writes a draft but is never approved
    udn = make_user("unit_officer", unit_code="UDN")
    client.put(
        f"/api/v1/rounds/{world.r12}/units/UDN/report/indicators/3",
        headers=udn,
        json={"value": "99"},
    )
    return admin


def test_reward_list_with_hand_computed_totals(client, world, make_user):
    admin = seed_year(client, world, make_user)
    r = client.get("/api/v1/fiscal-years/2558/rewards", headers=admin)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["year_be"] == 2558 and doc["round_id"] == world.r12
    assert doc["default_budget"] == "5000.00"
    assert doc["reward_rates"] == [
        {
            "level": "best_practice",
            "name_th": "ระดับต้นแบบ",
            "name_en": "Best Practice",
            "amount": "10000.00",
        },
        {"level": "standard", "name_th": "ระดับมาตรฐาน", "name_en": "Standard", "amount": "5000.00"},
    ]
    units = {u["unit_code"]: u for u in doc["units"]}
    assert [u["unit_code"] for u in doc["units"]] == ["BKK01", "CMI", "KKN", "UDN"]
    assert subset(
        units["BKK01"],
        budget="5000.00",
        approved=True,
        report_state="approved",
        overall="4.9750",
        final_level="best_practice",
        award="10000.00",
    )
    assert (
        units["CMI"]["overall"],
        units["CMI"]["final_level"],
        units["CMI"]["award"],
        units["CMI"]["budget"],
    ) == ("3.8717", "standard", "5000.00", "7500.00")
    assert (units["KKN"]["final_level"], units["KKN"]["award"]) == ("below_standard", "0.00")
    assert subset(
        units["UDN"],
        approved=False,
        report_state="draft",
        final_level=None,
        award=None,
        overall=None,
        budget="6000.00",
    )
    per_level = {p["level"]: p for p in doc["per_level"]}
    assert [p["level"] for p in doc["per_level"]] == [
        "best_practice",
        "standard",
        "below_standard",
        "incomplete",
        "pending",
    ]
    assert per_level["best_practice"] == {
        "level": "best_practice",
        "units": 1,
        "award_total": "10000.00",
        "budget_total": "5000.00",
    }
    assert per_level["standard"] == {
        "level": "standard",
        "units": 1,
        "award_total": "5000.00",
        "budget_total": "7500.00",
    }
    assert per_level["below_standard"] == {
        "level": "below_standard",
        "units": 1,
        "award_total": "0.00",
        "budget_total": "5000.00",
    }
    assert per_level["incomplete"]["units"] == 0
    assert per_level["pending"] == {
        "level": "pending",
        "units": 1,
        "award_total": "0.00",
        "budget_total": "6000.00",
    }
    assert doc["totals"] == {
        "participating_units": 4,
        "approved_units": 3,
        "pending_units": 1,
        "awarded_units": 2,
        "award_total": "15000.00",
        "budget_total": "23500.00",
    }

    # new rates apply at once: 12,000.50 + 6,000 = 18,000.50
    r = client.put(
        "/api/v1/fiscal-years/2558/reward-rates",
        headers=admin,
        json={
            "rates": [
                {"level": "standard", "amount": "6000"},
                {"level": "best_practice", "amount": "12000.50"},
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert [(x["level"], x["amount"]) for x in r.json()] == [
        ("best_practice", "12000.50"),
        ("standard", "6000.00"),
    ]
    totals = client.get("/api/v1/fiscal-years/2558/rewards", headers=admin).json()["totals"]
    assert totals["award_total"] == "18000.50"

    # a level left out earns nothing any more
    client.put(
        "/api/v1/fiscal-years/2558/reward-rates",
        headers=admin,
        json={"rates": [{"level": "best_practice", "amount": "12000.50"}]},
    )
    doc = client.get("/api/v1/fiscal-years/2558/rewards", headers=admin).json()
    assert doc["totals"]["award_total"] == "12000.50" and doc["totals"]["awarded_units"] == 1
    assert next(u for u in doc["units"] if u["unit_code"] == "CMI")["award"] == "0.00"

    # reopening an approved report takes the unit back to pending
    client.post(f"/api/v1/rounds/{world.r12}/units/BKK01/report/reopen", headers=admin)
    doc = client.get("/api/v1/fiscal-years/2558/rewards", headers=admin).json()
    assert doc["totals"]["approved_units"] == 2 and doc["totals"]["award_total"] == "0.00"


def test_year_without_approvals_is_all_pending(client, world, make_user):
    doc = client.get("/api/v1/fiscal-years/2558/rewards", headers=make_user("viewer")).json()
    assert doc["totals"] == {
        "participating_units": 3,
        "approved_units": 0,
        "pending_units": 3,
        "awarded_units": 0,
        "award_total": "0.00",
        "budget_total": "15000.00",
    }
    assert all(u["final_level"] is None and u["award"] is None for u in doc["units"])


def test_reward_rates_are_validated_and_audited(client, world, make_user):
    admin = make_user("admin")
    url = "/api/v1/fiscal-years/2558/reward-rates"
    bad = client.put(
        url,
        headers=admin,
        json={
            "rates": [
                {"level": "standard", "amount": "1"},
                {"level": "standard", "amount": "2"},
            ]
        },
    )
    assert bad.status_code == 422
    rules = sorted(e["rule"] for e in bad.json()["errors"])
    assert rules == ["level_repeated"]
    # Levels that earn no reward are outside the schema's enum: refused before any rule runs.
    for level in ("below_standard", "gold"):
        refused = client.put(url, headers=admin, json={"rates": [{"level": level, "amount": "1"}]})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "body.rates.0.level"
    assert (
        client.put(
            url, headers=admin, json={"rates": [{"level": "standard", "amount": "-1"}]}
        ).status_code
        == 422
    )
    assert (
        client.put(
            url, headers=admin, json={"rates": [{"level": "standard", "amount": "NaN"}]}
        ).status_code
        == 422
    )
    unchanged = client.get("/api/v1/fiscal-years/2558/rewards", headers=admin).json()
    assert [r["amount"] for r in unchanged["reward_rates"]] == ["10000.00", "5000.00"]

    assert (
        client.put(
            url, headers=admin, json={"rates": [{"level": "standard", "amount": "5500"}]}
        ).status_code
        == 200
    )
    events = client.get(
        "/api/v1/audit-events", headers=admin, params={"action": "reward_rates.set"}
    ).json()["items"]
    assert len(events) == 1
    assert events[0]["before"] == {"best_practice": "10000.00", "standard": "5000.00"}
    assert events[0]["after"] == {"standard": "5500.00"}


def test_rewards_access_and_unknowns(client, world, make_user):
    assert (
        client.get("/api/v1/fiscal-years/2558/rewards", headers=make_user("viewer")).status_code
        == 200
    )
    for role, kw in (
        ("unit_officer", {"unit_code": "BKK01"}),
        ("inspector", {"unit_codes": ["BKK01"]}),
        ("central_provider", {"provider_code": "BLSD"}),
    ):
        assert (
            client.get(
                "/api/v1/fiscal-years/2558/rewards", headers=make_user(role, **kw)
            ).status_code
            == 403
        )
    admin = make_user("admin")
    assert client.get("/api/v1/fiscal-years/2699/rewards", headers=admin).status_code == 404
    assert (
        client.put(
            "/api/v1/fiscal-years/2558/participants/NOPE", headers=admin, json={"budget": "1"}
        ).status_code
        == 404
    )
    assert (
        client.put(
            "/api/v1/fiscal-years/2558/participants/CMI",
            headers=make_user("viewer"),
            json={"budget": "1"},
        ).status_code
        == 403
    )
