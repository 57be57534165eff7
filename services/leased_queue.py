"""Sending a queue fed by the outbox, once and never lost: webhook deliveries and e-mail notices.

Both workers follow the same rules, written here once:

- a pass **claims** due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on
  SQLite) and moves their next attempt a *lease* into the future before committing, so no other
  worker takes them while this one talks to the receiver — with no transaction open;
- each result is **recorded** in its own short transaction: done, or the next attempt on the
  fixed :data:`BACKOFF` schedule, or ``failed`` (a permanent refusal, or the last attempt);
- a worker told to **stop** hands the claims it has not sent back at once (due again now)
  instead of letting them wait out their lease.

If the process dies between the receiver accepting and the result being recorded, the lease
runs out and the row is sent again: at-least-once, never lost. What differs (how to make a
claim from a row, how to send one) is a subclass of :class:`LeasedQueuePass`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine

from persistence.repositories.outbox_queue import PENDING, OutboxQueue, QueueRow
from persistence.unit_of_work import UnitOfWork

FAILED = "failed"

BACKOFF: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
"""Wait after the 1st, 2nd, … failed attempt. Deterministic (no jitter): the rows are few and
spread over time already, and a fixed schedule is what an operator can reason about."""

MAX_ATTEMPTS = len(BACKOFF) + 1
"""One first attempt and one retry per back-off step; then the row is ``failed``."""

MAX_RETRY_AFTER = BACKOFF[-1]
"""A receiver's ``Retry-After`` may lengthen a wait up to the longest step, never beyond."""

ClaimT = TypeVar("ClaimT")


@dataclass
class QueueReport:
    """What a pass did: every report of an outbox consumer's pass counts these."""

    fanned_out: int = 0
    """Outbox events taken (turned into rows of the queue)."""
    attempted: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    """What one attempt came to."""

    ok: bool
    error: str | None = None
    permanent: bool = False
    """The receiver refused for good: no further attempt."""
    retry_after: timedelta | None = None
    """The receiver asked us to wait at least this long before the next attempt."""


def apply_attempt(row: QueueRow, attempt: Attempt, now: datetime, *, done: str) -> str:
    """Write an attempt's result on its row; the row's status after it (``done``, ``failed``,
    or still pending with its next attempt on the back-off schedule)."""
    row.attempts += 1
    row.last_attempt_at = now
    row.last_error = None if attempt.ok else (attempt.error or FAILED)[:500]
    if attempt.ok:
        row.status = done
    elif attempt.permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
    else:
        wait = BACKOFF[row.attempts - 1]
        if attempt.retry_after is not None:
            wait = min(max(wait, attempt.retry_after), MAX_RETRY_AFTER)
        row.next_attempt_at = now + wait
    return row.status


class LeasedQueuePass(ABC, Generic[ClaimT]):
    """One pass over a queue: claim, send outside any transaction, record, hand back on stop.

    A subclass names its queue, turns claimed rows into claims (what sending needs, read while
    the rows are locked) and sends one claim; it may finish a recorded row (:meth:`recorded`)."""

    lease: timedelta
    """How long a claimed row stays invisible to other workers while it is being sent."""
    done: str
    """The status of a row whose attempt succeeded."""
    noun: str
    """What a row is called in the report's error lines ("delivery 12: HTTP 503")."""

    def __init__(
        self,
        engine: Engine,
        report: QueueReport,
        *,
        now: datetime,
        batch_size: int,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.engine = engine
        self.report = report
        self.now = now
        self.batch_size = batch_size
        self.stop = stop or (lambda: False)

    @abstractmethod
    def queue_of(self, uow: UnitOfWork) -> OutboxQueue[Any]:
        """This queue's repository in ``uow``."""

    @abstractmethod
    def claims_of(self, uow: UnitOfWork, rows: Sequence[Any]) -> list[ClaimT]:
        """Claims for the rows just leased; a row that cannot be sent gets its final status
        here and no claim."""

    @abstractmethod
    def row_id(self, claim: ClaimT) -> int:
        """The queued row a claim stands for."""

    @abstractmethod
    def send(self, claim: ClaimT) -> Attempt | None:
        """Send one claim; None when the worker's stop cut it (not an attempt: sent again)."""

    def recorded(self, uow: UnitOfWork, row: Any, attempt: Attempt) -> None:
        """Finish a row whose attempt was just recorded, in the same transaction (its done
        count and time when it succeeded)."""

    def close(self) -> None:
        """Called once the pass has sent what it will (an open session to close, say)."""

    def run(self) -> None:
        """Claim and send batch after batch until the queue has nothing due or the pass stops."""
        try:
            while True:
                claims = self.claim()
                if not self._drain(claims) or len(claims) < self.batch_size or self.stop():
                    return
        finally:
            self.close()

    def claim(self) -> list[ClaimT]:
        """Lease one batch of due rows and make their claims (one short transaction)."""
        with UnitOfWork(self.engine, write=True) as uow:
            queue = self.queue_of(uow)
            rows = queue.claim_due(self.now, self.batch_size)
            for row in rows:
                row.next_attempt_at = self.now + self.lease
                queue.add(row)
            return self.claims_of(uow, rows) if rows else []

    def _drain(self, claims: Sequence[ClaimT]) -> bool:
        """Send the claims in turn; False when the pass stopped (the rest handed back)."""
        for i, claim in enumerate(claims):
            attempt = None if self.stop() else self.send(claim)
            if attempt is None:
                self.release([self.row_id(c) for c in claims[i:]])
                return False
            self.report.attempted += 1
            if not attempt.ok:
                self.report.errors.append(f"{self.noun} {self.row_id(claim)}: {attempt.error}")
            self._record(self.row_id(claim), attempt)
        return True

    def _record(self, row_id: int, attempt: Attempt) -> None:
        with UnitOfWork(self.engine, write=True) as uow:
            queue = self.queue_of(uow)
            row = queue.for_update(row_id)
            if row is None or row.status != PENDING:
                return  # cancelled or retried by an admin meanwhile
            status = apply_attempt(row, attempt, self.now, done=self.done)
            queue.add(row)
            if status == FAILED:
                self.report.failed += 1
            elif status == PENDING:
                self.report.retrying += 1
            self.recorded(uow, row, attempt)

    def release(self, row_ids: Sequence[int]) -> None:
        """Hand claimed-but-unsent rows back, due again at once."""
        with UnitOfWork(self.engine, write=True) as uow:
            queue = self.queue_of(uow)
            for row_id in row_ids:
                row = queue.for_update(row_id)
                if row is not None and row.status == PENDING:
                    row.next_attempt_at = self.now
                    queue.add(row)
