"""The audit trail (admin, read-only). No route updates or deletes an audit event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, SettingsDep, UowDep
from api.errors import problem_responses
from api.v1.audit.schemas import AuditEventOut
from api.v1.common.schemas import Page, decode_cursor, encode_cursor
from services import audit_trail

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("", response_model=Page[AuditEventOut], responses=problem_responses(400, 401, 403, 422))
def list_audit_events(
    uow: UowDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    actor: Annotated[
        str | None, Query(max_length=120, description="e.g. `user:12`, `client:portal-a`")
    ] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. `user.create`")] = None,
    object_type: Annotated[str | None, Query(max_length=64)] = None,
    object_id: Annotated[str | None, Query(max_length=120)] = None,
    since: Annotated[
        datetime | None, Query(description="Inclusive; ISO 8601 with a time zone.")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Exclusive; ISO 8601 with a time zone.")
    ] = None,
    cursor: str | None = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page[AuditEventOut]:
    """Audit events, newest first, with who, when, what and the before/after of the change."""
    before = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    events = audit_trail.list_events(
        uow,
        principal,
        who=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        since=_aware(since),
        until=_aware(until),
        before_id=before if isinstance(before, int) else None,
        limit=size + 1,
    )
    nxt = encode_cursor(events[size - 1].id) if len(events) > size else None
    return Page[AuditEventOut](
        items=[AuditEventOut(**e.__dict__) for e in events[:size]], next_cursor=nxt
    )


def _aware(value: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC (the trail is stored in UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
