"""The audit trail: every identity write path leaves a before/after; the trail is read-only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from persistence.tables import UnitRow
from persistence.unit_of_work import UnitOfWork

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long enough passphrase"
SECRET_MARKERS = (
    "$argon2",
    "sqs_cs_",
    "sqs_pat_",
    "sqs_rt_",
    PASSWORD,
    NEW_PASSWORD,
    "password_hash",
    "secret_hash",
)


@pytest.fixture
def admin(client: TestClient, make_user: Any, engine: Any) -> dict[str, str]:
    with UnitOfWork(engine, write=True) as uow:
        for code in ("U01", "U02"):
            uow.repos.reference.add(UnitRow(code=code, name_th=code, name_en=code, kind="regional"))
    headers: dict[str, str] = make_user("admin", username="root")
    return headers


def events(client: TestClient, admin: dict[str, str], **filters: Any) -> list[dict[str, Any]]:
    r = client.get("/api/v1/audit-events", headers=admin, params=filters)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def last(client: TestClient, admin: dict[str, str], action: str) -> dict[str, Any]:
    found = events(client, admin, action=action)
    assert found, f"no audit event {action}"
    event = found[0]
    dumped = json.dumps(event)
    for marker in SECRET_MARKERS:
        assert marker not in dumped, (action, marker)
    return event


def _user(client: TestClient, admin: dict[str, str], name: str, **kw: Any) -> int:
    r = client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": name, "password": NEW_PASSWORD, "role": "viewer"} | kw,
    )
    assert r.status_code == 201, r.text
    uid: int = r.json()["id"]
    return uid


def _sign_in(client: TestClient, name: str, password: str = NEW_PASSWORD) -> dict[str, Any]:
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": name, "password": password},
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# Each write path: (what to do, the action it must record, a check of before/after).
def _create_user(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    _user(c, a, "olga", role="unit_officer", unit_code="U01")
    return last(c, a, "user.create")


def _update_user(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    uid = _user(c, a, "olga", role="unit_officer", unit_code="U01")
    assert c.patch(f"/api/v1/users/{uid}", headers=a, json={"unit_code": "U02"}).status_code == 200
    return last(c, a, "user.update")


def _disable_user(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    uid = _user(c, a, "olga")
    _sign_in(c, "olga")
    assert c.post(f"/api/v1/users/{uid}/disable", headers=a).status_code == 200
    ended = last(c, a, "auth.end_sessions")
    assert ended["before"] == {"sessions": 1} and ended["after"]["sessions"] == 0
    return last(c, a, "user.disable")


def _enable_user(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    uid = _user(c, a, "olga")
    c.post(f"/api/v1/users/{uid}/disable", headers=a)
    assert c.post(f"/api/v1/users/{uid}/enable", headers=a).status_code == 200
    return last(c, a, "user.enable")


def _change_password(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    _user(c, a, "olga")
    h = {"Authorization": f"Bearer {_sign_in(c, 'olga')['access_token']}"}
    r = c.post(
        "/api/v1/me/password",
        headers=h,
        json={"current_password": NEW_PASSWORD, "new_password": "x" * 20},
    )
    assert r.status_code == 200
    return last(c, a, "user.password_change")


def _create_client(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    assert (
        c.post(
            "/api/v1/clients",
            headers=a,
            json={"name": "P", "role": "viewer", "client_id": "portal-1"},
        ).status_code
        == 201
    )
    return last(c, a, "client.create")


def _disable_client(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    c.post(
        "/api/v1/clients", headers=a, json={"name": "P", "role": "viewer", "client_id": "portal-1"}
    )
    assert c.post("/api/v1/clients/portal-1/disable", headers=a).status_code == 200
    return last(c, a, "client.disable")


def _enable_client(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    c.post(
        "/api/v1/clients", headers=a, json={"name": "P", "role": "viewer", "client_id": "portal-1"}
    )
    c.post("/api/v1/clients/portal-1/disable", headers=a)
    assert c.post("/api/v1/clients/portal-1/enable", headers=a).status_code == 200
    return last(c, a, "client.enable")


def _create_api_token(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    assert (
        c.post(
            "/api/v1/me/api-tokens",
            headers=a,
            json={"name": "t", "scope": "read", "password": PASSWORD},
        ).status_code
        == 201
    )
    return last(c, a, "api_token.create")


def _revoke_api_token(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    made = c.post("/api/v1/me/api-tokens", headers=a, json={"name": "t", "password": PASSWORD})
    tid = made.json()["id"]
    assert c.delete(f"/api/v1/me/api-tokens/{tid}", headers=a).status_code == 204
    return last(c, a, "api_token.revoke")


def _sign_in_event(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    _user(c, a, "olga")
    _sign_in(c, "olga")
    return last(c, a, "auth.sign_in")


def _refresh(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    _user(c, a, "olga")
    rt = _sign_in(c, "olga")["refresh_token"]
    assert (
        c.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": rt}
        ).status_code
        == 200
    )
    return last(c, a, "auth.refresh")


def _reuse(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    _user(c, a, "olga")
    rt = _sign_in(c, "olga")["refresh_token"]
    c.post("/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": rt})
    assert (
        c.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": rt}
        ).status_code
        == 400
    )
    return last(c, a, "auth.revoke_family")


def _revoke_endpoint(c: TestClient, a: dict[str, str]) -> dict[str, Any]:
    _user(c, a, "olga")
    rt = _sign_in(c, "olga")["refresh_token"]
    assert c.post("/api/v1/auth/revoke", data={"token": rt}).status_code == 200
    return last(c, a, "auth.revoke_family")


WRITE_PATHS: dict[str, tuple[Callable[[TestClient, dict[str, str]], dict[str, Any]], Any, Any]] = {
    # name: (action, expected before (subset or None), expected after (subset))
    "create_user": (
        _create_user,
        None,
        {"username": "olga", "role": "unit_officer", "unit_code": "U01"},
    ),
    "update_user": (_update_user, {"unit_code": "U01"}, {"unit_code": "U02"}),
    "disable_user": (_disable_user, {"is_active": True}, {"is_active": False}),
    "enable_user": (_enable_user, {"is_active": False}, {"is_active": True}),
    "change_my_password": (
        _change_password,
        {"password_changed": False},
        {"password_changed": True},
    ),
    "create_client": (_create_client, None, {"client_id": "portal-1", "role": "viewer"}),
    "disable_client": (_disable_client, {"is_active": True}, {"is_active": False}),
    "enable_client": (_enable_client, {"is_active": False}, {"is_active": True}),
    "create_api_token": (_create_api_token, None, {"name": "t", "scope": "read"}),
    "revoke_api_token": (_revoke_api_token, {"revoked": False}, {"revoked": True}),
    "issue_token.password": (_sign_in_event, None, {"grant_type": "password"}),
    "issue_token.refresh": (_refresh, {}, {}),
    "issue_token.reuse": (_reuse, {"revoked": False}, {"revoked": True, "reason": "reuse"}),
    "revoke_token": (_revoke_endpoint, {"revoked": False}, {"revoked": True}),
}


@pytest.mark.parametrize("name", sorted(WRITE_PATHS))
def test_write_path_records_before_and_after(
    client: TestClient, admin: dict[str, str], name: str
) -> None:
    run, before, after = WRITE_PATHS[name]
    event = run(client, admin)
    assert event["actor"].startswith(("user:", "client:"))
    assert event["occurred_at"] and event["object_type"] and event["object_id"]
    if before is None:
        assert event["before"] is None
    else:
        assert isinstance(event["before"], dict) and before.items() <= event["before"].items()
    assert isinstance(event["after"], dict) and after.items() <= event["after"].items()


def test_filters_and_pagination(client: TestClient, admin: dict[str, str]) -> None:
    ids = [_user(client, admin, f"user{i}") for i in range(5)]
    created = events(client, admin, action="user.create")
    assert [e["object_id"] for e in created] == [str(i) for i in reversed(ids)]  # newest first
    assert (
        events(client, admin, object_type="user", object_id=str(ids[2]))[0]["after"]["username"]
        == "user2"
    )
    me = client.get("/api/v1/me", headers=admin).json()["subject"]
    assert {e["actor"] for e in events(client, admin, actor=me)} == {me}
    assert events(client, admin, actor="user:99999") == []

    seen, cursor = [], None
    while True:
        params = {"action": "user.create", "page_size": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/audit-events", headers=admin, params=params).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [e["id"] for e in created]

    now = datetime.now(UTC)
    assert (
        len(
            events(
                client, admin, action="user.create", since=(now - timedelta(minutes=5)).isoformat()
            )
        )
        == 5
    )
    assert (
        events(client, admin, action="user.create", since=(now + timedelta(minutes=5)).isoformat())
        == []
    )
    assert (
        events(client, admin, action="user.create", until=(now - timedelta(minutes=5)).isoformat())
        == []
    )
    naive = (now - timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    assert len(events(client, admin, action="user.create", since=naive)) == 5


def test_only_admins_read_the_trail(client: TestClient, make_user: Any) -> None:
    for role in ("viewer", "unit_officer", "inspector", "central_provider"):
        kw = {"unit_code": None}
        assert client.get("/api/v1/audit-events", headers=make_user(role, **kw)).status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 401


def test_no_route_changes_or_deletes_audit_events(
    client: TestClient, admin: dict[str, str]
) -> None:
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if "audit" in path:
            assert set(operations) == {"get"}, path
    _user(client, admin, "someone")
    event_id = events(client, admin)[0]["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        r = client.request(method, f"/api/v1/audit-events/{event_id}", headers=admin, json={})
        assert r.status_code in (404, 405)
        r = client.request(method, "/api/v1/audit-events", headers=admin, json={})
        assert r.status_code == 405
