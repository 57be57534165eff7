"""Delivering webhooks: fan the outbox out to the endpoints, then send what is due, signed.

1. :func:`fan_out` turns each new outbox event into one delivery row per active endpoint
   subscribed to its type, and marks the event ``dispatched_at`` — one transaction.
2. :func:`deliver_due` claims due deliveries under a lease, sends each outside any transaction
   and records each result in its own short one, on the shared back-off schedule
   (``services.leased_queue``): delivery is at-least-once, and receivers de-duplicate on
   ``webhook-id`` as the standard asks.

Each request goes to the address the guard checked a moment before (``address_guard``): the
host name travels in ``Host`` and TLS SNI, so the certificate is still verified against it and
a different DNS answer between check and connect cannot redirect the request. Each attempt is
bounded in time and in the bytes read of the answer (``exchange``). A receiver's 410 Gone
ends its subscription (Standard Webhooks); its ``Retry-After`` may lengthen a wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from persistence.repositories.notifications import NotificationsRepository
from persistence.repositories.outbox_queue import PENDING
from persistence.tables import WebhookDeliveryRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services.leased_queue import Attempt, LeasedQueuePass, QueueReport
from services.webhooks.address_guard import AddressGuard, Resolver, TargetRefused, system_resolve
from services.webhooks.endpoints import STATUS_CANCELLED, STATUS_DELIVERED, deactivate, events_of
from services.webhooks.exchange import ATTEMPT_SECONDS, AttemptCut, Attempts, Cutoff, exchange
from services.webhooks.exchange import make_client as make_http_client
from services.webhooks.signing import signed_headers

REQUEST_TIMEOUT = 5.0
LEASE = timedelta(seconds=60)
"""How long a claimed delivery stays invisible to other workers while it is being sent; longer
than an attempt's deadline, so a live worker always records its result first."""
BATCH_SIZE = 50
SYSTEM_ACTOR = "system:webhooks"
GONE = 410


@dataclass(frozen=True)
class Claim:
    """A leased delivery and what sending it needs, read while it was locked."""

    delivery_id: int
    endpoint_id: int
    url: str
    secret: str
    event_id: str
    payload: str


@dataclass(frozen=True)
class HttpAttempt(Attempt):
    """An attempt over HTTP: the receiver's status code, when it gave one."""

    status_code: int | None = None


def fan_out(engine: Engine, *, now: datetime, batch_size: int = BATCH_SIZE) -> tuple[int, int]:
    """Turn every not-yet-dispatched outbox event into deliveries; (events, deliveries).

    An endpoint receives the events of its types that happened after it was registered.
    """
    events_done = deliveries = 0
    while True:
        with UnitOfWork(engine, write=True) as uow:
            repo = uow.repos.notifications
            events = repo.claim_new_events(batch_size)
            if not events:
                return events_done, deliveries
            endpoints = repo.endpoints(active_only=True)
            for event in events:
                for endpoint in endpoints:
                    if (
                        event.event_type in events_of(endpoint)
                        and endpoint.created_at <= event.created_at
                    ):
                        repo.add(
                            WebhookDeliveryRow(
                                outbox_id=event.id,  # type: ignore[arg-type]
                                endpoint_id=endpoint.id,  # type: ignore[arg-type]
                                status=PENDING,
                                next_attempt_at=now,
                                created_at=now,
                            )
                        )
                        deliveries += 1
                event.dispatched_at = now
                repo.add(event)
            events_done += len(events)
        if len(events) < batch_size:
            return events_done, deliveries


def _retry_after(headers: httpx.Headers, now: datetime) -> timedelta | None:
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return timedelta(seconds=max(0, int(value)))
    except ValueError:
        pass
    try:
        return max(timedelta(0), parsedate_to_datetime(value) - now)
    except (TypeError, ValueError):
        return None


def send_one(
    claim: Claim,
    client: httpx.Client,
    guard: AddressGuard,
    stamp: datetime,
    *,
    deadline: float,
    cutoff: Cutoff | None,
) -> HttpAttempt:
    """Check the target again, sign with ``stamp`` and send, to the very address checked."""
    try:
        target = guard.check(claim.url)
    except TargetRefused as exc:
        return HttpAttempt(False, f"refused: {exc}")
    timestamp = int(stamp.timestamp())
    headers = signed_headers(claim.secret, claim.event_id, timestamp, claim.payload)
    url = target.url
    extensions: dict[str, Any] = {}
    is_literal = target.addresses == (target.host,)
    if not target.allow_listed and not is_literal:
        # Connect to the address we checked; the name goes in Host and (for TLS) in SNI, so the
        # certificate is still verified against the host name.
        default_port = url.port is None
        headers["host"] = target.host if default_port else f"{target.host}:{target.port}"
        url = url.copy_with(host=target.addresses[0])
        if target.url.scheme == "https":
            extensions["sni_hostname"] = target.host
    try:
        request = client.build_request(
            "POST",
            url,
            content=claim.payload.encode("utf-8"),
            headers=headers,
            extensions=extensions,
            timeout=min(REQUEST_TIMEOUT, deadline),
        )
        # bounded: at most 64 KiB of the answer, and the attempt's overall deadline
        answer = exchange(client, request, deadline=deadline, cutoff=cutoff)
    except (httpx.TimeoutException, AttemptCut):
        return HttpAttempt(False, f"no answer within {deadline:g} s")
    except httpx.HTTPError as exc:
        return HttpAttempt(False, f"{type(exc).__name__}: {exc}"[:500])
    status = answer.status_code
    ok = 200 <= status < 300
    return HttpAttempt(
        ok,
        None if ok else f"HTTP {status}",
        # 410 Gone: the receiver wants no more (Standard Webhooks): stop and disable it.
        permanent=status == GONE,
        retry_after=_retry_after(answer.headers, stamp),
        status_code=status,
    )


@dataclass
class DeliveryReport(QueueReport):
    """What one :func:`deliver_due` call did (for logs, the CLI and tests)."""

    created: int = 0
    """Delivery rows created by the fan-out."""
    delivered: int = 0


class DeliveryPass(LeasedQueuePass[Claim]):
    """One pass over the due deliveries (see :func:`deliver_due`)."""

    lease = LEASE
    done = STATUS_DELIVERED
    noun = "delivery"

    def __init__(
        self,
        engine: Engine,
        *,
        now: datetime,
        client: httpx.Client,
        guard: AddressGuard,
        batch_size: int = BATCH_SIZE,
        stop: Callable[[], bool] | None = None,
        attempt_seconds: float = ATTEMPT_SECONDS,
        attempts: Attempts | None = None,
        report: DeliveryReport | None = None,
    ) -> None:
        self.report: DeliveryReport = report or DeliveryReport()
        super().__init__(engine, self.report, now=now, batch_size=batch_size, stop=stop)
        self.client = client
        self.guard = guard
        self.attempt_seconds = attempt_seconds
        self.attempts = attempts
        self.started = time.monotonic()

    def queue_of(self, uow: UnitOfWork) -> NotificationsRepository:
        return uow.repos.notifications

    def claims_of(self, uow: UnitOfWork, rows: Sequence[WebhookDeliveryRow]) -> list[Claim]:
        repo = uow.repos.notifications
        endpoints = repo.endpoints_by_ids(sorted({r.endpoint_id for r in rows}))
        events = repo.outbox_by_ids(sorted({r.outbox_id for r in rows}))
        claims = []
        for row in rows:
            endpoint = endpoints.get(row.endpoint_id)
            if endpoint is None or not endpoint.is_active:
                row.status = STATUS_CANCELLED
                continue
            event = events[row.outbox_id]
            assert row.id is not None and endpoint.id is not None
            claims.append(
                Claim(
                    row.id,
                    endpoint.id,
                    endpoint.url,
                    endpoint.secret,
                    event.event_id,
                    event.payload,
                )
            )
        return claims

    def row_id(self, claim: Claim) -> int:
        return claim.delivery_id

    def send(self, claim: Claim) -> HttpAttempt | None:
        # signed with the time of sending, so a long batch never signs with a stale time
        stamp = self.now + timedelta(seconds=time.monotonic() - self.started)
        cutoff = self.attempts.begin() if self.attempts is not None else None
        attempt = send_one(
            claim, self.client, self.guard, stamp, deadline=self.attempt_seconds, cutoff=cutoff
        )
        if attempt.status_code is None and self.stop():
            return None  # cut by the shutdown, not by the receiver: sent again later
        return attempt

    def recorded(self, uow: UnitOfWork, row: WebhookDeliveryRow, attempt: Attempt) -> None:
        assert isinstance(attempt, HttpAttempt)
        row.last_status_code = attempt.status_code
        if attempt.ok:
            row.delivered_at = self.now
            self.report.delivered += 1
        if attempt.status_code == GONE:
            repo = uow.repos.notifications
            repo.add(row)
            repo.flush()  # so the queue cancelled below is the rest, not this one
            endpoint = repo.endpoint(row.endpoint_id)
            if endpoint is not None and endpoint.is_active:
                deactivate(uow, endpoint, SYSTEM_ACTOR, "webhook.disable_gone")


def deliver_due(
    engine: Engine,
    *,
    now: datetime,
    client: httpx.Client,
    allow_hosts: Sequence[str] = (),
    resolver: Resolver = system_resolve,
    batch_size: int = BATCH_SIZE,
    stop: Callable[[], bool] | None = None,
    attempt_seconds: float = ATTEMPT_SECONDS,
    attempts: Attempts | None = None,
) -> DeliveryReport:
    """Fan out new outbox events, then send every delivery due at ``now``.

    ``now`` decides what is due and when the next attempt falls; the ``webhook-timestamp`` of
    each request is ``now`` plus the time this call has spent so far. ``allow_hosts`` must be
    the same list the API checks with; ``resolver`` answers for DNS (the system's by default).
    ``stop`` is asked before each request: when it answers true (the service is shutting
    down) the claims not sent yet are handed back at once instead of waiting out their lease.
    Each attempt ends within ``attempt_seconds`` and reads at most 64 KiB of the answer
    (``services.webhooks.exchange``); ``attempts`` lets the caller cut the one in flight.

    An idle pass costs one read-only statement: no write transaction (on SQLite, no write
    lock) unless there is something to fan out or send.
    """
    report = DeliveryReport()
    with UnitOfWork(engine) as uow:
        if not uow.repos.notifications.has_work(now):
            return report
    delivery = DeliveryPass(
        engine,
        now=now,
        client=client,
        guard=AddressGuard(tuple(allow_hosts), resolver),
        batch_size=batch_size,
        stop=stop,
        attempt_seconds=attempt_seconds,
        attempts=attempts,
        report=report,
    )
    report.fanned_out, report.created = fan_out(engine, now=now, batch_size=batch_size)
    delivery.run()
    return report


def make_client() -> httpx.Client:
    """The deliveries' HTTP client (``services.webhooks.exchange.make_client``)."""
    return make_http_client(REQUEST_TIMEOUT)


def run_pending(
    engine: Engine,
    allow_hosts: Sequence[str],
    *,
    attempt_seconds: float = ATTEMPT_SECONDS,
    resolver: Resolver = system_resolve,
) -> DeliveryReport:
    """One pass of the worker with a fresh client (what ``sqs deliver-webhooks`` runs)."""
    with make_client() as client:
        return deliver_due(
            engine,
            now=utcnow(),
            client=client,
            allow_hosts=allow_hosts,
            resolver=resolver,
            attempt_seconds=attempt_seconds,
        )
