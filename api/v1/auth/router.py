"""Signing in (OAuth2 token endpoint), revoking, and the caller's own account.

``POST /auth/token`` and ``POST /auth/revoke`` need no bearer token: the grant or the token
being revoked is the credential. Failed sign-ins are answered, not raised, so that the unit of
work commits the failure counters (``services/rate_limit``) and any family revoked for reuse
(``services.sign_in``, ``services.reauth``).

A successful password sign-in also answers a device token (in the body, and as the cookie
``sqs_device`` for browsers); sent back with the next sign-in of the same username, it lets
that attempt be judged by the device's own failures rather than the account's and the
address's (OWASP's device cookie).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema

from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.rate_limit_headers import rate_limit_headers
from api.routing import GuardedRoute, before_body
from api.security import create_access_token, create_device_token, device_of
from api.settings import Settings
from api.v1 import tags
from api.v1.auth.oauth_form import basic_credentials, error_answer, required
from api.v1.auth.schemas import MeChangeIn, MeOut, PasswordChangedOut, PasswordChangeIn, TokenOut
from services import auth, rate_limit, reauth, sign_in, users
from services.access import require_write
from services.auth import OAuthError
from services.principal import Principal

router = APIRouter(tags=[tags.AUTH], route_class=GuardedRoute)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
DEVICE_COOKIE = "sqs_device"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FormStr = Annotated[str | None, Form()]
GRANT_TYPES = ("password", "refresh_token", "client_credentials")
# The form field stays a plain string for the server: any other value, or none, is answered
# as RFC 6749 says (400 unsupported_grant_type / invalid_request), never as a 422.
GrantType = Annotated[
    str | None,
    Form(),
    WithJsonSchema({"type": "string", "enum": list(GRANT_TYPES), "title": "Grant Type"}),
]


def _address(request: Request) -> str | None:
    """The client address: the peer's, or X-Forwarded-For's when the peer is one of
    ``SQS_TRUSTED_PROXIES`` (uvicorn rewrites it before the app sees the request)."""
    return request.client.host if request.client else None


def _throttle_headers(request: Request, exc: rate_limit.Throttled) -> dict[str, str]:
    """The IETF ``RateLimit-Policy`` and ``RateLimit`` fields of a refused sign-in: what is
    held back (``sign-in-account``: the free failures before the back-off and its longest wait;
    ``sign-in-address``: the address's ceiling and its window), nothing left, and when it opens."""
    policy = request.app.state.sign_in_throttle.policy
    if exc.what == "address":
        quota, window = policy.address_max_failures, policy.address_window
    else:
        quota, window = policy.free_failures, policy.max_delay
    return rate_limit_headers(
        f"sign-in-{exc.what}", quota=quota, window=window, remaining=0, reset=exc.wait
    )


def _password_attempt(
    request: Request, settings: Settings, username: str, device_token: str | None
) -> rate_limit.Attempt:
    """Judged by the device's own failures when it brings a device token of this username,
    by the account's and the address's otherwise."""
    user_key = rate_limit.username_key(username)
    address = rate_limit.address_key(_address(request))
    device = device_of(settings, device_token or request.cookies.get(DEVICE_COOKIE), user_key)
    if device is None:
        return rate_limit.Attempt(user_key, address)
    return rate_limit.Attempt(
        rate_limit.device_key(device), address, address_exempt=True, forgive=(user_key,)
    )


def _ask(request: Request, settings: Settings, form: dict[str, str | None]) -> sign_in.Ask:
    """The grant asked for, parsed from the form; malformed asks raise ``OAuthError``."""
    grant_type = required("grant_type", form["grant_type"])
    if grant_type == "password":
        username = required("username", form["username"])
        password = required("password", form["password"])
        attempt = _password_attempt(request, settings, username, form["device_token"])
        return sign_in.PasswordAsk(username, password, attempt)
    if grant_type == "refresh_token":
        return sign_in.RefreshAsk(required("refresh_token", form["refresh_token"]))
    if grant_type == "client_credentials":
        basic = basic_credentials(request.headers.get("authorization"))
        if basic and (form["client_id"] or form["client_secret"]):
            raise auth.invalid_request("client_credentials_twice")
        client_id, secret = basic or (form["client_id"], form["client_secret"])
        client_id = required("client_id", client_id)
        secret = required("client_secret", secret)
        address = rate_limit.address_key(_address(request))
        attempt = rate_limit.Attempt(rate_limit.client_key(client_id), address)
        return sign_in.ClientAsk(client_id, secret, attempt)
    raise auth.unsupported_grant_type(grant_type)


def _refused(request: Request, exc: sign_in.Refusal) -> JSONResponse:
    """The problem answer of a refused sign-in, returned so that its unit of work commits."""
    answer = error_answer(request, exc)
    if isinstance(exc, rate_limit.Throttled):
        answer.headers.update(_throttle_headers(request, exc))
    return answer


def throttle_of(request: Request) -> rate_limit.SignInThrottle:
    """The app's sign-in throttle (its policy here, its counts in the database)."""
    throttle: rate_limit.SignInThrottle = request.app.state.sign_in_throttle
    return throttle


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses=problem_responses(400, 401, 429),
)
async def issue_token(
    request: Request,
    run: RunDep,
    settings: SettingsDep,
    grant_type: GrantType = None,
    username: FormStr = None,
    password: FormStr = None,
    refresh_token: FormStr = None,
    client_id: FormStr = None,
    client_secret: FormStr = None,
    scope: FormStr = None,
    device_token: FormStr = None,
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
    Failed sign-ins slow down an account (after ``SQS_LOGIN_MAX_FAILURES`` in a row it waits
    1 s, doubling up to ``SQS_LOGIN_BACKOFF_MAX_SECONDS``) and, past a much higher count, an
    address: 429 ``too_many_requests`` with ``Retry-After`` and ``throttled`` (``account`` or
    ``address``). The password grant answers a ``device_token``; send it back as
    ``device_token`` with this username's next sign-ins from this device, and failures made
    elsewhere will not hold them back.
    ``scope`` is accepted and ignored: a token carries the rights of its role.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media not in FORM_TYPES:
        return error_answer(request, auth.invalid_request("form_expected"))
    form = {
        "grant_type": grant_type,
        "username": username,
        "password": password,
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
        "device_token": device_token,
    }
    try:
        ask = _ask(request, settings, form)
    except OAuthError as exc:
        return error_answer(request, exc)
    grant = await run(
        sign_in.grant, throttle_of(request), ask, refresh_days=settings.refresh_token_days
    )
    if not isinstance(grant, auth.Grant):
        return _refused(request, grant)
    access, lifetime = create_access_token(
        settings, subject=grant.subject, role=grant.role, version=grant.token_version
    )
    device = None
    if grant_type == "password":
        device = create_device_token(settings, rate_limit.username_key(username or ""))
    body = TokenOut(
        access_token=access,
        expires_in=lifetime,
        refresh_token=grant.refresh_token,
        device_token=device,
    )
    response = JSONResponse(body.model_dump(exclude_none=True), headers=NO_STORE)
    if device is not None:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=settings.login_device_days * 86_400,
            path=request.url.path,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
    return response


@router.post(
    "/auth/revoke",
    status_code=status.HTTP_200_OK,
    response_class=Response,
    responses={**problem_responses(400), 200: {"description": "Revoked, or nothing to revoke."}},
)
async def revoke_token(
    request: Request, run: RunDep, token: FormStr = None, token_type_hint: FormStr = None
) -> Response:
    """Revoke a refresh token (its whole sign-in) or a personal API token (RFC 7009).

    Always 200 when ``token`` is given, whether or not it was known, so the endpoint tells an
    attacker nothing. Access tokens are short-lived and are not revoked one by one.
    """
    try:
        refused = await run(sign_in.revoke, required("token", token))
    except OAuthError as exc:
        return error_answer(request, exc)
    if refused is not None:
        return error_answer(request, refused)
    return Response(status_code=200, headers=NO_STORE)


@router.get("/me", response_model=MeOut, responses=problem_responses(401))
async def get_me(principal: CurrentPrincipal, run: RunDep) -> MeOut:
    """Who the token belongs to, with the role and the units or provider it is bound to, and
    (for a user) the e-mail address and language notices use."""
    return _me(principal, await run(users.get_own, principal))


@router.patch(
    "/me",
    response_model=MeOut,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_write)],
)
async def change_me(body: MeChangeIn, run: RunDep, principal: CurrentPrincipal) -> MeOut:
    """Change your own e-mail address (``null`` removes it) or the language of your notices."""
    view = await run(
        users.change_own_contact,
        principal,
        email=body.email,
        email_given="email" in body.model_fields_set,
        language=body.language,
    )
    return _me(principal, view)


def _me(principal: Principal, view: users.UserView | None) -> MeOut:
    return MeOut(
        subject=principal.subject,
        kind="client" if principal.subject.startswith("client:") else "user",
        username=principal.username,
        role=principal.role,
        unit_code=principal.unit_code,
        unit_codes=sorted(principal.unit_codes),
        provider_code=principal.provider_code,
        read_only=principal.read_only,
        email=view.email if view is not None else None,
        language=view.language if view is not None else None,  # type: ignore[arg-type]
    )


@router.post(
    "/me/password",
    response_model=PasswordChangedOut,
    responses=problem_responses(400, 401, 403, 422, 429),
    dependencies=[before_body(require_write)],
)
async def change_my_password(
    request: Request,
    body: PasswordChangeIn,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """Change your password (at least 12 characters). Every sign-in ends: your refresh tokens
    are revoked and access tokens made before the change stop working, this one included;
    your personal API tokens are revoked too unless ``keep_api_tokens`` is true. The answer
    says how many were revoked. A wrong current password counts as a failed sign-in."""
    revoked = await run(
        reauth.change_password,
        throttle_of(request),
        principal,
        current=body.current_password,
        new_password=body.new_password,
        keep_api_tokens=body.keep_api_tokens,
    )
    if not isinstance(revoked, auth.Revoked):
        return error_answer(request, revoked)
    return PasswordChangedOut(
        refresh_tokens_revoked=revoked.refresh_tokens, api_tokens_revoked=revoked.api_tokens
    )
