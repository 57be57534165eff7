"""Idempotency-Key on creates: replay the first answer, refuse a reused key, scope per caller."""

from __future__ import annotations

from sqlmodel import Session, func, select

from persistence.tables import UnitRow

UNIT = {
    "code": "NAN",
    "name_th": "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดน่าน",
    "name_en": "Nan",
    "kind": "regional",
    "province": "น่าน",
}


def _count_units(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(UnitRow)).one()


def test_retry_with_same_key_and_body_replays_the_first_answer(client, make_user, engine):
    h = make_user("admin") | {"Idempotency-Key": "unit-nan-1"}
    first = client.post("/api/v1/units", headers=h, json=UNIT)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/units", headers=h, json=UNIT)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert _count_units(engine) == 1


def test_same_key_with_another_body_is_422(client, make_user, engine):
    h = make_user("admin") | {"Idempotency-Key": "unit-nan-2"}
    assert client.post("/api/v1/units", headers=h, json=UNIT).status_code == 201
    other = client.post("/api/v1/units", headers=h, json=UNIT | {"code": "PYO"})
    assert other.status_code == 422
    assert other.json()["type"] == "urn:sqs:problem:idempotency_key_reused"
    assert _count_units(engine) == 1


def test_keys_are_scoped_to_the_caller(client, make_user, engine):
    a = make_user("admin") | {"Idempotency-Key": "shared-key"}
    b = make_user("admin") | {"Idempotency-Key": "shared-key"}
    assert client.post("/api/v1/units", headers=a, json=UNIT).status_code == 201
    # another caller's identical key is a different key: it creates (and here conflicts on the code)
    r = client.post("/api/v1/units", headers=b, json=UNIT)
    assert r.status_code == 409
    assert "idempotent-replayed" not in r.headers


def test_without_a_key_a_retry_is_a_new_request(client, make_user):
    h = make_user("admin")
    assert client.post("/api/v1/units", headers=h, json=UNIT).status_code == 201
    assert client.post("/api/v1/units", headers=h, json=UNIT).status_code == 409


def test_failed_first_attempt_is_not_recorded(client, make_user, engine):
    """An error rolls the whole request back, the key included, so a corrected retry can succeed."""
    h = make_user("admin") | {"Idempotency-Key": "unit-bad"}
    bad = client.post("/api/v1/units", headers=h, json=UNIT | {"kind": "elsewhere"})
    assert bad.status_code == 422
    good = client.post("/api/v1/units", headers=h, json=UNIT)
    assert good.status_code == 201


def test_a_province_longer_than_its_column_is_refused(client, make_user, engine):
    h = make_user("admin")
    r = client.post("/api/v1/units", headers=h, json=UNIT | {"province": "ก" * 101})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _count_units(engine) == 0
    ok = client.post("/api/v1/units", headers=h, json=UNIT | {"province": "ก" * 100})
    assert ok.status_code == 201, ok.text
