"""Portal clients (admin): systems that sign in with client credentials."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.links import next_link
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.clients.schemas import ClientCreatedOut, ClientIn, ClientOut
from api.v1.common.schemas import ClientId, Cursor, Page, PageSize, decode_cursor, encode_cursor
from services import clients
from services.access import require_admin

router = APIRouter(prefix="/clients", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


@router.post(
    "",
    response_model=ClientCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def create_client(
    body: ClientIn, run: RunDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Register a portal (admin). The answer holds ``client_secret``, the only time it is shown;
    the server keeps only an argon2id hash of it."""
    return await idem.run(
        body.model_dump(),
        201,
        clients.create_client,
        principal,
        **body.model_dump(),
        shape=lambda made: ClientCreatedOut(**made[0].__dict__, client_secret=made[1]),
        shown_once="client_secret",
    )


@router.get("", response_model=Page[ClientOut], responses=problem_responses(400, 401, 403, 422))
async def list_clients(
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    cursor: Cursor = None,
    page_size: PageSize = 100,
) -> Page[ClientOut]:
    """Portal clients in order of registration (admin), without secrets."""
    after = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    found = await run(
        clients.list_clients,
        principal,
        after_id=after if isinstance(after, int) else None,
        limit=size + 1,
    )
    nxt = encode_cursor(found[size - 1][0]) if len(found) > size else None
    response.headers.update(next_link(request, nxt))
    return Page[ClientOut](
        items=[ClientOut(**v.__dict__) for _, v in found[:size]], next_cursor=nxt
    )


@router.get("/{client_id}", response_model=ClientOut, responses=problem_responses(401, 403, 404))
async def get_client(client_id: ClientId, run: RunDep, principal: CurrentPrincipal) -> ClientOut:
    """A registered portal client: role, binding and whether it is enabled (never its secret)."""
    return ClientOut(**(await run(clients.get_client, principal, client_id)).__dict__)


@router.post(
    "/{client_id}/disable", response_model=ClientOut, responses=problem_responses(401, 403, 404)
)
async def disable_client(
    client_id: ClientId, run: RunDep, principal: CurrentPrincipal
) -> ClientOut:
    """Disable a portal (admin); its access tokens stop working at once."""
    return ClientOut(**(await run(clients.set_active, principal, client_id, False)).__dict__)


@router.post(
    "/{client_id}/enable", response_model=ClientOut, responses=problem_responses(401, 403, 404)
)
async def enable_client(client_id: ClientId, run: RunDep, principal: CurrentPrincipal) -> ClientOut:
    """Let a disabled portal client sign in again (its secret is unchanged). Audited."""
    return ClientOut(**(await run(clients.set_active, principal, client_id, True)).__dict__)
