"""Shared fixtures.

Databases are built with alembic (never ``create_all``). By default each test gets a fresh
SQLite file copied from a template migrated once per session. With
``SQS_TEST_DATABASE_URL=postgresql://…`` the same tests run on PostgreSQL: migrated once, and
every table emptied between tests.
"""

from __future__ import annotations

import functools
import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import Engine

warnings.filterwarnings("ignore", message=".*httpx2.*")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="jose")

from fastapi.testclient import TestClient  # noqa: E402

from api.main import create_app  # noqa: E402
from api.security import create_access_token  # noqa: E402
from api.settings import Settings  # noqa: E402
from persistence import migrations  # noqa: E402
from persistence.db import make_engine  # noqa: E402
from persistence.tables import InspectorAssignmentRow, UserRow  # noqa: E402
from persistence.unit_of_work import UnitOfWork  # noqa: E402
from services import passwords  # noqa: E402
from services.passwords import hash_password  # noqa: E402

# argon2id at its production cost (about 130 ms a hash here) was a sixth of the API tests' time
# (171 hashes and checks, 23 s of tests/api). In this process the tests hash with argon2id at
# the smallest cost instead; servers the tests start as subprocesses keep the real cost, and
# tests/services/test_passwords.py checks the production parameters.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

TEST_SECRET = "test-secret-" + "x" * 40
PG_URL = os.environ.get("SQS_TEST_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"sqs test database: {'PostgreSQL ' + PG_URL if ON_POSTGRES else 'SQLite (per-test file)'}"
    )


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_engine() -> Iterator[Engine | None]:
    if not ON_POSTGRES:
        yield None
        return
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    """Every table emptied and every id sequence restarted, as in a freshly migrated database.

    DELETE rather than TRUNCATE: TRUNCATE gives each of the 25 tables a new file on disk,
    about 70 ms a test (measured), while deleting the few rows a test wrote takes a few ms.
    Children go before parents, in the models' foreign-key order; a table the models do not
    know (a migration ahead of them) falls back to TRUNCATE, which needs no order. As in a
    database that has run for a while, new rows may then fill the space of deleted ones: a
    query without ORDER BY returns them in no particular order (a test that assumed insertion
    order failed once this way)."""
    from sqlmodel import SQLModel

    import persistence.tables  # noqa: F401  (registers the tables)

    ordered = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        present = {
            r[0]
            for r in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables "
                    "WHERE schemaname='public' AND tablename <> 'alembic_version'"
                )
            )
        }
        if not present <= set(ordered):
            names = ", ".join(sorted(present))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        statements = [f'DELETE FROM "{name}"' for name in ordered if name in present]
        statements.append(
            "SELECT setval(c.oid, 1, false) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'"
        )
        conn.exec_driver_sql("; ".join(statements))


@pytest.fixture
def engine(tmp_path: Path, _sqlite_template: Path, _pg_engine: Engine | None) -> Iterator[Engine]:
    if _pg_engine is not None:
        _empty_all_tables(_pg_engine)
        yield _pg_engine
        return
    path = tmp_path / "sqs.db"
    shutil.copy(_sqlite_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=PG_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'sqs.db'}",
        jwt_secret=TEST_SECRET,
        evidence_dir=tmp_path / "evidence",
        webhook_worker_enabled=False,  # tests call services.webhooks.deliver_due directly
        notice_worker_enabled=False,  # and services.notice_delivery.run_pass
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Any:
    return create_app(settings, engine=engine, migrate=False)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(engine, write=True)


@functools.lru_cache(maxsize=16)
def cached_hash(password: str) -> str:
    """argon2id is deliberately slow; tests hash each distinct password once per session."""
    return hash_password(password)


@pytest.fixture
def make_user(engine: Engine, settings: Settings) -> Callable[..., dict[str, str]]:
    """Create a user directly in the database and return bearer headers for it."""
    counter = {"n": 0}

    def _make(
        role: str,
        *,
        unit_code: str | None = None,
        unit_codes: list[str] | None = None,
        provider_code: str | None = None,
        username: str | None = None,
        password: str = "correct horse battery staple",
    ) -> dict[str, str]:
        counter["n"] += 1
        with UnitOfWork(engine, write=True) as uow:
            unit_id = None
            if unit_code:
                unit = uow.repos.reference.unit_by_code(unit_code)
                assert unit is not None, unit_code
                unit_id = unit.id
            user = UserRow(
                username=username or f"{role}-{counter['n']}",
                password_hash=cached_hash(password),
                role=role,
                unit_id=unit_id,
                provider_code=provider_code,
            )
            uow.repos.identity.add(user)
            uow.repos.identity.flush()
            for code in unit_codes or []:
                unit = uow.repos.reference.unit_by_code(code)
                assert unit is not None, code
                uow.repos.identity.add(InspectorAssignmentRow(user_id=user.id, unit_id=unit.id))
            user_id = user.id
        token, _ = create_access_token(settings, subject=f"user:{user_id}", role=role)
        return {"Authorization": f"Bearer {token}"}

    return _make
