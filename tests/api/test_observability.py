"""Request ids, the JSON access log, ``GET /metrics`` and CORS, through the app.

The access lines are read from a handler added to the ``sqs.access`` logger, the records
themselves, so a test also sees what a record carries besides its message.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.main import create_app
from api.observability.log_writer import StderrLines
from tests.api.conftest import UNIT_VALUES
from tests.api.test_evidence import sample_pdf, upload
from tests.api.test_webhooks import Receiver

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
SCORE_ROUTE = "/api/v1/rounds/{round_id}/units/{unit_code}/score"
LINE_KEYS = {"ts", "level", "request_id", "method", "route", "status", "duration_ms", "principal"}
NARRATIVE = "ดำเนินการครบถ้วนตามแผน"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(r.getMessage()) for r in self.records]


@pytest.fixture
def access_log(client: TestClient) -> Iterator[Lines]:
    """The access lines of the requests made from here on (after the app's start-up)."""
    handler = Lines()
    logger = logging.getLogger("sqs.access")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def scrape(
    client: TestClient, **headers: str
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics`` by (name, sorted labels)."""
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def sample(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- request ids --------------------------------------------------------------------------------


def test_a_sane_request_id_is_echoed_and_logged(client, access_log):
    r = client.get("/api/v1/health", headers={"X-Request-ID": "edge-01.Abc_9"})
    assert r.status_code == 200
    assert r.headers["x-request-id"] == "edge-01.Abc_9"
    [line] = access_log.parsed()
    assert line["request_id"] == "edge-01.Abc_9"


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "two words",
        "a;b=c",
        "../../etc/passwd",
        '"quoted"',
        "x" * 65,  # longer than the audit trail's request_id column
        "line\tbreak",
    ],
)
def test_a_missing_or_hostile_request_id_is_replaced(client, access_log, hostile):
    r = client.get("/api/v1/health", headers={"X-Request-ID": hostile})
    generated = r.headers["x-request-id"]
    assert GENERATED_ID.fullmatch(generated) and uuid.UUID(generated).version == 4, generated
    assert access_log.parsed()[0]["request_id"] == generated
    other = client.get("/api/v1/health").headers["x-request-id"]
    assert GENERATED_ID.fullmatch(other) and other != generated


def test_error_answers_carry_the_request_id(client, access_log, make_user):
    not_found = client.get("/no/such/path", headers={"X-Request-ID": "req-404"})
    assert not_found.status_code == 404 and not_found.headers["x-request-id"] == "req-404"
    unauthorized = client.get("/api/v1/me", headers={"X-Request-ID": "req-401"})
    assert unauthorized.status_code == 401 and unauthorized.headers["x-request-id"] == "req-401"
    wrong_method = client.delete("/api/v1/health", headers={"X-Request-ID": "req-405"})
    assert wrong_method.status_code == 405 and wrong_method.headers["x-request-id"] == "req-405"
    lines = access_log.parsed()
    assert [(x["route"], x["status"]) for x in lines] == [
        ("unmatched", 404),
        ("/api/v1/me", 401),
        ("/api/v1/health", 405),
    ]


def test_an_unexpected_error_is_500_with_the_request_id_and_an_error_line(app):
    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/explode", explode, include_in_schema=False)
    handler = Lines()
    logging.getLogger("sqs.access").addHandler(handler)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            r = c.get("/explode", headers={"X-Request-ID": "req-500"})
    finally:
        logging.getLogger("sqs.access").removeHandler(handler)
    assert r.status_code == 500
    assert r.headers["x-request-id"] == "req-500"
    assert r.json()["type"] == "urn:sqs:problem:internal_error"
    [line] = [x for x in handler.parsed() if x["request_id"] == "req-500"]
    assert line["status"] == 500 and line["level"] == "error"


def test_the_request_id_reaches_the_audit_trail(client, world, make_user):
    admin = make_user("admin")
    r = client.post(
        "/api/v1/users",
        headers=admin | {"X-Request-ID": "audit-trail-1"},
        json={
            "username": "viewer-rid",
            "password": "a long enough password",
            "role": "viewer",
        },
    )
    assert r.status_code == 201, r.text
    events = client.get("/api/v1/audit-events", headers=admin).json()["items"]
    assert "audit-trail-1" in {e["request_id"] for e in events}


# --- the access line ----------------------------------------------------------------------------


def test_one_line_per_request_with_template_status_and_principal(
    client, world, make_user, access_log
):
    officer = make_user("unit_officer", unit_code="BKK01")
    subject = client.get("/api/v1/me", headers=officer).json()["subject"]
    access_log.records.clear()

    url = f"/api/v1/rounds/{world.r6}/units/BKK01/score"
    assert client.get(url, headers=officer).status_code == 200
    assert client.get(url).status_code == 401
    # a query string is never logged (here one the route refuses: it takes no parameters)
    assert client.get(f"{url}?access_token=leak-me", headers=officer).status_code == 400

    assert len(access_log.records) == 3
    first, second, third = access_log.parsed()
    assert set(first) == LINE_KEYS
    assert first["route"] == SCORE_ROUTE and second["route"] == SCORE_ROUTE
    assert (first["method"], first["status"], first["level"]) == ("GET", 200, "info")
    assert first["principal"] == subject and subject.startswith("user:")
    assert second["status"] == 401 and second["principal"] is None
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert datetime.fromisoformat(first["ts"]).utcoffset().total_seconds() == 0
    assert third["route"] == SCORE_ROUTE and third["status"] == 400
    for record in access_log.records:
        raw = record.getMessage()
        assert "BKK01" not in raw and "leak-me" not in raw and "access_token" not in raw


def test_a_password_sign_in_logs_no_password_and_no_token(client, make_user, access_log):
    password = "correct horse battery staple"
    make_user("viewer", username="signer", password=password)
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "signer", "password": password},
    )
    assert r.status_code == 200, r.text
    tokens = r.json()
    wrong = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "signer", "password": "Wrong-" + password},
    )
    assert wrong.status_code == 400  # invalid_grant (RFC 6749 §5.2)

    assert [(x["route"], x["status"]) for x in access_log.parsed()] == [
        ("/api/v1/auth/token", 200),
        ("/api/v1/auth/token", 400),
    ]
    secrets = [password, "Wrong-", tokens["access_token"], tokens["refresh_token"], "signer"]
    for record in access_log.records:
        everything = record.getMessage() + repr(record.args) + repr(vars(record))
        for secret in secrets:
            assert secret not in everything


def test_the_stderr_handler_writes_every_line_in_order(capsys):
    handler = StderrLines()
    logger = logging.getLogger("sqs.test-writer")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n in range(250):
            logger.warning('{"n": %d}', n)
        handler.flush()  # what logging.shutdown does at exit
    finally:
        logger.removeHandler(handler)
    deadline = time.monotonic() + 5  # the writer thread may hold the last batch a moment
    seen: list[int] = []
    while time.monotonic() < deadline and len(seen) < 250:
        seen += [json.loads(x)["n"] for x in capsys.readouterr().err.splitlines()]
        time.sleep(0.05)
    assert seen == list(range(250))


def test_the_lines_are_on_stderr_when_the_app_has_shut_down(app, capsys):
    with TestClient(app) as c:
        c.get("/api/v1/health", headers={"X-Request-ID": "last-words"})
    # no waiting for the writer thread: the shutdown wrote what was left
    [line] = [json.loads(x) for x in capsys.readouterr().err.splitlines() if "last-words" in x]
    assert line["route"] == "/api/v1/health"


# --- metrics ------------------------------------------------------------------------------------


def test_metrics_count_requests_and_time_them(client):
    health = {"route": "/api/v1/health", "method": "GET"}
    before = scrape(client)
    for _ in range(3):
        client.get("/api/v1/health")
    client.get("/no/such/path")
    after = scrape(client)

    assert sample(after, "sqs_http_requests_total", **health, status="200") == (
        sample(before, "sqs_http_requests_total", **health, status="200") + 3
    )
    assert sample(after, "sqs_http_requests_total", route="unmatched", method="GET", status="404")
    count = sample(after, "sqs_http_request_duration_seconds_count", **health)
    assert count == sample(before, "sqs_http_request_duration_seconds_count", **health) + 3
    assert sample(after, "sqs_http_request_duration_seconds_bucket", **health, le="+Inf") == count
    assert sample(after, "sqs_http_request_duration_seconds_sum", **health) > 0
    buckets = [
        v
        for (name, labels), v in after.items()
        if name == "sqs_http_request_duration_seconds_bucket"
        and dict(labels)["route"] == health["route"]
    ]
    assert len(buckets) == 14 and buckets == sorted(buckets)  # cumulative


def test_metrics_count_submissions_and_uploads(client, world, make_user):
    officer = make_user("unit_officer", unit_code="BKK01")
    report = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    before = scrape(client)
    assert sample(before, "sqs_reports_submitted_total") == 0
    assert sample(before, "sqs_evidence_uploads_total", outcome="created") == 0

    evidence = f"{report}/indicators/3/evidence"
    keyed = officer | {"Idempotency-Key": "upload-1"}
    assert upload(client, evidence, keyed, sample_pdf("a"), "a.pdf").status_code == 201
    replay = upload(client, evidence, keyed, sample_pdf("a"), "a.pdf")
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert upload(client, evidence, officer, sample_pdf("a"), "again.pdf").status_code == 200
    for no, value in UNIT_VALUES.items():
        entry = value | {"narrative": NARRATIVE}
        assert (
            client.put(f"{report}/indicators/{no}", headers=officer, json=entry).status_code == 200
        )
    assert client.post(f"{report}/submit", headers=officer).status_code == 200
    assert client.post(f"{report}/submit", headers=officer).status_code == 409  # not counted

    after = scrape(client)
    assert sample(after, "sqs_reports_submitted_total") == 1
    assert sample(after, "sqs_evidence_uploads_total", outcome="created") == 1  # not the replay
    assert sample(after, "sqs_evidence_uploads_total", outcome="duplicate") == 1


def test_metrics_count_webhook_deliveries_of_the_worker(settings, engine, world, make_user):
    settings.webhook_worker_enabled = True
    settings.webhook_worker_interval_seconds = 0.05
    settings.webhook_allow_hosts = ["127.0.0.1"]
    with (
        Receiver() as receiver,
        TestClient(create_app(settings, engine=engine, migrate=False)) as c,
    ):
        admin = make_user("admin")
        r = c.post(
            "/api/v1/webhooks",
            headers=admin,
            json={"url": receiver.url, "events": ["report.submitted"]},
        )
        assert r.status_code == 201, r.text
        officer = make_user("unit_officer", unit_code="BKK01")
        report = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
        for no, value in UNIT_VALUES.items():
            entry = value | {"narrative": NARRATIVE}
            assert (
                c.put(f"{report}/indicators/{no}", headers=officer, json=entry).status_code == 200
            )
        assert c.post(f"{report}/submit", headers=officer).status_code == 200
        deadline = time.monotonic() + 20
        delivered = 0.0
        while time.monotonic() < deadline and not delivered:
            time.sleep(0.05)
            delivered = sample(scrape(c), "sqs_webhook_deliveries_total", outcome="delivered")
        assert delivered == 1 and len(receiver.got) == 1
        assert sample(scrape(c), "sqs_webhook_deliveries_total", outcome="failed") == 0


def test_metrics_token_guards_the_scrape(settings, engine):
    settings.metrics_token = "scrape-token-0123456789"
    with TestClient(create_app(settings, engine=engine, migrate=False)) as c:
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token"},
            {"Authorization": "Basic scrape-token-0123456789"},
            {"Authorization": "Bearer scrape-token-0123456789-and-more"},
            {"Authorization": "Bearer é".encode("latin-1")},  # not ASCII: still a plain 401
        ):
            r = c.get("/metrics", headers=headers)
            assert r.status_code == 401, headers
            assert r.headers["content-type"] == "application/problem+json"
            assert r.headers["www-authenticate"] == "Bearer"
            assert "scrape-token" not in r.text
        assert scrape(c, Authorization="Bearer scrape-token-0123456789")
        assert scrape(c, Authorization="bearer scrape-token-0123456789")


def test_disabled_metrics_are_404_and_the_log_goes_on(settings, engine):
    settings.metrics_enabled = False
    with TestClient(create_app(settings, engine=engine, migrate=False)) as c:
        r = c.get("/metrics", headers={"X-Request-ID": "no-metrics"})
        assert r.status_code == 404 and r.headers["x-request-id"] == "no-metrics"
        assert r.headers["content-type"] == "application/problem+json"


def test_metrics_stay_out_of_the_openapi_document(client):
    assert "/metrics" not in client.get("/api/v1/openapi.json").json()["paths"]


# --- CORS ---------------------------------------------------------------------------------------


def preflight(c: TestClient, origin: str) -> Any:
    return c.options(
        "/api/v1/me",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )


def test_no_cors_headers_unless_origins_are_configured(client):
    r = client.get("/api/v1/health", headers={"Origin": "https://portal.example"})
    assert "access-control-allow-origin" not in r.headers
    assert "access-control-allow-origin" not in preflight(client, "https://portal.example").headers


def test_configured_origins_may_call_and_read_the_request_id(settings, engine):
    settings.cors_origins = ["https://portal.example"]
    with TestClient(create_app(settings, engine=engine, migrate=False)) as c:
        allowed = preflight(c, "https://portal.example")
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        assert "x-request-id" in allowed.headers  # the preflight is logged and answered too
        r = c.get("/api/v1/health", headers={"Origin": "https://portal.example"})
        assert r.headers["access-control-allow-origin"] == "https://portal.example"
        assert "x-request-id" in r.headers["access-control-expose-headers"].lower()
        refused = preflight(c, "https://evil.example")
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
