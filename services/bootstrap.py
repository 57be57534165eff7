"""Work done once when the service starts: schema, default framework, first admin."""

from __future__ import annotations

import json
import logging

from sqlalchemy import text
from sqlalchemy.engine import Engine

from domain.framework import Framework, default_framework
from persistence import migrations
from persistence.tables import FrameworkRow, UserRow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.passwords import hash_password

log = logging.getLogger("sqs.bootstrap")
MIGRATION_LOCK_ID = 5558_2015  # PostgreSQL advisory lock: one instance migrates at a time


def migrate(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            try:
                migrations.upgrade(engine)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})
                conn.commit()
    else:
        migrations.upgrade(engine)


def ensure_framework(uow: UnitOfWork, fw: Framework) -> int:
    """Store a framework version unless that (code, version) is already there; its row id."""
    for row in uow.repos.reference.list_framework_rows():
        if row.code == fw.code and row.version == fw.version:
            assert row.id is not None
            return row.id
    row = FrameworkRow(
        code=fw.code,
        version=fw.version,
        name_th=fw.name_th,
        name_en=fw.name_en,
        definition=json.dumps(fw.to_dict(), ensure_ascii=False, sort_keys=True),
    )
    uow.repos.reference.add(row)
    uow.repos.reference.flush()
    assert row.id is not None
    return row.id


def ensure_admin(uow: UnitOfWork, username: str | None, password: str | None) -> None:
    """Create the first admin (SQS_ADMIN_USERNAME / SQS_ADMIN_PASSWORD) when no admin exists."""
    if not (username and password):
        return
    if uow.repos.identity.active_admin_exists():
        return
    if uow.repos.identity.user_by_username(username) is not None:
        log.warning("SQS_ADMIN_USERNAME names an existing non-admin or disabled user; not changed")
        return
    user = UserRow(
        username=username,
        password_hash=hash_password(password),
        role="admin",
    )
    uow.repos.identity.add(user)
    uow.repos.identity.flush()
    audit.record(
        uow,
        "system",
        "user.bootstrap_admin",
        "user",
        user.id,
        after={"username": user.username, "role": "admin"},
    )
    log.info("created the first admin '%s' from SQS_ADMIN_USERNAME", username)


def on_start(
    engine: Engine,
    *,
    admin_username: str | None = None,
    admin_password: str | None = None,
    migrate_schema: bool = True,
) -> None:
    if migrate_schema:
        migrate(engine)
    with UnitOfWork(engine, write=True) as uow:
        ensure_framework(uow, default_framework())
        ensure_admin(uow, admin_username, admin_password)
