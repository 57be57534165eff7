"""The OAuth2 token endpoint's work: one grant (or a revocation) in one unit of work, its
refusal *answered*, not raised.

Why answered: a failed sign-in must still commit what the failure itself keeps (the sign-in
failure counters of ``services.rate_limit``, a refresh-token family revoked because a used
token came back). A raised error would roll all of that back; so these functions return the
refusal (an ``OAuthError`` or a ``Throttled``) for the route to answer, and the unit of work
commits either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from persistence.unit_of_work import UnitOfWork
from services import auth, rate_limit
from services.auth import Grant, OAuthError

Refusal = OAuthError | rate_limit.Throttled


@dataclass(frozen=True)
class PasswordAsk:
    username: str
    password: str
    attempt: rate_limit.Attempt


@dataclass(frozen=True)
class ClientAsk:
    client_id: str
    client_secret: str
    attempt: rate_limit.Attempt


@dataclass(frozen=True)
class RefreshAsk:
    refresh_token: str


Ask = PasswordAsk | ClientAsk | RefreshAsk


def grant(
    uow: UnitOfWork, throttle: rate_limit.SignInThrottle, ask: Ask, *, refresh_days: int
) -> Grant | Refusal:
    """The grant asked for, or why not. Password and client-credential checks go through
    the sign-in throttle (argon2: never on the event loop, see ``services.cost``)."""
    try:
        if isinstance(ask, PasswordAsk):
            return throttle.guard(
                uow,
                ask.attempt,
                lambda: auth.password_grant(
                    uow, ask.username, ask.password, refresh_days=refresh_days
                ),
                OAuthError,
            )
        if isinstance(ask, ClientAsk):
            return throttle.guard(
                uow,
                ask.attempt,
                lambda: auth.client_credentials_grant(uow, ask.client_id, ask.client_secret),
                OAuthError,
            )
        return auth.refresh_grant(uow, ask.refresh_token, refresh_days=refresh_days)
    except (OAuthError, rate_limit.Throttled) as exc:
        return exc


def revoke(uow: UnitOfWork, token: str) -> OAuthError | None:
    """Revoke a refresh token (its whole sign-in) or a personal API token (RFC 7009)."""
    try:
        auth.revoke(uow, token)
    except OAuthError as exc:
        return exc
    return None
