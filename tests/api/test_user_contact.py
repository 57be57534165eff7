"""Users' e-mail address and language: given at creation, changed by an admin and by the user,
unique ignoring case, validated with an answer a person can act on, never in the request log."""

from __future__ import annotations

import logging
from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_users import NEW_PASSWORD, admin, create, sign_in, units  # noqa: F401


def test_email_and_language_at_creation_and_in_me(
    client: TestClient,
    admin: dict[str, str],  # noqa: F811
    units: list[str],  # noqa: F811
) -> None:
    r = create(
        client,
        admin,
        username="off1",
        role="unit_officer",
        unit_code="U01",
        email="Somchai.K@Labour.GO.TH",
        language="en",
    )
    assert r.status_code == 201, r.text
    assert (r.json()["email"], r.json()["language"]) == ("Somchai.K@labour.go.th", "en")
    plain = create(client, admin, username="off2", role="unit_officer", unit_code="U01")
    assert (plain.json()["email"], plain.json()["language"]) == (None, "th")
    me = client.get("/api/v1/me", headers=sign_in(client, "off1")).json()
    assert (me["email"], me["language"]) == ("Somchai.K@labour.go.th", "en")


def test_email_is_unique_ignoring_case(
    client: TestClient,
    admin: dict[str, str],  # noqa: F811
    units: list[str],  # noqa: F811
) -> None:
    assert (
        create(client, admin, username="user1", role="viewer", email="x@ex.org").status_code == 201
    )
    r = create(client, admin, username="user2", role="viewer", email="X@EX.org")
    assert r.status_code == 409
    assert "e-mail" in r.json()["detail"]
    b = create(client, admin, username="user3", role="viewer").json()
    r = client.patch(f"/api/v1/users/{b['id']}", headers=admin, json={"email": "X@ex.ORG"})
    assert r.status_code == 409
    mine = client.patch("/api/v1/me", headers=sign_in(client, "user3"), json={"email": "x@Ex.org"})
    assert mine.status_code == 409


def test_bad_address_or_language_is_a_422_a_person_can_act_on(
    client: TestClient,
    admin: dict[str, str],  # noqa: F811
) -> None:
    r = create(client, admin, username="user1", role="viewer", email="not an address")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "name@example.go.th" in r.json()["detail"]
    r = create(client, admin, username="user1", role="viewer", language="fr")
    assert r.status_code == 422


def test_admin_and_user_change_them_and_null_removes_the_address(
    client: TestClient,
    admin: dict[str, str],  # noqa: F811
) -> None:
    u = create(client, admin, username="user1", role="viewer").json()
    r = client.patch(
        f"/api/v1/users/{u['id']}", headers=admin, json={"email": "a1@ex.org", "language": "en"}
    )
    assert (r.json()["email"], r.json()["language"]) == ("a1@ex.org", "en")
    r = client.patch(f"/api/v1/users/{u['id']}", headers=admin, json={"role": "viewer"})
    assert r.json()["email"] == "a1@ex.org"  # left out: kept
    own = sign_in(client, "user1")
    r = client.patch("/api/v1/me", headers=own, json={"language": "th"})
    assert (r.json()["email"], r.json()["language"]) == ("a1@ex.org", "th")
    r = client.patch("/api/v1/me", headers=own, json={"email": None})
    assert r.status_code == 200 and r.json()["email"] is None
    assert client.get(f"/api/v1/users/{u['id']}", headers=admin).json()["email"] is None


def test_the_request_log_never_shows_the_address(
    client: TestClient,
    admin: dict[str, str],  # noqa: F811
    caplog: Any,
) -> None:
    from api.observability.request_log import flush_access_log

    with caplog.at_level(logging.INFO):
        create(client, admin, username="user1", role="viewer", email="hidden.person@ex.org")
        client.patch("/api/v1/me", headers=sign_in(client, "user1"), json={"email": "h2@ex.org"})
        flush_access_log()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "hidden.person" not in text and "h2@ex.org" not in text
    assert "/api/v1/me" in text or "/api/v1/users" in text
