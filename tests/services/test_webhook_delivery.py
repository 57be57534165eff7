"""The delivery worker without HTTP routes: fan-out, signing on the wire, back-off, give-up,
410 Gone, DNS re-checks with address pinning, leases and concurrent workers.

Receivers are ``httpx.MockTransport`` handlers; DNS is a resolver over a dictionary, given to
every ``deliver_due`` of this module, so these tests never touch the network.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from persistence.tables import OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import events, webhooks
from services.webhooks import BACKOFF, MAX_ATTEMPTS, deliver_due
from services.webhooks.address_guard import AddressGuard
from services.webhooks.delivery import DeliveryPass
from tests.services.test_webhook_signing import verify

HOOK = "https://hooks.example.org/sqs"
DNS = {"hooks.example.org": ["93.184.215.14"], "other.example.org": ["2606:4700:4700::1111"]}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    answers = dict(DNS)

    def resolve(host, port):
        if host not in answers:
            raise OSError(f"unknown host {host}")
        return answers[host]

    # every deliver_due below asks this resolver, never the system's
    injected = functools.partial(webhooks.deliver_due, resolver=resolve)
    monkeypatch.setattr(sys.modules[__name__], "deliver_due", injected)
    return answers


def add_endpoint(engine, url=HOOK, types=("report.submitted",), active=True):
    secret = webhooks.generate_secret()
    with UnitOfWork(engine, write=True) as uow:
        row = WebhookEndpointRow(
            url=url, secret=secret, events=",".join(types), is_active=active, created_at=utcnow()
        )
        uow.repos.notifications.add(row)
        uow.repos.notifications.flush()
        endpoint_id = row.id
    return endpoint_id, secret


def emit(engine, event_type="report.submitted", **data):
    with UnitOfWork(engine, write=True) as uow:
        events.emit(uow, event_type, {"round_id": 1, "unit_code": "BKK01"} | data)


def deliveries(engine):
    with Session(engine) as s:
        return s.exec(select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.id)).all()


class Receiver:
    """Answers with the scripted statuses in turn (then the last one), records every request."""

    def __init__(self, *statuses, headers=None, delay=0.0):
        self.statuses = list(statuses) or [200]
        self.headers = headers or {}
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if self.delay:
            time.sleep(self.delay)
        return httpx.Response(status, headers=self.headers)

    def client(self):
        return httpx.Client(transport=httpx.MockTransport(self))


def test_fan_out_by_subscription_once(engine):
    a, _ = add_endpoint(engine, types=("report.submitted",))
    b, _ = add_endpoint(engine, types=("round.closed", "report.approved"))
    add_endpoint(engine, types=("report.submitted",), active=False)
    emit(engine, "report.submitted")
    emit(engine, "round.closed", months=6)
    emit(engine, "score.changed")
    receiver = Receiver(200)
    report = deliver_due(engine, now=utcnow(), client=receiver.client())
    assert (report.fanned_out, report.created, report.delivered) == (3, 2, 2)
    got = {(d.endpoint_id, d.outbox_id) for d in deliveries(engine)}
    assert got == {(a, 1), (b, 2)}
    with Session(engine) as s:
        assert all(e.dispatched_at is not None for e in s.exec(select(OutboxEventRow)).all())
    again = deliver_due(engine, now=utcnow() + timedelta(hours=1), client=receiver.client())
    assert (again.fanned_out, again.created, again.attempted) == (0, 0, 0)
    assert len(receiver.requests) == 2


def test_an_endpoint_gets_only_events_after_its_registration(engine):
    emit(engine)
    add_endpoint(engine)
    emit(engine)
    deliver_due(engine, now=utcnow(), client=Receiver(200).client())
    assert [d.outbox_id for d in deliveries(engine)] == [2]


def test_request_is_signed_and_sent_to_the_checked_address(engine):
    _, secret = add_endpoint(engine)
    emit(engine, comment="โปรดแก้ไข")
    receiver = Receiver(204)
    now = utcnow()
    deliver_due(engine, now=now, client=receiver.client())
    [request] = receiver.requests
    assert request.method == "POST"
    # pinned: the connection goes to the address that passed the check, the name rides along
    assert request.url.host == "93.184.215.14" and request.url.path == "/sqs"
    assert request.headers["host"] == "hooks.example.org"
    assert request.extensions["sni_hostname"] == "hooks.example.org"
    verify(secret, dict(request.headers), request.content, now=int(now.timestamp()))
    body = json.loads(request.content)
    assert body["type"] == "report.submitted" and body["data"]["comment"] == "โปรดแก้ไข"
    with Session(engine) as s:
        event = s.exec(select(OutboxEventRow)).one()
    assert request.headers["webhook-id"] == event.event_id
    [d] = deliveries(engine)
    assert (d.status, d.attempts, d.last_status_code, d.last_error) == ("delivered", 1, 204, None)


def test_a_receiver_verifies_a_delivery_with_the_standardwebhooks_library(engine):
    """What a receiver runs: the Standard Webhooks reference library, with the secret exactly as
    the registration answered it (``whsec_`` + padded base64)."""
    from standardwebhooks import Webhook, WebhookVerificationError

    _, secret = add_endpoint(engine)
    emit(engine, comment="โปรดแก้ไขตัวชี้วัดที่ 3")
    receiver = Receiver(200)
    deliver_due(engine, now=utcnow(), client=receiver.client())
    [request] = receiver.requests
    payload = Webhook(secret).verify(request.content, dict(request.headers))
    assert payload["data"]["comment"] == "โปรดแก้ไขตัวชี้วัดที่ 3"
    assert request.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.generate_secret()).verify(request.content, dict(request.headers))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.content.replace(b"3", b"4"), dict(request.headers))


def test_the_worker_asks_the_resolver_it_was_given(engine):
    """The worker's DNS is a dependency: the resolver it was built with, never a module's."""
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["10.0.0.9"]  # the name points inside: refused before any connection

    add_endpoint(engine)
    emit(engine)
    worker = webhooks.WebhookWorker(engine, allow_hosts=[], interval=60, resolver=resolver)
    worker.opened()
    try:
        report = worker.tick()
    finally:
        worker.closed()
    assert asked == ["hooks.example.org"] and report.attempted == 1
    [d] = deliveries(engine)
    assert d.last_error.startswith("refused:") and "10.0.0.9" in d.last_error


def test_ipv6_targets_are_pinned_with_brackets(engine):
    add_endpoint(engine, url="https://other.example.org:8443/in")
    emit(engine)
    receiver = Receiver(200)
    deliver_due(engine, now=utcnow(), client=receiver.client())
    [request] = receiver.requests
    assert request.url.host == "2606:4700:4700::1111" and request.url.port == 8443
    assert request.headers["host"] == "other.example.org:8443"


def test_back_off_schedule_then_failed(engine):
    add_endpoint(engine)
    emit(engine)
    receiver = Receiver(500)
    t = utcnow()
    deliver_due(engine, now=t, client=receiver.client())
    ids = []
    for attempt, wait in enumerate(BACKOFF, start=1):
        [d] = deliveries(engine)
        assert (d.status, d.attempts, d.last_status_code) == ("pending", attempt, 500)
        assert d.next_attempt_at == t + wait
        ids.append(receiver.requests[-1].headers["webhook-id"])
        # one second early: nothing is sent
        deliver_due(engine, now=t + wait - timedelta(seconds=1), client=receiver.client())
        assert len(receiver.requests) == attempt
        t = t + wait
        deliver_due(engine, now=t, client=receiver.client())
    [d] = deliveries(engine)
    assert (d.status, d.attempts, d.last_error) == ("failed", MAX_ATTEMPTS, "HTTP 500")
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert len(set(ids)) == 1  # the same webhook-id on every retry
    stamps = [int(r.headers["webhook-timestamp"]) for r in receiver.requests]
    assert stamps == sorted(stamps) and stamps[0] < stamps[-1]  # a fresh timestamp per attempt
    deliver_due(engine, now=t + timedelta(days=30), client=receiver.client())
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_retry_after_is_honoured_within_the_cap(engine):
    add_endpoint(engine)
    emit(engine)
    t = utcnow()
    deliver_due(engine, now=t, client=Receiver(503, headers={"Retry-After": "300"}).client())
    assert deliveries(engine)[0].next_attempt_at == t + timedelta(seconds=300)
    t2 = t + timedelta(seconds=300)
    deliver_due(engine, now=t2, client=Receiver(429, headers={"Retry-After": "99999999"}).client())
    assert deliveries(engine)[0].next_attempt_at == t2 + BACKOFF[-1]


def test_gone_disables_the_endpoint_and_cancels_its_queue(engine):
    endpoint_id, _ = add_endpoint(engine)
    emit(engine)
    emit(engine)
    receiver = Receiver(410)
    deliver_due(engine, now=utcnow(), client=receiver.client(), batch_size=1)
    assert len(receiver.requests) == 1
    statuses = [d.status for d in deliveries(engine)]
    assert statuses == ["failed", "cancelled"]
    with Session(engine) as s:
        assert s.get(WebhookEndpointRow, endpoint_id).is_active is False


def test_dns_is_checked_again_at_delivery(engine, fake_dns):
    add_endpoint(engine)
    emit(engine)
    fake_dns["hooks.example.org"] = ["93.184.215.14", "10.0.0.5"]  # the name now points inside
    receiver = Receiver(200)
    deliver_due(engine, now=utcnow(), client=receiver.client())
    assert receiver.requests == []
    [d] = deliveries(engine)
    assert d.status == "pending" and d.attempts == 1 and d.last_status_code is None
    assert d.last_error.startswith("refused:") and "10.0.0.5" in d.last_error


def test_network_errors_and_redirects_are_failures(engine):
    add_endpoint(engine)
    emit(engine)

    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    t = utcnow()
    deliver_due(engine, now=t, client=httpx.Client(transport=httpx.MockTransport(refuse)))
    [d] = deliveries(engine)
    assert d.status == "pending" and d.last_error.startswith("ConnectError")
    redirect = Receiver(302, headers={"Location": "http://169.254.169.254/"})
    deliver_due(engine, now=t + BACKOFF[0], client=redirect.client())
    assert len(redirect.requests) == 1  # never followed
    assert deliveries(engine)[0].last_error == "HTTP 302"


def test_a_claim_is_leased_and_retried_if_the_sender_dies(engine):
    add_endpoint(engine)
    emit(engine)
    t = utcnow()
    webhooks.fan_out(engine, now=t)
    leased = DeliveryPass(engine, now=t, client=Receiver(200).client(), guard=AddressGuard())
    claims = leased.claim()  # claimed, then the process "dies" before sending
    assert len(claims) == 1
    receiver = Receiver(200)
    deliver_due(engine, now=t + timedelta(seconds=30), client=receiver.client())
    assert receiver.requests == []  # still leased to the dead worker
    deliver_due(engine, now=t + webhooks.LEASE, client=receiver.client())
    assert len(receiver.requests) == 1 and deliveries(engine)[0].status == "delivered"


def test_concurrent_workers_never_send_twice(engine):
    add_endpoint(engine)
    for i in range(12):
        emit(engine, n=i)
    receiver = Receiver(200, delay=0.05)
    now = utcnow()
    errors = []

    def work():
        try:
            deliver_due(engine, now=now, client=receiver.client(), batch_size=3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert all(d.status == "delivered" and d.attempts == 1 for d in deliveries(engine))


def test_stopping_hands_unsent_claims_back_at_once(engine):
    add_endpoint(engine)
    for i in range(3):
        emit(engine, n=i)
    receiver = Receiver(200)
    t = utcnow()
    asked = []

    def stop():
        asked.append(1)
        return len(asked) > 1  # the service shuts down after the first request

    deliver_due(engine, now=t, client=receiver.client(), stop=stop)
    assert len(receiver.requests) == 1
    rows = deliveries(engine)
    assert [d.status for d in rows] == ["delivered", "pending", "pending"]
    assert all(d.next_attempt_at == t and d.attempts == 0 for d in rows[1:])  # not leased
    deliver_due(engine, now=t, client=receiver.client())
    assert len(receiver.requests) == 3


def test_an_idle_pass_writes_nothing(engine):
    add_endpoint(engine)
    report = deliver_due(engine, now=utcnow(), client=Receiver(200).client())
    assert (report.fanned_out, report.attempted) == (0, 0)


def test_endpoint_refusals_are_message_codes_in_both_languages(engine):
    """The service's own checks (behind the API's schema) speak through message codes."""
    from domain.messages import render
    from services.errors import NotFound, Unprocessable
    from services.principal import Principal

    admin = Principal(subject="user:1", role="admin")
    with UnitOfWork(engine, write=True) as uow:
        with pytest.raises(Unprocessable) as refused:
            webhooks.create_endpoint(
                uow, admin, url=HOOK, events=["report.deleted"], allow_hosts=[]
            )
        assert refused.value.code == "webhook_events_unknown"
        assert "report.deleted" in render("webhook_events_unknown", "th", refused.value.params)
        with pytest.raises(Unprocessable) as refused:
            webhooks.create_endpoint(uow, admin, url=HOOK, events=[], allow_hosts=[])
        assert refused.value.code == "webhook_events_empty"
        with pytest.raises(Unprocessable) as refused:
            webhooks.create_endpoint(
                uow,
                admin,
                url=HOOK,
                events=["round.closed"],
                allow_hosts=[],
                resolver=lambda host, port: ["192.168.4.4"],
            )
        assert refused.value.code == "webhook_address_not_public"
        assert refused.value.kind == "webhook_url_refused"
        assert "192.168.4.4" in refused.value.detail
        with pytest.raises(NotFound) as missing:
            webhooks.retry_delivery(uow, admin, 999, 1, utcnow())
        assert missing.value.code == "webhook_not_found"
