"""Two app instances on one PostgreSQL database behave as one service.

Two uvicorn processes on two ports share a fresh database (migrated and loaded with the demo)
and store evidence in it (``SQS_EVIDENCE_BACKEND=database``). Every write is made through one
instance and read back through the other: nothing the app keeps (reports, evidence,
idempotency records, sign-in failure counters, revoked tokens) may live in one process only.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import create_engine, text

from persistence.db import make_engine, normalise_url
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import migrate
from services.demo import seed_demo
from tests.api.conftest import UNIT_VALUES
from tests.api.test_rewards import pdf

PG_URL = os.environ.get("SQS_TEST_POSTGRES_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not PG_URL, reason="the multi-instance test needs SQS_TEST_POSTGRES_URL (set by .ci/run)"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
CACHE_SECONDS = 1.0  # SQS_PRINCIPAL_CACHE_SECONDS: how long another instance may trust a token
MAX_FAILURES = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(url: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = os.environ | {
        "SQS_DATABASE_URL": url,
        "SQS_JWT_SECRET": "multi-instance-secret-" + "x" * 32,
        "SQS_EVIDENCE_BACKEND": "database",
        "SQS_EVIDENCE_DIR": str(tmp / f"unused-{port}"),
        "SQS_LOGIN_MAX_FAILURES": str(MAX_FAILURES),
        "SQS_PRINCIPAL_CACHE_SECONDS": str(CACHE_SECONDS),
    }
    cmd = [sys.executable, "-m", "uvicorn", "api.asgi:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}/api/v1"


def _wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "an app instance exited at start"
        try:
            if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not become ready")


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """Instances ``a`` and ``b`` (httpx clients) and the demo users' passwords."""
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"sqs_multi_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    procs: list[subprocess.Popen[bytes]] = []
    try:
        engine = make_engine(url)
        migrate(engine)
        with UnitOfWork(engine, write=True) as uow:
            passwords = seed_demo(uow, out=lambda _line: None)
            fy = uow.repos.reference.fiscal_year(2558)
            assert fy is not None and fy.id is not None
            rounds = {r.months: r.id for r in uow.repos.reference.rounds_of(fy.id)}
        engine.dispose()
        tmp = tmp_path_factory.mktemp("instances")
        started = [_start(url, tmp) for _ in range(2)]
        procs = [p for p, _ in started]
        for proc, base in started:
            _wait_ready(base, proc)
        with (
            httpx.Client(base_url=started[0][1], timeout=30) as a,
            httpx.Client(base_url=started[1][1], timeout=30) as b,
        ):
            yield SimpleNamespace(a=a, b=b, passwords=passwords, rounds=rounds)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post(
        "/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )


def _bearer(client: httpx.Client, two: SimpleNamespace, username: str) -> dict[str, str]:
    r = _sign_in(client, username, two.passwords[username])
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_every_acknowledged_report_write_is_seen_by_the_other_instance(two):
    officer = _bearer(two.a, two, "officer.bkk01")
    report = f"/rounds/{two.rounds[9]}/units/BKK01/report"
    for n, (no, value) in enumerate(sorted(UNIT_VALUES.items())):
        writer, reader = (two.a, two.b) if n % 2 == 0 else (two.b, two.a)
        body = value | {"narrative": f"ผลการดำเนินงานข้อ {no}"}
        w = writer.put(f"{report}/indicators/{no}", json=body, headers=officer)
        assert w.status_code == 200, w.text
        r = reader.get(report, headers=officer)
        assert r.status_code == 200 and r.headers["ETag"] == w.headers["ETag"]
        entry = next(e for e in r.json()["entries"] if e["indicator_no"] == no)
        assert entry["narrative"] == body["narrative"]
        # the score read (its one statement off the unit of work) sees the write at once too
        s = reader.get(f"/rounds/{two.rounds[9]}/units/BKK01/score", headers=officer)
        assert s.status_code == 200, s.text
        scored = next(i for i in s.json()["indicators"] if i["indicator_no"] == no)
        working = scored["explanation"]
        assert working.get("value", working.get("steps")) == value.get("value", value.get("steps"))

    etag = two.b.get(report, headers=officer).headers["ETag"]
    s = two.a.post(f"{report}/submit", headers=officer | {"If-Match": etag})
    assert s.status_code == 200, s.text
    seen = two.b.get(report, headers=officer).json()
    assert seen["state"] == "submitted" and seen["version"] == s.json()["version"]
    stale = two.b.put(
        f"{report}/indicators/3", json={"value": "90"}, headers=officer | {"If-Match": etag}
    )
    assert stale.status_code == 412  # the other instance knows the version moved on


def test_evidence_uploaded_to_one_instance_downloads_from_the_other(two):
    officer = _bearer(two.b, two, "officer.bkk01")
    data = pdf("multi-instance")
    url = f"/rounds/{two.rounds[12]}/units/BKK01/report/indicators/3/evidence"
    up = two.a.post(url, headers=officer, files={"file": ("หลักฐาน.pdf", data, "application/pdf")})
    assert up.status_code == 201, up.text
    evidence_id = up.json()["id"]

    listed = two.b.get(url, headers=officer)
    assert [e["id"] for e in listed.json()] == [evidence_id]
    down = two.b.get(f"/evidence/{evidence_id}/content", headers=officer)
    assert down.status_code == 200
    assert down.content == data
    assert hashlib.sha256(down.content).hexdigest() == up.json()["sha256"]


def test_an_idempotency_key_replays_on_the_other_instance(two):
    admin = _bearer(two.a, two, "admin")
    unit = {"code": "MI01", "name_th": "หน่วยทดสอบ", "name_en": "Test unit", "kind": "regional"}
    key = {"Idempotency-Key": f"create-{uuid.uuid4()}"}
    first = two.a.post("/units", json=unit, headers=admin | key)
    assert first.status_code == 201, first.text

    retry = two.b.post("/units", json=unit, headers=admin | key)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers.get("Idempotent-Replayed") == "true"
    other_body = two.b.post("/units", json=unit | {"code": "MI02"}, headers=admin | key)
    assert other_body.status_code == 422
    assert two.b.get("/units/MI02", headers=admin).status_code == 404
    assert two.b.get("/units/MI01", headers=admin).status_code == 200


def test_a_token_revoked_on_one_instance_is_refused_by_the_other(two):
    officer = _bearer(two.a, two, "officer.bkk01")
    made = two.a.post(
        "/me/api-tokens",
        json={"name": "nightly export", "password": two.passwords["officer.bkk01"]},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    script = {"Authorization": f"Bearer {made.json()['token']}"}
    assert two.b.get("/me", headers=script).status_code == 200

    assert two.a.post("/auth/revoke", data={"token": made.json()["token"]}).status_code == 200
    assert two.a.get("/me", headers=script).status_code == 401
    time.sleep(CACHE_SECONDS + 0.3)  # the other instance may trust what it resolved that long
    assert two.b.get("/me", headers=script).status_code == 401


def test_a_refresh_token_is_used_up_on_every_instance(two):
    signed_in = _sign_in(two.a, "viewer", two.passwords["viewer"]).json()
    first = signed_in["refresh_token"]
    rotated = two.b.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first}
    )
    assert rotated.status_code == 200, rotated.text
    reused = two.a.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": first})
    assert reused.status_code in (400, 401)
    assert reused.json()["type"].endswith("invalid_grant")
    # Reuse revokes the whole sign-in: the rotated token is refused too, wherever it is sent.
    second = rotated.json()["refresh_token"]
    again = two.b.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": second})
    assert again.status_code in (400, 401)


def test_failed_sign_ins_are_counted_across_instances(two):
    """Last in this module: it locks the test client's address out of password sign-ins."""
    for n in range(MAX_FAILURES):
        instance = two.a if n % 2 == 0 else two.b
        assert _sign_in(instance, "officer.cmi", "wrong password").status_code in (400, 401)
    right = two.passwords["officer.cmi"]
    for instance in (two.a, two.b):
        locked = _sign_in(instance, "officer.cmi", right)
        assert locked.status_code == 429, locked.text
        assert int(locked.headers["Retry-After"]) >= 1
