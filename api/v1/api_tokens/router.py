"""Personal API tokens for scripts: make, list and revoke your own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import CurrentPrincipal, RunDep
from api.errors import problem_responses
from api.idempotency import NO_STORE, IdempotencyDep, answer
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.api_tokens.schemas import ApiTokenCreatedOut, ApiTokenIn, ApiTokenOut
from api.v1.auth.oauth_form import error_answer
from api.v1.auth.router import throttle_of
from api.v1.common.schemas import DbId
from services import api_tokens, idempotency, reauth
from services.access import require_write

router = APIRouter(prefix="/me/api-tokens", tags=[tags.AUTH], route_class=GuardedRoute)

SHOWN_ONCE = "token"


@router.post(
    "",
    response_model=ApiTokenCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(400, 401, 403, 422, 429),
    dependencies=[before_body(require_write)],
)
async def create_api_token(
    request: Request,
    body: ApiTokenIn,
    run: RunDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Any:
    """Make a token that acts as you (read-only or read-write) until it expires or is revoked.
    The answer holds the token, the only time it is shown; the server keeps its SHA-256.

    Needs your current ``password`` (400 ``wrong_current_password`` otherwise; wrong ones count
    as failed sign-ins, 429 past the limit), so that a stolen access token cannot be turned
    into a long-lived one. A new password revokes your tokens unless you ask to keep them."""
    fields = body.model_dump(exclude={"password"})
    made = await run(
        reauth.create_api_token,
        throttle_of(request),
        principal,
        body.password,
        idem.once_with(
            fields,
            201,
            shape=lambda made: ApiTokenCreatedOut(**made[0].__dict__, token=made[1]),
            shown_once=SHOWN_ONCE,
        ),
        **fields,
    )
    if not isinstance(made, idempotency.Answer):
        return error_answer(request, made)
    return answer(made, NO_STORE)


@router.get("", response_model=list[ApiTokenOut], responses=problem_responses(401, 403))
async def list_api_tokens(run: RunDep, principal: CurrentPrincipal) -> list[ApiTokenOut]:
    """Your tokens, revoked and expired ones included, without the tokens themselves."""
    return [ApiTokenOut(**v.__dict__) for v in await run(api_tokens.list_tokens, principal)]


@router.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
async def revoke_api_token(token_id: DbId, run: RunDep, principal: CurrentPrincipal) -> Response:
    """Revoke one of your tokens; it stops working at once."""
    await run(api_tokens.revoke_token, principal, token_id)
    return Response(status_code=204)
