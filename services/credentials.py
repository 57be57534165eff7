"""A user's password: asking for it again, changing it, an admin's reset, and what each ends.

Re-authentication (GitHub's "sudo mode"): a few acts turn a short-lived sign-in into something
that lasts, such as a 365-day personal API token or a new password. A stolen 15-minute access
token must not be enough for them, so they need the current password in the request:
``confirm_password`` checks it and returns a ``PasswordConfirmed`` that those services take
as an argument, so none of them can be called without it. The routes run it under the sign-in
throttle (``services/rate_limit``): a wrong password here counts as a failed sign-in.

A new password (the user's own or an admin's reset) ends everything the old one let anyone
obtain: access tokens (``auth.retire_access_tokens``), refresh tokens and, unless the request
asks to keep them, personal API tokens; the answer says how many were revoked.
"""

from __future__ import annotations

from dataclasses import dataclass

from persistence.tables import UserRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit, auth
from services.access import require_admin, require_write
from services.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from services.passwords import hash_password, verify_password
from services.principal import Principal
from services.users import check_password_policy


class WrongPassword(BadRequest):
    kind = "wrong_current_password"


@dataclass(frozen=True)
class PasswordConfirmed:
    """Proof that this request gave the user's current password (made by
    ``confirm_password`` only)."""

    user_id: int


def _user_of(uow: UnitOfWork, actor: Principal) -> UserRow:
    if actor.user_id is None:
        raise Forbidden(code="password_users_only")
    row = uow.repos.identity.user(actor.user_id)
    if row is None:  # pragma: no cover - the caller was resolved from this row moments ago
        raise NotFound(code="account_gone")
    return row


def confirm_password(uow: UnitOfWork, actor: Principal, password: str) -> PasswordConfirmed:
    """``WrongPassword`` unless ``password`` is the caller's current password."""
    row = _user_of(uow, actor)
    if not verify_password(row.password_hash, password):
        raise WrongPassword(code="current_password_wrong")
    assert row.id is not None
    return PasswordConfirmed(row.id)


def require_confirmed(actor: Principal, proof: PasswordConfirmed) -> None:
    if proof.user_id != actor.user_id:
        raise Forbidden(code="password_confirmed_elsewhere")


def _set_password(
    uow: UnitOfWork, actor: Principal, row: UserRow, new: str, keep_api_tokens: bool, action: str
) -> auth.Revoked:
    check_password_policy(new, row.username)
    row.password_hash = hash_password(new)
    row.password_changed_at = utcnow()
    reason = "password changed" if action == "user.password_change" else "password reset"
    revoked = auth.end_access(
        uow, row, actor=actor.subject, reason=reason, keep_api_tokens=keep_api_tokens
    )
    audit.record(
        uow,
        actor,
        action,
        "user",
        row.id,
        before={"password_changed": False},
        after={
            "password_changed": True,
            "refresh_tokens_revoked": revoked.refresh_tokens,
            "api_tokens_revoked": revoked.api_tokens,
            "api_tokens_kept": keep_api_tokens,
        },
    )
    return revoked


def change_own_password(
    uow: UnitOfWork,
    actor: Principal,
    proof: PasswordConfirmed,
    new: str,
    *,
    current: str,
    keep_api_tokens: bool = False,
) -> auth.Revoked:
    """Every sign-in of the user ends; their API tokens too unless ``keep_api_tokens``."""
    require_write(actor)
    require_confirmed(actor, proof)
    row = _user_of(uow, actor)
    if current == new:
        raise Unprocessable(code="password_unchanged")
    return _set_password(uow, actor, row, new, keep_api_tokens, "user.password_change")


def reset_password(
    uow: UnitOfWork, actor: Principal, user_id: int, new: str, *, keep_api_tokens: bool = False
) -> auth.Revoked:
    """An admin sets another user's password (one they forgot); as with a change, every
    sign-in of that user ends, and their API tokens too unless ``keep_api_tokens``."""
    require_admin(actor)
    if actor.user_id == user_id:
        raise Conflict(code="password_own_reset")
    row = uow.repos.identity.user(user_id)
    if row is None:
        raise NotFound(code="user_not_found", params={"user_id": user_id})
    return _set_password(uow, actor, row, new, keep_api_tokens, "user.password_reset")
