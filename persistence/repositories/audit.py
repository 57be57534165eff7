"""The audit trail: append and read; there is deliberately no update or delete here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, literal, tuple_
from sqlmodel import Session, col, select

from persistence.tables import AuditEventRow
from persistence.types import UTCDateTime

_INSERT = insert(AuditEventRow.__table__)  # type: ignore[attr-defined]


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, row: AuditEventRow) -> None:
        self.session.add(row)

    def append_now(self, values: Mapping[str, Any]) -> None:
        """Insert one event at once, without the ORM unit of work: for writes that make no ORM
        flush at all (a report entry), where a flush only for the event would cost more CPU
        than the whole write."""
        self.session.connection().execute(_INSERT, values)

    def list(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        after: tuple[datetime, int] | None = None,
        oldest_first: bool = False,
        limit: int = 100,
    ) -> Sequence[AuditEventRow]:
        """Newest first by id, continuing ``before_id``; or ``oldest_first`` by (time, id),
        continuing ``after`` a (time, id) position (the incremental sync)."""
        q = select(AuditEventRow)
        if actor:
            q = q.where(AuditEventRow.actor == actor)
        if action:
            q = q.where(AuditEventRow.action == action)
        if object_type:
            q = q.where(AuditEventRow.object_type == object_type)
        if object_id:
            q = q.where(AuditEventRow.object_id == object_id)
        if since:
            q = q.where(AuditEventRow.occurred_at >= since)
        if until:
            q = q.where(AuditEventRow.occurred_at < until)
        if before_id:
            q = q.where(col(AuditEventRow.id) < before_id)
        if oldest_first:
            position = (col(AuditEventRow.occurred_at), col(AuditEventRow.id))
            if after is not None:
                q = q.where(tuple_(*position) > tuple_(literal(after[0], UTCDateTime()), after[1]))
            return self.session.exec(q.order_by(*position).limit(limit)).all()
        return self.session.exec(q.order_by(col(AuditEventRow.id).desc()).limit(limit)).all()
