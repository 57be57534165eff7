"""Append an audit event in the same transaction as the change it records."""

from __future__ import annotations

import json
from typing import Any

from persistence.tables import AuditEventRow
from persistence.unit_of_work import UnitOfWork
from services.principal import Principal


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
