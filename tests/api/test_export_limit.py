"""Whole-round exports (CSV and XLSX) run at most ``SQS_EXPORTS_IN_FLIGHT`` at a time, in
worker processes of their own (api/export_limit.py): one more is a 429 with ``Retry-After``,
and the shared worker threads stay free for everybody else meanwhile."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import anyio.to_thread
import httpx
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.export_limit import ExportLimiter
from api.export_priority import NICENESS
from api.main import create_app
from services import exports
from services.cost import export

API = "/api/v1"


def test_exports_beyond_the_limit_are_429_and_never_take_the_shared_threads(
    settings: Any, engine: Any, world: Any, make_user: Any, monkeypatch: Any
) -> None:
    app = create_app(settings, engine=engine, migrate=False)
    # a thread pool in place of the processes, so that the exports can be held midway
    app.state.runtime.exports = ExportLimiter(
        2, app.state.runtime.exports.database_url, executor=ThreadPoolExecutor(2)
    )
    viewer = make_user("viewer")
    release = threading.Event()
    building = threading.Semaphore(0)
    seen: dict[str, Any] = {}
    real_csv, real_xlsx = exports.scoreboard_csv_export, exports.scoreboard_xlsx

    def held(real: Any) -> Any:
        def build(*args: Any, **kwargs: Any) -> Any:
            building.release()
            assert release.wait(20), "the test never released the export"
            return real(*args, **kwargs)

        return export(build)  # still an export (services.cost): the runtime sends it to a worker

    monkeypatch.setattr(exports, "scoreboard_csv_export", held(real_csv))
    monkeypatch.setattr(exports, "scoreboard_xlsx", held(real_xlsx))

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            await http.get(f"{API}/me", headers=viewer)  # the caller, looked up once
            running = [
                asyncio.create_task(
                    http.get(f"{API}/rounds/{world.r6}/scores?format=csv", headers=viewer)
                ),
                asyncio.create_task(
                    http.get(f"{API}/rounds/{world.r6}/scores.xlsx", headers=viewer)
                ),
            ]
            for _ in range(2):  # both exports are now building, each on a thread
                await anyio.to_thread.run_sync(building.acquire)
            shared = anyio.to_thread.current_default_thread_limiter()
            seen["shared_borrowed"] = shared.borrowed_tokens
            seen["exports_running"] = app.state.runtime.exports.running
            refused = [
                await http.get(f"{API}/rounds/{world.r6}/scores?format=csv", headers=viewer),
                await http.get(f"{API}/rounds/{world.r6}/scores.xlsx", headers=viewer),
            ]
            # everybody else is served meanwhile: a score read and a page of the scoreboard
            others = [
                await http.get(f"{API}/rounds/{world.r6}/units/BKK01/score", headers=viewer),
                await http.get(f"{API}/rounds/{world.r6}/scores?page_size=500", headers=viewer),
            ]
            release.set()
            done = await asyncio.gather(*running)
            again = await http.get(f"{API}/rounds/{world.r6}/scores?format=csv", headers=viewer)
            return [*refused, *others, *done, again]

    try:
        answers = asyncio.run(scenario())
    finally:
        release.set()
    refused, others, done, again = answers[:2], answers[2:4], answers[4:6], answers[6]
    for answer in refused:
        assert answer.status_code == 429, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "10"
        assert answer.headers["ratelimit-policy"] == '"exports";q=2;w=10'
        assert answer.headers["ratelimit"] == '"exports";r=0;t=10'
        assert answer.json()["type"] == "urn:sqs:problem:exports_busy"
        assert "2 exports" in answer.json()["detail"]
    assert [a.status_code for a in others] == [200, 200]
    assert [a.status_code for a in done] == [200, 200]
    assert done[0].headers["content-type"].startswith("text/csv")
    assert again.status_code == 200  # the slots came back
    # two exports were running, and none of them on the shared threads
    assert seen == {"shared_borrowed": 0, "exports_running": 2}
    assert app.state.runtime.exports.running == 0


def test_exports_run_in_worker_processes_at_a_lower_priority(
    app: Any, world: Any, make_user: Any, client: TestClient
) -> None:
    viewer = make_user("viewer")
    csv = client.get(f"{API}/rounds/{world.r6}/scores?format=csv", headers=viewer)
    xlsx = client.get(f"{API}/rounds/{world.r6}/scores.xlsx", headers=viewer)
    assert csv.status_code == 200 and xlsx.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("BKK01,")
    assert load_workbook(io.BytesIO(xlsx.content))["Scores"]["A2"].value == "BKK01"
    pool = app.state.runtime.exports._executor
    assert isinstance(pool, ProcessPoolExecutor)
    workers = list(pool._processes)
    assert workers and os.getpid() not in workers
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in workers} == {min(19, mine + NICENESS)}
    # errors come back from the worker as they were raised there
    missing = client.get(f"{API}/rounds/999/scores?format=csv", headers=viewer)
    assert missing.status_code == 404 and missing.json()["type"] == "urn:sqs:problem:not_found"
