"""Resolving a verified credential to a ``Principal``, checked against the database each time.

The database check is what makes disabling a user, revoking a token or removing an inspector's
assignment take effect at once, on every app instance.

Which access tokens a change ends is decided by the user's ``token_version``, not by clocks: a
disable, a password change and a role change increment it, and a token made at an older
version is refused, even one made in the same microsecond. A timestamp comparison cannot be
exact (``iat`` has whole seconds; clocks of several instances differ), and re-enabling a user
must not bring back the tokens the disable ended: the version stays where the disable left it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

from persistence.unit_of_work import UnitOfWork
from services.errors import Unauthorized
from services.principal import Principal

PAT_PREFIX = "sqs_pat_"  # personal API tokens; lets the authenticator tell them from JWTs


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def principal_for_user(
    uow: UnitOfWork,
    user_id: int,
    *,
    read_only: bool = False,
    subject: str | None = None,
    token_version: int | None = None,
) -> Principal:
    """The user as a principal; ``token_version`` (an access token's) must be the user's."""
    # Every request: one column-only statement (two for an inspector).
    found = uow.repos.identity.principal_columns(user_id)
    if found is None or not found[4]:
        raise Unauthorized(code="account_disabled", invalid_token=True)
    uid, username, role, provider_code, _active, unit_code, version = found
    if token_version is not None and token_version != version:
        # A disable, a password change or a role change ends every token made before it.
        raise Unauthorized(code="token_stale", invalid_token=True)
    units = (
        frozenset(uow.repos.identity.assigned_unit_codes(user_id))
        if role == "inspector"
        else frozenset()
    )
    return Principal(
        subject=subject or f"user:{uid}",
        role=role,
        username=username,
        user_id=uid,
        unit_code=unit_code,
        unit_codes=units,
        provider_code=provider_code,
        read_only=read_only,
    )


def principal_for_client(uow: UnitOfWork, client_pk: int) -> Principal:
    found = uow.repos.identity.client_with_unit(client_pk)
    if found is None or not found[0].is_active:
        raise Unauthorized(code="client_disabled", invalid_token=True)
    client, unit_code = found
    return Principal(
        subject=f"client:{client.client_id}",
        role=client.role,
        username=client.client_id,
        unit_code=unit_code,
        unit_codes=frozenset({unit_code})
        if unit_code and client.role == "inspector"
        else frozenset(),
        provider_code=client.provider_code,
    )


def principal_for_subject(uow: UnitOfWork, subject: str, token_version: int = 0) -> Principal:
    """The principal an access token names; a user's ``token_version`` is checked."""
    kind, _, ident = subject.partition(":")
    try:
        if kind == "user":
            return principal_for_user(uow, int(ident), token_version=token_version)
        if kind == "client":
            client = uow.repos.identity.client_by_client_id(ident)
            if client is None or client.id is None:
                raise Unauthorized(code="client_disabled", invalid_token=True)
            return principal_for_client(uow, client.id)
    except ValueError as exc:
        raise Unauthorized(invalid_token=True) from exc
    raise Unauthorized(invalid_token=True)


def principal_for_api_token(uow: UnitOfWork, token: str) -> Principal:
    row = uow.repos.identity.api_token_by_hash(token_hash(token))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise Unauthorized(code="api_token_invalid", invalid_token=True)
    principal = principal_for_user(
        uow, row.user_id, read_only=row.scope != "read_write", subject=f"user:{row.user_id}"
    )
    return replace(principal, via_api_token=True, expires_at=row.expires_at.timestamp())
