"""A caller who prefers Thai reads every refusal in Thai (issue 19): a sample of those that
were raised with English words of their own before they were coded — users, portal clients,
reference data, evidence caps, webhooks, a body too slow (408) or too large (413), sign-in
back-off (429). Each ``detail`` is the catalogue's Thai sentence with the refusal's facts,
and the English caller reads the English one under the same code."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from domain.messages import render
from tests.api.test_evidence import evidence_url, sample_pdf, upload

THAI = {"Accept-Language": "th"}
ENGLISH = {"Accept-Language": "en"}
UNIT = {"code": "BKK01", "name_th": "ซ้ำ", "name_en": "Again", "kind": "central"}


@pytest.fixture
def settings(settings):
    settings.body_idle_timeout_seconds = 0.3  # the 408 below waits this long, not 15 s
    return settings


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def _worded(r: Any, status: int, code: str, params: dict[str, Any], language: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-language"] == language
    expected = render(code, language, params, complete=True)
    assert expected is not None, f"{code} lacks one of {sorted(params)}"
    assert r.json()["detail"] == expected


def _both(send: Any, status: int, code: str, params: dict[str, Any]) -> None:
    """``send(headers)`` answers in Thai to a Thai caller, in English to the others."""
    _worded(send(THAI), status, code, params, "th")
    _worded(send(ENGLISH), status, code, params, "en")


def test_users_refusals_are_thai(client, world, admin):
    body = {"username": "somsri", "password": "a long enough password", "role": "viewer"}
    assert client.post("/api/v1/users", headers=admin, json=body).status_code == 201

    def taken(lang: dict[str, str]) -> Any:
        return client.post(
            "/api/v1/users", headers=admin | lang, json=body | {"username": "SomSri"}
        )

    _both(taken, 409, "username_taken", {"username": "SomSri"})
    _both(
        lambda lang: client.get("/api/v1/users/987654", headers=admin | lang),
        404,
        "user_not_found",
        {"user_id": 987654},
    )


def test_portal_client_refusals_are_thai(client, world, admin):
    body = {"name": "Score portal", "role": "viewer", "client_id": "portal-1"}
    assert client.post("/api/v1/clients", headers=admin, json=body).status_code == 201
    _both(
        lambda lang: client.post("/api/v1/clients", headers=admin | lang, json=body),
        409,
        "client_exists",
        {"client_id": "portal-1"},
    )


def test_reference_data_refusals_are_thai(client, world, admin):
    _both(
        lambda lang: client.post("/api/v1/units", headers=admin | lang, json=UNIT),
        409,
        "unit_exists",
        {"unit_code": "BKK01"},
    )
    year = {"year_be": 2558, "framework_id": world.framework_id}
    _both(
        lambda lang: client.post("/api/v1/fiscal-years", headers=admin | lang, json=year),
        409,
        "fiscal_year_exists",
        {"year_be": 2558},
    )


def test_evidence_caps_are_thai(client, world, make_user, settings):
    officer = make_user("unit_officer", unit_code="BKK01")
    settings.evidence_max_files = 1
    assert upload(client, evidence_url(world), officer, sample_pdf("1")).status_code == 201
    _both(
        lambda lang: upload(client, evidence_url(world), officer | lang, sample_pdf("2")),
        409,
        "evidence_files_limit_report",
        {"months": 12, "unit_code": "BKK01", "files": 1, "max_files": 1},
    )


def test_the_body_cap_413_is_thai(client, world, admin):
    big = json.dumps({"username": "x" * (5 * 2**20)})
    headers = admin | {"Content-Type": "application/json"}
    _both(
        lambda lang: client.post("/api/v1/users", headers=headers | lang, content=big),
        413,
        "body_too_large",
        {"max_bytes": 4 * 2**20},
    )


def test_a_body_that_stops_arriving_is_408_in_thai(client, world, admin):
    """Only a paused body meets the deadline: the app is driven through ASGI, with a
    ``receive`` that gives a first piece and then nothing."""
    answers = [_paused_post(client, admin | lang) for lang in (THAI, ENGLISH)]
    for (status, headers, body), language in zip(answers, ("th", "en"), strict=True):
        assert status == 408 and headers[b"content-language"] == language.encode()
        assert body["detail"] == render("body_idle", language, {"seconds": "0.3"})


def _paused_post(client: TestClient, headers: dict[str, str]) -> tuple[int, dict, dict]:
    sent: list[dict[str, Any]] = []
    pieces = iter([{"type": "http.request", "body": b'{"username": ', "more_body": True}])

    async def receive() -> dict[str, Any]:
        piece = next(pieces, None)
        if piece is None:
            await asyncio.sleep(30)  # the deadline (0.3 s) ends this wait
        return piece or {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/users",
        "raw_path": b"/api/v1/users",
        "root_path": "",
        "query_string": b"",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }

    async def drive() -> None:
        await client.app(scope, receive, send)

    client.portal.call(drive)  # type: ignore[union-attr]
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), json.loads(body)


def test_sign_in_back_off_429_is_thai(engine, settings, make_user):
    make_user("viewer", username="grace")
    limited = settings.model_copy(update={"login_max_failures": 2})
    wrong = {"grant_type": "password", "username": "grace", "password": "guess guess"}
    with TestClient(create_app(limited, engine=engine, migrate=False)) as client:
        for _ in range(2):
            assert client.post("/api/v1/auth/token", data=wrong).status_code == 400
        for lang, language in ((THAI, "th"), (ENGLISH, "en")):
            r = client.post("/api/v1/auth/token", data=wrong, headers=lang)
            assert r.status_code == 429, r.text
            params = {"seconds": r.json()["retry_after"]}
            _worded(r, 429, "throttled_account", params, language)


def test_a_wrong_password_is_thai(client, make_user):
    make_user("viewer", username="ann")
    wrong = {"grant_type": "password", "username": "ann", "password": "not it at all"}
    _both(
        lambda lang: client.post("/api/v1/auth/token", data=wrong, headers=lang),
        400,
        "sign_in_failed",
        {},
    )


def test_webhook_endpoint_validation_is_thai(client, world, admin):
    def refused(lang: dict[str, str]) -> Any:
        r = client.post(
            "/api/v1/webhooks",
            headers=admin | lang,
            json={"url": "ftp://example.org/hook", "events": ["round.closed"]},
        )
        assert r.json()["type"] == "urn:sqs:problem:webhook_url_refused", r.text
        return r

    _both(refused, 422, "webhook_url_scheme", {})
