"""Exports: the scoreboard and a unit's report as XLSX, the year's deadlines as iCalendar.

The calendar is authenticated like every other read. Calendar applications that subscribe to
a URL cannot always set an ``Authorization: Bearer`` header, so this one route also accepts
HTTP Basic with a personal API token as the password (user name ignored) — Apple Calendar,
Thunderbird and DAVx5 ask for exactly that when the feed answers 401 with a Basic challenge.
A token in the query string (``?token=``) is deliberately *not* accepted: URLs end up in
access logs, proxy logs, browser history and ``Referer`` headers, and a calendar URL is
exactly the kind of link people paste into chats. Use a read-only token for subscriptions.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)

from api.deps import ClockDep, CurrentPrincipal, RunDep, runtime_of
from api.errors import problem_responses
from api.routing import GuardedRoute
from api.v1 import tags
from api.v1.common.schemas import DbId, UnitCode, YearBE
from services import exports
from services.errors import Unauthorized
from services.principal import Principal

router = APIRouter(tags=[tags.EXPORTS], route_class=GuardedRoute)

XLSX: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {exports.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        "description": "An XLSX workbook",
    }
}
ICS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/calendar": {"schema": {"type": "string"}}},
        "description": "An iCalendar (RFC 5545) feed",
    }
}

_bearer = HTTPBearer(auto_error=False, description="An access token or a personal API token")
_basic = HTTPBasic(
    auto_error=False,
    realm="sqs-calendar",
    description="For calendar subscriptions: any user name, a personal API token as password",
)
CALENDAR_CHALLENGE = {"WWW-Authenticate": 'Basic realm="sqs-calendar", Bearer'}


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get(
    "/rounds/{round_id}/scores.xlsx",
    response_class=Response,
    responses=problem_responses(401, 403, 404, 429) | XLSX,
)
async def get_round_scoreboard_xlsx(
    round_id: DbId, run: RunDep, principal: CurrentPrincipal
) -> Response:
    """The round scoreboard as XLSX (same access and same strings as the JSON scoreboard;
    scores are text cells so no float rounding can change them). A whole-round export: a few
    at a time (429 with ``Retry-After`` beyond ``SQS_EXPORTS_IN_FLIGHT``)."""
    data = await run(exports.scoreboard_xlsx, principal, round_id)
    return Response(
        data,
        media_type=exports.XLSX_MEDIA_TYPE,
        headers=_attachment(f"scores-round-{round_id}.xlsx"),
    )


@router.get(
    "/rounds/{round_id}/units/{unit_code}/report.xlsx",
    response_class=Response,
    responses=problem_responses(401, 403, 404) | XLSX,
)
async def get_report_xlsx(
    round_id: DbId, unit_code: UnitCode, run: RunDep, principal: CurrentPrincipal
) -> Response:
    """A unit's report as XLSX: per indicator the unit's texts, the value, the score and how it
    was computed; dimensions, overall and level; the inspector's comments (report access)."""
    data = await run(exports.report_xlsx, principal, round_id, unit_code)
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in unit_code)
    return Response(
        data,
        media_type=exports.XLSX_MEDIA_TYPE,
        headers=_attachment(f"report-round-{round_id}-{safe}.xlsx"),
    )


async def calendar_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    basic: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> Principal:
    """Bearer as everywhere, or Basic whose password is a token (see the module docstring)."""
    token: str | None = None
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        token = bearer.credentials if bearer is not None else None
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        _user, sep, password = decoded.partition(":")
        token = password if sep and basic is not None else None
    if not token:
        raise Unauthorized(code="calendar_token_required", headers=CALENDAR_CHALLENGE)
    try:
        principal = await runtime_of(request).principals.get(token)
    except Unauthorized as exc:
        raise Unauthorized(
            exc.detail, headers=CALENDAR_CHALLENGE, code=exc.code, params=exc.params
        ) from None
    request.state.principal_id = principal.subject
    return principal


@router.get(
    "/fiscal-years/{year_be}/calendar.ics",
    response_class=Response,
    responses=problem_responses(401, 403, 404) | ICS,
)
async def get_fiscal_year_calendar(
    year_be: YearBE,
    run: RunDep,
    principal: Annotated[Principal, Depends(calendar_principal)],
    clock: ClockDep,
) -> Response:
    """The fiscal year's reporting deadlines as an iCalendar feed to subscribe to: one all-day
    event per round, Thai and English summary, stable UIDs (a moved deadline updates the
    event)."""
    text = await run(exports.calendar_ics, principal, year_be, clock=clock)
    return Response(
        text.encode("utf-8"),
        media_type=exports.CALENDAR_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="sqs-{year_be}.ics"'},
    )
