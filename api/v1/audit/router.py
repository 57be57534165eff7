"""The audit trail (admin, read-only). No route updates or deletes an audit event."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.links import next_link
from api.routing import GuardedRoute
from api.v1 import tags
from api.v1.audit.schemas import AuditEventOut
from api.v1.common.schemas import (
    NO_NUL,
    Cursor,
    Page,
    PageSize,
    UpdatedSince,
    decode_cursor,
    encode_cursor,
)
from services import audit_trail
from services.sync_cursor import cursor_of, position

router = APIRouter(prefix="/audit-events", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


def _iso_only(value: object) -> object:
    """Pydantic would also read ``0.5`` or ``1700000000`` as a Unix time; the parameter is
    documented as an ISO 8601 date-time, so only that is taken."""
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}T", value):
        raise PydanticCustomError("not_datetime", "a date-time with its time zone is required")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only)]


@router.get("", response_model=Page[AuditEventOut], responses=problem_responses(400, 401, 403, 422))
async def list_audit_events(
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    actor: Annotated[
        str | None,
        Query(max_length=120, pattern=NO_NUL, description="e.g. `user:12`, `client:portal-a`"),
    ] = None,
    action: Annotated[
        str | None, Query(max_length=64, pattern=NO_NUL, description="e.g. `user.create`")
    ] = None,
    object_type: Annotated[str | None, Query(max_length=64, pattern=NO_NUL)] = None,
    object_id: Annotated[str | None, Query(max_length=120, pattern=NO_NUL)] = None,
    since: Annotated[
        IsoDateTime | None, Query(description="Inclusive; ISO 8601 with a time zone.")
    ] = None,
    until: Annotated[
        IsoDateTime | None, Query(description="Exclusive; ISO 8601 with a time zone.")
    ] = None,
    updated_since: UpdatedSince = None,
    cursor: Cursor = None,
    page_size: PageSize = 100,
) -> Page[AuditEventOut]:
    """Audit events, newest first, with who, when, what and the before/after of the change.
    With ``updated_since``: the events since then, oldest first (an incremental sync)."""
    before = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    filters: dict[str, Any] = {
        "who": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "since": _aware(since),
        "until": _aware(until),
    }
    if updated_since is not None:
        return await _sync_page(
            request, response, run, principal, updated_since, before, size, filters
        )
    events = await run(
        audit_trail.list_events,
        principal,
        before_id=before if isinstance(before, int) else None,
        limit=size + 1,
        **filters,
    )
    nxt = encode_cursor(events[size - 1].id) if len(events) > size else None
    response.headers.update(next_link(request, nxt))
    return Page[AuditEventOut](
        items=[AuditEventOut(**e.__dict__) for e in events[:size]], next_cursor=nxt
    )


def _aware(value: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC (the trail is stored in UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


async def _sync_page(
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    since: datetime,
    cursor: Any,
    size: int,
    filters: dict[str, Any],
) -> Page[AuditEventOut]:
    """Oldest first by (time, id), the cursor on both: an event committed while a client pages
    comes after the events it has met (its time is later), never before them."""
    after = position(cursor, int)
    events = await run(
        audit_trail.list_events,
        principal,
        changed_since=_aware(since),
        after=after,
        limit=size + 1,
        **filters,
    )
    last = events[size - 1] if len(events) > size else None
    nxt = encode_cursor(cursor_of(last.occurred_at, last.id)) if last is not None else None
    response.headers.update(next_link(request, nxt))
    return Page[AuditEventOut](
        items=[AuditEventOut(**e.__dict__) for e in events[:size]], next_cursor=nxt
    )
