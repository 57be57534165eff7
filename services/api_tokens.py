"""Personal API tokens: long-lived bearer tokens a user makes for scripts.

A token is ``sqs_pat_`` + 32 random bytes (URL-safe base64), shown once when it is made.
Only its SHA-256 is stored. That is deliberate and not a shortcut: argon2 exists to slow down
guessing of *low-entropy* secrets such as passwords; a 256-bit random token cannot be guessed
however fast the hash, while an argon2 check on every API call would cost tens of
milliseconds of CPU per request and make scripts slow. The hash also lets the authenticator
find the token with one indexed lookup.

A ``read`` token acts as its owner but may never write (``services.access.require_write``,
called by every write service); ``read_write`` has the owner's full rights. Tokens expire
after at most a year and can be revoked; disabling the owner revokes them all, and so does a
new password unless the request keeps them (``services/credentials``).

Making one needs the current password (``credentials.PasswordConfirmed``), besides a sign-in:
otherwise a stolen 15-minute access token could be turned into a token for a year.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from persistence.tables import ApiTokenRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_write
from services.credentials import PasswordConfirmed, require_confirmed
from services.errors import Forbidden, NotFound, Unprocessable
from services.identity import PAT_PREFIX, token_hash
from services.principal import Principal

SCOPES = ("read", "read_write")
MAX_DAYS = 365


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


def _view(row: ApiTokenRow) -> TokenView:
    assert row.id is not None
    return TokenView(
        row.id,
        row.name,
        row.scope,
        row.created_at,
        row.expires_at,
        row.revoked_at,
    )


def _owner(actor: Principal) -> int:
    if actor.user_id is None:
        raise Forbidden(code="api_token_users_only")
    return actor.user_id


def require_creator(actor: Principal) -> int:
    """The user who may make a token: signed in (not with a token), allowed to write."""
    require_write(actor)
    if actor.via_api_token:
        # A token that could mint tokens would let a leaked one outlive its own revocation.
        raise Forbidden(code="api_token_needs_sign_in")
    return _owner(actor)


def create_token(
    uow: UnitOfWork,
    actor: Principal,
    proof: PasswordConfirmed,
    *,
    name: str,
    scope: str,
    expires_in_days: int,
) -> tuple[TokenView, str]:
    """The new token's description and the token itself (never available again)."""
    user_id = require_creator(actor)
    require_confirmed(actor, proof)
    if scope not in SCOPES:
        raise Unprocessable(
            code="not_one_of", params={"name": "scope", "allowed": ", ".join(SCOPES)}
        )
    if not 1 <= expires_in_days <= MAX_DAYS:
        raise Unprocessable(
            code="not_between",
            params={"name": "expires_in_days", "minimum": 1, "maximum": MAX_DAYS},
        )
    token = PAT_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiTokenRow(
        user_id=user_id,
        name=name,
        token_hash=token_hash(token),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    uow.repos.identity.add(row)
    uow.repos.identity.flush()
    view = _view(row)
    audit.record(
        uow,
        actor,
        "api_token.create",
        "api_token",
        row.id,
        after={
            "name": name,
            "scope": scope,
            "expires_at": view.expires_at.isoformat(),
            "user_id": user_id,
        },
    )
    return view, token


def list_tokens(uow: UnitOfWork, actor: Principal) -> list[TokenView]:
    return [_view(r) for r in uow.repos.identity.api_tokens_of(_owner(actor))]


def revoke_token(uow: UnitOfWork, actor: Principal, token_id: int) -> None:
    """Revoke one of the caller's own tokens; someone else's answers 404 (not 403)."""
    require_write(actor)
    row = uow.repos.identity.api_token(token_id)
    if row is None or row.user_id != _owner(actor):
        raise NotFound(code="api_token_not_found", params={"token_id": token_id})
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    uow.repos.identity.add(row)
    audit.record(
        uow,
        actor,
        "api_token.revoke",
        "api_token",
        token_id,
        before={"revoked": False},
        after={"revoked": True},
    )
