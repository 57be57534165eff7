"""Failed sign-ins are limited per username and per client address, across app instances."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "correct horse battery staple"


def _limited(settings: Settings, **kw: Any) -> Settings:
    return settings.model_copy(update={"login_max_failures": 3, "login_window_seconds": 60} | kw)


def _attempt(client: TestClient, username: str, password: str, ip: str | None = None) -> Any:
    data = {"grant_type": "password", "username": username, "password": password}
    return client.post(TOKEN_URL, data=data)


def _client(settings: Settings, engine: Any, host: str = "10.0.0.1") -> TestClient:
    return TestClient(
        create_app(settings, engine=engine, migrate=False),
        client=(host, 5000),
        raise_server_exceptions=False,
    )


def test_username_is_locked_after_max_failures(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="erin")
    with _client(_limited(settings), engine) as c:
        for _ in range(3):
            assert _attempt(c, "erin", "wrong password").status_code == 400
        r = _attempt(c, "erin", PASSWORD)  # even the right password waits
        assert r.status_code == 429
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "urn:sqs:problem:too_many_requests"
        assert 1 <= int(r.headers["retry-after"]) <= 60


def test_the_lock_holds_across_app_instances_and_addresses(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="frank")
    limited = _limited(settings)
    with _client(limited, engine, "10.0.0.1") as a, _client(limited, engine, "10.0.0.2") as b:
        assert _attempt(a, "frank", "wrong password").status_code == 400
        assert _attempt(b, "frank", "wrong password").status_code == 400
        assert (
            _attempt(a, "FRANK", "wrong password").status_code == 400
        )  # case does not dodge the count
        assert _attempt(b, "frank", PASSWORD).status_code == 429


def test_one_address_is_locked_whatever_the_usernames(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="grace")
    limited = _limited(settings)
    with (
        _client(limited, engine, "10.0.0.9") as attacker,
        _client(limited, engine, "10.0.0.10") as other,
    ):
        for name in ("u1", "u2", "u3"):
            assert _attempt(attacker, name, "guess guess guess").status_code == 400
        assert _attempt(attacker, "grace", PASSWORD).status_code == 429
        assert _attempt(other, "grace", PASSWORD).status_code == 200


def test_success_clears_the_username_counter(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="heidi")
    limited = _limited(settings)
    with _client(limited, engine, "10.0.0.1") as a, _client(limited, engine, "10.0.0.2") as b:
        for _ in range(2):
            assert _attempt(a, "heidi", "wrong password").status_code == 400
        assert _attempt(b, "heidi", PASSWORD).status_code == 200
        for _ in range(2):
            assert _attempt(b, "heidi", "wrong password").status_code == 400
        assert _attempt(b, "heidi", PASSWORD).status_code == 200


def test_client_credentials_are_limited_too(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    admin = make_user("admin")
    with _client(_limited(settings), engine) as c:
        created = c.post(
            "/api/v1/clients", headers=admin, json={"name": "p", "role": "viewer"}
        ).json()
        bad = {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": "nope",
        }
        for _ in range(3):
            assert c.post(TOKEN_URL, data=bad).status_code == 401
        good = bad | {"client_secret": created["client_secret"]}
        assert c.post(TOKEN_URL, data=good).status_code == 429


def test_wrong_current_password_counts(engine: Any, settings: Settings, make_user: Any) -> None:
    headers = make_user("viewer", username="ivan")
    with _client(_limited(settings), engine) as c:
        body = {"current_password": "wrong password!", "new_password": "another long passphrase"}
        for _ in range(3):
            assert c.post("/api/v1/me/password", headers=headers, json=body).status_code == 400
        r = c.post(
            "/api/v1/me/password", headers=headers, json=body | {"current_password": PASSWORD}
        )
        assert r.status_code == 429 and "retry-after" in r.headers
