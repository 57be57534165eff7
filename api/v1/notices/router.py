"""E-mail notices: turn kinds on and off, read your inbox, and (admins) follow every delivery.

Sending is the notice worker's (``services.notice_delivery``); these routes only read and set.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import Cursor, decode_cursor, encode_cursor
from api.v1.notices.schemas import (
    NoticeDeliveryOut,
    NoticeDeliveryPage,
    NoticeKind,
    NoticeOut,
    NoticePage,
    NoticeSettings,
    NoticeStatus,
)
from services import notices
from services.access import require_write

# Your settings and inbox sit with the rest of "you" (auth); every delivery is the admins'.
router = APIRouter(route_class=GuardedRoute)


@router.get(
    "/me/notifications",
    response_model=NoticeSettings,
    tags=[tags.AUTH],
    responses=problem_responses(401, 403),
)
async def get_my_notifications(run: RunDep, principal: CurrentPrincipal) -> NoticeSettings:
    """Which kinds of e-mail notice you get (all are on until you turn them off)."""
    return NoticeSettings(**await run(notices.get_preferences, principal))


@router.put(
    "/me/notifications",
    response_model=NoticeSettings,
    tags=[tags.AUTH],
    responses=problem_responses(401, 403, 422),
    dependencies=[before_body(require_write)],
)
async def put_my_notifications(
    body: NoticeSettings, run: RunDep, principal: CurrentPrincipal
) -> NoticeSettings:
    """Turn kinds of notice on or off. A kind turned off is neither mailed nor kept in your
    inbox, from the next event on."""
    return NoticeSettings(**await run(notices.set_preferences, principal, body.model_dump()))


def _size(settings: SettingsDep, page_size: int) -> int:
    return min(page_size, settings.page_size_max)


@router.get(
    "/me/notices",
    response_model=NoticePage,
    tags=[tags.AUTH],
    responses=problem_responses(400, 401, 403),
)
async def list_my_notices(
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    cursor: Cursor = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> NoticePage:
    """The notices written for you, newest first (an app's inbox), mailed or not."""
    before = decode_cursor(cursor)
    views, nxt = await run(
        notices.my_notices,
        principal,
        before_id=before if isinstance(before, int) else None,
        limit=_size(settings, page_size),
    )
    return NoticePage(
        items=[NoticeOut(**_fields(v, NoticeOut)) for v in views],
        next_cursor=encode_cursor(nxt) if nxt is not None else None,
    )


@router.get(
    "/notices",
    response_model=NoticeDeliveryPage,
    tags=[tags.ADMINISTRATION],
    responses=problem_responses(400, 401, 403, 422),
)
async def list_notices(
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    status: NoticeStatus | None = None,
    kind: NoticeKind | None = None,
    cursor: Cursor = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> NoticeDeliveryPage:
    """Every notice, newest first, with its attempts and last error (admin); ``status=failed``
    lists what could not be mailed."""
    before = decode_cursor(cursor)
    views, nxt = await run(
        notices.all_notices,
        principal,
        status=status,
        kind=kind,
        before_id=before if isinstance(before, int) else None,
        limit=_size(settings, page_size),
    )
    return NoticeDeliveryPage(
        items=[NoticeDeliveryOut(**_fields(v, NoticeDeliveryOut)) for v in views],
        next_cursor=encode_cursor(nxt) if nxt is not None else None,
    )


def _fields(view: notices.NoticeView, model: type[NoticeOut]) -> dict[str, object]:
    return {k: v for k, v in view.__dict__.items() if k in model.model_fields}
