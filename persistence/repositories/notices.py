"""E-mail notices: recipients, open rounds, the inbox, and the notice queue.

The queue's own queries (the outbox events not yet noticed, the due notices, one notice locked)
are the shape every outbox consumer shares (``persistence.repositories.outbox_queue``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from persistence.repositories.outbox_queue import OutboxQueue
from persistence.tables import (
    FiscalYearRow,
    InspectorAssignmentRow,
    NoticeRow,
    OutboxEventRow,
    RoundRow,
    UserRow,
)


class NoticesRepository(OutboxQueue[NoticeRow]):
    row_type = NoticeRow
    event_mark = "noticed_at"

    def present_event_ids(self, event_ids: Iterable[str]) -> set[str]:
        ids = list(event_ids)
        if not ids:
            return set()
        q = select(OutboxEventRow.event_id).where(col(OutboxEventRow.event_id).in_(ids))
        return set(self.session.exec(q).all())

    def open_rounds(self) -> list[OpenRound]:
        q = (
            select(RoundRow, FiscalYearRow)
            .join(FiscalYearRow, col(FiscalYearRow.id) == RoundRow.fiscal_year_id)
            .where(RoundRow.status == "open")
            .order_by(col(RoundRow.id))
        )
        return [OpenRound(r, f) for r, f in self.session.exec(q).all()]

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

    # the inbox
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


@dataclass(frozen=True)
class OpenRound:
    """An open round and its fiscal year (the calendar of reminders reads both)."""

    round: RoundRow
    fiscal_year: FiscalYearRow
