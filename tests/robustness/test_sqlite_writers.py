"""Concurrent writers on SQLite must queue, not deadlock.

Before the one-writer gate (``api.deps.write_gate``), 32 concurrent entry writes on a real
server stalled: every worker thread waited in ``BEGIN IMMEDIATE`` while the request holding
the write lock waited for a thread, until busy_timeout ended them with 500s 30 s later.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.robustness.server import ApiServer, seed_world

pytestmark = [pytest.mark.slow, pytest.mark.sqlite]

WRITERS = 32
WRITES_EACH = 4


def test_many_concurrent_writers_all_succeed_quickly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sqs.db'}"
    world = seed_world(url, unit_count=8)
    round_id = world.rounds[6]
    with ApiServer(url, tmp_path) as server:
        server.start()

        def write(n: int) -> list[tuple[int, str, str]]:
            unit = world.units[n % len(world.units)]
            done = []
            with httpx.Client(base_url=server.base_url, timeout=20) as http:
                for k in range(WRITES_EACH):
                    value = f"{50 + n % 40}.{k}"
                    r = http.put(
                        f"/api/v1/rounds/{round_id}/units/{unit}/report/indicators/3",
                        headers=world.officers[unit],
                        json={"value": value},
                    )
                    done.append((r.status_code, unit, value))
            return done

        started = time.monotonic()
        with ThreadPoolExecutor(WRITERS) as pool:
            results = [x for batch in pool.map(write, range(WRITERS)) for x in batch]
        elapsed = time.monotonic() - started
        statuses = sorted({s for s, _, _ in results})
        assert statuses == [200], (statuses, server.log_tail())
        # 128 small writes; stalled ones took 30 s each before the gate
        assert elapsed < 20, f"{len(results)} writes took {elapsed:.1f} s"
        assert "Traceback" not in server.logs()
        # the last write of each unit is the one stored
        with httpx.Client(base_url=server.base_url, timeout=20) as http:
            for unit in world.units:
                r = http.get(
                    f"/api/v1/rounds/{round_id}/units/{unit}/report",
                    headers=world.officers[unit],
                )
                assert r.status_code == 200
                entry = {e["indicator_no"]: e for e in r.json()["entries"]}[3]
                assert entry["value"] is not None


def test_a_write_waits_for_another_process_without_stopping_reads(tmp_path: Path) -> None:
    """Writes run on the event loop once they hold SQLite's write lock (api.deps.Run). When
    another process holds it (the CLI, a second server), the write must wait in a thread, not
    on the loop: reads go on being answered, and the write lands once the lock is free."""
    import sqlite3

    db = tmp_path / "sqs.db"
    url = f"sqlite:///{db}"
    world = seed_world(url, unit_count=2)
    round_id = world.rounds[6]
    unit = world.units[0]
    with ApiServer(url, tmp_path) as server:
        server.start()
        other = sqlite3.connect(db, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with (
            ThreadPoolExecutor(1) as pool,
            httpx.Client(base_url=server.base_url, timeout=20) as http,
        ):
            put = pool.submit(
                http.put,
                f"/api/v1/rounds/{round_id}/units/{unit}/report/indicators/3",
                headers=world.officers[unit],
                json={"value": "61.5"},
            )
            time.sleep(0.3)
            assert not put.done()  # waiting for the lock
            started = time.monotonic()
            read = http.get(
                f"/api/v1/rounds/{round_id}/units/{unit}/score", headers=world.officers[unit]
            )
            assert read.status_code == 200
            assert time.monotonic() - started < 1.0  # the event loop is free
            other.execute("ROLLBACK")
            other.close()
            answer = put.result(timeout=20)
        assert answer.status_code == 200, answer.text
        entry = {e["indicator_no"]: e for e in answer.json()["entries"]}[3]
        assert entry["value"] == "61.5"
        assert "Traceback" not in server.logs()
