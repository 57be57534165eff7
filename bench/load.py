"""Benchmark: mixed traffic on a generated database, against a bare FastAPI endpoint.

Concurrent simulated users send 70 % score reads (GET /rounds/{round_id}/units/{unit_code}/
score), 20 % indicator-entry writes (PUT .../report/indicators/{indicator_no}) and 10 %
scoreboard pages (GET /rounds/{round_id}/scores), each waiting for its answer before the next.
The bare endpoint is served by as many uvicorn workers and loaded by the same client in the
same run, alternating with the mixed load; the ratio of the two is the figure that matters.

Every write carries a unique token in its narrative. After the run every write that was
answered 2xx is read back through the API: a write that is not there is a lost write.

SQLite: one uvicorn process on a file (the generated database is cached under var/bench/ and
copied for each run). PostgreSQL: ``uvicorn --workers 2`` on a throw-away database created
through --postgres-url and dropped afterwards.

Targets (issue 7): zero errors, zero lost writes, mixed/bare >= 0.20, p99 <= 250 ms at 32
clients. Usage:

    python bench/load.py [--units 10000] [--clients 32] [--seconds 10] [--rounds 3]
                         [--backend sqlite|postgres|both] [--profile var/bench/profile]

The LAST line is JSON with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

from bench import loader  # noqa: E402
from bench.generate import cached_sqlite, generate  # noqa: E402
from bench.harness import last_line, serve_process  # noqa: E402
from bench.profile import CpuMeter, profile_pid  # noqa: E402

SECRET = "bench-secret-" + "x" * 40
API = "/api/v1"
MIX = (("score", 0.70), ("write", 0.20), ("scoreboard", 0.10))
TARGETS = {"min_ratio": 0.20, "max_p99_ms": 250.0}

Slot = tuple[int, str, int]  # (round id, unit code, indicator number) of one entry


@dataclass
class World:
    """What the scenario picks from: rounds, units, and per client the entries it may write."""

    round_ids: list[int]
    unit_codes: list[str]
    slots: list[list[Slot]]
    token: str


@dataclass
class Writes:
    """The token of the last write to each entry that was answered 2xx, per entry."""

    acked: dict[Slot, str] = field(default_factory=dict)
    unsure: set[Slot] = field(default_factory=set)
    answered: int = 0


def prepare(database_url: str, clients: int) -> World:
    """A bench admin and its token; the entries of draft reports, dealt out to the clients.

    Each client writes only its own entries, one after another, so the last write it got a
    2xx for is the value the database must hold: no two clients race on one entry."""
    from sqlalchemy import select

    from api.security import create_access_token
    from api.settings import Settings
    from domain.framework import default_framework
    from persistence.db import make_engine
    from persistence.tables import ReportRow, RoundRow, UnitRow, UserRow
    from persistence.unit_of_work import UnitOfWork

    engine = make_engine(database_url)
    with UnitOfWork(engine, write=True) as uow:
        admin = UserRow(username=f"bench-{uuid.uuid4().hex[:8]}", password_hash="x", role="admin")
        uow.repos.identity.add(admin)
        uow.repos.identity.flush()
        admin_id = admin.id
        conn = uow.session.connection()
        round_ids = sorted(conn.execute(select(RoundRow.id)).scalars())
        unit_codes = sorted(conn.execute(select(UnitRow.code)).scalars())
        drafts = conn.execute(
            select(ReportRow.round_id, UnitRow.code)
            .join(UnitRow, UnitRow.id == ReportRow.unit_id)
            .where(ReportRow.state == "draft")
            .order_by(ReportRow.round_id, UnitRow.code)
        ).all()
    engine.dispose()
    unit_indicators = [i.indicator_no for i in default_framework().indicators if i.source == "unit"]
    slots: list[list[Slot]] = [[] for _ in range(clients)]
    for n, (round_id, code) in enumerate(drafts):
        slots[n % clients].extend((round_id, code, no) for no in unit_indicators)
    for own in slots:
        random.Random(len(own)).shuffle(own)
    settings = Settings(database_url=database_url, jwt_secret=SECRET, _env_file=None)  # type: ignore[call-arg]
    token, _ = create_access_token(settings, subject=f"user:{admin_id}", role="admin")
    return World(round_ids, unit_codes, slots, token)


def _entry_body(indicator_no: int, token: str, rng: random.Random) -> bytes:
    """A valid value for the indicator's kind, with ``token`` as the narrative."""
    from domain.framework import IndicatorKind, default_framework

    indicator = default_framework().indicator(indicator_no)
    value: dict[str, object]
    if indicator.kind is IndicatorKind.MILESTONE:
        value = {"steps": rng.randint(0, 5)}
    elif indicator.kind is IndicatorKind.QUANTITATIVE and indicator.criteria is not None:
        low, high = sorted((float(indicator.criteria[0]), float(indicator.criteria[4])))
        value = {"value": f"{rng.uniform(low, high):.{indicator.value_decimals}f}"}
    else:
        value = {"score": f"{rng.uniform(1, 5):.4f}"}
    return json.dumps(value | {"narrative": token}).encode()


def mixed_scenarios(
    world: World,
    writes: Writes,
    run_id: str,
    mix: tuple[tuple[str, float], ...] = MIX,
) -> list[Callable[[], loader.Request]]:
    """One request maker per client: 70 % score reads, 20 % writes, 10 % scoreboard pages
    (``mix``; bench/ab.py also loads one kind alone)."""
    from api.v1.common.schemas import encode_cursor

    kinds = [k for k, _ in mix]
    weights = [w for _, w in mix]

    def client(index: int) -> Callable[[], loader.Request]:
        rng = random.Random(index)
        own = world.slots[index]
        counter = iter(range(10**9))

        def next_request() -> loader.Request:
            kind = rng.choices(kinds, weights)[0]
            if kind == "write" and own:
                n = next(counter)
                slot = own[n % len(own)]
                round_id, code, no = slot
                token = f"load {run_id} client {index} write {n}"

                def on_answer(status: int, _body: bytes) -> None:
                    writes.answered += 1
                    if 200 <= status < 300:
                        writes.acked[slot] = token
                        writes.unsure.discard(slot)
                    elif slot in writes.acked:
                        writes.unsure.add(slot)  # a failed write may or may not have landed

                target = f"{API}/rounds/{round_id}/units/{code}/report/indicators/{no}"
                return loader.Request(
                    "write", "PUT", target, _entry_body(no, token, rng), on_answer
                )
            round_id = rng.choice(world.round_ids)
            if kind == "scoreboard":
                after = encode_cursor(rng.choice(world.unit_codes))
                return loader.Request(
                    "scoreboard",
                    "GET",
                    f"{API}/rounds/{round_id}/scores?page_size=100&cursor={after}",
                )
            code = rng.choice(world.unit_codes)
            return loader.Request("score", "GET", f"{API}/rounds/{round_id}/units/{code}/score")

        return next_request

    return [client(i) for i in range(len(world.slots))]


APP_OPEN = f"{API}/health"  # what opens each connection before a run (loader.run)
BARE_OPEN = "/const"


def bare_scenarios(clients: int) -> list[Callable[[], loader.Request]]:
    request = loader.Request("bare", "GET", "/const")
    return [lambda: request for _ in range(clients)]


def verify(base: str, world: World, writes: Writes, clients: int) -> dict[str, int]:
    """Read every acknowledged write back through the API; count those that are missing."""
    by_report: dict[tuple[int, str], dict[int, str]] = {}
    for (round_id, code, no), token in writes.acked.items():
        if (round_id, code, no) not in writes.unsure:
            by_report.setdefault((round_id, code), {})[no] = token
    reports = sorted(by_report)
    targets = [f"{API}/rounds/{r}/units/{c}/report" for r, c in reports]
    answers = loader.fetch_all(
        base, targets, concurrency=clients, headers={"Authorization": f"Bearer {world.token}"}
    )
    lost = unreadable = 0
    for key, (status, body) in zip(reports, answers, strict=True):
        if status != 200:
            unreadable += 1
            continue
        found = {e["indicator_no"]: e.get("narrative") for e in json.loads(body)["entries"]}
        lost += sum(found.get(no) != token for no, token in by_report[key].items())
    return {
        "writes_answered": writes.answered,
        "writes_acknowledged": len(writes.acked),
        "writes_verified": sum(len(v) for v in by_report.values()) - lost,
        "writes_lost": lost,
        "writes_unsure": len(writes.unsure),
        "reports_unreadable": unreadable,
    }


@contextmanager
def database(backend: str, units: int, postgres_url: str) -> Iterator[str]:
    """A generated database of ``units`` units for one run, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "load.db"
            shutil.copy(cached_sqlite(units), copy)
            yield f"sqlite:///{copy}"
        return
    from sqlalchemy import create_engine, text

    from persistence.db import normalise_url

    admin = create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    name = f"sqs_load_{os.getpid()}_{int(time.time())}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    try:
        started = time.perf_counter()
        generate(url, units)
        print(f"generated {units} units on PostgreSQL in {time.perf_counter() - started:.0f} s")
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@dataclass
class Side:
    """The app or the bare endpoint: where it listens, its users, its runs and CPU used."""

    base: str
    scenarios: list[Callable[[], loader.Request]]
    meter: CpuMeter
    open_target: str  # a cheap GET that opens each connection (see loader.run)
    runs: list[dict[str, Any]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)

    def load(self, seconds: float, headers: dict[str, str] | None = None) -> loader.Samples:
        """One run of this side's users for ``seconds``, its connections opened one at a time
        first (``loader.run``)."""
        return loader.run(
            self.base,
            self.scenarios,
            seconds=seconds,
            open_target=self.open_target,
            headers=headers,
        )

    def cpu_ms_per_request(self) -> dict[str, float]:
        requests = max(1, sum(r["requests"] for r in self.runs))
        return {k: round(1000 * v / requests, 3) for k, v in self.cpu.items()}


def alternate(sides: dict[str, Side], rounds: int, seconds: float, headers: dict[str, str]) -> None:
    """Load each side in turn, ``rounds`` times, so that other work on the machine weighs on
    both alike; record the figures and the CPU seconds of each run."""
    for _ in range(rounds):
        for side in sides.values():
            before = side.meter.sample()
            side.runs.append(side.load(seconds, headers).figures())
            after = side.meter.sample()
            for k in after:
                side.cpu[k] = side.cpu.get(k, 0.0) + after[k] - before[k]


def measure(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    workers = 1 if backend == "sqlite" else args.pg_workers
    run_id = uuid.uuid4().hex[:8]
    with (
        database(backend, args.units, args.postgres_url) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        world = prepare(url, args.clients)
        writes = Writes()
        env = {
            "SQS_DATABASE_URL": url,
            "SQS_JWT_SECRET": SECRET,
            "SQS_EVIDENCE_DIR": f"{tmp}/evidence",
        }
        headers = {"Authorization": f"Bearer {world.token}"}
        mixed = mixed_scenarios(world, writes, run_id)
        bare = bare_scenarios(args.clients)
        with (
            serve_process(args.app, env, workers) as (app_base, app_proc),
            serve_process("bench.bare_app:app", {}, workers) as (bare_base, bare_proc),
        ):
            database_name = None if backend == "sqlite" else url.rsplit("/", 1)[1]
            sides = {
                "mixed": Side(app_base, mixed, CpuMeter(app_proc.pid, database_name), APP_OPEN),
                "bare": Side(bare_base, bare, CpuMeter(bare_proc.pid, None), BARE_OPEN),
            }
            sides["mixed"].load(2, headers)  # warm-up
            sides["bare"].load(2)
            alternate(sides, args.rounds, args.seconds, headers)
            profile = None
            if args.profile:
                profile = profile_pid(
                    app_proc.pid,
                    lambda: sides["mixed"].load(args.seconds, headers),
                    Path(args.profile) / f"{backend}.txt",
                    seconds=args.seconds,
                )
            checked = verify(app_base, world, writes, args.clients)
    mixed_runs, bare_runs = sides["mixed"].runs, sides["bare"].runs
    ratios = [m["rps"] / b["rps"] for m, b in zip(mixed_runs, bare_runs, strict=True)]
    chosen = sorted(mixed_runs, key=lambda r: r["rps"])[len(mixed_runs) // 2]
    bare_chosen = sorted(bare_runs, key=lambda r: r["rps"])[len(bare_runs) // 2]
    errors = sum(r["errors"] for r in mixed_runs) + sum(r["errors"] for r in bare_runs)
    cpu_ms = {name: side.cpu_ms_per_request() for name, side in sides.items()}
    out: dict[str, Any] = {
        "backend": backend,
        "workers": workers,
        "mixed": chosen,
        "bare": bare_chosen,
        "ratio": round(median(ratios), 3),
        "ratios_per_round": [round(r, 3) for r in ratios],
        "errors_all_rounds": errors,
        "cpu_ms_per_request": cpu_ms,
        **checked,
    }
    if profile:
        out["profile"] = profile
    out["targets_met"] = (
        errors == 0
        and checked["writes_lost"] == 0
        and checked["reports_unreadable"] == 0
        and out["ratio"] >= TARGETS["min_ratio"]
        and max(r["p99_ms"] for r in mixed_runs) <= TARGETS["max_p99_ms"]
    )
    return out


def show(result: dict[str, Any]) -> None:
    m, b = result["mixed"], result["bare"]
    print(
        f"\n{result['backend']} ({result['workers']} worker(s)): mixed {m['rps']} req/s "
        f"p50 {m['p50_ms']} ms p99 {m['p99_ms']} ms errors {m['errors']} | bare {b['rps']} "
        f"req/s p99 {b['p99_ms']} ms | ratio {result['ratio']} {result['ratios_per_round']}"
    )
    for kind, f in m.get("by_kind", {}).items():
        print(
            f"  {kind:<10} {f['rps']:>8} req/s  p50 {f['p50_ms']:>7} ms  "
            f"p99 {f['p99_ms']:>7} ms  errors {f['errors']}"
        )
    print(f"  CPU ms per request: {result['cpu_ms_per_request']}")
    print(
        f"  writes: {result['writes_acknowledged']} acknowledged, {result['writes_verified']} "
        f"read back, {result['writes_lost']} lost; targets met: {result['targets_met']}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3, help="mixed/bare alternations (median kept)")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--pg-workers", type=int, default=2)
    ap.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "SQS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database on the server where the throw-away bench database is created",
    )
    ap.add_argument("--app", default="api.asgi:app", help="the ASGI app to load (a variant)")
    ap.add_argument("--profile", help="also profile one mixed run with py-spy into this folder")
    args = ap.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    results = {}
    for backend in backends:
        results[backend] = measure(backend, args)
        show(results[backend])
    last_line(
        {
            "units": args.units,
            "clients": args.clients,
            "seconds": args.seconds,
            "mix": dict(MIX),
            "targets": TARGETS,
            **results,
            "all_targets_met": all(r["targets_met"] for r in results.values()),
        }
    )


if __name__ == "__main__":
    main()
