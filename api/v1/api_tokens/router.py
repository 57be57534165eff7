"""Personal API tokens for scripts: make, list and revoke your own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from api.deps import CurrentPrincipal, UowDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.api_tokens.schemas import ApiTokenCreatedOut, ApiTokenIn, ApiTokenOut
from api.v1.auth.reauth import reauthenticate
from api.v1.auth.shown_once import create_shown_once
from api.v1.common.schemas import DbId
from services import api_tokens
from services.access import require_write

router = APIRouter(prefix="/me/api-tokens", tags=[tags.AUTH], route_class=GuardedRoute)


@router.post(
    "",
    response_model=ApiTokenCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(400, 401, 403, 422, 429),
    dependencies=[before_body(require_write)],
)
def create_api_token(
    request: Request,
    body: ApiTokenIn,
    uow: UowDep,
    principal: CurrentPrincipal,
    idem: IdempotencyDep,
) -> Any:
    """Make a token that acts as you (read-only or read-write) until it expires or is revoked.
    The answer holds the token, the only time it is shown; the server keeps its SHA-256.

    Needs your current ``password`` (400 ``wrong_current_password`` otherwise; wrong ones count
    as failed sign-ins, 429 past the limit), so that a stolen access token cannot be turned
    into a long-lived one. A new password revokes your tokens unless you ask to keep them."""
    api_tokens.require_creator(principal)
    proof = reauthenticate(request, uow, principal, body.password)
    if isinstance(proof, JSONResponse):
        return proof
    fields = body.model_dump(exclude={"password"})

    def produce() -> ApiTokenCreatedOut:
        view, token = api_tokens.create_token(uow, principal, proof, **fields)
        return ApiTokenCreatedOut(**view.__dict__, token=token)

    return create_shown_once(idem, fields, produce, "token")


@router.get("", response_model=list[ApiTokenOut], responses=problem_responses(401, 403))
def list_api_tokens(uow: UowDep, principal: CurrentPrincipal) -> list[ApiTokenOut]:
    """Your tokens, revoked and expired ones included, without the tokens themselves."""
    return [ApiTokenOut(**v.__dict__) for v in api_tokens.list_tokens(uow, principal)]


@router.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def revoke_api_token(token_id: DbId, uow: UowDep, principal: CurrentPrincipal) -> Response:
    """Revoke one of your tokens; it stops working at once."""
    api_tokens.revoke_token(uow, principal, token_id)
    return Response(status_code=204)
