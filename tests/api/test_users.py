"""User administration, portal clients and personal API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from persistence.tables import UnitRow
from persistence.unit_of_work import UnitOfWork

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long enough passphrase"


@pytest.fixture
def units(engine: Any) -> list[str]:
    codes = ["U01", "U02", "U03"]
    with UnitOfWork(engine, write=True) as uow:
        for code in codes:
            uow.repos.reference.add(
                UnitRow(code=code, name_th=f"หน่วย {code}", name_en=f"Unit {code}", kind="regional")
            )
    return codes


@pytest.fixture
def admin(make_user: Any) -> dict[str, str]:
    headers: dict[str, str] = make_user("admin", username="root")
    return headers


def create(client: TestClient, admin: dict[str, str], **body: Any) -> Any:
    return client.post("/api/v1/users", headers=admin, json={"password": NEW_PASSWORD} | body)


def sign_in(client: TestClient, username: str, password: str = NEW_PASSWORD) -> dict[str, str]:
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


# --- create ----------------------------------------------------------------------------------


def test_create_each_role_with_what_it_needs(
    client: TestClient, admin: dict[str, str], units: list[str]
) -> None:
    cases = [
        ({"username": "off1", "role": "unit_officer", "unit_code": "U01"}, {"unit_code": "U01"}),
        (
            {"username": "prov1", "role": "central_provider", "provider_code": "BLSD"},
            {"provider_code": "BLSD"},
        ),
        (
            {"username": "insp1", "role": "inspector", "unit_codes": ["U02", "U01"]},
            {"unit_codes": ["U01", "U02"]},
        ),
        ({"username": "view1", "role": "viewer"}, {"unit_code": None}),
        ({"username": "adm2", "role": "admin"}, {}),
    ]
    for body, expected in cases:
        r = create(client, admin, **body)
        assert r.status_code == 201, r.text
        out = r.json()
        assert "password" not in out and "password_hash" not in out
        assert out["username"] == body["username"] and out["is_active"] is True
        for key, value in expected.items():
            assert out[key] == value
        me = client.get("/api/v1/me", headers=sign_in(client, body["username"])).json()
        assert me["role"] == body["role"]
        for key, value in expected.items():
            assert me[key] == value


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "unit_officer"}, "unit_code"),
        ({"role": "unit_officer", "unit_code": "NOPE"}, "unit_code"),
        ({"role": "inspector", "unit_codes": ["U01", "NOPE"]}, "unit_codes"),
        ({"role": "central_provider"}, "provider_code"),
        ({"role": "central_provider", "provider_code": "NOPE"}, "provider_code"),
        ({"role": "admin", "unit_code": "U01"}, "unit_code"),
        ({"role": "unit_officer", "unit_code": "U01", "provider_code": "BLSD"}, "provider_code"),
        ({"role": "viewer", "unit_codes": ["U01"]}, "unit_codes"),
    ],
)
def test_create_rejects_bindings_that_do_not_fit_the_role(
    client: TestClient, admin: dict[str, str], units: list[str], body: dict[str, Any], field: str
) -> None:
    r = create(client, admin, username="someone", **body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in [p["field"] for p in r.json()["errors"]]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "x", "role": "viewer"},  # too short
        {"username": "has space", "role": "viewer"},
        {"username": "ok-name", "role": "superuser"},
        {"username": "ok-name", "role": "viewer", "password": "short"},
        {"username": "ok-name", "role": "viewer", "is_active": False},  # unknown field
    ],
)
def test_create_validates_the_body(
    client: TestClient, admin: dict[str, str], body: dict[str, Any]
) -> None:
    assert create(client, admin, **body).status_code == 422


def test_password_equal_to_username_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "longusername1", "password": "LongUsername1", "role": "viewer"},
    )
    assert r.status_code == 422


def test_duplicate_username_is_409_ignoring_case(client: TestClient, admin: dict[str, str]) -> None:
    assert create(client, admin, username="dup", role="viewer").status_code == 201
    assert create(client, admin, username="dup", role="viewer").status_code == 409
    assert create(client, admin, username="DUP", role="viewer").status_code == 409


def test_create_is_idempotent_with_a_key(client: TestClient, admin: dict[str, str]) -> None:
    headers = admin | {"Idempotency-Key": "k-1"}
    first = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "idem", "password": NEW_PASSWORD, "role": "viewer"},
    )
    again = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "idem", "password": NEW_PASSWORD, "role": "viewer"},
    )
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert first.json() == again.json()
    other = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "idem2", "password": NEW_PASSWORD, "role": "viewer"},
    )
    assert other.status_code == 422


# --- list, read, change --------------------------------------------------------------------------


def test_list_pages_with_a_cursor(client: TestClient, admin: dict[str, str]) -> None:
    for i in range(5):
        assert create(client, admin, username=f"user{i}", role="viewer").status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"page_size": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/users", headers=admin, params=params).json()
        seen += [u["username"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["root"] + [f"user{i}" for i in range(5)]
    viewers = client.get("/api/v1/users", headers=admin, params={"role": "viewer"}).json()["items"]
    assert len(viewers) == 5
    assert client.get("/api/v1/users", headers=admin, params={"cursor": "%%%"}).status_code == 400


def test_get_one_and_404(client: TestClient, admin: dict[str, str]) -> None:
    uid = create(client, admin, username="gina", role="viewer").json()["id"]
    assert client.get(f"/api/v1/users/{uid}", headers=admin).json()["username"] == "gina"
    assert client.get("/api/v1/users/99999", headers=admin).status_code == 404


def test_change_role_and_assignments(
    client: TestClient, admin: dict[str, str], units: list[str]
) -> None:
    uid = create(client, admin, username="hank", role="unit_officer", unit_code="U01").json()["id"]
    headers = sign_in(client, "hank")
    r = client.patch(f"/api/v1/users/{uid}", headers=admin, json={"unit_code": "U02"})
    assert r.status_code == 200 and r.json()["unit_code"] == "U02"
    assert (
        client.get("/api/v1/me", headers=headers).json()["unit_code"] == "U02"
    )  # at once, same token
    r = client.patch(
        f"/api/v1/users/{uid}",
        headers=admin,
        json={"role": "inspector", "unit_codes": ["U01", "U03"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["unit_code"] is None and r.json()["unit_codes"] == ["U01", "U03"]
    # a new role ends the tokens made under the old one (issue 18); a new sign-in has it
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    me = client.get("/api/v1/me", headers=sign_in(client, "hank")).json()
    assert me["role"] == "inspector" and me["unit_codes"] == ["U01", "U03"]
    r = client.patch(f"/api/v1/users/{uid}", headers=admin, json={"role": "unit_officer"})
    assert r.status_code == 422  # a unit officer needs a unit
    r = client.patch(f"/api/v1/users/{uid}", headers=admin, json={"unit_codes": ["NOPE"]})
    assert r.status_code == 422
    r = client.patch(f"/api/v1/users/{uid}", headers=admin, json={"role": "viewer"})
    assert r.status_code == 200 and r.json()["unit_codes"] == []
    assert (
        client.patch("/api/v1/users/99999", headers=admin, json={"role": "viewer"}).status_code
        == 404
    )


def test_last_admin_is_protected(client: TestClient, admin: dict[str, str]) -> None:
    root_id = int(client.get("/api/v1/me", headers=admin).json()["subject"].split(":")[1])
    assert (
        client.patch(f"/api/v1/users/{root_id}", headers=admin, json={"role": "viewer"}).status_code
        == 409
    )
    assert client.post(f"/api/v1/users/{root_id}/disable", headers=admin).status_code == 409
    other = create(client, admin, username="admin2", role="admin").json()["id"]
    assert (
        client.post(f"/api/v1/users/{root_id}/disable", headers=admin).status_code == 409
    )  # not yourself
    assert client.post(f"/api/v1/users/{other}/disable", headers=admin).status_code == 200
    assert client.post(f"/api/v1/users/{other}/enable", headers=admin).status_code == 200
    assert (
        client.patch(f"/api/v1/users/{other}", headers=admin, json={"role": "viewer"}).status_code
        == 200
    )


def test_disable_ends_every_token_and_enable_needs_a_fresh_sign_in(
    client: TestClient, admin: dict[str, str]
) -> None:
    uid = create(client, admin, username="ivy", role="viewer").json()["id"]
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "ivy", "password": NEW_PASSWORD},
    )
    access, refresh = r.json()["access_token"], r.json()["refresh_token"]
    headers = {"Authorization": f"Bearer {access}"}
    pat = client.post(
        "/api/v1/me/api-tokens", headers=headers, json={"name": "script", "password": NEW_PASSWORD}
    ).json()["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {pat}"}).status_code == 200

    out = client.post(f"/api/v1/users/{uid}/disable", headers=admin)
    assert out.status_code == 200 and out.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {pat}"}).status_code == 401
    assert (
        client.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh}
        ).status_code
        == 400
    )

    assert client.post(f"/api/v1/users/{uid}/enable", headers=admin).json()["is_active"] is True
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {pat}"}).status_code == 401
    )  # stays revoked
    assert (
        client.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh}
        ).status_code
        == 400
    )
    # the access token is still in date, but was made before the disable: it stays dead
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers=sign_in(client, "ivy")).status_code == 200


def test_non_admins_cannot_manage_users(client: TestClient, make_user: Any) -> None:
    for role in ("viewer", "central_provider", "inspector"):
        headers = make_user(role)
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        r = client.post(
            "/api/v1/users",
            headers=headers,
            json={"username": "zed", "password": NEW_PASSWORD, "role": "admin"},
        )
        assert r.status_code == 403


# --- portal clients ------------------------------------------------------------------------------


def test_portal_clients(client: TestClient, admin: dict[str, str], units: list[str]) -> None:
    r = client.post(
        "/api/v1/clients",
        headers=admin,
        json={
            "name": "Unit portal",
            "role": "unit_officer",
            "unit_code": "U01",
            "client_id": "portal-u01",
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["client_id"] == "portal-u01" and created["client_secret"].startswith("sqs_cs_")
    assert r.headers["cache-control"] == "no-store"
    listed = client.get("/api/v1/clients", headers=admin).json()["items"]
    assert [c["client_id"] for c in listed] == ["portal-u01"]
    assert "client_secret" not in listed[0] and "secret_hash" not in listed[0]
    assert client.get("/api/v1/clients/portal-u01", headers=admin).json()["unit_code"] == "U01"
    assert (
        client.post(
            "/api/v1/clients",
            headers=admin,
            json={"name": "again", "role": "viewer", "client_id": "portal-u01"},
        ).status_code
        == 409
    )
    assert (
        client.post(
            "/api/v1/clients", headers=admin, json={"name": "x", "role": "admin"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/clients", headers=admin, json={"name": "x", "role": "unit_officer"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/clients",
            headers=admin,
            json={"name": "x", "role": "central_provider", "provider_code": "FIN"},
        ).status_code
        == 201
    )
    r = client.post(
        "/api/v1/clients",
        headers=admin,
        json={"name": "insp", "role": "inspector", "unit_code": "U02"},
    )
    token = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": r.json()["client_id"],
            "client_secret": r.json()["client_secret"],
        },
    ).json()["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "inspector" and me["unit_codes"] == ["U02"]
    assert (
        client.post("/api/v1/clients/portal-u01/disable", headers=admin).json()["is_active"]
        is False
    )
    assert (
        client.post("/api/v1/clients/portal-u01/enable", headers=admin).json()["is_active"] is True
    )
    assert client.post("/api/v1/clients/nope/disable", headers=admin).status_code == 404


def test_client_create_replay_does_not_repeat_the_secret(
    client: TestClient, admin: dict[str, str]
) -> None:
    headers = admin | {"Idempotency-Key": "portal-1"}
    first = client.post("/api/v1/clients", headers=headers, json={"name": "P", "role": "viewer"})
    again = client.post("/api/v1/clients", headers=headers, json={"name": "P", "role": "viewer"})
    assert first.status_code == again.status_code == 201
    assert first.json()["client_secret"] and again.json()["client_secret"] is None
    assert again.json()["client_id"] == first.json()["client_id"]
    assert len(client.get("/api/v1/clients", headers=admin).json()["items"]) == 1


# --- personal API tokens -------------------------------------------------------------------


def test_api_tokens_lifecycle(client: TestClient, make_user: Any) -> None:
    headers = make_user("viewer", username="jane")
    r = client.post(
        "/api/v1/me/api-tokens",
        headers=headers,
        json={
            "name": "nightly export",
            "scope": "read",
            "expires_in_days": 30,
            "password": PASSWORD,
        },
    )
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert token.startswith("sqs_pat_") and r.headers["cache-control"] == "no-store"
    pat = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=pat).json()
    assert me["username"] == "jane" and me["read_only"] is True
    listed = client.get("/api/v1/me/api-tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["nightly export"] and "token" not in listed[0]
    assert (
        client.delete(f"/api/v1/me/api-tokens/{listed[0]['id']}", headers=headers).status_code
        == 204
    )
    assert client.get("/api/v1/me", headers=pat).status_code == 401
    assert client.get("/api/v1/me/api-tokens", headers=headers).json()[0]["revoked_at"] is not None


def test_api_token_limits(client: TestClient, make_user: Any) -> None:
    headers = make_user("viewer")
    for body in (
        {"name": "x", "expires_in_days": 366},
        {"name": "x", "expires_in_days": 0},
        {"name": "x", "scope": "admin"},
        {"name": ""},
    ):
        body |= {"password": PASSWORD}
        assert client.post("/api/v1/me/api-tokens", headers=headers, json=body).status_code == 422
    ok = {"name": "x", "expires_in_days": 365, "password": PASSWORD}
    assert client.post("/api/v1/me/api-tokens", headers=headers, json=ok).status_code == 201


def test_someone_elses_token_is_404(client: TestClient, make_user: Any) -> None:
    a, b = make_user("viewer"), make_user("viewer")
    made = client.post("/api/v1/me/api-tokens", headers=a, json={"name": "a", "password": PASSWORD})
    tid = made.json()["id"]
    assert client.delete(f"/api/v1/me/api-tokens/{tid}", headers=b).status_code == 404
    assert client.get("/api/v1/me/api-tokens", headers=b).json() == []


def test_read_only_token_cannot_write(client: TestClient, admin: dict[str, str]) -> None:
    token = client.post(
        "/api/v1/me/api-tokens",
        headers=admin,
        json={"name": "ro", "scope": "read", "password": PASSWORD},
    ).json()["token"]
    ro = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/users", headers=ro).status_code == 200
    r = client.post(
        "/api/v1/users",
        headers=ro,
        json={"username": "nope", "password": NEW_PASSWORD, "role": "viewer"},
    )
    assert r.status_code == 403 and r.json()["detail"] == "This token is read-only."
    assert (
        client.post(
            "/api/v1/me/api-tokens", headers=ro, json={"name": "more", "password": PASSWORD}
        ).status_code
        == 403
    )
    rw = client.post(
        "/api/v1/me/api-tokens",
        headers=admin,
        json={"name": "rw", "scope": "read_write", "password": PASSWORD},
    ).json()["token"]
    r = client.post(
        "/api/v1/users",
        headers={"Authorization": f"Bearer {rw}"},
        json={"username": "yes", "password": NEW_PASSWORD, "role": "viewer"},
    )
    assert r.status_code == 201


def test_api_token_of_a_client_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post(
        "/api/v1/clients", headers=admin, json={"name": "p", "role": "viewer"}
    ).json()
    token = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    ).json()["access_token"]
    r = client.post(
        "/api/v1/me/api-tokens",
        headers={"Authorization": f"Bearer {token}"},
        json={"name": "x", "password": PASSWORD},
    )
    assert r.status_code == 403
