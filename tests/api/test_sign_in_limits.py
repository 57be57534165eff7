"""Failed sign-ins over HTTP: a back-off per account, a high ceiling per address, known devices,
and the client address behind a trusted proxy. The counts are in the database, so they hold
across app instances."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import uvicorn
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings, uvicorn_proxy_options
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork

TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "correct horse battery staple"


def _limited(settings: Settings, **kw: Any) -> Settings:
    return settings.model_copy(update={"login_max_failures": 3} | kw)


def _attempt(client: TestClient, username: str, password: str, **form: str) -> Any:
    data = {"grant_type": "password", "username": username, "password": password} | form
    return client.post(TOKEN_URL, data=data)


def _client(settings: Settings, engine: Any, host: str = "10.0.0.1") -> TestClient:
    return TestClient(
        create_app(settings, engine=engine, migrate=False),
        client=(host, 5000),
        raise_server_exceptions=False,
    )


def _advance(client: TestClient, seconds: float) -> None:
    """Move the app's clock (the throttle reads it) forward."""
    app = client.app
    now = app.state.clock()  # type: ignore[attr-defined]
    app.state.clock = lambda: now + timedelta(seconds=seconds)  # type: ignore[attr-defined]


def _throttled(r: Any, what: str) -> int:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "urn:sqs:problem:too_many_requests"
    assert body["throttled"] == what, body
    assert what in body["detail"] or "address" in body["detail"]
    wait = int(r.headers["retry-after"])
    assert body["retry_after"] == wait and wait >= 1
    return wait


def test_thirty_failures_on_made_up_names_do_not_lock_out_the_office(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    """A provincial office behind one NAT address: other accounts' failures never refuse a
    right password below the address's ceiling (default 100 in 5 minutes)."""
    make_user("admin", username="admin.office")
    with _client(settings, engine, "203.0.113.10") as office:
        for n in range(30):
            assert _attempt(office, f"made.up.{n}", "guess guess guess").status_code == 400
        assert _attempt(office, "admin.office", PASSWORD).status_code == 200


def test_the_address_is_throttled_past_its_ceiling(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="grace")
    limited = _limited(settings, login_address_max_failures=5)
    with (
        _client(limited, engine, "10.0.0.9") as attacker,
        _client(limited, engine, "10.0.0.10") as other,
    ):
        for n in range(5):
            assert _attempt(attacker, f"u{n}", "guess guess guess").status_code == 400
        wait = _throttled(_attempt(attacker, "grace", PASSWORD), "address")
        assert wait <= limited.login_window_seconds
        assert _attempt(other, "grace", PASSWORD).status_code == 200


def test_an_account_backs_off_more_after_each_failure_and_a_success_resets_it(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="erin")
    with _client(_limited(settings), engine) as c:
        for _ in range(3):
            assert _attempt(c, "erin", "wrong password").status_code == 400
        assert _throttled(_attempt(c, "erin", PASSWORD), "account") == 1  # the right one waits
        _advance(c, 1)
        assert _attempt(c, "erin", "wrong password").status_code == 400
        assert _throttled(_attempt(c, "erin", "wrong password"), "account") == 2
        assert _throttled(_attempt(c, "ERIN", PASSWORD), "account") == 2  # case does not dodge
        _advance(c, 3)
        assert _attempt(c, "erin", PASSWORD).status_code == 200
        for _ in range(3):  # the success forgot the failures: three free ones again
            assert _attempt(c, "erin", "wrong password").status_code == 400


def test_the_back_off_is_capped(engine: Any, settings: Settings, make_user: Any) -> None:
    make_user("viewer", username="hal")
    capped = _limited(settings, login_max_failures=1, login_backoff_max_seconds=5)
    with _client(capped, engine) as c:
        waits = []
        for step in range(6):
            _advance(c, 10 * (step + 1))
            assert _attempt(c, "hal", "wrong password").status_code == 400
            waits.append(_throttled(_attempt(c, "hal", PASSWORD), "account"))
        assert waits == [1, 2, 4, 5, 5, 5]


def test_the_back_off_holds_across_app_instances_and_addresses(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="frank")
    limited = _limited(settings)
    with _client(limited, engine, "10.0.0.1") as a, _client(limited, engine, "10.0.0.2") as b:
        assert _attempt(a, "frank", "wrong password").status_code == 400
        assert _attempt(b, "frank", "wrong password").status_code == 400
        assert _attempt(a, "FRANK", "wrong password").status_code == 400
        _throttled(_attempt(b, "frank", PASSWORD), "account")


def test_failures_from_elsewhere_do_not_hold_back_a_known_device(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    """OWASP's device cookie: the owner signed in here before; an attacker elsewhere then
    holds the account, but not the owner on this device (form field or cookie)."""
    make_user("viewer", username="ivy")
    make_user("viewer", username="jack")
    limited = _limited(settings)
    with (
        _client(limited, engine, "10.0.0.1") as owner,
        _client(limited, engine, "10.6.6.6") as attacker,
    ):
        first = _attempt(owner, "ivy", PASSWORD)
        assert first.status_code == 200
        device = first.json()["device_token"]
        assert owner.cookies.get("sqs_device") == device
        assert "httponly" in first.headers["set-cookie"].lower()
        for _ in range(3):
            assert _attempt(attacker, "ivy", "wrong password").status_code == 400
        _throttled(_attempt(attacker, "ivy", PASSWORD), "account")
        assert _attempt(owner, "ivy", PASSWORD, device_token=device).status_code == 200  # field
        assert _attempt(owner, "ivy", PASSWORD).status_code == 200  # the cookie
        owner.cookies.clear()
        for _ in range(3):
            assert _attempt(attacker, "ivy", "wrong password").status_code == 400
        _throttled(_attempt(owner, "ivy", PASSWORD), "account")  # without it: held
        # a device token is for its username only, and only when validly signed
        jack = _attempt(owner, "jack", PASSWORD).json()["device_token"]
        owner.cookies.clear()
        _throttled(_attempt(owner, "ivy", PASSWORD, device_token=jack), "account")
        forged = device[:-4] + ("AAAA" if not device.endswith("AAAA") else "BBBB")
        _throttled(_attempt(owner, "ivy", PASSWORD, device_token=forged), "account")


def test_a_known_device_passes_a_throttled_address_but_backs_off_on_its_own(
    engine: Any, settings: Settings, make_user: Any
) -> None:
    make_user("viewer", username="kim")
    limited = _limited(settings, login_address_max_failures=4)
    with _client(limited, engine, "10.0.0.7") as office:
        device = _attempt(office, "kim", PASSWORD).json()["device_token"]
        office.cookies.clear()
        for n in range(4):
            assert _attempt(office, f"nobody{n}", "guess guess guess").status_code == 400
        _throttled(_attempt(office, "kim", PASSWORD), "address")
        assert _attempt(office, "kim", PASSWORD, device_token=device).status_code == 200
        for _ in range(3):  # guessing with a (stolen) device token backs off all the same
            r = _attempt(office, "kim", "wrong password", device_token=device)
            assert r.status_code == 400
        _throttled(_attempt(office, "kim", PASSWORD, device_token=device), "account")


def test_a_device_token_is_not_an_access_token(client: TestClient, make_user: Any) -> None:
    make_user("viewer", username="lee")
    device = _attempt(client, "lee", PASSWORD).json()["device_token"]
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {device}"})
    assert r.status_code == 401


def test_client_credentials_back_off_too(engine: Any, settings: Settings, make_user: Any) -> None:
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
        _throttled(c.post(TOKEN_URL, data=good), "account")
        _advance(c, 1)
        assert c.post(TOKEN_URL, data=good).status_code == 200
        assert "device_token" not in c.post(TOKEN_URL, data=good).json()


def test_wrong_current_password_counts(engine: Any, settings: Settings, make_user: Any) -> None:
    headers = make_user("viewer", username="ivan")
    with _client(_limited(settings), engine) as c:
        body = {"current_password": "wrong password!", "new_password": "another long passphrase"}
        for _ in range(3):
            assert c.post("/api/v1/me/password", headers=headers, json=body).status_code == 400
        r = c.post(
            "/api/v1/me/password", headers=headers, json=body | {"current_password": PASSWORD}
        )
        _throttled(r, "account")
        _throttled(_attempt(c, "ivan", PASSWORD), "account")  # the same account's back-off


# --- the client address behind a reverse proxy ------------------------------------------------


def _failed_addresses(engine: Any) -> list[str]:
    with UnitOfWork(engine) as uow:
        since = utcnow() - timedelta(hours=1)
        return [
            key
            for key in ("addr:203.0.113.7", "addr:10.0.0.5", "addr:10.0.0.6", "addr:127.0.0.1")
            for _ in range(uow.repos.identity.count_failures(key, since))
        ]


def _behind(settings: Settings, engine: Any, peer: str) -> TestClient:
    """The app as ``sqs serve`` runs it: uvicorn's own proxy handling, configured from the
    settings, wrapped around it."""
    config = uvicorn.Config(
        create_app(settings, engine=engine, migrate=False), **uvicorn_proxy_options(settings)
    )
    config.load()
    return TestClient(config.loaded_app, client=(peer, 5000), raise_server_exceptions=False)


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    engine: Any, settings: Settings
) -> None:
    proxied = settings.model_copy(update={"trusted_proxies": ["10.0.0.5"]})
    xff = {"X-Forwarded-For": "203.0.113.7"}
    with _behind(proxied, engine, "10.0.0.5") as proxy, _behind(proxied, engine, "10.0.0.6") as c:
        assert proxy.post(TOKEN_URL, data=_form("x"), headers=xff).status_code == 400
        assert c.post(TOKEN_URL, data=_form("y"), headers=xff).status_code == 400
    assert sorted(_failed_addresses(engine)) == ["addr:10.0.0.6", "addr:203.0.113.7"]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(
    engine: Any, settings: Settings
) -> None:
    assert settings.trusted_proxies == []
    assert uvicorn_proxy_options(settings) == {"proxy_headers": False}
    with _behind(settings, engine, "127.0.0.1") as local:  # uvicorn alone would trust localhost
        r = local.post(TOKEN_URL, data=_form("z"), headers={"X-Forwarded-For": "203.0.113.7"})
        assert r.status_code == 400
    assert _failed_addresses(engine) == ["addr:127.0.0.1"]


def _form(username: str) -> dict[str, str]:
    return {"grant_type": "password", "username": username, "password": "guess guess guess"}
