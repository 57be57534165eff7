"""Crash safety: SIGKILL the real server under concurrent writes, restart it, check everything.

One client thread per unit writes its unit's report as fast as the server answers: single
entries, whole reports, evidence uploads and deletions, submissions, and the administrator's
reopen so the cycle can go on. Each client remembers what every 2xx answer acknowledged. After
a few seconds the server process is killed with SIGKILL (no shutdown, no last commit) while
requests are in flight, and started again on the same database and evidence store.

Then, for every unit:

- every acknowledged write is there: the report's version equals the number of acknowledged
  writes (every write bumps it by exactly one), plus one if the request in flight at the kill
  committed; that request is then applied to what is expected, or else must have left no trace;
- the entries, the state and the evidence list are exactly what was acknowledged, each evidence
  file downloads with its acknowledged SHA-256, and a submitted report holds the entries its
  submission answered with;

and in the database (while the server is down, as the crash left it):

- ``PRAGMA integrity_check`` and ``foreign_key_check`` on SQLite;
- no entry without its report, no evidence row without its bytes (size and SHA-256 checked),
  no stored bytes without an evidence row except the filesystem backend's documented crash
  leftovers (a temporary ``.upload-*.part`` file of an upload cut short; a file placed by an
  upload, or kept by a deletion, whose commit the kill split from the file operation), and
  ``services.evidence.sweep_leftovers`` removes exactly those.

The counts of each run are printed (``-s``) for docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Row, text
from sqlalchemy.engine import Engine, make_url

from persistence.db import make_engine
from persistence.evidence_store import TEMP_PREFIX
from persistence.tables import EvidenceRow
from persistence.unit_of_work import UnitOfWork
from services.evidence import StoreConfig, Sweep, sweep_leftovers
from tests.robustness.server import (
    PG_SERVER_URL,
    YEAR_BE,
    ApiServer,
    fresh_postgres_database,
    seed_world,
    token_settings,
)

pytestmark = pytest.mark.slow

UNITS = 6
KILLS = 3
LOAD_SECONDS = (2.0, 4.0)  # how long the load runs before each kill (drawn per cycle)
# The unit-supplied indicators of the default framework at 6 months, and their value field.
UNIT_FIELDS = {3: "value", 4: "value", 6: "steps", 7: "steps", 8: "steps", 9: "steps"}


def sample_pdf(tag: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%" + tag.encode() + b"\n%%EOF\n"
    )


@dataclass
class Expected:
    """A unit's report as its acknowledged writes left it."""

    version: int = 0
    state: str = "draft"
    entries: dict[int, dict[str, Any]] = field(default_factory=dict)
    evidence: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (indicator, sha)
    submitted_entries: dict[int, dict[str, Any]] | None = None


@dataclass
class Write:
    """One write: how to send it, and what it changes once committed."""

    kind: str
    send: Callable[[httpx.Client], httpx.Response]
    effect: Callable[[Expected, dict[str, Any] | None], None]
    sha256: str | None = None  # an evidence upload's bytes


@dataclass
class Tally:
    """What a run counted (printed for docs/reliability.md)."""

    acknowledged: dict[str, int] = field(default_factory=dict)
    refused: dict[int, int] = field(default_factory=dict)  # 4xx answers (nothing written)
    in_doubt: int = 0
    in_doubt_committed: int = 0
    writes_verified: int = 0
    entries_verified: int = 0
    evidence_verified: int = 0
    temp_files_swept: int = 0
    orphan_files_swept: int = 0


def _entry_fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry.get(k) for k in ("value", "steps", "narrative")}


class UnitClient:
    """Writes one unit's report in a loop; the only writer of that report."""

    def __init__(
        self,
        unit: str,
        rounds: dict[int, int],
        officer: dict[str, str],
        admin: dict[str, str],
        seed: int,
    ) -> None:
        self.unit = unit
        self.report_url = f"/api/v1/rounds/{rounds[6]}/units/{unit}/report"
        self.officer = officer
        self.admin = admin
        self.rng = random.Random(seed)
        self.expected = Expected()
        self.in_doubt: Write | None = None
        self.seq = 0
        self.failures: list[str] = []

    # --- the writes ---------------------------------------------------------------------------

    def _entry_body(self, no: int) -> dict[str, Any]:
        self.seq += 1
        n = self.seq
        value: Any = f"{n % 90 + 10}.5" if no == 3 else str(n % 40 + 1)
        if UNIT_FIELDS[no] == "steps":
            value = n % 6
        return {UNIT_FIELDS[no]: value, "narrative": f"{self.unit} เขียนครั้งที่ {n}"}

    def _set_entries(self, bodies: dict[int, dict[str, Any]]) -> Callable[[Expected, Any], None]:
        def effect(exp: Expected, _answer: Any) -> None:
            for no, body in bodies.items():
                exp.entries[no] = {"value": None, "steps": None} | body
            exp.state = "draft"

        return effect

    def _put_entry(self) -> Write:
        no = self.rng.choice(list(UNIT_FIELDS))
        body = self._entry_body(no)
        return Write(
            "entry",
            lambda c: c.put(f"{self.report_url}/indicators/{no}", json=body, headers=self.officer),
            self._set_entries({no: body}),
        )

    def _put_report(self) -> Write:
        bodies = {no: self._entry_body(no) for no in UNIT_FIELDS}
        payload = {"entries": [{"indicator_no": no} | b for no, b in bodies.items()]}
        return Write(
            "report",
            lambda c: c.put(self.report_url, json=payload, headers=self.officer),
            self._set_entries(bodies),
        )

    def _upload(self) -> Write:
        self.seq += 1
        no = self.rng.choice(list(UNIT_FIELDS))
        data = sample_pdf(f"{self.unit}-{self.seq}-{self.rng.random()}")
        sha = hashlib.sha256(data).hexdigest()
        files = {"file": (f"หลักฐาน-{self.seq}.pdf", data, "application/pdf")}

        def effect(exp: Expected, answer: dict[str, Any] | None) -> None:
            if answer is not None:
                exp.evidence[answer["id"]] = (no, sha)

        return Write(
            "evidence",
            lambda c: c.post(
                f"{self.report_url}/indicators/{no}/evidence", files=files, headers=self.officer
            ),
            effect,
            sha256=sha,
        )

    def _delete(self) -> Write:
        evidence_id = self.rng.choice(sorted(self.expected.evidence))

        def effect(exp: Expected, _answer: Any) -> None:
            exp.evidence.pop(evidence_id, None)

        return Write(
            "evidence-delete",
            lambda c: c.delete(f"/api/v1/evidence/{evidence_id}", headers=self.officer),
            effect,
        )

    def _submit(self) -> Write:
        def effect(exp: Expected, _answer: Any) -> None:
            exp.state = "submitted"
            exp.submitted_entries = {no: dict(e) for no, e in exp.entries.items()}

        return Write(
            "submit", lambda c: c.post(f"{self.report_url}/submit", headers=self.officer), effect
        )

    def _reopen(self) -> Write:
        def effect(exp: Expected, _answer: Any) -> None:
            exp.state = "draft"

        return Write(
            "reopen", lambda c: c.post(f"{self.report_url}/reopen", headers=self.admin), effect
        )

    def next_write(self) -> Write:
        exp = self.expected
        if exp.state == "submitted":
            return self._reopen()
        if len(exp.entries) == len(UNIT_FIELDS) and self.rng.random() < 0.2:
            return self._submit()
        roll = self.rng.random()
        if roll < 0.45:
            return self._put_entry()
        if roll < 0.65:
            return self._put_report()
        if roll < 0.9 or not exp.evidence:
            return self._upload()
        return self._delete()

    # --- the loop -----------------------------------------------------------------------------

    def run(self, base_url: str, stop: threading.Event, tally: Tally, lock: threading.Lock) -> None:
        """Write until the server dies (the write in flight is then in doubt) or ``stop``."""
        with httpx.Client(base_url=base_url, timeout=60) as client:
            while not stop.is_set():
                write = self.next_write()
                try:
                    answer = write.send(client)
                except httpx.TransportError:
                    self.in_doubt = write
                    with lock:
                        tally.in_doubt += 1
                    return
                if answer.is_success:
                    body = answer.json() if answer.content else None
                    write.effect(self.expected, body)
                    self.expected.version += 1
                    self._check_answer(write, body)
                    with lock:
                        tally.acknowledged[write.kind] = tally.acknowledged.get(write.kind, 0) + 1
                elif 400 <= answer.status_code < 500:
                    with lock:
                        tally.refused[answer.status_code] = (
                            tally.refused.get(answer.status_code, 0) + 1
                        )
                else:
                    self.failures.append(f"{write.kind}: {answer.status_code} {answer.text[:300]}")
                    return

    def _check_answer(self, write: Write, body: dict[str, Any] | None) -> None:
        """A report answer must already show what was written and the expected version."""
        if write.kind in ("evidence", "evidence-delete") or body is None:
            return
        exp = self.expected
        got = {e["indicator_no"]: _entry_fields(e) for e in body["entries"]}
        if body["version"] != exp.version or body["state"] != exp.state or got != exp.entries:
            self.failures.append(f"{write.kind} answered {body} but {exp} was expected")

    # --- after a restart ----------------------------------------------------------------------

    def verify(self, client: httpx.Client, tally: Tally) -> None:
        """Compare the restarted server's view with the acknowledged writes (see module doc)."""
        exp = self.expected
        report = client.get(self.report_url, headers=self.officer).json()
        write, self.in_doubt = self.in_doubt, None
        if write is not None and report["version"] == exp.version + 1:
            tally.in_doubt_committed += 1
            answer = None
            if write.kind == "evidence":
                answer = self._find_new_evidence(client, write.sha256)
            write.effect(exp, answer)
            exp.version += 1
        assert report["version"] == exp.version, (self.unit, report, exp)
        assert report["state"] == exp.state, (self.unit, report, exp)
        got = {e["indicator_no"]: _entry_fields(e) for e in report["entries"]}
        assert got == exp.entries, (self.unit, got, exp.entries)
        if exp.state == "submitted":
            assert got == exp.submitted_entries
        tally.entries_verified += len(got)
        listed = {
            e["id"]: (no, e["sha256"])
            for no in UNIT_FIELDS
            for e in client.get(
                f"{self.report_url}/indicators/{no}/evidence", headers=self.officer
            ).json()
        }
        assert listed == exp.evidence, (self.unit, listed, exp.evidence)
        for evidence_id, (_no, sha) in listed.items():
            content = client.get(f"/api/v1/evidence/{evidence_id}/content", headers=self.officer)
            assert content.status_code == 200, content.text
            assert hashlib.sha256(content.content).hexdigest() == sha
            tally.evidence_verified += 1

    def _find_new_evidence(self, client: httpx.Client, sha: str | None) -> dict[str, Any]:
        found = [
            e
            for no in UNIT_FIELDS
            for e in client.get(
                f"{self.report_url}/indicators/{no}/evidence", headers=self.officer
            ).json()
            if e["id"] not in self.expected.evidence and e["sha256"] == sha
        ]
        assert len(found) == 1, (self.unit, found)
        return found[0]


# --- the database as the crash left it ----------------------------------------------------------

_ORPHAN_QUERIES = {
    "entries without their report": (
        "SELECT count(*) FROM indicator_entry e LEFT JOIN report r ON r.id = e.report_id "
        "WHERE r.id IS NULL"
    ),
    "indicator evidence without its report": (
        "SELECT count(*) FROM evidence v LEFT JOIN report r ON r.id = v.report_id "
        "WHERE v.kind = 'indicator' AND r.id IS NULL"
    ),
    "evidence rows without chunks (database backend)": (
        "SELECT count(*) FROM evidence v WHERE :backend = 'database' AND NOT EXISTS "
        "(SELECT 1 FROM evidence_chunk c WHERE c.storage_key = v.storage_key)"
    ),
    "chunks without an evidence row": (
        "SELECT count(DISTINCT c.storage_key) FROM evidence_chunk c WHERE NOT EXISTS "
        "(SELECT 1 FROM evidence v WHERE v.storage_key = c.storage_key)"
    ),
}


def check_database(server: ApiServer, tally: Tally) -> None:
    """The stored data is whole and consistent (see the module docstring)."""
    url = server.database_url
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for what, sql in _ORPHAN_QUERIES.items():
                count = conn.execute(text(sql), {"backend": server.evidence_backend}).scalar_one()
                assert count == 0, f"{count} {what}"
            rows = conn.execute(text("SELECT storage_key, size, sha256 FROM evidence")).all()
            if server.evidence_backend == "database":
                for key, size, sha in rows:
                    chunks = conn.execute(
                        text("SELECT data FROM evidence_chunk WHERE storage_key = :k ORDER BY seq"),
                        {"k": key},
                    ).scalars()
                    data = b"".join(bytes(c) for c in chunks)
                    assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha), key
        if server.evidence_backend == "filesystem":
            check_evidence_files(server, engine, rows, tally)
    finally:
        engine.dispose()


def check_evidence_files(
    server: ApiServer, engine: Engine, rows: Sequence[Row[Any]], tally: Tally
) -> None:
    """Every row's file is whole; files without a row are the documented crash leftovers, and
    the sweep removes exactly those (the server is down, so no age is needed)."""
    keys = {key for key, _size, _sha in rows}
    stored = set(os.listdir(server.evidence_dir)) if server.evidence_dir.exists() else set()
    temporary = {n for n in stored if n.startswith(TEMP_PREFIX) and n.endswith(".part")}
    orphaned = stored - temporary - keys
    tally.temp_files_swept += len(temporary)
    tally.orphan_files_swept += len(orphaned)
    config = StoreConfig("filesystem", server.evidence_dir, 1024 * 1024)
    swept = sweep_leftovers(engine, config, min_age=timedelta(0))
    assert swept == Sweep(len(temporary), len(orphaned))
    remaining = set(os.listdir(server.evidence_dir)) if server.evidence_dir.exists() else set()
    assert remaining == keys
    for key, size, sha in rows:
        data = (server.evidence_dir / key).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha), key


# --- the test -----------------------------------------------------------------------------------


def run_kill_cycles(database_url: str, workdir: Path, evidence_backend: str) -> None:
    world = seed_world(database_url, UNITS)
    clients = [
        UnitClient(code, world.rounds, world.officers[code], world.admin, seed=i)
        for i, code in enumerate(world.units)
    ]
    tally, lock = Tally(), threading.Lock()
    rng = random.Random(2558)
    server = ApiServer(database_url, workdir, evidence_backend=evidence_backend)
    try:
        server.start()
        answered_before = 0
        for _cycle in range(KILLS):
            stop = threading.Event()
            threads = [
                threading.Thread(target=c.run, args=(server.base_url, stop, tally, lock))
                for c in clients
            ]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(*LOAD_SECONDS))
            server.kill()
            stop.set()
            for t in threads:
                t.join(timeout=60)
            failures = [f for c in clients for f in c.failures]
            assert not failures, failures
            answered = sum(tally.acknowledged.values()) + sum(tally.refused.values())
            assert answered > answered_before, "no write was answered before the kill: a hang"
            answered_before = answered
            check_database(server, tally)
            server.start()
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                for c in clients:
                    c.verify(client, tally)
        server.stop()
        check_database(server, tally)
        tally.writes_verified = sum(c.expected.version for c in clients)
    finally:
        server.stop()
    assert "Traceback" not in server.logs(), server.logs()[-4000:]
    assert tally.in_doubt > 0, "no request was in flight at any kill"
    database = make_url(database_url).get_backend_name()
    print(f"\ncrash safety ({database}, {evidence_backend}): kills={KILLS} {tally}")


@pytest.mark.sqlite
def test_sqlite_survives_sigkill_under_load(tmp_path: Path) -> None:
    run_kill_cycles(f"sqlite:///{tmp_path / 'sqs.db'}", tmp_path, "filesystem")


@pytest.mark.postgres
@pytest.mark.skipif(not PG_SERVER_URL, reason="SQS_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("evidence_backend", ["filesystem", "database"])
def test_postgres_survives_sigkill_under_load(tmp_path: Path, evidence_backend: str) -> None:
    with fresh_postgres_database("sqs_crash") as url:
        run_kill_cycles(url, tmp_path, evidence_backend)


def test_sweep_removes_only_old_leftovers(tmp_path: Path) -> None:
    """Young files may belong to an upload still finishing elsewhere; a row keeps its file."""
    url = f"sqlite:///{tmp_path / 'sqs.db'}"
    world = seed_world(url, 1)
    store = tmp_path / "evidence"
    store.mkdir()
    held = uuid.uuid4().hex
    names = {
        "old_temp": ".upload-k3y_x.part",
        "young_temp": ".upload-n3w_y.part",
        "old_orphan": uuid.uuid4().hex,
        "young_orphan": uuid.uuid4().hex,
        "held": held,
        "foreign": "notes.txt",
    }
    two_hours_ago = time.time() - 2 * 3600
    for label, name in names.items():
        (store / name).write_bytes(b"%PDF-1.4 x")
        if not label.startswith("young"):
            os.utime(store / name, (two_hours_ago, two_hours_ago))
    engine = make_engine(url)
    try:
        with UnitOfWork(engine, write=True) as uow:
            unit = uow.repos.reference.unit_by_code(world.units[0])
            year = uow.repos.reference.fiscal_year(YEAR_BE)
            assert unit is not None and year is not None
            uow.repos.evidence.add(
                EvidenceRow(
                    id=str(uuid.uuid4()),
                    kind="working_group_order",
                    unit_id=unit.id,
                    fiscal_year_id=year.id,
                    filename="order.pdf",
                    content_type="application/pdf",
                    size=10,
                    sha256=hashlib.sha256(b"%PDF-1.4 x").hexdigest(),
                    storage_key=held,
                    created_by="system:test",
                )
            )
        swept = sweep_leftovers(engine, StoreConfig("filesystem", store, 1024))
    finally:
        engine.dispose()
    assert swept == Sweep(temporary=1, orphaned=1)
    kept = {label for label, name in names.items() if (store / name).exists()}
    assert kept == {"young_temp", "young_orphan", "held", "foreign"}


def test_the_app_sweeps_leftovers_when_it_starts(tmp_path: Path) -> None:
    """A restart after a crash cleans up by itself: no operator step is needed."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    url = f"sqlite:///{tmp_path / 'sqs.db'}"
    seed_world(url, 1)
    store = tmp_path / "evidence"
    store.mkdir()
    old_temp, old_orphan, young = ".upload-k3y_x.part", uuid.uuid4().hex, uuid.uuid4().hex
    two_hours_ago = time.time() - 2 * 3600
    for name in (old_temp, old_orphan, young):
        (store / name).write_bytes(b"%PDF-1.4 x")
        if name != young:
            os.utime(store / name, (two_hours_ago, two_hours_ago))
    settings = token_settings(url).model_copy(
        update={"evidence_dir": store, "webhook_worker_enabled": False}
    )
    with TestClient(create_app(settings, migrate=False)) as client:
        assert client.get("/api/v1/health").status_code == 200
    assert sorted(p.name for p in store.iterdir()) == [young]
