"""OAuth2 grants, refresh-token rotation and revocation.

The service decides *who* the caller is; making the signed access token is left to
``api/security.py`` (the only module that knows python-jose), so this module returns a
``Grant`` that names the subject and role to put in it.

Refresh tokens are opaque random strings; only their SHA-256 is stored (they are 256-bit
random values, so a fast hash is as safe as a slow one and keeps every refresh cheap). All
refresh tokens descending from one sign-in share a ``family_id``. Each use rotates: the
presented token is marked rotated and a new one is issued in the same family. Presenting a
token that was already rotated means two parties hold the family (a stolen token), so the
whole family is revoked, the newer sibling included.

Contract with the caller: an ``OAuthError`` leaves the unit of work in a state that is meant
to be *committed* (a revoked family must stay revoked though the request fails), so the route
answers with the error instead of letting it roll the transaction back.

Client credentials get no refresh token (RFC 6749 §4.4.3): a portal holds its secret and simply
asks again when the access token expires.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from persistence.tables import RefreshTokenRow, UserRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.errors import AppError
from services.identity import PAT_PREFIX, token_hash
from services.passwords import hash_password, needs_rehash, verify_password

REFRESH_PREFIX = "sqs_rt_"


class OAuthError(AppError):
    """An RFC 6749 §5.2 error; ``error``/``error_description`` ride along for OAuth clients."""

    status = 400

    def __init__(
        self, kind: str, detail: str | None, *, status: int | None = None, **kw: Any
    ) -> None:
        super().__init__(detail, kind=kind, **kw)
        # the API answers error_description in the words of detail (and its language)
        self.extra = {"error": kind, "error_description": self.detail} | self.extra
        self.title = kind.replace("_", " ").capitalize()
        if status is not None:
            self.status = status


def invalid_request(code: str, params: dict[str, Any] | None = None) -> OAuthError:
    return OAuthError("invalid_request", None, code=code, params=params)


def unsupported_grant_type(grant_type: str) -> OAuthError:
    return OAuthError(
        "unsupported_grant_type",
        None,
        code="grant_type_unsupported",
        params={"grant_type": grant_type},
    )


def invalid_client() -> OAuthError:
    return OAuthError(
        "invalid_client",
        None,
        status=401,
        headers={"WWW-Authenticate": 'Basic realm="sqs"'},
        code="client_invalid",
    )


def invalid_grant(code: str) -> OAuthError:
    """400, as RFC 6749 §5.2 says (issue 19; it was 401): the grant, not the client, is bad."""
    return OAuthError("invalid_grant", None, code=code)


@dataclass(frozen=True)
class Grant:
    subject: str
    role: str
    refresh_token: str | None = None
    user_id: int | None = None
    token_version: int | None = None  # a user's, for the access token (services/identity)


# --- grants ----------------------------------------------------------------------------------


def password_grant(uow: UnitOfWork, username: str, password: str, *, refresh_days: int) -> Grant:
    user = uow.repos.identity.user_by_username(username)
    # verify_password runs argon2 even for an unknown user, so timing does not reveal names.
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active or user.id is None:
        raise invalid_grant("sign_in_failed")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        uow.repos.identity.add(user)
    token, family = _issue_refresh(uow, user.id, refresh_days, family_id=None)
    audit.record(
        uow,
        f"user:{user.id}",
        "auth.sign_in",
        "user",
        user.id,
        after={"grant_type": "password", "refresh_family": family},
    )
    return Grant(f"user:{user.id}", user.role, token, user.id, user.token_version)


def client_credentials_grant(uow: UnitOfWork, client_id: str, client_secret: str) -> Grant:
    client = uow.repos.identity.client_by_client_id(client_id)
    ok = verify_password(client.secret_hash if client else None, client_secret)
    if client is None or not ok or not client.is_active:
        raise invalid_client()
    return Grant(f"client:{client.client_id}", client.role)


def refresh_grant(uow: UnitOfWork, refresh_token: str, *, refresh_days: int) -> Grant:
    row = uow.repos.identity.refresh_by_hash(token_hash(refresh_token), for_update=True)
    now = utcnow()
    if row is None or row.user_id is None:
        raise invalid_grant("refresh_token_invalid")
    if row.revoked_at is not None:
        raise invalid_grant("refresh_token_revoked")
    if row.rotated_at is not None:
        revoke_family(uow, row.family_id, actor=f"user:{row.user_id}", reason="reuse")
        raise invalid_grant("refresh_token_reused")
    if row.expires_at <= now:
        raise invalid_grant("refresh_token_expired")
    user = uow.repos.identity.user(row.user_id)
    if user is None or not user.is_active:
        raise invalid_grant("sign_in_account_disabled")
    row.rotated_at = now
    uow.repos.identity.add(row)
    token, family = _issue_refresh(uow, row.user_id, refresh_days, family_id=row.family_id)
    audit.record(
        uow,
        f"user:{row.user_id}",
        "auth.refresh",
        "refresh_family",
        family,
        before={"token_id": row.id},
        after={"rotated_from": row.id},
    )
    return Grant(f"user:{user.id}", user.role, token, user.id, user.token_version)


def _issue_refresh(
    uow: UnitOfWork, user_id: int, days: int, *, family_id: str | None
) -> tuple[str, str]:
    token = REFRESH_PREFIX + secrets.token_urlsafe(32)
    family = family_id or uuid.uuid4().hex
    now = utcnow()
    uow.repos.identity.add(
        RefreshTokenRow(
            family_id=family,
            token_hash=token_hash(token),
            user_id=user_id,
            issued_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    uow.repos.identity.flush()
    return token, family


# --- revocation ------------------------------------------------------------------------------


def revoke_family(uow: UnitOfWork, family_id: str, *, actor: str, reason: str) -> int:
    rows = uow.repos.identity.refresh_family(family_id)
    n = uow.repos.identity.revoke_refresh(rows, utcnow())
    if n:
        audit.record(
            uow,
            actor,
            "auth.revoke_family",
            "refresh_family",
            family_id,
            before={"revoked": False},
            after={"revoked": True, "reason": reason},
        )
    return n


def end_sessions(uow: UnitOfWork, user: UserRow, *, actor: str, reason: str) -> int:
    """Revoke every refresh token of a user (disable, password change); how many sign-ins
    ended, i.e. how many refresh tokens that could still be used were revoked."""
    assert user.id is not None
    rows = uow.repos.identity.refresh_of_user(user.id)
    now = utcnow()
    live = {
        r.family_id
        for r in rows
        if r.revoked_at is None and r.rotated_at is None and r.expires_at > now
    }
    uow.repos.identity.revoke_refresh(rows, now)
    if live:
        audit.record(
            uow,
            actor,
            "auth.end_sessions",
            "user",
            user.id,
            before={"sessions": len(live)},
            after={"sessions": 0, "reason": reason},
        )
    return len(live)


@dataclass(frozen=True)
class Revoked:
    """What a change to an account ended: usable refresh tokens and personal API tokens."""

    refresh_tokens: int
    api_tokens: int


def retire_access_tokens(user: UserRow) -> None:
    """Every access token made so far for ``user`` stops working (services/identity): a
    version, not a time, so that the cut-off is exact."""
    user.token_version = (user.token_version or 0) + 1


def end_access(
    uow: UnitOfWork, user: UserRow, *, actor: str, reason: str, keep_api_tokens: bool = False
) -> Revoked:
    """End what ``user`` holds (a disable, a password change or reset): their access tokens,
    their refresh tokens and, unless ``keep_api_tokens``, their personal API tokens."""
    assert user.id is not None
    retire_access_tokens(user)
    uow.repos.identity.add(user)
    sessions = end_sessions(uow, user, actor=actor, reason=reason)
    api_tokens = 0
    if not keep_api_tokens:
        now = utcnow()
        for token in uow.repos.identity.live_api_tokens_of(user.id):
            token.revoked_at = now
            uow.repos.identity.add(token)
            if token.expires_at > now:  # counted: the ones that still worked
                api_tokens += 1
    uow.repos.identity.flush()
    return Revoked(sessions, api_tokens)


def revoke(uow: UnitOfWork, token: str) -> None:
    """RFC 7009: revoke what the token names, say nothing about whether it existed.

    Holding a token is the proof of the right to revoke it, so no other authentication is
    asked for. A refresh token ends its whole family; a personal API token is revoked.
    Access tokens are short-lived JWTs and cannot be revoked one by one (disable the user).
    """
    if not token:
        return
    if token.startswith(PAT_PREFIX):
        row = uow.repos.identity.api_token_by_hash(token_hash(token))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            uow.repos.identity.add(row)
            audit.record(
                uow,
                f"user:{row.user_id}",
                "api_token.revoke",
                "api_token",
                row.id,
                before={"revoked": False},
                after={"revoked": True, "via": "auth.revoke"},
            )
        return
    row_rt = uow.repos.identity.refresh_by_hash(token_hash(token), for_update=True)
    if row_rt is not None:
        revoke_family(
            uow, row_rt.family_id, actor=f"user:{row_rt.user_id}", reason="revoked by holder"
        )
