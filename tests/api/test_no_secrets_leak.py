"""No answer carries a password hash, and a secret appears only in the answer that issues it.

Every response of a walk through the identity flows is recorded (an httpx response hook) and
searched afterwards. The audit trail and the idempotency store are searched too: they are the
places a careless "before/after" or a replayed answer would keep a secret at rest.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from persistence.tables import UnitRow
from persistence.unit_of_work import UnitOfWork

PASSWORDS = ["correct horse battery staple", "walk-password-0001", "changed password 0002"]


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (request line, headers + body)

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        head = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        self.seen.append(
            (f"{response.request.method} {response.request.url.path}", head + "\n" + response.text)
        )

    def containing(self, needle: str) -> list[str]:
        return [line for line, text_ in self.seen if needle in text_]


def _walk(client: TestClient, make_user: Any, engine: Any) -> dict[str, list[str]]:
    """Use every identity feature once; return the secrets issued along the way."""
    with UnitOfWork(engine, write=True) as uow:
        uow.repos.reference.add(
            UnitRow(code="U01", name_th="หน่วย", name_en="Unit", kind="regional")
        )
    admin = make_user("admin", username="root")
    issued: dict[str, list[str]] = {"refresh": [], "pat": [], "client_secret": [], "access": []}
    for body in (
        {"username": "officer", "role": "unit_officer", "unit_code": "U01"},
        {"username": "insp", "role": "inspector", "unit_codes": ["U01"]},
        {"username": "prov", "role": "central_provider", "provider_code": "BLSD"},
    ):
        r = client.post(
            "/api/v1/users",
            headers=admin | {"Idempotency-Key": body["username"]},
            json=body | {"password": PASSWORDS[1]},
        )
        assert r.status_code == 201, r.text
    client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "bad name", "password": PASSWORDS[1], "role": "x"},
    )
    client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "ok", "password": "short", "role": "viewer"},
    )
    users = client.get("/api/v1/users", headers=admin).json()["items"]
    client.get(f"/api/v1/users/{users[1]['id']}", headers=admin)
    client.patch(f"/api/v1/users/{users[1]['id']}", headers=admin, json={"role": "viewer"})

    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "officer", "password": PASSWORDS[1]},
    )
    pair = r.json()
    issued["refresh"].append(pair["refresh_token"])
    issued["access"].append(pair["access_token"])
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
    )
    issued["refresh"].append(r.json()["refresh_token"])
    client.post(
        "/api/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
    )
    client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "officer", "password": "wrong one!"},
    )
    me = {"Authorization": f"Bearer {r.json()['access_token']}"}
    client.get("/api/v1/me", headers=me)

    pat_body = {"name": "script", "password": PASSWORDS[1]}
    r = client.post("/api/v1/me/api-tokens", headers=me | {"Idempotency-Key": "pat"}, json=pat_body)
    issued["pat"].append(r.json()["token"])
    client.post(
        "/api/v1/me/api-tokens", headers=me | {"Idempotency-Key": "pat"}, json=pat_body
    )  # replay
    client.get("/api/v1/me/api-tokens", headers=me)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued['pat'][0]}"})

    r = client.post(
        "/api/v1/clients",
        headers=admin | {"Idempotency-Key": "c"},
        json={"name": "Portal", "role": "viewer"},
    )
    issued["client_secret"].append(r.json()["client_secret"])
    client.post(
        "/api/v1/clients",
        headers=admin | {"Idempotency-Key": "c"},
        json={"name": "Portal", "role": "viewer"},
    )
    client.get("/api/v1/clients", headers=admin)
    client.get(f"/api/v1/clients/{r.json()['client_id']}", headers=admin)
    client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": r.json()["client_id"],
            "client_secret": issued["client_secret"][0],
        },
    )
    client.post(f"/api/v1/clients/{r.json()['client_id']}/disable", headers=admin)

    client.post(
        "/api/v1/me/password",
        headers=me,
        json={"current_password": PASSWORDS[1], "new_password": PASSWORDS[2]},
    )
    client.post("/api/v1/auth/revoke", data={"token": issued["refresh"][1]})
    client.post(f"/api/v1/users/{users[1]['id']}/disable", headers=admin)
    client.get("/api/v1/audit-events", headers=admin, params={"page_size": 1000})
    client.get("/api/v1/openapi.json")
    return issued


def test_no_secret_leaks(client: TestClient, make_user: Any, engine: Any) -> None:
    recorder = Recorder()
    client.event_hooks["response"].append(recorder)
    issued = _walk(client, make_user, engine)
    assert len(recorder.seen) >= 28

    assert recorder.containing("$argon2") == []
    for password in PASSWORDS:
        assert recorder.containing(password) == [], password
    for refresh in issued["refresh"]:
        assert len(recorder.containing(refresh)) == 1, (
            "a refresh token appears outside the answer that issued it"
        )
    for pat in issued["pat"]:
        assert recorder.containing(pat) == ["POST /api/v1/me/api-tokens"]
    for secret in issued["client_secret"]:
        assert recorder.containing(secret) == ["POST /api/v1/clients"]
    for leaked_field in ("password_hash", "secret_hash", "token_hash"):
        assert recorder.containing(leaked_field) == [], leaked_field


def test_no_secret_at_rest_outside_its_hash(
    client: TestClient, make_user: Any, engine: Any
) -> None:
    issued = _walk(client, make_user, engine)
    secrets = PASSWORDS + [s for values in issued.values() for s in values] + ["$argon2"]
    with engine.connect() as conn:
        stored = [
            " ".join(str(v) for v in row)
            for table in ("audit_event", "idempotency_record", "login_failure")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        ]
    assert stored
    for secret in secrets:
        assert not [s for s in stored if secret in s], secret
