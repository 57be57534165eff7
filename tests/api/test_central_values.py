"""Central values: JSON or CSV, all-or-nothing with per-row errors, dry run, ownership."""

from __future__ import annotations

from sqlmodel import Session, func, select

from persistence.tables import CentralValueRow


def _count(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(CentralValueRow)).one()


def url(world) -> str:
    return f"/api/v1/rounds/{world.r6}/central-values"


ROWS = [
    {"unit_code": "BKK01", "indicator_no": 1, "value": "95"},
    {"unit_code": "CMI", "indicator_no": 1, "value": 92.5},
    {"unit_code": "BKK01", "indicator_no": 2, "value": "85"},
]


def test_provider_supplies_its_values_for_many_units(client, world, make_user, engine):
    h = make_user("central_provider", provider_code="BLSD")
    r = client.put(url(world), headers=h, json=ROWS)
    assert r.status_code == 200, r.text
    assert r.json() == {"dry_run": False, "rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    again = client.put(url(world), headers=h, json=[*ROWS[:1], ROWS[1] | {"value": "93"}])
    assert again.json() == {
        "dry_run": False,
        "rows": 2,
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    assert _count(engine) == 3


def test_dry_run_validates_and_writes_nothing(client, world, make_user, engine):
    h = make_user("central_provider", provider_code="BLSD")
    r = client.put(url(world) + "?dry_run=true", headers=h, json=ROWS)
    assert r.status_code == 200 and r.json()["dry_run"] is True and r.json()["created"] == 3
    assert _count(engine) == 0


def test_one_bad_row_rejects_the_batch_with_per_row_errors(client, world, make_user, engine):
    h = make_user("central_provider", provider_code="BLSD")
    rows = [
        *ROWS,
        {"unit_code": "NOPE", "indicator_no": 1, "value": "90"},
        {"unit_code": "KKN", "indicator_no": 5, "value": "90"},  # FIN's indicator
        {"unit_code": "KKN", "indicator_no": 3, "value": "90"},  # reported by units
        {"unit_code": "KKN", "indicator_no": 2, "value": "NaN"},
        {"unit_code": "BKK01", "indicator_no": 1, "value": "96"},  # duplicate in the batch
    ]
    r = client.put(url(world), headers=h, json=rows)
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "urn:sqs:problem:central_values_invalid"
    assert [e["row"] for e in body["errors"]] == [4, 5, 6, 7, 8]
    assert _count(engine) == 0


def test_csv_upload_with_bom_and_thai_header_order(client, world, make_user, engine):
    h = make_user("central_provider", provider_code="FIN") | {"content-type": "text/csv"}
    body = "\ufeffunit_code,indicator_no,value,score\r\nBKK01,5,94,\r\nCMI,10,,4.25\r\n"
    r = client.put(url(world), headers=h, content=body.encode("utf-8"))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    bad = client.put(url(world), headers=h, content=b"unit_code,indicator_no,colour\nBKK01,5,red\n")
    assert bad.status_code == 422


def test_wrong_media_type_and_bad_json(client, world, make_user):
    h = make_user("admin")
    assert (
        client.put(url(world), headers=h | {"content-type": "text/plain"}, content=b"x").status_code
        == 415
    )
    r = client.put(url(world), headers=h | {"content-type": "application/json"}, content=b"[{")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert client.put(url(world), headers=h, json={"unit_code": "BKK01"}).status_code == 422
    assert client.put(url(world), headers=h, json=[]).status_code == 422


def test_only_providers_and_admins_supply_values(client, world, make_user):
    for role in ("unit_officer", "inspector", "viewer"):
        extra = {"unit_code": "BKK01"} if role == "unit_officer" else {}
        h = make_user(role, **extra)
        assert client.put(url(world), headers=h, json=ROWS).status_code == 403, role


def test_closed_round_refuses_providers(client, world, make_user):
    admin = make_user("admin")
    assert (
        client.put(
            f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"}
        ).status_code
        == 200
    )
    h = make_user("central_provider", provider_code="BLSD")
    r = client.put(url(world), headers=h, json=ROWS)
    assert r.status_code == 409 and r.json()["type"] == "urn:sqs:problem:round_closed"
