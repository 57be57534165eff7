"""The one shape of a queue fed by the outbox: webhook deliveries and e-mail notices alike.

Each consumer of the outbox (the webhook worker, the notice worker) marks the events it has
taken in a column of its own (``dispatched_at``, ``noticed_at``) and makes rows in a queue of
its own, which its worker sends and retries. Both queues are read in exactly the same ways,
so the queries are written here once, named by the row class and the event mark.

The claims lock with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several instances can run a
worker at once: each claims rows the others have not locked and nobody waits or double-sends.
SQLite ignores ``FOR UPDATE``; there a writing unit of work already holds the database's write
lock (``BEGIN IMMEDIATE``), which serialises the workers just as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from sqlmodel import Session, col, select

from persistence.tables import OutboxEventRow

PENDING = "pending"
"""The status of a queued row that is still to be sent (or sent again)."""


class QueueRow(Protocol):
    """What a queued row has, whatever it carries: its state of sending."""

    id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_error: str | None


RowT = TypeVar("RowT", bound=QueueRow)


class OutboxQueue(Generic[RowT]):
    """The queries of one outbox consumer: its new events, its due rows, one row locked.

    A consumer's repository names its queue's ``row_type`` and the outbox column it marks the
    events it has taken with (``event_mark``)."""

    row_type: type[RowT]
    event_mark: Literal["dispatched_at", "noticed_at"]

    def __init__(self, session: Session) -> None:
        self.session = session
        self._mark: Any = col(getattr(OutboxEventRow, self.event_mark))

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def claim_new_events(self, limit: int) -> Sequence[OutboxEventRow]:
        """The oldest events this consumer has not taken yet, locked (skipping rows another
        worker holds)."""
        q = (
            select(OutboxEventRow)
            .where(self._mark.is_(None))
            .order_by(col(OutboxEventRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.exec(q).all()

    def _due(self, now: datetime) -> Any:
        row = self.row_type
        return select(row).where(row.status == PENDING, col(row.next_attempt_at) <= now)

    def has_work(self, now: datetime) -> bool:
        """Whether an event waits to be taken or a row is due (two indexed lookups)."""
        new = select(OutboxEventRow.id).where(self._mark.is_(None))
        return (
            self.session.exec(new.limit(1)).first() is not None
            or self.session.exec(self._due(now).limit(1)).first() is not None
        )

    def claim_due(self, now: datetime, limit: int) -> Sequence[RowT]:
        """Pending rows whose next attempt is due, oldest first, locked (skip locked)."""
        row = self.row_type
        q = (
            self._due(now)
            .order_by(col(row.next_attempt_at), col(row.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.exec(q).all())

    def for_update(self, row_id: int) -> RowT | None:
        """One queued row, locked, to record what became of it."""
        q = select(self.row_type).where(self.row_type.id == row_id).with_for_update()
        found: RowT | None = self.session.exec(q).first()
        return found
