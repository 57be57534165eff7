"""Units: the service units that report (reference data every role may read)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response, status

from api.conditional import tagged
from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.links import next_link
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import Cursor, Page, PageSize, UnitCode, decode_cursor, encode_cursor
from api.v1.units.schemas import UnitIn, UnitOut
from services import reference
from services.access import require_admin
from services.etags import etag_of

router = APIRouter(prefix="/units", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


@router.get("", response_model=Page[UnitOut], responses=problem_responses(400, 401, 403, 422))
async def list_units(
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    kind: Literal["central", "regional"] | None = None,
    cursor: Cursor = None,
    page_size: PageSize = 100,
) -> Any:
    """Units ordered by code; cursor pagination (the next page also in the ``Link`` header)."""
    after = decode_cursor(cursor)
    if after is not None and not isinstance(after, str):
        after = None
    size = min(page_size, settings.page_size_max)
    rows = await run(reference.list_units, principal, kind=kind, after=after, limit=size + 1)
    nxt = encode_cursor(rows[size - 1].code) if len(rows) > size else None
    response.headers.update(next_link(request, nxt))
    unchanged = tagged(request, response, etag_of("units", rows[:size], nxt))
    items = [UnitOut(**r.__dict__) for r in rows[:size]]
    return unchanged or Page[UnitOut](items=items, next_cursor=nxt)


@router.get("/{unit_code}", response_model=UnitOut, responses=problem_responses(401, 403, 404))
async def get_unit(
    unit_code: UnitCode,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """One unit: its code, names in Thai and English, kind and province (tagged)."""
    view = await run(reference.get_unit, principal, unit_code)
    return tagged(request, response, etag_of("unit", view)) or UnitOut(**view.__dict__)


@router.post(
    "",
    response_model=UnitOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def create_unit(
    body: UnitIn, run: RunDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Add a unit (administrators): its code, names in Thai and English, kind and province.
    A code that exists is a 409; many units at once: `sqs import-units`. Audited."""
    return await idem.run(
        body.model_dump(),
        201,
        reference.create_unit,
        principal,
        reference.UnitView(**body.model_dump()),
        shape=lambda view: UnitOut(**view.__dict__),
    )
