"""Domain events written to the outbox in the same transaction as the change.

Webhook delivery reads the outbox afterwards; an event is never lost when the process stops
between the write and the delivery, because both commit or neither does.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from persistence.tables import OutboxEventRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork

EVENT_TYPES = (
    "report.submitted",
    "report.returned",
    "report.approved",
    "round.closed",
    "score.changed",
)
"""Types webhook endpoints may subscribe to (the webhook contract)."""

NOTICE_ONLY_TYPES = ("report.reopened", "deadline.reminder", "deadline.passed")
"""Types only the e-mail notices read (``services.notices``): no endpoint can subscribe to
them, so the webhook worker passes them by."""


def event_row(
    event_type: str, data: dict[str, Any], *, now: datetime, event_id: str | None = None
) -> OutboxEventRow:
    """An outbox row; ``event_id`` names an event that must happen once (a deadline's reminder)."""
    assert event_type in EVENT_TYPES + NOTICE_ONLY_TYPES, event_type
    payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
    return OutboxEventRow(
        event_id=event_id or f"msg_{uuid.uuid4().hex}",
        event_type=event_type,
        payload=json.dumps(payload, ensure_ascii=False, default=str),
        created_at=now,
    )


def emit(uow: UnitOfWork, event_type: str, data: dict[str, Any]) -> None:
    uow.session.add(event_row(event_type, data, now=utcnow()))
