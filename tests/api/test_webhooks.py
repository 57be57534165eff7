"""Webhooks through the API, delivered to a real HTTP receiver on 127.0.0.1.

The receiver is a tiny ``http.server`` in a thread; 127.0.0.1 is in the allow-list (it is
loopback, so without it the registration is refused — tested too). Signatures are checked with
the independent verifier of ``tests/services/test_webhook_signing.py``.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from api.main import create_app
from persistence.db import make_engine
from persistence.types import utcnow
from services.webhooks import BACKOFF, deliver_due
from tests.api.conftest import UNIT_VALUES
from tests.services.test_webhook_signing import verify

NARRATIVE = "ผลการดำเนินงานเป็นไปตามแผน"


class Receiver:
    """A local webhook receiver: answers the scripted statuses in turn, keeps what it got."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.got: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/sqs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def allow_local(settings):
    settings.webhook_allow_hosts = ["127.0.0.1"]
    return settings


def register(client, admin, url, events=("report.submitted",)):
    r = client.post("/api/v1/webhooks", headers=admin, json={"url": url, "events": list(events)})
    assert r.status_code == 201, r.text
    return r.json()


def submit_report(client, world, unit="BKK01"):
    """The unit's officer fills and submits its 6-month report (emits report.submitted)."""
    url = f"/api/v1/rounds/{world.r6}/units/{unit}/report"
    officer = client.app_make_user("unit_officer", unit_code=unit)
    for no, value in UNIT_VALUES.items():
        assert (
            client.put(
                f"{url}/indicators/{no}", headers=officer, json=value | {"narrative": NARRATIVE}
            ).status_code
            == 200
        )
    r = client.post(f"{url}/submit", headers=officer)
    assert r.status_code == 200, r.text


@pytest.fixture
def admin(client, make_user):
    client.app_make_user = make_user
    return make_user("admin")


def test_register_shows_the_secret_once(client, world, admin, allow_local, receiver):
    r = client.post(
        "/api/v1/webhooks",
        headers=admin | {"Idempotency-Key": "hook-1"},
        json={"url": receiver.url, "events": ["report.approved", "report.submitted"]},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["report.submitted", "report.approved"]
    assert r.headers["cache-control"] == "no-store"
    listed = client.get("/api/v1/webhooks", headers=admin).json()
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{created['id']}", headers=admin).json()
    replay = client.post(
        "/api/v1/webhooks",
        headers=admin | {"Idempotency-Key": "hook-1"},
        json={"url": receiver.url, "events": ["report.approved", "report.submitted"]},
    )
    assert replay.status_code == 201 and replay.json()["secret"] is None
    assert replay.json()["id"] == created["id"]
    audit = client.get(
        "/api/v1/audit-events", headers=admin, params={"action": "webhook.create"}
    ).json()
    assert len(audit["items"]) == 1 and created["secret"] not in json.dumps(audit)


def test_unknown_events_are_422(client, world, admin):
    r = client.post(
        "/api/v1/webhooks",
        headers=admin,
        json={"url": "https://93.184.215.14/h", "events": ["report.deleted"]},
    )
    assert r.status_code == 422
    r = client.post(
        "/api/v1/webhooks", headers=admin, json={"url": "https://93.184.215.14/h", "events": []}
    )
    assert r.status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.20.30.40/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://localhost:8080/hook",
        "http://192.168.1.10/hook",
        "http://[fd00::1]/hook",
    ],
)
def test_ssrf_targets_are_refused(client, world, admin, url):
    r = client.post(
        "/api/v1/webhooks", headers=admin, json={"url": url, "events": ["round.closed"]}
    )
    assert r.status_code == 422, r.text
    assert r.json()["type"] == "urn:sqs:problem:webhook_url_refused"
    assert client.get("/api/v1/webhooks", headers=admin).json() == []


def test_refusals_answer_in_thai_to_a_thai_caller(client, world, admin):
    thai = admin | {"Accept-Language": "th"}
    r = client.post(
        "/api/v1/webhooks",
        headers=thai,
        json={"url": "http://10.1.2.3/h", "events": ["round.closed"]},
    )
    assert r.status_code == 422 and r.json()["type"] == "urn:sqs:problem:webhook_url_refused"
    assert "10.1.2.3" in r.json()["detail"] and "ที่อยู่สาธารณะ" in r.json()["detail"]
    english = client.post(
        "/api/v1/webhooks",
        headers=admin,
        json={"url": "http://10.1.2.3/h", "events": ["round.closed"]},
    )
    assert "public addresses" in english.json()["detail"]
    r = client.get("/api/v1/webhooks/999", headers=thai)
    assert r.status_code == 404 and "ไม่มีปลายทาง webhook หมายเลข 999" in r.json()["detail"]


def test_allow_list_admits_named_hosts_only(client, world, admin, settings):
    settings.webhook_allow_hosts = ["localhost", "127.0.0.1"]
    for url in ("http://localhost:8080/hook", "http://127.0.0.1:9/x"):
        assert (
            client.post(
                "/api/v1/webhooks", headers=admin, json={"url": url, "events": ["round.closed"]}
            ).status_code
            == 201
        )
    for url in ("http://127.0.0.2/x", "http://[::1]/x", "http://10.0.0.1/x"):
        assert (
            client.post(
                "/api/v1/webhooks", headers=admin, json={"url": url, "events": ["round.closed"]}
            ).status_code
            == 422
        )


def test_delivery_to_a_local_receiver_verifies(client, world, admin, allow_local, receiver, engine):
    hook = register(client, admin, receiver.url)
    submit_report(client, world)
    assert receiver.got == []  # nothing is sent by the request itself
    now = utcnow()
    with httpx.Client() as http:
        report = deliver_due(
            engine, now=now, client=http, allow_hosts=allow_local.webhook_allow_hosts
        )
    assert report.delivered == 1, report
    [(headers, body)] = receiver.got
    verify(hook["secret"], headers, body, now=int(time.time()))
    event = json.loads(body)
    assert event["type"] == "report.submitted"
    assert event["data"]["unit_code"] == "BKK01" and event["data"]["round_id"] == world.r6
    assert event["data"]["on_time"] in (True, False)
    assert headers["content-type"] == "application/json"

    page = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
    [d] = page["items"]
    want = {
        "status": "delivered",
        "attempts": 1,
        "last_status_code": 200,
        "last_error": None,
        "event_type": "report.submitted",
        "event_id": headers["webhook-id"],
        "next_attempt_at": None,
    }
    assert {k: d[k] for k in want} == want


def test_a_failure_is_retried_later_and_then_succeeds(client, world, admin, allow_local, engine):
    with Receiver(statuses=(500, 200)) as receiver:
        hook = register(client, admin, receiver.url)
        submit_report(client, world)
        t0 = utcnow()
        hosts = allow_local.webhook_allow_hosts
        with httpx.Client() as http:
            first = deliver_due(engine, now=t0, client=http, allow_hosts=hosts)
            assert (first.attempted, first.retrying) == (1, 1)
            d = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()[
                "items"
            ][0]
            assert (d["status"], d["attempts"], d["last_status_code"], d["last_error"]) == (
                "pending",
                1,
                500,
                "HTTP 500",
            )
            assert d["next_attempt_at"] is not None
            early = deliver_due(
                engine, now=t0 + timedelta(seconds=10), client=http, allow_hosts=hosts
            )
            assert early.attempted == 0 and len(receiver.got) == 1
            later = deliver_due(engine, now=t0 + BACKOFF[0], client=http, allow_hosts=hosts)
            assert later.delivered == 1
        assert len(receiver.got) == 2
        assert receiver.got[0][0]["webhook-id"] == receiver.got[1][0]["webhook-id"]
        for headers, body in receiver.got:
            verify(hook["secret"], headers, body, now=int(time.time()), tolerance=600)
    d = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()["items"][0]
    assert (d["status"], d["attempts"], d["last_status_code"], d["last_error"]) == (
        "delivered",
        2,
        200,
        None,
    )


def test_no_event_is_lost_when_the_app_stops_before_delivery(
    world, make_user, allow_local, engine, settings, receiver
):
    admin = make_user("admin")
    with TestClient(create_app(settings, engine=engine, migrate=False)) as first:
        first.app_make_user = make_user
        hook = register(first, admin, receiver.url, events=("report.submitted", "round.closed"))
        submit_report(first, world)
        assert (
            first.put(
                f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"}
            ).status_code
            == 200
        )
    # the app has stopped; no worker ever ran
    assert receiver.got == []

    # a new process: a new engine on the same database, a new app
    url = engine.url.render_as_string(hide_password=False)
    fresh = make_engine(url)
    try:
        with httpx.Client() as http:
            report = deliver_due(
                fresh, now=utcnow(), client=http, allow_hosts=settings.webhook_allow_hosts
            )
        assert report.delivered == 2
        types = [json.loads(body)["type"] for _h, body in receiver.got]
        assert sorted(types) == ["report.submitted", "round.closed"]
        for headers, body in receiver.got:
            verify(hook["secret"], headers, body, now=int(time.time()))
        with TestClient(create_app(settings, engine=fresh, migrate=False)) as again:
            items = again.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()[
                "items"
            ]
            assert {i["status"] for i in items} == {"delivered"} and len(items) == 2
    finally:
        fresh.dispose()


def test_deleted_endpoint_gets_nothing_more(client, world, admin, allow_local, receiver, engine):
    hook = register(client, admin, receiver.url)
    submit_report(client, world)
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin).status_code == 204
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin).status_code == 204
    with httpx.Client() as http:
        deliver_due(engine, now=utcnow(), client=http, allow_hosts=allow_local.webhook_allow_hosts)
    assert receiver.got == []
    assert client.get("/api/v1/webhooks", headers=admin).json() == []
    gone = client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin).json()
    assert gone["is_active"] is False
    assert client.delete("/api/v1/webhooks/999", headers=admin).status_code == 404


def test_a_failed_delivery_can_be_retried_by_hand(client, world, admin, allow_local, engine):
    with Receiver(statuses=(500,)) as down:
        hook = register(client, admin, down.url)
        submit_report(client, world)
        t = utcnow()
        with httpx.Client() as http:
            for wait in (timedelta(0), *BACKOFF):
                t = t + wait
                deliver_due(engine, now=t, client=http, allow_hosts=allow_local.webhook_allow_hosts)
        d = client.get(
            f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin, params={"status": "failed"}
        ).json()["items"][0]
        assert d["attempts"] == len(BACKOFF) + 1
        down.statuses = [200]
        r = client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{d['id']}/retry", headers=admin)
        assert (
            r.status_code == 200 and r.json()["status"] == "pending" and r.json()["attempts"] == 0
        )
        with httpx.Client() as http:
            deliver_due(
                engine,
                now=utcnow() + timedelta(seconds=1),
                client=http,
                allow_hosts=allow_local.webhook_allow_hosts,
            )
    d = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()["items"][0]
    assert d["status"] == "delivered"


def test_the_lifespan_worker_delivers_by_itself(world, make_user, engine, settings, receiver):
    """The app's own background worker (enabled here) fans out and delivers within seconds."""
    settings.webhook_allow_hosts = ["127.0.0.1"]
    settings.webhook_worker_enabled = True
    settings.webhook_worker_interval_seconds = 0.1
    app = create_app(settings, engine=engine, migrate=False)
    admin = make_user("admin")
    with TestClient(app) as c:
        c.app_make_user = make_user
        hook = register(c, admin, receiver.url)
        submit_report(c, world)
        deadline = time.monotonic() + 10
        while not receiver.got and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(receiver.got) == 1
    headers, body = receiver.got[0]
    verify(hook["secret"], headers, body, now=int(time.time()))
    # and as a receiver using the Standard Webhooks library verifies it
    assert Webhook(hook["secret"]).verify(body, headers)["type"] == "report.submitted"


def test_webhook_routes_are_admin_only(client, world, make_user):
    viewer = make_user("viewer")
    assert client.get("/api/v1/webhooks", headers=viewer).status_code == 403
    assert (
        client.post(
            "/api/v1/webhooks",
            headers=viewer,
            json={"url": "https://93.184.215.14/h", "events": ["round.closed"]},
        ).status_code
        == 403
    )
    assert client.get("/api/v1/webhooks").status_code == 401


def test_payloads_carry_what_a_receiver_acts_on_without_calling_back(
    client, world, admin, allow_local, receiver, engine
):
    """Versioned payloads: the unit's names, the round's year, months and dates, and for an
    approval the overall and the level with its names."""
    hook = register(
        client, admin, receiver.url, events=("report.submitted", "report.approved", "round.closed")
    )
    submit_report(client, world)
    inspector = client.app_make_user("inspector", unit_codes=["BKK01"])
    report = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    assert client.post(f"{report}/approve", headers=inspector).status_code == 200
    closed = client.put(
        f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"}
    )
    assert closed.status_code == 200
    with httpx.Client() as http:
        for _ in range(3):
            deliver_due(engine, now=utcnow(), client=http, allow_hosts=["127.0.0.1"])
    events = {e["type"]: e for e in (json.loads(body) for _h, body in receiver.got)}
    assert set(events) == {"report.submitted", "report.approved", "round.closed"}
    assert {e["version"] for e in events.values()} == {2}
    score = client.get(f"{report.removesuffix('/report')}/score", headers=admin).json()
    approved = events["report.approved"]["data"]
    assert approved["unit_code"] == "BKK01" and approved["unit_name_en"] == "Bangkok Area 1"
    assert approved["unit_name_th"].startswith("สำนักงาน")
    assert (approved["year_be"], approved["months"], approved["round_id"]) == (2558, 6, world.r6)
    assert approved["deadline"] == "2015-04-10" and approved["period_end"] == "2015-03-31"
    assert approved["overall"] == score["overall"] and approved["level"] == score["level"]
    assert approved["level_name_en"] == score["level_name_en"]
    assert approved["approved_at"]
    assert events["report.submitted"]["data"]["unit_name_en"] == "Bangkok Area 1"
    round_closed = events["round.closed"]["data"]
    assert (round_closed["year_be"], round_closed["months"]) == (2558, 6)
    assert round_closed["period_start"] == "2014-10-01"
    assert hook["id"]
