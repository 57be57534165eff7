"""A framework's cross-indicator rule ("indicator A ≤ indicator B", issue 19) through the HTTP
API: saved with the framework, checked when a report is submitted, listed in the 422 with the
other unmet requirements, and met once the values are corrected."""

from __future__ import annotations

import copy

from domain.framework import default_framework
from domain.messages import render
from tests.api.conftest import UNIT_VALUES

NARRATIVE = "ดำเนินการตามแผนแล้ว"
RULE = {"left": 3, "comparison": "<=", "right": 4}  # 92.5 % is not at most 18 minutes


def _framework_with_rule() -> dict:
    doc = copy.deepcopy(default_framework().to_dict())
    doc.pop("version")
    doc["code"] = "sqs-with-a-rule"
    doc["value_rules"] = [RULE]
    return doc


def test_a_value_rule_is_checked_on_submit_with_the_other_requirements(client, world, make_user):
    admin = make_user("admin")
    saved = client.post("/api/v1/frameworks", headers=admin, json=_framework_with_rule())
    assert saved.status_code == 201, saved.text
    assert saved.json()["value_rules"] == [RULE]
    year = {"year_be": 2559, "framework_id": saved.json()["id"]}
    made = client.post("/api/v1/fiscal-years", headers=admin, json=year)
    assert made.status_code == 201, made.text
    six = next(r["round_id"] for r in made.json()["rounds"] if r["months"] == 6)
    url = f"/api/v1/rounds/{six}/units/BKK01/report"

    officer = make_user("unit_officer", unit_code="BKK01")
    for no, value in UNIT_VALUES.items():
        entry = value if no == 6 else value | {"narrative": NARRATIVE}  # 6 lacks its narrative
        r = client.put(f"{url}/indicators/{no}", headers=officer, json=entry)
        assert r.status_code == 200, r.text

    refused = client.post(f"{url}/submit", headers=officer | {"Accept-Language": "th"})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["type"] == "urn:sqs:problem:requirements_unmet"
    assert sorted((e["code"], e.get("indicator_no", e.get("left"))) for e in body["errors"]) == [
        ("narrative_missing", 6),
        ("value_rule_unmet", 3),
    ]
    (rule,) = [e for e in body["errors"] if e["code"] == "value_rule_unmet"]
    assert (rule["left"], rule["right"], rule["indicator_no"]) == (3, 4, 3)
    assert rule["message"] == "ตัวชี้วัดที่ 3 (92.5) ต้องไม่มากกว่าตัวชี้วัดที่ 4 (18)"
    assert body["detail"] == render("requirements_unmet", "th", {})
    assert client.get(url, headers=officer).json()["state"] == "draft"

    fixed = {"value": "15", "narrative": NARRATIVE}
    assert client.put(f"{url}/indicators/3", headers=officer, json=fixed).status_code == 200
    still = client.post(f"{url}/submit", headers=officer)
    assert [e["code"] for e in still.json()["errors"]] == ["narrative_missing"]

    six_done = UNIT_VALUES[6] | {"narrative": NARRATIVE}
    assert client.put(f"{url}/indicators/6", headers=officer, json=six_done).status_code == 200
    submitted = client.post(f"{url}/submit", headers=officer)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "submitted"
