"""Whole-round exports (CSV and XLSX) run at most ``SQS_EXPORTS_IN_FLIGHT`` at a time, on
threads of their own (api/export_limit.py): one more is a 429 with ``Retry-After``, and the
shared worker threads stay free for everybody else meanwhile."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio.to_thread
import httpx

from api.main import create_app
from services import exports

API = "/api/v1"


def test_exports_beyond_the_limit_are_429_and_never_take_the_shared_threads(
    settings: Any, engine: Any, world: Any, make_user: Any, monkeypatch: Any
) -> None:
    app = create_app(
        settings.model_copy(update={"exports_in_flight": 2}), engine=engine, migrate=False
    )
    viewer = make_user("viewer")
    release = threading.Event()
    building = threading.Semaphore(0)
    seen: dict[str, Any] = {}
    real_csv, real_xlsx = exports.scoreboard_csv, exports.scoreboard_xlsx

    def held(real: Any) -> Any:
        def build(*args: Any, **kwargs: Any) -> Any:
            building.release()
            assert release.wait(20), "the test never released the export"
            return real(*args, **kwargs)

        return build

    monkeypatch.setattr(exports, "scoreboard_csv", held(real_csv))
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
            seen["export_borrowed"] = app.state.exports.threads.borrowed_tokens
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
        assert answer.json()["type"] == "urn:sqs:problem:exports_busy"
        assert "2 exports" in answer.json()["detail"]
    assert [a.status_code for a in others] == [200, 200]
    assert [a.status_code for a in done] == [200, 200]
    assert done[0].headers["content-type"].startswith("text/csv")
    assert again.status_code == 200  # the slots came back
    # the two exports held two export threads and none of the shared ones
    assert seen == {"shared_borrowed": 0, "export_borrowed": 2}
    assert app.state.exports.running == 0
