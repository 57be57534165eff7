"""What the service tells a client besides the body: its release and schema (/health), the
sign-in limit as RateLimit headers, and Deprecation/Sunset on routes that will go."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any

from fastapi.testclient import TestClient

from api.deprecation import Deprecation, apply_deprecations
from api.main import create_app
from api.rate_limit_headers import rate_limit_headers
from api.settings import Settings
from persistence.migrations import alembic_config

TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "correct horse battery staple"


def test_health_reports_the_release_and_the_schema_revision(client):
    from alembic.script import ScriptDirectory

    r = client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["version"] == metadata.version("sqs")
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert body["schema_revision"] == head


def test_the_header_fields_follow_the_structured_field_syntax():
    assert rate_limit_headers("sign-in", quota=5, window=300, remaining=2, reset=41) == {
        "RateLimit-Policy": '"sign-in";q=5;w=300',
        "RateLimit": '"sign-in";r=2;t=41',
    }
    # never negative, and a name is an sf-string
    odd = rate_limit_headers('a"b', quota=1, window=1, remaining=-3, reset=-1)
    assert odd["RateLimit"] == '"a\\"b";r=0;t=0'


def _fields(r: Any, name: str) -> tuple[int, int]:
    found = re.fullmatch(rf'"{name}";r=(\d+);t=(\d+)', r.headers["ratelimit"])
    assert found, r.headers["ratelimit"]
    return int(found[1]), int(found[2])


def test_a_throttled_sign_in_says_what_holds_it_and_when_it_opens(
    engine, settings: Settings, make_user
):
    """The account's back-off and the address's ceiling each answer their own policy: what
    is held back, nothing left, and the seconds until it opens (the same as Retry-After)."""
    make_user("viewer", username="gail")
    limited = settings.model_copy(
        update={
            "login_max_failures": 2,
            "login_backoff_max_seconds": 60,
            "login_address_max_failures": 4,
            "login_window_seconds": 120,
        }
    )
    app = create_app(limited, engine=engine, migrate=False)
    with TestClient(app, client=("10.0.0.9", 5000), raise_server_exceptions=False) as c:

        def attempt(username: str, password: str) -> Any:
            data = {"grant_type": "password", "username": username, "password": password}
            return c.post(TOKEN_URL, data=data)

        assert "ratelimit" not in attempt("gail", PASSWORD).headers  # nothing held back
        for _ in range(2):
            assert attempt("gail", "wrong").status_code == 400
        held = attempt("gail", PASSWORD)
        assert held.status_code == 429
        assert held.headers["ratelimit-policy"] == '"sign-in-account";q=2;w=60'
        assert _fields(held, "sign-in-account") == (0, int(held.headers["retry-after"]))
        data = {"grant_type": "password", "username": "gail", "password": PASSWORD}
        thai = c.post(TOKEN_URL, data=data, headers={"Accept-Language": "th"})
        assert thai.status_code == 429
        assert thai.json()["detail"].startswith("มีการเข้าสู่ระบบของบัญชีนี้ไม่สำเร็จหลายครั้งเกินไป")
        for n in range(2):  # the address reaches its ceiling of 4 failures
            assert attempt(f"nobody{n}", "wrong").status_code == 400
        shut = attempt("somebody", "wrong")
        assert shut.status_code == 429
        assert shut.headers["ratelimit-policy"] == '"sign-in-address";q=4;w=120'
        remaining, reset = _fields(shut, "sign-in-address")
        assert remaining == 0 and reset == int(shut.headers["retry-after"]) and reset <= 120


def test_a_deprecated_route_says_so_on_every_answer(engine, settings: Settings, make_user, world):
    app = create_app(settings, engine=engine, migrate=False)
    since = datetime(2027, 1, 1, tzinfo=UTC)
    sunset = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    link = "https://example.go.th/docs/units"
    apply_deprecations(app, {"get_unit": Deprecation(since, sunset=sunset, link=link)})
    viewer = make_user("viewer")
    with TestClient(app, raise_server_exceptions=False) as c:
        for code, status in (("BKK01", 200), ("NOPE", 404)):
            r = c.get(f"/api/v1/units/{code}", headers=viewer)
            assert r.status_code == status
            assert r.headers["deprecation"] == f"@{int(since.timestamp())}"
            assert parsedate_to_datetime(r.headers["sunset"]) == sunset
            assert r.headers["link"] == f'<{link}>; rel="deprecation"'
        other = c.get("/api/v1/units", headers=viewer)
        assert "deprecation" not in other.headers and "sunset" not in other.headers
        operation = c.get("/api/v1/openapi.json").json()["paths"]["/api/v1/units/{unit_code}"]
        assert operation["get"]["deprecated"] is True


def test_nothing_is_deprecated_today(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert not [
        (path, method)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if op.get("deprecated")
    ]
