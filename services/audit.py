"""Append an audit event in the same transaction as the change it records."""

from __future__ import annotations

import json
from typing import Any

from persistence.tables import AuditEventRow
from persistence.unit_of_work import UnitOfWork
from services import principal_cache
from services.principal import Principal

# Objects whose change alters a principal; recording one clears the principal cache.
IDENTITY_OBJECTS = frozenset(
    {"user", "client", "api_token", "refresh_token", "refresh_family", "session"}
)
# ...except these, which change no existing principal.
NO_PRINCIPAL_CHANGE = frozenset(
    {"auth.sign_in", "auth.refresh", "user.create", "client.create", "api_token.create"}
)


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    uow: UnitOfWork,
    actor: Principal | str,
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    if object_type in IDENTITY_OBJECTS and action not in NO_PRINCIPAL_CHANGE:
        # A change to who may do what must not be served from a cached principal.
        principal_cache.clear()
    uow.repos.audit.append(
        AuditEventRow(
            actor=actor if isinstance(actor, str) else actor.subject,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=_dump(before),
            after=_dump(after),
            request_id=uow.request_id,
        )
    )
