"""Asking a signed-in caller for their current password again, under the sign-in throttle, and
what needs it: changing the password, making a personal API token.

A wrong password here is a failed sign-in of the account (``services.rate_limit``): otherwise a
stolen access token could guess the password through these routes without any limit. The
refusal is *answered* (returned), not raised, so that the unit of work commits its count; the
confirmation and the change it allows are one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from persistence.unit_of_work import UnitOfWork
from services import api_tokens, auth, credentials, rate_limit
from services.principal import Principal

T = TypeVar("T")

Refusal = credentials.WrongPassword | rate_limit.Throttled


def confirm(
    uow: UnitOfWork, throttle: rate_limit.SignInThrottle, actor: Principal, password: str
) -> credentials.PasswordConfirmed | Refusal:
    """The proof that ``password`` is the caller's, or the refusal to answer."""
    attempt = rate_limit.Attempt(rate_limit.username_key(actor.username or actor.subject))
    try:
        return throttle.guard(
            uow,
            attempt,
            lambda: credentials.confirm_password(uow, actor, password),
            credentials.WrongPassword,
        )
    except (credentials.WrongPassword, rate_limit.Throttled) as exc:
        return exc


def change_password(
    uow: UnitOfWork,
    throttle: rate_limit.SignInThrottle,
    actor: Principal,
    *,
    current: str,
    new_password: str,
    keep_api_tokens: bool,
) -> auth.Revoked | Refusal:
    """The caller's own password changed (``credentials.change_own_password``) once the
    current one is confirmed."""
    proof = confirm(uow, throttle, actor, current)
    if not isinstance(proof, credentials.PasswordConfirmed):
        return proof
    return credentials.change_own_password(
        uow, actor, proof, new_password, current=current, keep_api_tokens=keep_api_tokens
    )


def create_api_token(
    uow: UnitOfWork,
    throttle: rate_limit.SignInThrottle,
    actor: Principal,
    password: str,
    once: Callable[[UnitOfWork, Callable[[UnitOfWork], Any]], T],
    **fields: Any,
) -> T | Refusal:
    """A personal API token for a caller who may make one and gave their password.
    ``once``: how the creation runs once per Idempotency-Key (``services.idempotency.once``
    with the request's key), after the password is confirmed."""
    api_tokens.require_creator(actor)
    proof = confirm(uow, throttle, actor, password)
    if not isinstance(proof, credentials.PasswordConfirmed):
        return proof
    return once(uow, partial(_create, actor, proof, fields))


def _create(
    actor: Principal,
    proof: credentials.PasswordConfirmed,
    fields: dict[str, Any],
    uow: UnitOfWork,
) -> tuple[api_tokens.TokenView, str]:
    return api_tokens.create_token(uow, actor, proof, **fields)
