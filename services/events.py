"""Domain events written to the outbox in the same transaction as the change.

Webhook delivery reads the outbox afterwards; an event is never lost when the process stops
between the write and the delivery, because both commit or neither does.

A payload carries what a receiver needs to act without calling back: the round's year, months
and dates, the unit's names, and for an approval the score and level. Its ``version`` says
which shape it has; fields are only ever added within a version.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from persistence.repositories.report_rows import ReportHead
from persistence.tables import OutboxEventRow, RoundRow, UnitRow
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
    payload = {
        "version": PAYLOAD_VERSION,
        "type": event_type,
        "timestamp": now.isoformat(),
        "data": data,
    }
    return OutboxEventRow(
        event_id=event_id or f"msg_{uuid.uuid4().hex}",
        event_type=event_type,
        payload=json.dumps(payload, ensure_ascii=False, default=str),
        created_at=now,
    )


# 2: the first versioned payload (round dates, unit names, the approved score and level);
# payloads without ``version`` were sent before it and carried ids only.
PAYLOAD_VERSION = 2


def round_facts(rnd: RoundRow, year_be: int) -> dict[str, Any]:
    """What a receiver needs to know about the round an event is about."""
    return {
        "round_id": rnd.id,
        "year_be": year_be,
        "months": rnd.months,
        "period_start": rnd.period_start.isoformat(),
        "period_end": rnd.period_end.isoformat(),
        "deadline": rnd.deadline.isoformat(),
    }


def unit_facts(unit: UnitRow) -> dict[str, Any]:
    """What a receiver needs to know about the unit an event is about."""
    return {
        "unit_code": unit.code,
        "unit_name_th": unit.name_th,
        "unit_name_en": unit.name_en,
        "unit_kind": unit.kind,
        "province": unit.province,
    }


def report_facts(head: ReportHead) -> dict[str, Any]:
    """``round_facts`` and ``unit_facts`` of a report, from the head it was loaded with."""
    return {
        "round_id": head.round_id,
        "year_be": head.year_be,
        "months": head.months,
        "period_start": head.period_start.isoformat(),
        "period_end": head.period_end.isoformat(),
        "deadline": head.deadline.isoformat(),
        "unit_code": head.unit_code,
        "unit_name_th": head.unit_name_th,
        "unit_name_en": head.unit_name_en,
        "unit_kind": head.unit_kind,
        "province": head.province,
    }


def emit(uow: UnitOfWork, event_type: str, data: dict[str, Any]) -> None:
    uow.repos.notifications.add(event_row(event_type, data, now=utcnow()))
