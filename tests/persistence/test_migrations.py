"""Alembic owns the schema: one head, up and down on both databases, models = migrations."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import persistence.tables  # noqa: F401
from persistence import migrations
from persistence.db import make_engine, normalise_url

PG_URL = os.environ.get("SQS_TEST_POSTGRES_URL", "")
needs_pg = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL migration tests need SQS_TEST_POSTGRES_URL (set by .ci/run)"
)


def test_one_head():
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert len(script.get_heads()) == 1


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def _roundtrip(engine):
    migrations.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert _diff(engine) == [], (
        "models and migrations disagree: autogenerate would change the schema"
    )
    migrations.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrations.upgrade(engine)


def test_sqlite_upgrade_downgrade_and_models_match(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    _roundtrip(engine)
    engine.dispose()


@needs_pg
def test_postgres_upgrade_downgrade_and_models_match():
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"sqs_mig_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        engine = make_engine(url)
        _roundtrip(engine)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_sqlite_enforces_foreign_keys(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    migrations.upgrade(engine)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO participation (fiscal_year_id, unit_id, budget) VALUES (999, 999, '1')"
            )
        )
    engine.dispose()
