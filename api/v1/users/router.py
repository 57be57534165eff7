"""Users (admin): create, list, read, change role and bindings, disable and enable."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from api.deps import CurrentPrincipal, SettingsDep, UowDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.links import next_link
from api.v1.common.schemas import Cursor, DbId, Page, decode_cursor, encode_cursor
from api.v1.users.schemas import Role, UserIn, UserOut, UserPatch
from services import users

router = APIRouter(prefix="/users", tags=["users"])


def _out(view: users.UserView) -> UserOut:
    return UserOut(**view.__dict__)


@router.post(
    "",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_user(
    body: UserIn, uow: UowDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Create a user with a role and what the role needs (admin).

    With an ``Idempotency-Key`` the password is left out of the request fingerprint, so that
    nothing derived from it is stored outside the argon2id hash.
    """

    def produce() -> UserOut:
        return _out(
            users.create_user(
                uow,
                principal,
                username=body.username,
                password=body.password,
                role=body.role,
                unit_code=body.unit_code,
                provider_code=body.provider_code,
                unit_codes=body.unit_codes,
            )
        )

    return idem.run(body.model_dump(exclude={"password"}), 201, produce)


@router.get("", response_model=Page[UserOut], responses=problem_responses(400, 401, 403, 422))
def list_users(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    role: Role | None = None,
    cursor: Cursor = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page[UserOut]:
    """Users in order of creation (admin); cursor pagination."""
    after = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    views = users.list_users(
        uow,
        principal,
        after_id=after if isinstance(after, int) else None,
        limit=size + 1,
        role=role,
    )
    nxt = encode_cursor(views[size - 1].id) if len(views) > size else None
    response.headers.update(next_link(request, nxt))
    return Page[UserOut](items=[_out(v) for v in views[:size]], next_cursor=nxt)


@router.get("/{user_id}", response_model=UserOut, responses=problem_responses(401, 403, 404))
def get_user(user_id: DbId, uow: UowDep, principal: CurrentPrincipal) -> UserOut:
    return _out(users.get_user(uow, principal, user_id))


@router.patch(
    "/{user_id}", response_model=UserOut, responses=problem_responses(401, 403, 404, 409, 422)
)
def update_user(
    user_id: DbId, body: UserPatch, uow: UowDep, principal: CurrentPrincipal
) -> UserOut:
    """Change a user's role and bindings (admin). The new role takes effect on the next request."""
    fields = body.model_fields_set
    change = users.UserChange(
        role=body.role,
        unit_code=body.unit_code,
        provider_code=body.provider_code,
        unit_codes=body.unit_codes,
        given=fields & {"unit_code", "provider_code", "unit_codes"},
    )
    return _out(users.update_user(uow, principal, user_id, change))


@router.post(
    "/{user_id}/disable", response_model=UserOut, responses=problem_responses(401, 403, 404, 409)
)
def disable_user(user_id: DbId, uow: UowDep, principal: CurrentPrincipal) -> UserOut:
    """Disable a user (admin): their refresh and API tokens are revoked and their access
    tokens stop working at once."""
    return _out(users.set_active(uow, principal, user_id, False))


@router.post(
    "/{user_id}/enable", response_model=UserOut, responses=problem_responses(401, 403, 404)
)
def enable_user(user_id: DbId, uow: UowDep, principal: CurrentPrincipal) -> UserOut:
    """Enable a disabled user again (admin); they sign in afresh, old tokens stay revoked."""
    return _out(users.set_active(uow, principal, user_id, True))
