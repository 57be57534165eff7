"""One app and one populated world per role, shared by every operation fuzzed as that role.

A fresh database per operation would cost more than the fuzzing itself (67 operations × 6
roles); sharing one per role also lets earlier operations' writes (a disabled user, a deleted
webhook) become the state later operations meet, as on a real server. Tests choose the role
with ``@pytest.mark.parametrize("target", [...], indirect=True)``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from schemathesis.python import asgi
from sqlalchemy.engine import Engine

from api.export_limit import ExportLimiter
from api.main import create_app
from api.settings import Settings
from persistence.db import make_engine
from tests.conftest import ON_POSTGRES, PG_URL, TEST_SECRET, _empty_all_tables
from tests.fuzz.world import World, build_world


@dataclass
class Target:
    role: str
    app: Any
    world: World

    @property
    def headers(self) -> dict[str, str]:
        return self.world.headers[self.role]


def _engine(tmp: Path, template: Path, pg_engine: Engine | None) -> Engine:
    if pg_engine is not None:
        _empty_all_tables(pg_engine)
        return pg_engine
    shutil.copy(template, tmp / "sqs.db")
    return make_engine(f"sqlite:///{tmp / 'sqs.db'}")


@pytest.fixture(scope="module")
def target(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _sqlite_template: Path,
    _pg_engine: Engine | None,
) -> Iterator[Target]:
    tmp = tmp_path_factory.mktemp("fuzz")
    engine = _engine(tmp, _sqlite_template, _pg_engine)
    settings = Settings(
        database_url=PG_URL if ON_POSTGRES else f"sqlite:///{tmp / 'sqs.db'}",
        jwt_secret=TEST_SECRET,
        evidence_dir=tmp / "evidence",
        webhook_worker_enabled=False,
        notice_worker_enabled=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings, engine=engine, migrate=False)
    # exports in threads on this engine: spawning the export processes on a loaded machine can
    # take longer than schemathesis waits for an answer (tests/api/test_export_limit.py tests
    # the processes)
    app.state.runtime.exports = ExportLimiter(
        2, app.state.runtime.exports.database_url, executor=ThreadPoolExecutor(2), engine=engine
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        world = build_world(client, engine, settings)
        yield Target(str(request.param), app, world)
    asgi.shutdown_lifespans()  # schemathesis keeps each app it served started until told
    if _pg_engine is None:
        engine.dispose()
