"""Webhook endpoints, the event outbox and webhook deliveries.

The two "claim" queries lock with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
instances of the service can run the delivery worker at once: each claims rows the others have
not locked and nobody waits or double-sends. SQLite ignores ``FOR UPDATE``; there a writing
unit of work already holds the database write lock (``BEGIN IMMEDIATE``), which serialises the
workers just as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from persistence.tables import OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow


class NotificationsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    # endpoints
    def endpoint(self, endpoint_id: int) -> WebhookEndpointRow | None:
        return self.session.get(WebhookEndpointRow, endpoint_id)

    def endpoints(self, *, active_only: bool = True) -> Sequence[WebhookEndpointRow]:
        q = select(WebhookEndpointRow).order_by(col(WebhookEndpointRow.id))
        if active_only:
            q = q.where(col(WebhookEndpointRow.is_active).is_(True))
        return self.session.exec(q).all()

    def endpoints_by_ids(self, ids: Sequence[int]) -> dict[int, WebhookEndpointRow]:
        if not ids:
            return {}
        q = select(WebhookEndpointRow).where(col(WebhookEndpointRow.id).in_(list(ids)))
        return {row.id: row for row in self.session.exec(q).all() if row.id is not None}

    # outbox
    def claim_undispatched(self, limit: int) -> Sequence[OutboxEventRow]:
        """The oldest events not fanned out yet, locked (skipping rows another worker holds)."""
        q = (
            select(OutboxEventRow)
            .where(col(OutboxEventRow.dispatched_at).is_(None))
            .order_by(col(OutboxEventRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.exec(q).all()

    def outbox_by_ids(self, ids: Sequence[int]) -> dict[int, OutboxEventRow]:
        if not ids:
            return {}
        q = select(OutboxEventRow).where(col(OutboxEventRow.id).in_(list(ids)))
        return {row.id: row for row in self.session.exec(q).all() if row.id is not None}

    def has_work(self, now: datetime) -> bool:
        """Whether an event waits for fan-out or a delivery is due (two indexed lookups)."""
        undispatched = select(OutboxEventRow.id).where(col(OutboxEventRow.dispatched_at).is_(None))
        due = select(WebhookDeliveryRow.id).where(
            WebhookDeliveryRow.status == "pending", col(WebhookDeliveryRow.next_attempt_at) <= now
        )
        return (
            self.session.exec(undispatched.limit(1)).first() is not None
            or self.session.exec(due.limit(1)).first() is not None
        )

    # deliveries
    def claim_due(self, now: datetime, limit: int) -> Sequence[WebhookDeliveryRow]:
        """Pending deliveries whose next attempt is due, oldest first, locked (skip locked)."""
        q = (
            select(WebhookDeliveryRow)
            .where(
                WebhookDeliveryRow.status == "pending",
                col(WebhookDeliveryRow.next_attempt_at) <= now,
            )
            .order_by(col(WebhookDeliveryRow.next_attempt_at), col(WebhookDeliveryRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.exec(q).all()

    def delivery_for_update(self, delivery_id: int) -> WebhookDeliveryRow | None:
        q = select(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id).with_for_update()
        return self.session.exec(q).first()

    def pending_of_endpoint(self, endpoint_id: int) -> Sequence[WebhookDeliveryRow]:
        q = select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.endpoint_id == endpoint_id, WebhookDeliveryRow.status == "pending"
        )
        return self.session.exec(q).all()

    def deliveries_of_endpoint(
        self,
        endpoint_id: int,
        *,
        status: str | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[tuple[WebhookDeliveryRow, OutboxEventRow]]:
        """A page of an endpoint's deliveries with their events, newest first."""
        q = (
            select(WebhookDeliveryRow, OutboxEventRow)
            .join(OutboxEventRow, col(OutboxEventRow.id) == WebhookDeliveryRow.outbox_id)
            .where(WebhookDeliveryRow.endpoint_id == endpoint_id)
        )
        if status is not None:
            q = q.where(WebhookDeliveryRow.status == status)
        if before_id is not None:
            q = q.where(col(WebhookDeliveryRow.id) < before_id)
        q = q.order_by(col(WebhookDeliveryRow.id).desc()).limit(limit)
        return [(d, e) for d, e in self.session.exec(q).all()]
