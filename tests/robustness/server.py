"""A real API server in a subprocess, for tests that need true parallelism or a real crash.

The in-process ``TestClient`` runs one request at a time and can never die half-way through a
commit; these tests need both. ``ApiServer`` starts ``python -m api.cli serve`` (uvicorn in
that very process, one worker, so its pid *is* the server and ``kill()`` sends SIGKILL to the
process holding the database connections). ``seed_world`` writes units, a fiscal year and one
user per role straight into the database before the server starts, and signs access tokens
with the same secret the server is given, so no password hashing or sign-in is on the way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.security import create_access_token
from api.settings import Settings
from domain.framework import default_framework
from persistence.db import make_engine, normalise_url
from persistence.tables import UserRow
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import ensure_framework, migrate
from services.reference import UnitView, create_fiscal_year, create_unit

REPO = Path(__file__).resolve().parents[2]
SECRET = "robustness-secret-" + "r" * 40
YEAR_BE = 2558
PG_SERVER_URL = os.environ.get("SQS_TEST_POSTGRES_URL", "")


# The two databases a test against a real server runs on (``pytest.mark.parametrize`` params)
DATABASES = [
    pytest.param("sqlite", marks=pytest.mark.sqlite),
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_SERVER_URL, reason="SQS_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the server of ``SQS_TEST_POSTGRES_URL``, dropped afterwards."""
    server = make_url(normalise_url(PG_SERVER_URL))
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class World:
    """What ``seed_world`` made: unit codes, round ids, and bearer headers for the admin and
    for each unit's officer."""

    units: list[str]
    framework_id: int
    rounds: dict[int, int]  # months -> round id
    admin: dict[str, str]
    officers: dict[str, dict[str, str]]  # unit code -> headers


def token_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        access_token_minutes=240,
        _env_file=None,  # type: ignore[call-arg]
    )


def seed_world(database_url: str, unit_count: int) -> World:
    """Migrate, then add ``unit_count`` units taking part in fiscal year 2558 and their users."""
    engine = make_engine(database_url)
    try:
        migrate(engine)
        codes = [f"R{i:03d}" for i in range(1, unit_count + 1)]
        with UnitOfWork(engine, write=True) as uow:
            for code in codes:
                create_unit(
                    uow,
                    "system:test",
                    UnitView(code, f"หน่วยทดสอบ {code}", f"Test unit {code}", "regional", "ทดสอบ"),
                )
            framework_id = ensure_framework(uow, default_framework())
            fy = create_fiscal_year(
                uow, "system:test", year_be=YEAR_BE, framework_id=framework_id, unit_codes=codes
            )
            rows: dict[str, UserRow] = {}
            for code in codes:
                unit = uow.repos.reference.unit_by_code(code)
                assert unit is not None
                rows[code] = UserRow(
                    username=f"officer.{code.lower()}",
                    password_hash="!",  # tokens are signed here; nobody signs in
                    role="unit_officer",
                    unit_id=unit.id,
                )
            rows["admin"] = UserRow(username="admin", password_hash="!", role="admin")
            for row in rows.values():
                uow.repos.identity.add(row)
            uow.repos.identity.flush()
            ids = {name: (row.id, row.role) for name, row in rows.items()}
        settings = token_settings(database_url)

        def headers(name: str) -> dict[str, str]:
            user_id, role = ids[name]
            token, _ = create_access_token(settings, subject=f"user:{user_id}", role=role)
            return {"Authorization": f"Bearer {token}"}

        return World(
            units=codes,
            framework_id=framework_id,
            rounds={r.months: r.round_id for r in fy.rounds},
            admin=headers("admin"),
            officers={code: headers(code) for code in codes},
        )
    finally:
        engine.dispose()


class ApiServer:
    """``python -m api.cli serve`` on a free port, with its output in ``workdir/server-N.log``."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        evidence_backend: str = "filesystem",
        settings: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.settings = settings or {}  # more SQS_* variables for the server
        self.workdir = workdir
        self.evidence_dir = workdir / "evidence"
        self.evidence_backend = evidence_backend
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SQS_")}
        env.update(
            SQS_DATABASE_URL=self.database_url,
            SQS_JWT_SECRET=SECRET,
            SQS_EVIDENCE_BACKEND=self.evidence_backend,
            SQS_EVIDENCE_DIR=str(self.evidence_dir),
            PYTHONPATH=str(REPO),
        )
        env.update(self.settings)
        return env

    def start(self, timeout: float = 60.0) -> None:
        assert self.process is None, "already running"
        self.starts += 1
        log = (self.workdir / f"server-{self.starts}.log").open("wb")
        # The working directory is the test's own, so no developer's .env is read.
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=self.workdir,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not answer /health in {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the server process itself: no shutdown handler, no last commit."""
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGKILL)
        code = self.process.wait(timeout=30)
        self.process = None
        assert code == -signal.SIGKILL, f"the server ended with {code}, not by SIGKILL"

    def stop(self) -> None:
        """A graceful stop (SIGTERM), falling back to SIGKILL."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def log_tail(self, chars: int = 4000) -> str:
        path = self.workdir / f"server-{self.starts}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def logs(self) -> str:
        """Every start's output, for checking that no request failed with a traceback."""
        return "".join(
            (self.workdir / f"server-{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
            if (self.workdir / f"server-{n}.log").exists()
        )

    def __enter__(self) -> ApiServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
