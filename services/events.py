"""Domain events written to the outbox in the same transaction as the change.

Webhook delivery reads the outbox afterwards; an event is never lost when the process stops
between the write and the delivery, because both commit or neither does.
"""

from __future__ import annotations

import json
import uuid
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


def emit(uow: UnitOfWork, event_type: str, data: dict[str, Any]) -> None:
    assert event_type in EVENT_TYPES, event_type
    now = utcnow()
    payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
    uow.session.add(
        OutboxEventRow(
            event_id=f"msg_{uuid.uuid4().hex}",
            event_type=event_type,
            payload=json.dumps(payload, ensure_ascii=False, default=str),
            created_at=now,
        )
    )
