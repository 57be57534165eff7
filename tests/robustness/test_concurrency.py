"""Races against a real server: uvicorn in a subprocess, so requests truly run in parallel.

Each race is released by a barrier across client threads and repeated several times:

- 50 requests with one ``Idempotency-Key`` create one unit / one evidence file: exactly one
  answer is the original (no ``Idempotent-Replayed``), every 2xx answer has the same body, and
  anything else may only be the documented 409 "still in progress" problem;
- 25 requests creating the same unit code (or fiscal year) without a key: one 201, the others
  the 409 that a sequential duplicate gets;
- 50 uploads of the same bytes *without* a key store them once (the others answer 200 with the
  existing record);
- two editors write one report with the same ``ETag``: one 200, one 412, and the report holds
  the winner's value at the next version;
- three central-value imports of the same round: the stored set is exactly one import's rows.

The counts of each run are printed (``-s``) for docs/reliability.md.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from persistence.db import make_engine
from tests.robustness.server import (
    DATABASES,
    ApiServer,
    World,
    fresh_postgres_database,
    seed_world,
)

pytestmark = pytest.mark.slow

PARALLEL = 50
UNITS = 40
TIMEOUT = 60  # seconds; longer than SQLite's busy timeout (30 s), so a lock wait still answers
NO_ANSWER = 0  # the status recorded for a request that got no answer within the timeout
CENTRAL = {1: "value", 2: "value", 5: "value", 10: "score"}  # the default framework's


@dataclass
class Answer:
    status: int
    headers: httpx.Headers
    body: Any


@dataclass
class Live:
    server: ApiServer
    world: World
    database_url: str

    def report_url(self, unit: str) -> str:
        return f"/api/v1/rounds/{self.world.rounds[6]}/units/{unit}/report"

    def query(self, sql: str, **params: Any) -> Any:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).all()
        finally:
            engine.dispose()


@pytest.fixture(
    scope="module",
    params=DATABASES,
)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    workdir: Path = tmp_path_factory.mktemp(f"race-{request.param}")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{workdir / 'sqs.db'}"
        else:
            url = stack.enter_context(fresh_postgres_database("sqs_race"))
        world = seed_world(url, UNITS)
        # The races upload one officer's files 50 at a time: not capped here (the cap on a
        # caller's uploads in flight is tested in test_half_sent_bodies.py)
        in_flight = {"SQS_UPLOADS_IN_FLIGHT_PER_CALLER": str(PARALLEL)}
        server = stack.enter_context(ApiServer(url, workdir, settings=in_flight))
        server.start()
        yield Live(server, world, url)
        server.stop()
        assert "Traceback" not in server.logs(), server.logs()[-4000:]


@pytest.fixture(autouse=True)
def answering(live: Live) -> None:
    """Fail at once, not after every race's timeout, when an earlier race left the server hung."""
    try:
        httpx.get(f"{live.server.base_url}/api/v1/health", timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.fail(f"the server no longer answers (hung by an earlier race?): {exc!r}")


def race(
    count: int, send: Callable[[httpx.Client, int], httpx.Response], base_url: str
) -> list[Answer]:
    """Send ``count`` requests at once (a barrier releases them together) and collect answers;
    a request left unanswered fails the test (a hang is never an acceptable outcome)."""
    barrier = threading.Barrier(count)

    def one(i: int) -> Answer:
        with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
            try:
                client.get("/api/v1/health")  # connected first, so they start together
                barrier.wait(timeout=TIMEOUT)
                r = send(client, i)
            except (httpx.TransportError, threading.BrokenBarrierError) as exc:
                barrier.abort()
                return Answer(NO_ANSWER, httpx.Headers(), repr(exc))
            body = r.json() if r.content else None
            return Answer(r.status_code, r.headers, body)

    with ThreadPoolExecutor(max_workers=count) as pool:
        answers = list(pool.map(one, range(count)))
    hung = [a.body for a in answers if a.status == NO_ANSWER]
    assert not hung, f"{len(hung)} of {count} requests got no answer in {TIMEOUT} s: {hung[0]}"
    return answers


def statuses(answers: list[Answer]) -> dict[int, int]:
    return dict(sorted(collections.Counter(a.status for a in answers).items()))


def check_idempotent_answers(answers: list[Answer], created_status: int) -> None:
    """One original answer, identical 2xx bodies, nothing but the documented 409 otherwise."""
    ok = [a for a in answers if a.status == created_status]
    others = [a for a in answers if a.status != created_status]
    assert all(a.status == 409 for a in others), statuses(answers)
    assert all(a.body["type"] == "urn:sqs:problem:conflict" for a in others)
    originals = [a for a in ok if a.headers.get("Idempotent-Replayed") != "true"]
    assert len(originals) == 1, statuses(answers)
    assert all(a.body == originals[0].body for a in ok)


def sample_pdf(tag: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%"
        + tag.encode()
        + b"\n%%EOF\n"
    )


def test_one_idempotency_key_creates_one_unit(live: Live) -> None:
    seen: collections.Counter[int] = collections.Counter()
    for rep in range(5):
        code = f"IDEM{rep:02d}"
        body = {"code": code, "name_th": "หน่วยใหม่", "name_en": "New unit", "kind": "regional"}
        headers = live.world.admin | {"Idempotency-Key": f"unit-{rep}-{uuid.uuid4()}"}
        answers = race(
            PARALLEL,
            lambda c, _i: c.post("/api/v1/units", json=body, headers=headers),
            live.server.base_url,
        )
        seen.update(a.status for a in answers)
        check_idempotent_answers(answers, 201)
        assert live.query("SELECT count(*) FROM unit WHERE code = :c", c=code) == [(1,)]
    print(f"\nidempotent unit creation: 5 x {PARALLEL} requests, answers {dict(seen)}")


def test_one_natural_key_without_idempotency_key_creates_one(live: Live) -> None:
    """Two admins adding the same unit code or fiscal year at once: one 201, the rest 409."""
    seen: collections.Counter[int] = collections.Counter()
    for rep in range(3):
        creations = [
            (
                "/api/v1/units",
                {"code": f"SAME{rep}", "name_th": "ซ้ำ", "name_en": "Same", "kind": "regional"},
            ),
            (
                "/api/v1/fiscal-years",
                {"year_be": 2600 + rep, "framework_id": live.world.framework_id},
            ),
        ]
        for path, body in creations:
            answers = race(
                PARALLEL // 2,
                lambda c, _i, path=path, body=body: c.post(
                    path, json=body, headers=live.world.admin
                ),
                live.server.base_url,
            )
            seen.update(a.status for a in answers)
            assert statuses(answers).keys() <= {201, 409}, statuses(answers)
            assert [a.status for a in answers].count(201) == 1, statuses(answers)
            assert all(
                a.body["type"] == "urn:sqs:problem:conflict" for a in answers if a.status == 409
            )
    print(f"\nsame natural key, no key: 6 x {PARALLEL // 2} requests, answers {dict(seen)}")


def test_one_idempotency_key_stores_one_evidence_file(live: Live) -> None:
    seen: collections.Counter[int] = collections.Counter()
    for rep, unit in enumerate(live.world.units[:3]):
        data = sample_pdf(f"idem-{rep}-{uuid.uuid4()}")
        headers = live.world.officers[unit] | {"Idempotency-Key": f"evidence-{rep}-{uuid.uuid4()}"}
        url = f"{live.report_url(unit)}/indicators/3/evidence"
        answers = race(
            PARALLEL,
            lambda c, _i: c.post(
                url, files={"file": ("คำสั่ง.pdf", data, "application/pdf")}, headers=headers
            ),
            live.server.base_url,
        )
        seen.update(a.status for a in answers)
        check_idempotent_answers(answers, 201)
        assert live.query(
            "SELECT count(*) FROM evidence v JOIN unit u ON u.id = v.unit_id WHERE u.code = :c",
            c=unit,
        ) == [(1,)]
    print(f"\nidempotent evidence upload: 3 x {PARALLEL} requests, answers {dict(seen)}")


def test_same_bytes_without_a_key_are_stored_once(live: Live) -> None:
    seen: collections.Counter[int] = collections.Counter()
    for rep, unit in enumerate(live.world.units[3:6]):
        data = sample_pdf(f"dupe-{rep}-{uuid.uuid4()}")
        url = f"{live.report_url(unit)}/indicators/4/evidence"
        headers = live.world.officers[unit]
        answers = race(
            PARALLEL,
            lambda c, _i: c.post(
                url, files={"file": ("หลักฐาน.pdf", data, "application/pdf")}, headers=headers
            ),
            live.server.base_url,
        )
        seen.update(a.status for a in answers)
        assert statuses(answers).keys() <= {200, 201}, statuses(answers)
        assert [a.status for a in answers].count(201) == 1, statuses(answers)
        assert len({a.body["id"] for a in answers}) == 1
        assert live.query(
            "SELECT count(*) FROM evidence v JOIN unit u ON u.id = v.unit_id WHERE u.code = :c",
            c=unit,
        ) == [(1,)]
    print(f"\nsame bytes, no key: 3 x {PARALLEL} uploads, answers {dict(seen)}")


def test_two_editors_with_one_etag_one_wins(live: Live) -> None:
    outcomes: collections.Counter[str] = collections.Counter()
    races = 0
    for unit in live.world.units[10:20]:
        headers = live.world.officers[unit]
        url = f"{live.report_url(unit)}/indicators/3"
        for rep in range(3):  # the first race is on a report not yet written (ETag "0")
            with httpx.Client(base_url=live.server.base_url, timeout=30) as client:
                etag = client.get(live.report_url(unit), headers=headers).headers["ETag"]
            values = [f"{rep + 10}.{i + 1}" for i in range(2)]
            answers = race(
                2,
                lambda c, i: c.put(
                    url, json={"value": values[i]}, headers=headers | {"If-Match": etag}
                ),
                live.server.base_url,
            )
            races += 1
            codes = [a.status for a in answers]
            outcomes[" / ".join(map(str, sorted(codes)))] += 1
            assert sorted(codes) == [200, 412], codes
            loser = answers[codes.index(412)]
            assert loser.body["type"] == "urn:sqs:problem:precondition_failed"
            winner = values[codes.index(200)]
            with httpx.Client(base_url=live.server.base_url, timeout=30) as client:
                report = client.get(live.report_url(unit), headers=headers)
            assert report.json()["version"] == int(etag.strip('"').split(".")[0]) + 1
            assert [e["value"] for e in report.json()["entries"] if e["indicator_no"] == 3] == [
                winner
            ]
    print(f"\nETag race: {races} races of 2 editors, outcomes {dict(outcomes)}")


def test_concurrent_central_value_imports_never_interleave(live: Live) -> None:
    round_id = live.world.rounds[6]
    imports = 3
    rows_per_import = len(live.world.units) * len(CENTRAL)

    def rows(rep: int, i: int) -> list[dict[str, Any]]:
        """Import ``i`` of race ``rep``: values no other import of any race sends."""
        sent = {"value": f"{70 + i}.{rep + 1}", "score": f"{i + 1}.{rep + 1}"}
        return [
            {"unit_code": unit, "indicator_no": no, field: sent[field]}
            for unit in live.world.units
            for no, field in CENTRAL.items()
        ]

    def stored() -> dict[tuple[str, int], Decimal]:
        found = live.query(
            "SELECT u.code, c.indicator_no, coalesce(c.value, c.score) FROM central_value c "
            "JOIN unit u ON u.id = c.unit_id WHERE c.round_id = :r",
            r=round_id,
        )
        return {(code, no): Decimal(v) for code, no, v in found}

    def as_set(batch: list[dict[str, Any]]) -> dict[tuple[str, int], Decimal]:
        return {
            (r["unit_code"], r["indicator_no"]): Decimal(r.get("value") or r["score"])
            for r in batch
        }

    repeats = 8
    winners: collections.Counter[int] = collections.Counter()
    for rep in range(repeats):
        batches = [rows(rep, i) for i in range(imports)]
        answers = race(
            imports,
            lambda c, i: c.put(
                f"/api/v1/rounds/{round_id}/central-values",
                json=batches[i],
                headers=live.world.admin,
            ),
            live.server.base_url,
        )
        assert [a.status for a in answers] == [200] * imports, [(a.status, a.body) for a in answers]
        final = stored()
        matching = [i for i, b in enumerate(batches) if as_set(b) == final]
        assert len(matching) == 1, "the stored central values mix several imports"
        winners[matching[0]] += 1
        created = sorted(a.body["created"] for a in answers)
        updated = sorted(a.body["updated"] for a in answers)
        if rep == 0:  # one import created every row; the others then updated them all
            assert created == [0] * (imports - 1) + [rows_per_import], created
            assert updated == [0] + [rows_per_import] * (imports - 1), updated
        else:
            assert created == [0] * imports and updated == [rows_per_import] * imports
    print(
        f"\ncentral-value imports: {repeats} races of {imports} imports x {rows_per_import} rows, "
        f"last writer by import {dict(winners)}"
    )
