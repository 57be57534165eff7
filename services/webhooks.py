"""Signed webhooks (Standard Webhooks): endpoints, the SSRF guard, signing and the delivery worker.

How an event travels, and why nothing is lost:

1. A change writes its event to the outbox in the *same* transaction (``services.events``), so
   the event exists exactly when the change does, whether or not the process lives on.
2. :func:`deliver_due` fans each new outbox event out into one delivery row per active endpoint
   subscribed to its type, and marks the event ``dispatched_at`` — again one transaction.
3. It claims due deliveries (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several instances
   share the work without double-sending) and pushes their ``next_attempt_at`` a lease into
   the future before committing. The HTTP request then runs *outside* any transaction: no
   database lock is held while a slow receiver makes us wait. If the process dies mid-send the
   lease runs out and the delivery is tried again — delivery is at-least-once, and receivers
   de-duplicate on ``webhook-id`` as the standard asks.
4. Each result is recorded in its own short transaction: attempts, status code or error, and
   the next attempt on the back-off schedule, or ``failed`` after the last one.

Signatures follow https://www.standardwebhooks.com: ``webhook-signature: v1,<base64 HMAC-SHA256
of "{webhook-id}.{webhook-timestamp}.{body}">`` keyed with the base64-decoded part of the
``whsec_…`` secret, so a receiver can verify with any Standard Webhooks library.

SSRF: a target must not reach the service's own network. Every address the host name resolves
to is checked (private, loopback, link-local, multicast, reserved, unspecified, and IPv6
forms that embed such an IPv4 address) at registration *and* before each delivery, because DNS
answers can change after registration. The request is then sent to the very address that was
checked (the host name travels in ``Host`` and TLS SNI), so a second, different DNS answer
between check and connect ("DNS rebinding") cannot redirect it. Redirects are never followed.
Hosts named in ``SQS_WEBHOOK_ALLOW_HOSTS`` skip the address check (an intranet receiver).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from persistence.tables import WebhookDeliveryRow, WebhookEndpointRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_admin, require_role
from services.errors import NotFound, Unprocessable
from services.events import EVENT_TYPES
from services.principal import Principal
from services.webhook_http import ATTEMPT_SECONDS, AttemptCut, Attempts, Cutoff, exchange
from services.webhook_http import make_client as make_http_client

log = logging.getLogger("sqs.webhooks")

SECRET_PREFIX = "whsec_"  # noqa: S105 - the standard prefix, not a secret
SECRET_BYTES = 32
"""The standard asks for 24 to 64 random bytes; 32 is the HMAC-SHA256 block-friendly middle."""

BACKOFF: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
"""Wait after the 1st, 2nd, … failed attempt. Deterministic (no jitter): deliveries are few and
spread over time already, and a fixed schedule is what an operator can reason about."""

MAX_ATTEMPTS = len(BACKOFF) + 1
"""One first attempt and one retry per back-off step; then the delivery is ``failed``."""

MAX_RETRY_AFTER = BACKOFF[-1]
REQUEST_TIMEOUT = 5.0
LEASE = timedelta(seconds=60)
"""How long a claimed delivery stays invisible to other workers while it is being sent; longer
than an attempt's deadline, so a live worker always records its result first."""

BATCH_SIZE = 50
SYSTEM_ACTOR = "system:webhooks"

STATUS_PENDING, STATUS_DELIVERED, STATUS_FAILED, STATUS_CANCELLED = (
    "pending",
    "delivered",
    "failed",
    "cancelled",
)

Resolver = Callable[[str, int], Iterable[str]]


# --- secrets and signatures -------------------------------------------------------------------


def generate_secret() -> str:
    """A new signing secret as the standard serialises it: ``whsec_`` + base64(32 random bytes)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64 part of the secret, decoded (the prefix is not part of the key)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,`` + base64(HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")) — the header value."""
    content = f"{msg_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secret: str, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": "sqs-webhooks/1",
    }


# --- the SSRF guard ---------------------------------------------------------------------------


class TargetRefused(Exception):
    """The URL may not be called: why, in words an administrator can act on."""


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str
    """The ASCII (IDNA) host name, lower case, without IPv6 brackets."""
    port: int
    addresses: tuple[str, ...]
    """Checked addresses, in resolver order; empty for an allow-listed host (not resolved)."""
    allow_listed: bool


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ADDRESS_CLASSES = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
    ("is_site_local", "site-local"),
)


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why this address is off limits (None: a public address).

    IPv6 addresses that carry an IPv4 address (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64) are
    judged by the IPv4 address too: on Python 3.11 ``ipaddress`` does not look inside them.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4-mapped or NAT64 address *is* its IPv4 address on the wire: judge that one.
        target = ip.ipv4_mapped
        if target is None and ip in _NAT64:
            target = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if target is not None:
            why = address_refusal(target)
            return None if why is None else f"{why} (as {ip})"
        # 6to4 and Teredo are global prefixes that tunnel to an IPv4 address: check it too.
        embedded = [v4 for v4 in (ip.sixtofour, *(ip.teredo or ())) if v4 is not None]
        for v4 in embedded:
            why = address_refusal(v4)
            if why is not None:
                return f"{why} (embedded in {ip})"
    for attribute, label in _ADDRESS_CLASSES:
        if getattr(ip, attribute, False):
            return label
    if not ip.is_global:
        return "not globally routable"
    return None


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in out:
            out.append(address)
    return out


resolve: Resolver = system_resolve
"""The resolver the guard uses; tests replace it to stand in for DNS answers."""


def normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def parse_url(raw: str) -> tuple[httpx.URL, str, int]:
    """(URL, ASCII host, port) of an acceptable webhook URL, or :class:`TargetRefused`."""
    if len(raw) > 2000:
        raise TargetRefused("the URL is longer than 2000 characters")
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, ValueError) as exc:
        raise TargetRefused("the URL is not a valid web address") from exc
    if url.scheme not in ("http", "https"):
        raise TargetRefused("the URL must use http or https")
    if not url.host:
        raise TargetRefused("the URL has no host")
    if url.userinfo:
        raise TargetRefused(
            "credentials in the URL are not accepted; the signature authenticates us"
        )
    if url.fragment:
        raise TargetRefused("the URL must not have a #fragment")
    host = normalise_host(url.raw_host.decode("ascii"))
    port = url.port or (443 if url.scheme == "https" else 80)
    return url, host, port


def check_target(
    raw: str, allow_hosts: Iterable[str], *, resolver: Resolver | None = None
) -> Target:
    """Parse the URL and check every address its host resolves to; :class:`TargetRefused`."""
    url, host, port = parse_url(raw)
    if host in {normalise_host(h) for h in allow_hosts}:
        return Target(url, host, port, (), True)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = list((resolver or resolve)(host, port))
        except (OSError, UnicodeError) as exc:
            raise TargetRefused(f"the host '{host}' does not resolve") from exc
        if not addresses:
            raise TargetRefused(f"the host '{host}' does not resolve")
    for address in addresses:
        why = address_refusal(ipaddress.ip_address(address))
        if why is not None:
            raise TargetRefused(
                f"'{host}' resolves to {address}, a {why} address; webhooks may only call public "
                "addresses unless the host is named in SQS_WEBHOOK_ALLOW_HOSTS"
            )
    return Target(url, host, port, tuple(addresses), False)


# --- endpoints (admin) ------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime
    secret: str | None = None
    """Only in the answer to the creation: the secret is never shown again."""


@dataclass(frozen=True)
class DeliveryView:
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


def _events_of(row: WebhookEndpointRow) -> list[str]:
    return [e for e in row.events.split(",") if e]


def _endpoint_view(row: WebhookEndpointRow, secret: str | None = None) -> EndpointView:
    assert row.id is not None
    return EndpointView(row.id, row.url, _events_of(row), row.is_active, row.created_at, secret)


def _clean_events(events: Sequence[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise Unprocessable(
            f"unknown event types: {', '.join(unknown)}; choose from {', '.join(EVENT_TYPES)}",
            kind="webhook_event_unknown",
        )
    if not events:
        raise Unprocessable("subscribe to at least one event type", kind="webhook_event_unknown")
    return [e for e in EVENT_TYPES if e in set(events)]


def create_endpoint(
    uow: UnitOfWork,
    actor: Principal,
    *,
    url: str,
    events: Sequence[str],
    allow_hosts: Iterable[str],
) -> EndpointView:
    """Register an endpoint; the answer carries its new secret, shown this once."""
    require_admin(actor)
    chosen = _clean_events(events)
    try:
        target = check_target(url, allow_hosts)
    except TargetRefused as exc:
        raise Unprocessable(str(exc), kind="webhook_url_refused") from None
    secret = generate_secret()
    row = WebhookEndpointRow(
        url=str(target.url), secret=secret, events=",".join(chosen), created_at=utcnow()
    )
    uow.repos.notifications.add(row)
    uow.repos.notifications.flush()
    audit.record(
        uow, actor, "webhook.create", "webhook", row.id, after={"url": row.url, "events": chosen}
    )  # never the secret
    return _endpoint_view(row, secret)


def require_admin_read(actor: Principal) -> None:
    """Reading endpoints and deliveries: admins, read-only tokens included."""
    require_role(actor, "admin")


def list_endpoints(uow: UnitOfWork, actor: Principal) -> list[EndpointView]:
    require_admin_read(actor)
    return [_endpoint_view(r) for r in uow.repos.notifications.endpoints(active_only=True)]


def _require_endpoint(uow: UnitOfWork, endpoint_id: int) -> WebhookEndpointRow:
    row = uow.repos.notifications.endpoint(endpoint_id)
    if row is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return row


def get_endpoint(uow: UnitOfWork, actor: Principal, endpoint_id: int) -> EndpointView:
    require_admin_read(actor)
    return _endpoint_view(_require_endpoint(uow, endpoint_id))


def delete_endpoint(uow: UnitOfWork, actor: Principal, endpoint_id: int) -> None:
    """Deactivate the endpoint and cancel what it still had pending.

    The row stays (inactive) so its delivery history remains readable; deleting twice is fine.
    """
    require_admin(actor)
    row = _require_endpoint(uow, endpoint_id)
    if not row.is_active:
        return
    _deactivate(uow, row, actor, "webhook.delete")


def _deactivate(
    uow: UnitOfWork, row: WebhookEndpointRow, actor: Principal | str, action: str
) -> None:
    assert row.id is not None
    row.is_active = False
    uow.repos.notifications.add(row)
    cancelled = 0
    for delivery in uow.repos.notifications.pending_of_endpoint(row.id):
        delivery.status = STATUS_CANCELLED
        uow.repos.notifications.add(delivery)
        cancelled += 1
    audit.record(
        uow,
        actor,
        action,
        "webhook",
        row.id,
        before={"is_active": True},
        after={"is_active": False, "cancelled": cancelled},
    )


def list_deliveries(
    uow: UnitOfWork,
    actor: Principal,
    endpoint_id: int,
    *,
    status: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> tuple[list[DeliveryView], int | None]:
    """A page of the endpoint's deliveries, newest first, and the id to continue before."""
    require_admin_read(actor)
    _require_endpoint(uow, endpoint_id)
    rows = uow.repos.notifications.deliveries_of_endpoint(
        endpoint_id, status=status, before_id=before_id, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    views = [_delivery_view(d, e.event_id, e.event_type) for d, e in rows]
    return views, (views[-1].id if more and views else None)


def _delivery_view(d: WebhookDeliveryRow, event_id: str, event_type: str) -> DeliveryView:
    assert d.id is not None
    return DeliveryView(
        id=d.id,
        endpoint_id=d.endpoint_id,
        event_id=event_id,
        event_type=event_type,
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at if d.status == STATUS_PENDING else None,
        last_attempt_at=d.last_attempt_at,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        created_at=d.created_at,
    )


def retry_delivery(
    uow: UnitOfWork, actor: Principal, endpoint_id: int, delivery_id: int, now: datetime
) -> DeliveryView:
    """Send a failed (or cancelled) delivery again with a fresh set of attempts.

    The standard asks producers to let consumers replay what failed during an outage.
    """
    require_admin(actor)
    endpoint = _require_endpoint(uow, endpoint_id)
    row = uow.repos.notifications.delivery_for_update(delivery_id)
    if row is None or row.endpoint_id != endpoint_id:
        raise NotFound(f"no delivery {delivery_id} for webhook endpoint {endpoint_id}")
    if not endpoint.is_active:
        raise Unprocessable("the endpoint is inactive", kind="webhook_inactive")
    before = {"status": row.status, "attempts": row.attempts}
    if row.status != STATUS_DELIVERED:
        row.status = STATUS_PENDING
        row.attempts = 0
        row.next_attempt_at = now
        uow.repos.notifications.add(row)
    audit.record(
        uow,
        actor,
        "webhook.delivery.retry",
        "webhook_delivery",
        delivery_id,
        before=before,
        after={"status": row.status, "attempts": row.attempts},
    )
    event = uow.repos.notifications.outbox_by_ids([row.outbox_id])[row.outbox_id]
    return _delivery_view(row, event.event_id, event.event_type)


# --- delivery ---------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` call did (for logs, the CLI and tests)."""

    fanned_out: int = 0
    """Outbox events fanned out."""
    created: int = 0
    """Delivery rows created by the fan-out."""
    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    endpoint_id: int
    url: str
    secret: str
    event_id: str
    payload: str
    attempts_before: int


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str | None
    retry_after: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def fan_out(engine: Engine, *, now: datetime, batch_size: int = BATCH_SIZE) -> tuple[int, int]:
    """Turn every not-yet-dispatched outbox event into deliveries; (events, deliveries).

    An endpoint receives the events of its types that happened after it was registered.
    """
    events_done = deliveries = 0
    while True:
        with UnitOfWork(engine, write=True) as uow:
            repo = uow.repos.notifications
            events = repo.claim_undispatched(batch_size)
            if not events:
                return events_done, deliveries
            endpoints = repo.endpoints(active_only=True)
            for event in events:
                for endpoint in endpoints:
                    if (
                        event.event_type in _events_of(endpoint)
                        and endpoint.created_at <= event.created_at
                    ):
                        repo.add(
                            WebhookDeliveryRow(
                                outbox_id=event.id,  # type: ignore[arg-type]
                                endpoint_id=endpoint.id,  # type: ignore[arg-type]
                                status=STATUS_PENDING,
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


def _claim(engine: Engine, now: datetime, batch_size: int) -> list[_Claim]:
    with UnitOfWork(engine, write=True) as uow:
        repo = uow.repos.notifications
        rows = repo.claim_due(now, batch_size)
        if not rows:
            return []
        endpoints = repo.endpoints_by_ids(sorted({r.endpoint_id for r in rows}))
        events = repo.outbox_by_ids(sorted({r.outbox_id for r in rows}))
        claims = []
        for row in rows:
            endpoint = endpoints.get(row.endpoint_id)
            if endpoint is None or not endpoint.is_active:
                row.status = STATUS_CANCELLED
            else:
                row.next_attempt_at = now + LEASE
                event = events[row.outbox_id]
                assert row.id is not None and endpoint.id is not None
                claims.append(
                    _Claim(
                        row.id,
                        endpoint.id,
                        endpoint.url,
                        endpoint.secret,
                        event.event_id,
                        event.payload,
                        row.attempts,
                    )
                )
            repo.add(row)
        return claims


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


def _send(
    claim: _Claim,
    client: httpx.Client,
    allow_hosts: Sequence[str],
    stamp: datetime,
    *,
    deadline: float,
    cutoff: Cutoff | None,
) -> _Outcome:
    try:
        target = check_target(claim.url, allow_hosts)
    except TargetRefused as exc:
        return _Outcome(None, f"refused: {exc}")
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
        return _Outcome(None, f"no answer within {deadline:g} s")
    except httpx.HTTPError as exc:
        return _Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
    status = answer.status_code
    error = None if 200 <= status < 300 else f"HTTP {status}"
    return _Outcome(status, error, _retry_after(answer.headers, stamp))


def _record(
    engine: Engine, claim: _Claim, outcome: _Outcome, now: datetime, report: DeliveryReport
) -> None:
    with UnitOfWork(engine, write=True) as uow:
        repo = uow.repos.notifications
        row = repo.delivery_for_update(claim.delivery_id)
        if row is None or row.status != STATUS_PENDING:
            return  # cancelled or retried by an admin meanwhile
        row.attempts += 1
        row.last_attempt_at = now
        row.last_status_code = outcome.status_code
        row.last_error = None if outcome.ok else (outcome.error or "failed")[:500]
        if outcome.ok:
            row.status = STATUS_DELIVERED
            row.delivered_at = now
            report.delivered += 1
        elif outcome.status_code == 410:
            # 410 Gone: the receiver wants no more (Standard Webhooks): stop and disable it.
            row.status = STATUS_FAILED
            repo.add(row)
            repo.flush()  # so the queue cancelled below is the rest, not this one
            endpoint = repo.endpoint(claim.endpoint_id)
            if endpoint is not None and endpoint.is_active:
                _deactivate(uow, endpoint, SYSTEM_ACTOR, "webhook.disable_gone")
            report.failed += 1
        elif row.attempts >= MAX_ATTEMPTS:
            row.status = STATUS_FAILED
            report.failed += 1
        else:
            wait = BACKOFF[row.attempts - 1]
            if outcome.retry_after is not None:
                wait = min(max(wait, outcome.retry_after), MAX_RETRY_AFTER)
            row.next_attempt_at = now + wait
            report.retrying += 1
        repo.add(row)


def deliver_due(
    engine: Engine,
    *,
    now: datetime,
    client: httpx.Client,
    allow_hosts: Sequence[str] = (),
    batch_size: int = BATCH_SIZE,
    stop: Callable[[], bool] | None = None,
    attempt_seconds: float = ATTEMPT_SECONDS,
    attempts: Attempts | None = None,
) -> DeliveryReport:
    """Fan out new outbox events, then send every delivery due at ``now``.

    ``now`` decides what is due and when the next attempt falls; the ``webhook-timestamp`` of
    each request is ``now`` plus the time this call has spent so far, so a long batch never
    signs with a stale time. ``allow_hosts`` must be the same list the API checks with.
    ``stop`` is asked before each request: when it answers true (the service is shutting
    down) the claims not sent yet are handed back at once instead of waiting out their lease.
    Each attempt ends within ``attempt_seconds`` and reads at most 64 KiB of the answer
    (``services.webhook_http``); ``attempts`` lets the caller cut the one in flight.

    An idle pass costs one read-only statement: no write transaction (on SQLite, no write
    lock) unless there is something to fan out or send.
    """
    report = DeliveryReport()
    with UnitOfWork(engine) as uow:
        if not uow.repos.notifications.has_work(now):
            return report
    started = time.monotonic()
    report.fanned_out, report.created = fan_out(engine, now=now, batch_size=batch_size)
    while True:
        claims = _claim(engine, now, batch_size)
        for i, claim in enumerate(claims):
            if stop is not None and stop():
                _release(engine, [c.delivery_id for c in claims[i:]], now)
                return report
            stamp = now + timedelta(seconds=time.monotonic() - started)
            cutoff = attempts.begin() if attempts is not None else None
            outcome = _send(
                claim, client, allow_hosts, stamp, deadline=attempt_seconds, cutoff=cutoff
            )
            if outcome.status_code is None and stop is not None and stop():
                # cut by the shutdown, not by the receiver: not an attempt, sent again later
                _release(engine, [c.delivery_id for c in claims[i:]], now)
                return report
            report.attempted += 1
            if not outcome.ok:
                report.errors.append(f"delivery {claim.delivery_id}: {outcome.error}")
            _record(engine, claim, outcome, now, report)
        if len(claims) < batch_size:
            return report


def _release(engine: Engine, delivery_ids: Sequence[int], now: datetime) -> None:
    """Hand claimed-but-unsent deliveries back (due again at ``now``)."""
    with UnitOfWork(engine, write=True) as uow:
        for delivery_id in delivery_ids:
            row = uow.repos.notifications.delivery_for_update(delivery_id)
            if row is not None and row.status == STATUS_PENDING:
                row.next_attempt_at = now
                uow.repos.notifications.add(row)


def make_client() -> httpx.Client:
    """The deliveries' HTTP client (``services.webhook_http.make_client``)."""
    return make_http_client(REQUEST_TIMEOUT)


def run_pending(
    engine: Engine, allow_hosts: Sequence[str], *, attempt_seconds: float = ATTEMPT_SECONDS
) -> DeliveryReport:
    """One pass of the worker with a fresh client (what ``sqs deliver-webhooks`` runs)."""
    with make_client() as client:
        return deliver_due(
            engine,
            now=utcnow(),
            client=client,
            allow_hosts=allow_hosts,
            attempt_seconds=attempt_seconds,
        )


class WebhookWorker:
    """The in-process worker: every ``interval`` seconds, :func:`deliver_due` in a thread.

    Several instances (or uvicorn workers) may each run one: the claims skip each other's rows.
    ``on_report`` hears about every pass (the API counts deliveries for its metrics with it).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        allow_hosts: Sequence[str],
        interval: float,
        on_report: Callable[[DeliveryReport], None] | None = None,
        attempt_seconds: float = ATTEMPT_SECONDS,
    ) -> None:
        self.engine = engine
        self.attempt_seconds = attempt_seconds
        self._attempts = Attempts()
        self.allow_hosts = list(allow_hosts)
        self.interval = interval
        self.on_report = on_report
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.Client | None = None

    def start(self) -> None:
        self._client = make_client()
        self._task = asyncio.create_task(self._run(), name="webhook-worker")

    async def stop(self) -> None:
        """Ask the loop to end and wait for the pass in progress: the request it is sending is
        cut at once (it is tried again later) and the rest of its claims are handed back."""
        self._stop.set()
        self._attempts.stop()
        if self._task is not None:
            await self._task
        if self._client is not None:
            self._client.close()

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
                return
            except TimeoutError:
                pass
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # a bad pass must not end the loop
                log.exception("webhook delivery pass failed")

    def tick(self) -> DeliveryReport:
        assert self._client is not None
        report = deliver_due(
            self.engine,
            now=utcnow(),
            client=self._client,
            allow_hosts=self.allow_hosts,
            stop=self._stop.is_set,
            attempt_seconds=self.attempt_seconds,
            attempts=self._attempts,
        )
        if report.attempted or report.fanned_out:
            log.info(
                "webhooks: %d events fanned out, %d sent, %d delivered, %d retrying, %d failed",
                report.fanned_out,
                report.attempted,
                report.delivered,
                report.retrying,
                report.failed,
            )
        if self.on_report is not None:
            self.on_report(report)
        return report
