"""Webhook endpoints and their deliveries (Standard Webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import Page, RequestModel
from services.events import EVENT_TYPES

EventType = Literal[
    "report.submitted", "report.returned", "report.approved", "round.closed", "score.changed"
]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]


class WebhookIn(RequestModel):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="http(s) URL; hosts resolving to private, loopback, link-local, multicast, "
        "reserved or unspecified addresses are refused unless named in SQS_WEBHOOK_ALLOW_HOSTS",
        examples=["https://portal.example.go.th/hooks/sqs"],
    )
    events: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[EventType]
    is_active: bool
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str | None = Field(
        description="whsec_… signing secret: shown in this answer only (null in an idempotent "
        "replay). Verify deliveries with any Standard Webhooks library."
    )


class DeliveryOut(BaseModel):
    id: int
    endpoint_id: int
    event_id: str = Field(description="Sent as webhook-id; the same on every retry")
    event_type: EventType
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


DeliveryPage = Page[DeliveryOut]
