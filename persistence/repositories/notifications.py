"""Webhook endpoints, the outbox events they are sent, and the webhook delivery queue.

The queue's own queries (the outbox events not yet dispatched, the due deliveries, one delivery
locked) are the shape every outbox consumer shares (``persistence.repositories.outbox_queue``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from persistence.repositories.outbox_queue import OutboxQueue
from persistence.tables import OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow


class NotificationsRepository(OutboxQueue[WebhookDeliveryRow]):
    row_type = WebhookDeliveryRow
    event_mark = "dispatched_at"

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
    def outbox_by_ids(self, ids: Sequence[int]) -> dict[int, OutboxEventRow]:
        if not ids:
            return {}
        q = select(OutboxEventRow).where(col(OutboxEventRow.id).in_(list(ids)))
        return {row.id: row for row in self.session.exec(q).all() if row.id is not None}

    # deliveries
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
    ) -> list[DeliveryOfEvent]:
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
        return [DeliveryOfEvent(d, e) for d, e in self.session.exec(q).all()]


@dataclass(frozen=True)
class DeliveryOfEvent:
    """A delivery and the outbox event it carries (an endpoint's delivery log)."""

    delivery: WebhookDeliveryRow
    event: OutboxEventRow
