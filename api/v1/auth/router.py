"""Signing in (OAuth2 token endpoint), revoking, and the caller's own account.

``POST /auth/token`` and ``POST /auth/revoke`` need no bearer token: the grant or the token
being revoked is the credential. Failed sign-ins are answered, not raised, so that the unit of
work commits the failure counters (``services/rate_limit``) and any family revoked for reuse.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, status
from fastapi.responses import JSONResponse

from api.deps import CurrentPrincipal, SettingsDep, UowDep
from api.errors import problem_responses
from api.rate_limit_headers import rate_limit_headers
from api.security import create_access_token
from api.settings import Settings
from api.v1.auth.oauth_form import basic_credentials, error_answer, required
from api.v1.auth.schemas import MeOut, PasswordChangeIn, TokenOut
from persistence.unit_of_work import UnitOfWork
from services import auth, rate_limit, users
from services.auth import OAuthError
from services.errors import TooManyRequests

router = APIRouter(tags=["auth"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FormStr = Annotated[str | None, Form()]


def _limits(settings: Settings) -> rate_limit.Limits:
    return rate_limit.Limits(settings.login_max_failures, settings.login_window_seconds)


def _address(request: Request) -> str | None:
    """The peer address. Behind a proxy run uvicorn with ``--proxy-headers`` so it is the client."""
    return request.client.host if request.client else None


def _checked_grant(
    request: Request,
    uow: UnitOfWork,
    settings: Settings,
    keys: list[str],
    clear_key: str,
    attempt: Any,
) -> auth.Grant:
    """Run a credential check under the failed-sign-in limit for ``keys``; where the caller
    then stands goes into the answer's ``RateLimit`` headers (``request.state.rate_limit``)."""
    limits = _limits(settings)
    try:
        quotas = rate_limit.check(uow, limits, keys)
    except TooManyRequests as exc:
        wait = int(exc.headers["Retry-After"])
        exc.headers.update(_sign_in_headers(limits, rate_limit.Quota(0, wait)))
        raise
    try:
        grant: auth.Grant = attempt()
    except OAuthError:
        rate_limit.record_failure(uow, limits, keys)
        after = [q.after_failure(limits) for q in quotas.values()]
        request.state.rate_limit = _sign_in_headers(limits, rate_limit.tightest(after, limits))
        raise
    rate_limit.clear(uow, clear_key)  # forgiven: the other keys still count
    rest = [q for key, q in quotas.items() if key != clear_key]
    request.state.rate_limit = _sign_in_headers(limits, rate_limit.tightest(rest, limits))
    return grant


def _sign_in_headers(limits: rate_limit.Limits, quota: rate_limit.Quota) -> dict[str, str]:
    return rate_limit_headers(
        "sign-in",
        quota=limits.max_failures,
        window=limits.window_seconds,
        remaining=quota.remaining,
        reset=quota.reset,
    )


def _grant(
    request: Request, uow: UnitOfWork, settings: Settings, form: dict[str, str | None]
) -> auth.Grant:
    grant_type = required("grant_type", form["grant_type"])
    address_key = rate_limit.address_key(_address(request))
    days = settings.refresh_token_days
    if grant_type == "password":
        username = required("username", form["username"])
        password = required("password", form["password"])
        user_key = rate_limit.username_key(username)
        return _checked_grant(
            request,
            uow,
            settings,
            [user_key, address_key],
            user_key,
            lambda: auth.password_grant(uow, username, password, refresh_days=days),
        )
    if grant_type == "refresh_token":
        token = required("refresh_token", form["refresh_token"])
        return auth.refresh_grant(uow, token, refresh_days=days)
    if grant_type == "client_credentials":
        basic = basic_credentials(request.headers.get("authorization"))
        if basic and (form["client_id"] or form["client_secret"]):
            raise auth.invalid_request(
                "send client credentials either with HTTP Basic or in the form, not both"
            )
        client_id, secret = basic or (form["client_id"], form["client_secret"])
        client_id = required("client_id", client_id)
        secret = required("client_secret", secret)
        ckey = rate_limit.client_key(client_id)
        return _checked_grant(
            request,
            uow,
            settings,
            [ckey, address_key],
            ckey,
            lambda: auth.client_credentials_grant(uow, client_id, secret),
        )
    raise auth.unsupported_grant_type(grant_type)


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses=problem_responses(400, 401, 429),
)
def issue_token(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    grant_type: FormStr = None,
    username: FormStr = None,
    password: FormStr = None,
    refresh_token: FormStr = None,
    client_id: FormStr = None,
    client_secret: FormStr = None,
    scope: FormStr = None,
) -> Any:
    """OAuth2 token endpoint (``application/x-www-form-urlencoded``).

    - ``grant_type=password`` with ``username`` and ``password``: an access token and a
      refresh token.
    - ``grant_type=refresh_token`` with ``refresh_token``: a new pair; the presented refresh
      token is used up. Presenting a used one again revokes every token of that sign-in.
    - ``grant_type=client_credentials`` with ``client_id`` and ``client_secret`` (in the form
      or as HTTP Basic): an access token only; ask again when it expires.

    Errors are problem+json whose ``type`` ends in ``invalid_request``, ``invalid_grant``,
    ``invalid_client`` or ``unsupported_grant_type`` (the OAuth ``error`` is also in the body).
    Too many failed sign-ins for a username, client or address answer 429 with ``Retry-After``.
    ``scope`` is accepted and ignored: a token carries the rights of its role.
    """
    form = {
        "grant_type": grant_type,
        "username": username,
        "password": password,
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    try:
        grant = _grant(request, uow, settings, form)
    except OAuthError as exc:
        answer = error_answer(request, exc)
        answer.headers.update(getattr(request.state, "rate_limit", {}))
        return answer
    access, lifetime = create_access_token(settings, subject=grant.subject, role=grant.role)
    body = TokenOut(access_token=access, expires_in=lifetime, refresh_token=grant.refresh_token)
    headers = NO_STORE | getattr(request.state, "rate_limit", {})
    return JSONResponse(body.model_dump(exclude_none=True), headers=headers)


@router.post(
    "/auth/revoke",
    status_code=status.HTTP_200_OK,
    response_class=Response,
    responses={**problem_responses(400), 200: {"description": "Revoked, or nothing to revoke."}},
)
def revoke_token(
    request: Request, uow: UowDep, token: FormStr = None, token_type_hint: FormStr = None
) -> Response:
    """Revoke a refresh token (its whole sign-in) or a personal API token (RFC 7009).

    Always 200 when ``token`` is given, whether or not it was known, so the endpoint tells an
    attacker nothing. Access tokens are short-lived and are not revoked one by one.
    """
    try:
        auth.revoke(uow, required("token", token))
    except OAuthError as exc:
        return error_answer(request, exc)
    return Response(status_code=200, headers=NO_STORE)


@router.get("/me", response_model=MeOut, responses=problem_responses(401))
def get_me(principal: CurrentPrincipal) -> MeOut:
    """Who the token belongs to, with the role and the units or provider it is bound to."""
    return MeOut(
        subject=principal.subject,
        kind="client" if principal.subject.startswith("client:") else "user",
        username=principal.username,
        role=principal.role,
        unit_code=principal.unit_code,
        unit_codes=sorted(principal.unit_codes),
        provider_code=principal.provider_code,
        read_only=principal.read_only,
    )


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 401, 403, 422, 429),
)
def change_my_password(
    request: Request,
    body: PasswordChangeIn,
    uow: UowDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> Response:
    """Change your password (at least 12 characters). Every refresh token you hold is revoked,
    so other devices must sign in again. A wrong current password counts as a failed sign-in."""
    limits = _limits(settings)
    keys = [rate_limit.username_key(principal.username or principal.subject)]
    rate_limit.check(uow, limits, keys)
    try:
        users.change_own_password(uow, principal, body.current_password, body.new_password)
    except users.WrongPassword as exc:
        rate_limit.record_failure(uow, limits, keys)
        return error_answer(request, exc)
    return Response(status_code=204)
