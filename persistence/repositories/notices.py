"""E-mail notices: the outbox events not yet turned into notices, recipients, and the queue.

The claims lock with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several instances can run
the notice worker at once without waiting for or double-sending each other's rows; on SQLite a
writing unit of work holds the database's write lock (``BEGIN IMMEDIATE``), which serialises
the workers instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from persistence.tables import (
    FiscalYearRow,
    InspectorAssignmentRow,
    NoticeRow,
    OutboxEventRow,
    RoundRow,
    UserRow,
)


class NoticesRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    # the outbox, from the notice worker's side
    def claim_unnoticed(self, limit: int) -> Sequence[OutboxEventRow]:
        q = (
            select(OutboxEventRow)
            .where(col(OutboxEventRow.noticed_at).is_(None))
            .order_by(col(OutboxEventRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.exec(q).all()

    def present_event_ids(self, event_ids: Iterable[str]) -> set[str]:
        ids = list(event_ids)
        if not ids:
            return set()
        q = select(OutboxEventRow.event_id).where(col(OutboxEventRow.event_id).in_(ids))
        return set(self.session.exec(q).all())

    def open_rounds(self) -> list[tuple[RoundRow, FiscalYearRow]]:
        q = (
            select(RoundRow, FiscalYearRow)
            .join(FiscalYearRow, col(FiscalYearRow.id) == RoundRow.fiscal_year_id)
            .where(RoundRow.status == "open")
            .order_by(col(RoundRow.id))
        )
        return [(r, f) for r, f in self.session.exec(q).all()]

    # recipients: active users only
    def officers_of_units(self, unit_ids: Sequence[int]) -> Sequence[UserRow]:
        if not unit_ids:
            return []
        q = select(UserRow).where(
            UserRow.role == "unit_officer",
            col(UserRow.is_active).is_(True),
            col(UserRow.unit_id).in_(list(unit_ids)),
        )
        return self.session.exec(q.order_by(col(UserRow.id))).all()

    def inspectors_of_unit(self, unit_id: int) -> Sequence[UserRow]:
        q = (
            select(UserRow)
            .join(InspectorAssignmentRow, col(InspectorAssignmentRow.user_id) == UserRow.id)
            .where(
                InspectorAssignmentRow.unit_id == unit_id,
                UserRow.role == "inspector",
                col(UserRow.is_active).is_(True),
            )
        )
        return self.session.exec(q.order_by(col(UserRow.id))).all()

    def users_with_roles(self, roles: Sequence[str]) -> Sequence[UserRow]:
        q = select(UserRow).where(
            col(UserRow.role).in_(list(roles)), col(UserRow.is_active).is_(True)
        )
        return self.session.exec(q.order_by(col(UserRow.id))).all()

    # the queue
    def has_work(self, now: datetime) -> bool:
        unnoticed = select(OutboxEventRow.id).where(col(OutboxEventRow.noticed_at).is_(None))
        due = select(NoticeRow.id).where(
            NoticeRow.status == "pending", col(NoticeRow.next_attempt_at) <= now
        )
        return (
            self.session.exec(unnoticed.limit(1)).first() is not None
            or self.session.exec(due.limit(1)).first() is not None
        )

    def claim_due(self, now: datetime, limit: int) -> Sequence[NoticeRow]:
        q = (
            select(NoticeRow)
            .where(NoticeRow.status == "pending", col(NoticeRow.next_attempt_at) <= now)
            .order_by(col(NoticeRow.next_attempt_at), col(NoticeRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.exec(q).all()

    def notice_for_update(self, notice_id: int) -> NoticeRow | None:
        q = select(NoticeRow).where(NoticeRow.id == notice_id).with_for_update()
        return self.session.exec(q).first()

    def page(
        self,
        *,
        user_id: int | None = None,
        status: str | None = None,
        kind: str | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[NoticeRow]:
        """Notices newest first: one user's (the inbox) or everyone's (admins)."""
        q = select(NoticeRow)
        if user_id is not None:
            q = q.where(NoticeRow.user_id == user_id)
        if status is not None:
            q = q.where(NoticeRow.status == status)
        if kind is not None:
            q = q.where(NoticeRow.kind == kind)
        if before_id is not None:
            q = q.where(col(NoticeRow.id) < before_id)
        return self.session.exec(q.order_by(col(NoticeRow.id).desc()).limit(limit)).all()
