"""Webhook endpoints (admin): register, list, read, remove, and follow or replay deliveries.

A registration checks the URL with the address guard and answers the new signing secret, the
only time it is shown; removing deactivates (the delivery log stays readable) and cancels what
was still pending. The delivery worker (``services.webhooks.delivery``) does the sending.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from persistence.repositories.outbox_queue import PENDING
from persistence.tables import WebhookDeliveryRow, WebhookEndpointRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_admin, require_role
from services.errors import NotFound, Unprocessable
from services.events import EVENT_TYPES
from services.principal import Principal
from services.webhooks.address_guard import AddressGuard, Resolver, TargetRefused, system_resolve
from services.webhooks.signing import generate_secret

STATUS_DELIVERED = "delivered"
STATUS_CANCELLED = "cancelled"


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


def events_of(row: WebhookEndpointRow) -> list[str]:
    """The event types the endpoint subscribed to."""
    return [e for e in row.events.split(",") if e]


def _endpoint_view(row: WebhookEndpointRow, secret: str | None = None) -> EndpointView:
    assert row.id is not None
    return EndpointView(row.id, row.url, events_of(row), row.is_active, row.created_at, secret)


def _clean_events(events: Sequence[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise Unprocessable(
            kind="webhook_event_unknown",
            code="webhook_events_unknown",
            params={"unknown": ", ".join(unknown), "allowed": ", ".join(EVENT_TYPES)},
        )
    if not events:
        raise Unprocessable(kind="webhook_event_unknown", code="webhook_events_empty")
    return [e for e in EVENT_TYPES if e in set(events)]


def create_endpoint(
    uow: UnitOfWork,
    actor: Principal,
    *,
    url: str,
    events: Sequence[str],
    allow_hosts: Iterable[str],
    resolver: Resolver = system_resolve,
) -> EndpointView:
    """Register an endpoint; the answer carries its new secret, shown this once."""
    require_admin(actor)
    chosen = _clean_events(events)
    try:
        target = AddressGuard(tuple(allow_hosts), resolver).check(url)
    except TargetRefused as exc:
        raise Unprocessable(kind="webhook_url_refused", code=exc.code, params=exc.params) from None
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
        raise NotFound(code="webhook_not_found", params={"endpoint_id": endpoint_id})
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
    deactivate(uow, row, actor, "webhook.delete")


def deactivate(
    uow: UnitOfWork, row: WebhookEndpointRow, actor: Principal | str, action: str
) -> None:
    """Mark the endpoint inactive and cancel its pending deliveries, audited as ``action``
    (an admin's removal, or the worker's after a receiver answered 410 Gone)."""
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
    views = [_delivery_view(r.delivery, r.event.event_id, r.event.event_type) for r in rows[:limit]]
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
        next_attempt_at=d.next_attempt_at if d.status == PENDING else None,
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
    row = uow.repos.notifications.for_update(delivery_id)
    if row is None or row.endpoint_id != endpoint_id:
        raise NotFound(
            code="webhook_delivery_not_found",
            params={"endpoint_id": endpoint_id, "delivery_id": delivery_id},
        )
    if not endpoint.is_active:
        raise Unprocessable(
            kind="webhook_inactive", code="webhook_inactive", params={"endpoint_id": endpoint_id}
        )
    before = {"status": row.status, "attempts": row.attempts}
    if row.status != STATUS_DELIVERED:
        row.status = PENDING
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
