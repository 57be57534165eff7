"""Reading the audit trail (admin). There is no function that changes or deletes an event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from persistence.tables import AuditEventRow
from persistence.unit_of_work import UnitOfWork
from services.access import require_role
from services.principal import Principal


@dataclass(frozen=True)
class EventView:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    request_id: str | None


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _view(row: AuditEventRow) -> EventView:
    assert row.id is not None
    return EventView(
        row.id,
        row.occurred_at,
        row.actor,
        row.action,
        row.object_type,
        row.object_id,
        _load(row.before),
        _load(row.after),
        row.request_id,
    )


def list_events(
    uow: UnitOfWork,
    actor: Principal,
    *,
    who: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    changed_since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = 100,
) -> list[EventView]:
    """Newest first; ``before_id`` continues a page. With ``changed_since`` (the incremental
    sync): the events at or after it, oldest first by (time, id); ``after`` continues a page.
    Events are never changed, so an event's time of change is when it occurred."""
    require_role(actor, "admin")
    rows = uow.repos.audit.list(
        actor=who,
        action=action,
        object_type=object_type,
        object_id=object_id,
        since=since if changed_since is None else max(since or changed_since, changed_since),
        until=until,
        before_id=before_id,
        after=after,
        oldest_first=changed_since is not None,
        limit=limit,
    )
    return [_view(r) for r in rows]
