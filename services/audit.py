"""Append an audit event in the same transaction as the change it records."""

from __future__ import annotations

import json
from typing import Any

from persistence.tables import AuditEventRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import credential_changes
from services.principal import Principal

# Objects whose change alters a principal; recording one notes it on the unit of work, and the
# runtime forgets its cached principals after the commit (services.credential_changes).
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


def _values(
    uow: UnitOfWork,
    actor: Principal | str,
    action: str,
    object_type: str,
    object_id: object,
    before: Any,
    after: Any,
) -> dict[str, Any]:
    if object_type in IDENTITY_OBJECTS and action not in NO_PRINCIPAL_CHANGE:
        # A change to who may do what must not be served from a cached principal.
        credential_changes.note(uow)
    return {
        "actor": actor if isinstance(actor, str) else actor.subject,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": _dump(before),
        "after": _dump(after),
        "request_id": uow.request_id,
    }


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
    uow.repos.audit.append(
        AuditEventRow(**_values(uow, actor, action, object_type, object_id, before, after))
    )


def record_now(
    uow: UnitOfWork,
    actor: Principal | str,
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """``record``, inserted at once rather than at the next ORM flush: for writes made with
    Core statements only (services.reports), which would otherwise flush for the event alone."""
    values = _values(uow, actor, action, object_type, object_id, before, after)
    uow.repos.audit.append_now(values | {"occurred_at": utcnow()})
