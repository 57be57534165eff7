"""The token endpoint, refresh rotation, revocation, and every way a bad token must fail."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jose import jwt

from api.main import create_app
from api.settings import Settings
from tests.conftest import TEST_SECRET

TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "correct horse battery staple"
PROBLEM = "application/problem+json"


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": password}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(r: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    if kind:
        assert body["type"] == f"urn:sqs:problem:{kind}", body
    return body


@pytest.fixture
def alice(make_user: Any) -> str:
    make_user("viewer", username="alice")
    return "alice"


# --- password grant and the token response ----------------------------------------------------


def test_password_grant_issues_access_and_refresh_token(client: TestClient, alice: str) -> None:
    r = sign_in(client, alice)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_token"].startswith("sqs_rt_")
    assert r.headers["cache-control"] == "no-store"
    claims = jwt.get_unverified_claims(body["access_token"])
    assert {"sub", "role", "exp", "iat", "iss", "aud"} <= set(claims)
    assert claims["role"] == "viewer" and claims["sub"].startswith("user:")
    me = client.get("/api/v1/me", headers=bearer(body["access_token"])).json()
    assert me["username"] == "alice" and me["role"] == "viewer" and me["kind"] == "user"
    assert me["read_only"] is False


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, alice: str) -> None:
    wrong = assert_problem(sign_in(client, alice, "not the password"), 400, "invalid_grant")
    unknown = assert_problem(sign_in(client, "nobody", "not the password"), 400, "invalid_grant")
    assert wrong["detail"] == unknown["detail"]
    assert wrong["error"] == "invalid_grant"


def test_token_endpoint_errors(client: TestClient, alice: str) -> None:
    assert_problem(client.post(TOKEN_URL, data={}), 400, "invalid_request")
    assert_problem(
        client.post(TOKEN_URL, data={"grant_type": "password", "username": alice}),
        400,
        "invalid_request",
    )
    assert_problem(
        client.post(TOKEN_URL, data={"grant_type": "implicit"}), 400, "unsupported_grant_type"
    )
    assert_problem(client.post(TOKEN_URL, json={"grant_type": "password"}), 400, "invalid_request")


def test_me_requires_a_token(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/me"), 401, "unauthorized")


# --- refresh rotation -------------------------------------------------------------------------


def refresh(client: TestClient, token: str) -> Any:
    return client.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": token})


def test_refresh_rotates(client: TestClient, alice: str) -> None:
    first = sign_in(client, alice).json()
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] != first["refresh_token"]
    third = refresh(client, second.json()["refresh_token"])
    assert third.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(third.json()["access_token"])).status_code == 200


def test_reused_refresh_token_revokes_the_whole_family(client: TestClient, alice: str) -> None:
    first = sign_in(client, alice).json()
    newer = refresh(client, first["refresh_token"]).json()
    other_session = sign_in(client, alice).json()
    # the old token comes back: someone else holds the family
    assert_problem(refresh(client, first["refresh_token"]), 400, "invalid_grant")
    # the newer sibling stopped working as well
    assert_problem(refresh(client, newer["refresh_token"]), 400, "invalid_grant")
    # another sign-in of the same user is a different family and is untouched
    assert refresh(client, other_session["refresh_token"]).status_code == 200


def test_unknown_refresh_token(client: TestClient) -> None:
    assert_problem(refresh(client, "sqs_rt_made-up"), 400, "invalid_grant")


def test_revoke_ends_the_family_and_always_answers_200(client: TestClient, alice: str) -> None:
    pair = sign_in(client, alice).json()
    newer = refresh(client, pair["refresh_token"]).json()
    r = client.post("/api/v1/auth/revoke", data={"token": pair["refresh_token"]})
    assert r.status_code == 200
    assert_problem(refresh(client, newer["refresh_token"]), 400, "invalid_grant")
    assert client.post("/api/v1/auth/revoke", data={"token": "never-issued"}).status_code == 200
    assert (
        client.post("/api/v1/auth/revoke", data={"token": pair["refresh_token"]}).status_code == 200
    )
    assert_problem(client.post("/api/v1/auth/revoke", data={}), 400, "invalid_request")


# --- client credentials -----------------------------------------------------------------------


@pytest.fixture
def portal(client: TestClient, make_user: Any) -> dict[str, str]:
    admin = make_user("admin")
    r = client.post(
        "/api/v1/clients", headers=admin, json={"name": "Score portal", "role": "viewer"}
    )
    assert r.status_code == 201, r.text
    return {"client_id": r.json()["client_id"], "client_secret": r.json()["client_secret"], **admin}


def test_client_credentials_in_form_and_basic(client: TestClient, portal: dict[str, str]) -> None:
    r = client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": portal["client_id"],
            "client_secret": portal["client_secret"],
        },
    )
    assert r.status_code == 200, r.text
    assert "refresh_token" not in r.json()
    me = client.get("/api/v1/me", headers=bearer(r.json()["access_token"])).json()
    assert (
        me["kind"] == "client"
        and me["role"] == "viewer"
        and me["subject"] == f"client:{portal['client_id']}"
    )

    basic = base64.b64encode(f"{portal['client_id']}:{portal['client_secret']}".encode()).decode()
    r = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200, r.text


def test_client_credentials_failures(client: TestClient, portal: dict[str, str]) -> None:
    bad = {
        "grant_type": "client_credentials",
        "client_id": portal["client_id"],
        "client_secret": "sqs_cs_wrong",
    }
    body = assert_problem(client.post(TOKEN_URL, data=bad), 401, "invalid_client")
    assert body["error"] == "invalid_client"
    unknown = bad | {"client_id": "nope"}
    assert_problem(client.post(TOKEN_URL, data=unknown), 401, "invalid_client")
    basic = base64.b64encode(b"x:y").decode()
    both = client.post(TOKEN_URL, data=bad, headers={"Authorization": f"Basic {basic}"})
    assert_problem(both, 400, "invalid_request")


def test_disabled_client_token_stops_working(client: TestClient, portal: dict[str, str]) -> None:
    r = client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": portal["client_id"],
            "client_secret": portal["client_secret"],
        },
    )
    token = r.json()["access_token"]
    admin = {"Authorization": portal["Authorization"]}
    assert (
        client.post(f"/api/v1/clients/{portal['client_id']}/disable", headers=admin).status_code
        == 200
    )
    assert_problem(client.get("/api/v1/me", headers=bearer(token)), 401)
    again = client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": portal["client_id"],
            "client_secret": portal["client_secret"],
        },
    )
    assert_problem(again, 401, "invalid_client")


# --- bad access tokens: each one is a 401 problem ---------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(settings: Settings, user_sub: str, **override: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": user_sub,
        "role": "admin",
        "iat": now,
        "exp": now + 600,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    for key, value in override.items():
        if value is None:
            claims.pop(key, None)
        else:
            claims[key] = value
    return claims


@pytest.fixture
def user_sub(client: TestClient, make_user: Any) -> str:
    headers = make_user("admin")
    subject: str = client.get("/api/v1/me", headers=headers).json()["subject"]
    return subject


BAD_TOKENS = {
    "alg_none": lambda s, sub: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(s, sub))}.",
    "wrong_key": lambda s, sub: jwt.encode(
        _claims(s, sub), "another-secret-" + "y" * 40, algorithm="HS256"
    ),
    "hs512": lambda s, sub: jwt.encode(_claims(s, sub), TEST_SECRET, algorithm="HS512"),
    "other_audience": lambda s, sub: jwt.encode(
        _claims(s, sub, aud="someone-else"), TEST_SECRET, algorithm="HS256"
    ),
    "other_issuer": lambda s, sub: jwt.encode(
        _claims(s, sub, iss="evil"), TEST_SECRET, algorithm="HS256"
    ),
    "expired": lambda s, sub: jwt.encode(
        _claims(s, sub, iat=int(time.time()) - 3600, exp=int(time.time()) - 60),
        TEST_SECRET,
        algorithm="HS256",
    ),
    "missing_exp": lambda s, sub: jwt.encode(
        _claims(s, sub, exp=None), TEST_SECRET, algorithm="HS256"
    ),
    "missing_sub": lambda s, sub: jwt.encode(
        _claims(s, sub, sub=None), TEST_SECRET, algorithm="HS256"
    ),
    "missing_iat": lambda s, sub: jwt.encode(
        _claims(s, sub, iat=None), TEST_SECRET, algorithm="HS256"
    ),
    "unknown_subject": lambda s, sub: jwt.encode(
        _claims(s, "user:99999"), TEST_SECRET, algorithm="HS256"
    ),
    "garbage_subject": lambda s, sub: jwt.encode(
        _claims(s, "user:abc"), TEST_SECRET, algorithm="HS256"
    ),
    "not_a_jwt": lambda s, sub: "hello",
    "unknown_api_token": lambda s, sub: "sqs_pat_made-up",
}


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
def test_bad_access_tokens_are_rejected(
    client: TestClient, settings: Settings, user_sub: str, name: str
) -> None:
    token = BAD_TOKENS[name](settings, user_sub)
    body = assert_problem(client.get("/api/v1/me", headers=bearer(token)), 401, "unauthorized")
    assert "Traceback" not in json.dumps(body)


def test_the_good_twin_of_the_bad_tokens_passes(
    client: TestClient, settings: Settings, user_sub: str
) -> None:
    token = jwt.encode(_claims(settings, user_sub), TEST_SECRET, algorithm="HS256")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_tampered_payload_is_rejected(client: TestClient, make_user: Any) -> None:
    make_user("viewer", username="mallory")
    token = sign_in(client, "mallory").json()["access_token"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    claims["sub"] = "user:1"
    forged = f"{header}.{_b64(claims)}.{signature}"
    assert_problem(client.get("/api/v1/me", headers=bearer(forged)), 401, "unauthorized")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_token_of_a_disabled_user_stops_working_at_once(client: TestClient, make_user: Any) -> None:
    admin = make_user("admin")
    make_user("viewer", username="bob")
    pair = sign_in(client, "bob").json()
    me = client.get("/api/v1/me", headers=bearer(pair["access_token"])).json()
    user_id = int(me["subject"].split(":")[1])
    assert client.post(f"/api/v1/users/{user_id}/disable", headers=admin).status_code == 200
    assert_problem(
        client.get("/api/v1/me", headers=bearer(pair["access_token"])), 401, "unauthorized"
    )
    assert_problem(refresh(client, pair["refresh_token"]), 400, "invalid_grant")
    assert_problem(sign_in(client, "bob"), 400, "invalid_grant")


def test_bearer_scheme_is_required(client: TestClient, alice: str) -> None:
    token = sign_in(client, alice).json()["access_token"]
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Token {token}"}), 401)


# --- RS256 ------------------------------------------------------------------------------------


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_rs256_configuration(engine: Any, settings: Settings, make_user: Any) -> None:
    private, public = _rsa_pair()
    rs = Settings(
        **(
            settings.model_dump()
            | {"jwt_algorithm": "RS256", "jwt_private_key": private, "jwt_public_key": public}
        ),
        _env_file=None,
    )  # type: ignore[call-arg]
    make_user("viewer", username="carol")
    with TestClient(
        create_app(rs, engine=engine, migrate=False), raise_server_exceptions=False
    ) as c:
        r = sign_in(c, "carol")
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        assert jwt.get_unverified_header(token)["alg"] == "RS256"
        assert c.get("/api/v1/me", headers=bearer(token)).status_code == 200
        sub = c.get("/api/v1/me", headers=bearer(token)).json()["subject"]
        # the HS256-with-the-public-key confusion attack
        confused = (
            jwt.encode(_claims(rs, sub), public, algorithm="HS256") if _hs_accepts_pem() else None
        )
        if confused:
            assert_problem(c.get("/api/v1/me", headers=bearer(confused)), 401)
        hs = jwt.encode(_claims(rs, sub), TEST_SECRET, algorithm="HS256")
        assert_problem(c.get("/api/v1/me", headers=bearer(hs)), 401)
        other_private, _ = _rsa_pair()
        foreign = jwt.encode(_claims(rs, sub), other_private, algorithm="RS256")
        assert_problem(c.get("/api/v1/me", headers=bearer(foreign)), 401)


def _hs_accepts_pem() -> bool:
    """python-jose refuses to use a PEM key as an HMAC secret; build the token by hand then."""
    try:
        jwt.encode(
            {"a": 1}, "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----", algorithm="HS256"
        )
    except Exception:
        return False
    return True


def test_rs256_rejects_hand_made_hs256_with_public_key(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    import hashlib
    import hmac

    private, public = _rsa_pair()
    rs = Settings(
        **(
            settings.model_dump()
            | {"jwt_algorithm": "RS256", "jwt_private_key": private, "jwt_public_key": public}
        ),
        _env_file=None,
    )  # type: ignore[call-arg]
    make_user("viewer", username="dave")
    with TestClient(
        create_app(rs, engine=engine, migrate=False), raise_server_exceptions=False
    ) as c:
        sub = c.get("/api/v1/me", headers=bearer(sign_in(c, "dave").json()["access_token"])).json()[
            "subject"
        ]
        signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(_claims(rs, sub))}"
        mac = hmac.new(public.encode(), signing_input.encode(), hashlib.sha256).digest()
        forged = signing_input + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")
        assert_problem(c.get("/api/v1/me", headers=bearer(forged)), 401)


# --- own password -----------------------------------------------------------------------------


def test_change_own_password_ends_refresh_families(client: TestClient, alice: str) -> None:
    pair = sign_in(client, alice).json()
    headers = bearer(pair["access_token"])
    r = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": "wrong password!!", "new_password": "a brand new passphrase"},
    )
    assert_problem(r, 400, "wrong_current_password")
    r = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    assert_problem(r, 422)
    r = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"refresh_tokens_revoked": 1, "api_tokens_revoked": 0}
    assert_problem(refresh(client, pair["refresh_token"]), 400, "invalid_grant")
    assert_problem(sign_in(client, alice), 400, "invalid_grant")
    assert sign_in(client, alice, "a brand new passphrase").status_code == 200


def test_portal_client_has_no_password_to_change(
    client: TestClient, portal: dict[str, str]
) -> None:
    r = client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": portal["client_id"],
            "client_secret": portal["client_secret"],
        },
    )
    r = client.post(
        "/api/v1/me/password",
        headers=bearer(r.json()["access_token"]),
        json={"current_password": "x" * 12, "new_password": "y" * 12},
    )
    assert_problem(r, 403)


# --- the first admin --------------------------------------------------------------------------


def test_first_admin_comes_from_the_environment(engine: Any, settings: Settings) -> None:
    boot = Settings(
        **(
            settings.model_dump()
            | {"admin_username": "root", "admin_password": "first admin passphrase"}
        ),
        _env_file=None,
    )  # type: ignore[call-arg]
    for _ in range(2):  # a second start must not create a second admin nor fail
        with TestClient(create_app(boot, engine=engine, migrate=False)) as c:
            r = sign_in(c, "root", "first admin passphrase")
            assert r.status_code == 200, r.text
            headers = bearer(r.json()["access_token"])
            assert c.get("/api/v1/me", headers=headers).json()["role"] == "admin"
            users = c.get("/api/v1/users", headers=headers).json()["items"]
            assert [u["username"] for u in users if u["role"] == "admin"] == ["root"]
            events = c.get(
                "/api/v1/audit-events", headers=headers, params={"action": "user.bootstrap_admin"}
            ).json()["items"]
            assert len(events) == 1 and events[0]["actor"] == "system"
            assert "password" not in json.dumps(events[0])


def test_no_admin_is_made_without_the_variables(client: TestClient, make_user: Any) -> None:
    headers = make_user("admin")
    names = [u["username"] for u in client.get("/api/v1/users", headers=headers).json()["items"]]
    assert names == ["admin-1"]


def test_an_api_token_cannot_create_api_tokens(client, make_user):
    """A leaked token must not be able to outlive its revocation by minting successors."""
    signed_in = make_user("viewer")
    created = client.post(
        "/api/v1/me/api-tokens",
        headers=signed_in,
        json={"name": "script", "scope": "read_write", "expires_in_days": 30, "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    pat = {"Authorization": f"Bearer {created.json()['token']}"}
    r = client.post(
        "/api/v1/me/api-tokens",
        headers=pat,
        json={"name": "child", "scope": "read_write", "expires_in_days": 30, "password": PASSWORD},
    )
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"


def test_a_password_change_ends_existing_access_tokens(client, make_user):
    old = make_user("viewer", username="changer", password="first password 123")
    assert client.get("/api/v1/me", headers=old).status_code == 200
    # no wait: the cut-off is the user's token version, not the token's whole-second iat
    r = client.post(
        "/api/v1/me/password",
        headers=old,
        json={"current_password": "first password 123", "new_password": "second password 456"},
    )
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/me", headers=old).status_code == 401
    fresh = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "changer", "password": "second password 456"},
    )
    assert fresh.status_code == 200
    assert (
        client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "client_header", [None, "Basic Og==", "Basic dW5kZWZpbmVkOnVuZGVmaW5lZA=="]
)
def test_swagger_ui_password_flow_signs_in(client: TestClient, alice: str, client_header) -> None:
    """Swagger UI's Authorize (the document's OAuth2 password flow) posts the form with an
    empty ``scope`` and, by default, an empty client in HTTP Basic (``:`` or, unset,
    ``undefined:undefined``); the password grant ignores the client, and the answer's token
    opens the API."""
    from api.openapi_contract import TOKEN_URL as DOCUMENTED

    assert DOCUMENTED == TOKEN_URL
    headers = {"Authorization": client_header} if client_header else {}
    form = {"grant_type": "password", "username": alice, "password": PASSWORD, "scope": ""}
    r = client.post(DOCUMENTED, data=form, headers=headers)
    assert r.status_code == 200, r.text
    bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/api/v1/me", headers=bearer).json()["username"] == alice
