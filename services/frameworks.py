"""Framework versions: read, and add a new version (never change a used one)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import IntegrityError

from domain.framework import Framework
from persistence.tables import FrameworkRow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_admin, require_reference_reader
from services.errors import Conflict, NotFound
from services.principal import Principal


def framework_document(uow: UnitOfWork, row: FrameworkRow) -> dict[str, Any]:
    assert row.id is not None
    fw = uow.repos.reference.framework(row.id)
    assert fw is not None
    return {"id": row.id, "in_use": uow.repos.reference.framework_in_use(row.id)} | fw.to_dict()


def list_frameworks(uow: UnitOfWork, actor: Principal) -> list[dict[str, Any]]:
    require_reference_reader(actor)
    rows = uow.repos.reference.list_framework_rows()
    return [
        {
            "id": r.id,
            "code": r.code,
            "version": r.version,
            "name_th": r.name_th,
            "name_en": r.name_en,
            "in_use": uow.repos.reference.framework_in_use(r.id),
        }  # type: ignore[arg-type]
        for r in rows
    ]


def get_framework(uow: UnitOfWork, actor: Principal, framework_id: int) -> dict[str, Any]:
    require_reference_reader(actor)
    row = uow.repos.reference.framework_row(framework_id)
    if row is None:
        raise NotFound(code="framework_not_found", params={"framework_id": framework_id})
    return framework_document(uow, row)


def require_framework(uow: UnitOfWork, framework_id: int) -> Framework:
    fw = uow.repos.reference.framework(framework_id)
    if fw is None:
        raise NotFound(code="framework_not_found", params={"framework_id": framework_id})
    return fw


def create_framework(
    uow: UnitOfWork, actor: Principal, definition: dict[str, Any]
) -> dict[str, Any]:
    """Validate a definition and store it as the next version of its code.

    Versions are append-only: a fiscal year pins one, and changing the rules means a new
    version, so old years are never silently re-scored.
    """
    require_admin(actor)
    version = uow.repos.reference.latest_framework_version(str(definition.get("code", ""))) + 1
    fw = Framework.from_dict(definition | {"version": version})
    row = FrameworkRow(
        code=fw.code,
        version=fw.version,
        name_th=fw.name_th,
        name_en=fw.name_en,
        definition=json.dumps(fw.to_dict(), ensure_ascii=False, sort_keys=True),
    )
    uow.repos.reference.add(row)
    try:
        uow.repos.reference.flush()
    except IntegrityError as exc:  # a concurrent writer took this version number
        raise Conflict(code="framework_version_race") from exc
    audit.record(
        uow,
        actor,
        "framework.create",
        "framework",
        row.id,
        after={"code": fw.code, "version": version},
    )
    return framework_document(uow, row)
