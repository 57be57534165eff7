"""A round's reports as a list, in the order they last changed: what a portal or an inspector's
app polls to learn which reports to read again (with ``updated_since``, only those)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from persistence.repositories.sync import ReportItem
from persistence.unit_of_work import UnitOfWork
from services.access import report_scope
from services.principal import Principal
from services.reference import require_round
from services.sync_cursor import cursor_of, position


class ReportPage(NamedTuple):
    """One page of the list, and the cursor of the next (None: this is the last)."""

    items: list[ReportItem]
    next_cursor: Any


def list_reports(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    *,
    since: datetime | None,
    state: str | None,
    cursor: Any,
    size: int,
) -> ReportPage:
    """The reports, and the next page's cursor or None. Ordered by (updated_at, report id), the
    cursor on both: a report written while a client pages moves behind its position and is
    met again, never skipped. Reports never written are not in the list."""
    scope = report_scope(actor)
    require_round(uow, round_id)
    found = uow.repos.sync.reports(
        round_id, since=since, after=position(cursor, int), state=state, codes=scope, limit=size + 1
    )
    if len(found) <= size:
        return ReportPage(found, None)
    last = found[size - 1]
    return ReportPage(found[:size], cursor_of(last.updated_at, last.id))
