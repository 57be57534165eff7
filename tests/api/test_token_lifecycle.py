"""Which tokens survive what: a disable and re-enable, a password change or reset, a role change;
and a personal API token only for someone who gives the password again."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt

from api.security import create_access_token
from api.settings import Settings
from persistence.unit_of_work import UnitOfWork

TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    r = client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": password}
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(client: TestClient, token: str) -> int:
    return client.get("/api/v1/me", headers=bearer(token)).status_code


def refresh(client: TestClient, token: str) -> int:
    r = client.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": token})
    return r.status_code


def user_id(client: TestClient, token: str) -> int:
    return int(client.get("/api/v1/me", headers=bearer(token)).json()["subject"].split(":")[1])


def make_pat(client: TestClient, token: str, password: str = PASSWORD, **body: Any) -> Any:
    return client.post(
        "/api/v1/me/api-tokens",
        headers=bearer(token),
        json={"name": "script", "password": password} | body,
    )


@pytest.fixture
def admin(make_user: Any) -> dict[str, str]:
    headers: dict[str, str] = make_user("admin", username="root")
    return headers


# --- access tokens end at a disable, a password change, a role change --------------------------


def test_re_enabling_a_user_does_not_revive_tokens_from_before_the_disable(
    client: TestClient, admin: dict[str, str], make_user: Any
) -> None:
    make_user("viewer", username="bob")
    old = sign_in(client, "bob")
    uid = user_id(client, old["access_token"])
    assert client.post(f"/api/v1/users/{uid}/disable", headers=admin).status_code == 200
    assert client.post(f"/api/v1/users/{uid}/enable", headers=admin).status_code == 200
    assert me(client, old["access_token"]) == 401
    assert refresh(client, old["refresh_token"]) == 400
    assert me(client, sign_in(client, "bob")["access_token"]) == 200


def test_a_password_change_ends_tokens_made_in_the_same_second(
    client: TestClient, settings: Settings, make_user: Any, engine: Any
) -> None:
    """``iat`` has whole seconds; a token made in the second of the change (before it) used to
    survive. The version in the token makes the cut-off exact."""
    make_user("viewer", username="carol")
    token = sign_in(client, "carol")["access_token"]
    uid = user_id(client, token)
    r = client.post(
        "/api/v1/me/password",
        headers=bearer(token),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 200, r.text
    assert me(client, token) == 401
    with UnitOfWork(engine) as uow:
        user = uow.repos.identity.user(uid)
        assert user is not None and user.password_changed_at is not None
        changed = int(user.password_changed_at.timestamp())
    # a token from before the change, stamped with the very second of the change
    claims = jwt.get_unverified_claims(token)
    same_second, _ = create_access_token(
        settings,
        subject=f"user:{uid}",
        role="viewer",
        version=claims.get("ver"),
        extra={"iat": changed, "nbf": changed},
    )
    assert me(client, same_second) == 401
    assert me(client, sign_in(client, "carol", NEW_PASSWORD)["access_token"]) == 200


def test_a_role_change_ends_the_tokens_made_before_it(
    client: TestClient, admin: dict[str, str], make_user: Any
) -> None:
    make_user("viewer", username="dave")
    old = sign_in(client, "dave")
    uid = user_id(client, old["access_token"])
    r = client.patch(f"/api/v1/users/{uid}", headers=admin, json={"role": "admin"})
    assert r.status_code == 200, r.text
    assert me(client, old["access_token"]) == 401
    fresh = sign_in(client, "dave")["access_token"]
    assert client.get("/api/v1/me", headers=bearer(fresh)).json()["role"] == "admin"
    # a change of bindings alone (same role) keeps the tokens
    r = client.patch(f"/api/v1/users/{uid}", headers=admin, json={"unit_code": None})
    assert r.status_code == 200 and me(client, fresh) == 200


def test_tokens_carry_the_users_version(client: TestClient, make_user: Any) -> None:
    make_user("viewer", username="eve")
    claims = jwt.get_unverified_claims(sign_in(client, "eve")["access_token"])
    assert claims["ver"] == 0


# --- a new password revokes refresh and API tokens, and says how many -------------------------


def test_a_password_change_revokes_refresh_and_api_tokens_and_counts_them(
    client: TestClient, make_user: Any
) -> None:
    make_user("viewer", username="fay")
    other_device = sign_in(client, "fay")
    here = sign_in(client, "fay")
    pats = [make_pat(client, here["access_token"]).json()["token"] for _ in range(2)]
    assert all(me(client, pat) == 200 for pat in pats)
    r = client.post(
        "/api/v1/me/password",
        headers=bearer(here["access_token"]),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"refresh_tokens_revoked": 2, "api_tokens_revoked": 2}
    assert refresh(client, other_device["refresh_token"]) == 400
    assert all(me(client, pat) == 401 for pat in pats)


def test_a_password_change_may_keep_the_api_tokens(client: TestClient, make_user: Any) -> None:
    make_user("viewer", username="gus")
    pair = sign_in(client, "gus")
    pat = make_pat(client, pair["access_token"]).json()["token"]
    r = client.post(
        "/api/v1/me/password",
        headers=bearer(pair["access_token"]),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "keep_api_tokens": True},
    )
    assert r.json() == {"refresh_tokens_revoked": 1, "api_tokens_revoked": 0}
    assert me(client, pat) == 200
    assert refresh(client, pair["refresh_token"]) == 400


def test_an_admin_reset_revokes_the_users_tokens(
    client: TestClient, admin: dict[str, str], make_user: Any
) -> None:
    make_user("viewer", username="hana")
    pair = sign_in(client, "hana")
    pat = make_pat(client, pair["access_token"]).json()["token"]
    uid = user_id(client, pair["access_token"])
    url = f"/api/v1/users/{uid}/password"
    r = client.post(url, headers=admin, json={"new_password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json() == {"refresh_tokens_revoked": 1, "api_tokens_revoked": 1}
    assert me(client, pair["access_token"]) == 401
    assert me(client, pat) == 401
    assert refresh(client, pair["refresh_token"]) == 400
    again = sign_in(client, "hana", NEW_PASSWORD)
    kept = make_pat(client, again["access_token"], NEW_PASSWORD).json()["token"]
    r = client.post(url, headers=admin, json={"new_password": PASSWORD, "keep_api_tokens": True})
    assert r.json() == {"refresh_tokens_revoked": 1, "api_tokens_revoked": 0}
    assert me(client, kept) == 200
    events = client.get(
        "/api/v1/audit-events", headers=admin, params={"action": "user.password_reset"}
    ).json()["items"]
    assert len(events) == 2 and events[0]["after"]["api_tokens_kept"] is True


def test_an_admin_reset_is_refused_where_it_should_be(
    client: TestClient, admin: dict[str, str], make_user: Any
) -> None:
    viewer = make_user("viewer", username="ike")
    uid = user_id(client, viewer["Authorization"].split()[1])
    root = user_id(client, admin["Authorization"].split()[1])
    body = {"new_password": NEW_PASSWORD}
    assert (
        client.post(f"/api/v1/users/{uid}/password", headers=viewer, json=body).status_code == 403
    )
    own = client.post(f"/api/v1/users/{root}/password", headers=admin, json=body)
    assert own.status_code == 409 and "/me/password" in own.json()["detail"]
    assert client.post("/api/v1/users/9999/password", headers=admin, json=body).status_code == 404
    short = client.post(f"/api/v1/users/{uid}/password", headers=admin, json={"new_password": "x"})
    assert short.status_code == 422
    assert me(client, viewer["Authorization"].split()[1]) == 200  # nothing was changed


# --- a personal API token needs the password again ----------------------------------------------


def test_making_an_api_token_needs_the_current_password(client: TestClient, make_user: Any) -> None:
    make_user("viewer", username="jill")
    token = sign_in(client, "jill")["access_token"]
    missing = client.post("/api/v1/me/api-tokens", headers=bearer(token), json={"name": "x"})
    assert missing.status_code == 422
    wrong = make_pat(client, token, "not the password")
    assert wrong.status_code == 400
    assert wrong.json()["type"] == "urn:sqs:problem:wrong_current_password"
    made = make_pat(client, token)
    assert made.status_code == 201 and made.json()["token"].startswith("sqs_pat_")


def test_wrong_passwords_when_making_api_tokens_count_as_failed_sign_ins(
    client: TestClient, make_user: Any
) -> None:
    """A stolen access token cannot guess the password through this route without limit."""
    make_user("viewer", username="kurt")
    token = sign_in(client, "kurt")["access_token"]
    for _ in range(5):
        assert make_pat(client, token, "not the password").status_code == 400
    refused = make_pat(client, token)
    assert refused.status_code == 429 and refused.json()["throttled"] == "account"


def test_the_password_is_not_part_of_the_idempotency_record(
    client: TestClient, make_user: Any, engine: Any
) -> None:
    make_user("viewer", username="lena")
    token = sign_in(client, "lena")["access_token"]
    headers = bearer(token) | {"Idempotency-Key": "pat-1"}
    body = {"name": "script", "password": PASSWORD}
    first = client.post("/api/v1/me/api-tokens", headers=headers, json=body)
    replay = client.post("/api/v1/me/api-tokens", headers=headers, json=body)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true" and replay.json()["token"] is None
    wrong = client.post("/api/v1/me/api-tokens", headers=headers, json=body | {"password": "x"})
    assert wrong.status_code == 400  # checked before the replay: no answer for a wrong one
