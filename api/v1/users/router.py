"""Users (admin): create, list, read, change role and bindings, reset a password, disable and
enable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.links import next_link
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.auth.schemas import PasswordChangedOut
from api.v1.common.schemas import Cursor, DbId, Page, PageSize, decode_cursor, encode_cursor
from api.v1.users.schemas import PasswordResetIn, Role, UserIn, UserOut, UserPatch
from services import credentials, users
from services.access import require_admin

router = APIRouter(prefix="/users", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


def _out(view: users.UserView) -> UserOut:
    return UserOut(**view.__dict__)


@router.post(
    "",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def create_user(
    body: UserIn, run: RunDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Create a user with a role and what the role needs (admin).

    With an ``Idempotency-Key`` the password is left out of the request fingerprint, so that
    nothing derived from it is stored outside the argon2id hash.
    """
    return await idem.run(
        body.model_dump(exclude={"password"}),
        201,
        users.create_user,
        principal,
        username=body.username,
        password=body.password,
        role=body.role,
        unit_code=body.unit_code,
        provider_code=body.provider_code,
        unit_codes=body.unit_codes,
        email=body.email,
        language=body.language,
        shape=_out,
    )


@router.get("", response_model=Page[UserOut], responses=problem_responses(400, 401, 403, 422))
async def list_users(
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    role: Role | None = None,
    cursor: Cursor = None,
    page_size: PageSize = 100,
) -> Page[UserOut]:
    """Users in order of creation (admin); cursor pagination."""
    after = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    views = await run(
        users.list_users,
        principal,
        after_id=after if isinstance(after, int) else None,
        limit=size + 1,
        role=role,
    )
    nxt = encode_cursor(views[size - 1].id) if len(views) > size else None
    response.headers.update(next_link(request, nxt))
    return Page[UserOut](items=[_out(v) for v in views[:size]], next_cursor=nxt)


@router.get("/{user_id}", response_model=UserOut, responses=problem_responses(401, 403, 404))
async def get_user(user_id: DbId, run: RunDep, principal: CurrentPrincipal) -> UserOut:
    """One user (administrators): role, the units or provider the role is bound to, and state."""
    return _out(await run(users.get_user, principal, user_id))


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def update_user(
    user_id: DbId, body: UserPatch, run: RunDep, principal: CurrentPrincipal
) -> UserOut:
    """Change a user's role, bindings, e-mail address or language (admin). The new role takes
    effect on the next request."""
    fields = body.model_fields_set
    change = users.UserChange(
        role=body.role,
        unit_code=body.unit_code,
        provider_code=body.provider_code,
        unit_codes=body.unit_codes,
        given=fields & {"unit_code", "provider_code", "unit_codes"},
        email=body.email,
        email_given="email" in fields,
        language=body.language,
    )
    return _out(await run(users.update_user, principal, user_id, change))


@router.post(
    "/{user_id}/password",
    response_model=PasswordChangedOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def reset_password(
    user_id: DbId, body: PasswordResetIn, run: RunDep, principal: CurrentPrincipal
) -> PasswordChangedOut:
    """Set a user's password (admin), e.g. one they forgot. Every sign-in of theirs ends
    (refresh tokens revoked, access tokens made before stop working) and their personal API
    tokens are revoked unless ``keep_api_tokens`` is true; the answer says how many. Your own
    password is changed with ``POST /me/password`` (409 here)."""
    revoked = await run(
        credentials.reset_password,
        principal,
        user_id,
        body.new_password,
        keep_api_tokens=body.keep_api_tokens,
    )
    return PasswordChangedOut(
        refresh_tokens_revoked=revoked.refresh_tokens, api_tokens_revoked=revoked.api_tokens
    )


@router.post(
    "/{user_id}/disable", response_model=UserOut, responses=problem_responses(401, 403, 404, 409)
)
async def disable_user(user_id: DbId, run: RunDep, principal: CurrentPrincipal) -> UserOut:
    """Disable a user (admin): their refresh and API tokens are revoked and their access
    tokens stop working at once."""
    return _out(await run(users.set_active, principal, user_id, False))


@router.post(
    "/{user_id}/enable", response_model=UserOut, responses=problem_responses(401, 403, 404)
)
async def enable_user(user_id: DbId, run: RunDep, principal: CurrentPrincipal) -> UserOut:
    """Enable a disabled user again (admin); they sign in afresh, old tokens stay revoked."""
    return _out(await run(users.set_active, principal, user_id, True))
