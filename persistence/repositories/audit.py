"""The audit trail: append and read; there is deliberately no update or delete here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from persistence.tables import AuditEventRow


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, row: AuditEventRow) -> None:
        self.session.add(row)

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
        limit: int = 100,
    ) -> Sequence[AuditEventRow]:
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
        return self.session.exec(q.order_by(col(AuditEventRow.id).desc()).limit(limit)).all()
