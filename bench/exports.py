"""Benchmark: score reads alone, and while two viewers export a 10,000-unit round.

The app is served by uvicorn (one worker) on a copy of the generated database (bench/generate,
cached under var/bench/). Closed-loop clients (bench/loader) read unit scores
(GET /rounds/{round_id}/units/{unit_code}/score, a random unit each time) for ``--seconds``,
first alone, then while two other clients export the whole round again and again (one the CSV,
``?format=csv``, the other the XLSX, ``scores.xlsx``: two exports in flight all the time, the
limit ``SQS_EXPORTS_IN_FLIGHT`` allows by default). Alone and with exports alternate
``--rounds`` times (which goes first alternates too), so other work on the machine weighs on
both alike; the figure is the
median of the per-round ratios (reads with exports / reads alone): throughput, and the
slowdown of the median and p99 latency.

Target (issue 18): score reads no more than 2x slower while the exports run (throughput ratio
>= 0.5, p50 latency slowdown <= 2).

Usage: python bench/exports.py [--units 10000] [--clients 8] [--seconds 10] [--rounds 3]
       [--backend sqlite|postgres] [--postgres-url URL]
The LAST line is JSON with every figure.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

import httpx  # noqa: E402

from bench import loader  # noqa: E402
from bench.harness import last_line, serve_process  # noqa: E402
from bench.load import database  # noqa: E402

SECRET = "bench-secret-" + "x" * 40
API = "/api/v1"


def prepare(database_url: str) -> tuple[str, int, list[str]]:
    """A bench viewer's token, the 12-month round (every unit reported) and the unit codes."""
    from sqlalchemy import func, select

    from api.security import create_access_token
    from api.settings import Settings
    from persistence.db import make_engine
    from persistence.tables import ReportRow, RoundRow, UnitRow, UserRow
    from persistence.unit_of_work import UnitOfWork

    engine = make_engine(database_url)
    with UnitOfWork(engine, write=True) as uow:
        viewer = UserRow(username=f"bench-{uuid.uuid4().hex[:8]}", password_hash="x", role="viewer")
        uow.repos.identity.add(viewer)
        uow.repos.identity.flush()
        viewer_id = viewer.id
        conn = uow.session.connection()
        # the round with the most reports: the fullest export
        round_id = conn.execute(
            select(RoundRow.id)
            .join(ReportRow, ReportRow.round_id == RoundRow.id)
            .group_by(RoundRow.id)
            .order_by(func.count().desc(), RoundRow.id)
            .limit(1)
        ).scalar_one()
        codes = sorted(conn.execute(select(UnitRow.code)).scalars())
    engine.dispose()
    settings = Settings(database_url=database_url, jwt_secret=SECRET, _env_file=None)  # type: ignore[call-arg]
    token, _ = create_access_token(settings, subject=f"user:{viewer_id}", role="viewer")
    return token, round_id, codes


def score_reads(
    round_id: int, codes: list[str], clients: int
) -> list[Callable[[], loader.Request]]:
    def one(seed: int) -> Callable[[], loader.Request]:
        rng = random.Random(seed)
        return lambda: loader.Request(
            "score", "GET", f"{API}/rounds/{round_id}/units/{rng.choice(codes)}/score"
        )

    return [one(n) for n in range(clients)]


class Exporters:
    """Two viewers exporting the whole round over and over (CSV and XLSX), until stopped."""

    def __init__(self, base: str, round_id: int, headers: dict[str, str]) -> None:
        self.targets = [
            f"{base}{API}/rounds/{round_id}/scores?format=csv",
            f"{base}{API}/rounds/{round_id}/scores.xlsx",
        ]
        self.headers = headers
        self.stop = threading.Event()
        self.done: list[tuple[str, int, float, int]] = []  # (kind, status, seconds, bytes)

    def _loop(self, url: str) -> None:
        kind = "xlsx" if url.endswith(".xlsx") else "csv"
        with httpx.Client(timeout=300, headers=self.headers) as http:
            while not self.stop.is_set():
                started = time.perf_counter()
                r = http.get(url)
                self.done.append(
                    (kind, r.status_code, time.perf_counter() - started, len(r.content))
                )

    def __enter__(self) -> Exporters:
        self.threads = [threading.Thread(target=self._loop, args=(u,)) for u in self.targets]
        for t in self.threads:
            t.start()
        time.sleep(1.0)  # both exports under way before the reads are timed
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with (
        database(args.backend, args.units, args.postgres_url) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        token, round_id, codes = prepare(url)
        env = {
            "SQS_DATABASE_URL": url,
            "SQS_JWT_SECRET": SECRET,
            "SQS_EVIDENCE_DIR": f"{tmp}/evidence",
            "SQS_WEBHOOK_WORKER_ENABLED": "false",
            "SQS_LOG_LEVEL": "warning",
        }
        headers = {"Authorization": f"Bearer {token}"}
        scenarios = score_reads(round_id, codes, args.clients)
        open_target = f"{API}/rounds/{round_id}/units/{codes[0]}/score"
        with serve_process("api.asgi:app", env, 1) as (base, _proc):

            def reads() -> dict[str, Any]:
                return loader.run(
                    base, scenarios, seconds=args.seconds, open_target=open_target, headers=headers
                ).figures()

            reads()  # warm-up (caches, connections)
            alone: list[dict[str, Any]] = []
            during: list[dict[str, Any]] = []
            exported: list[tuple[str, int, float, int]] = []
            for n in range(args.rounds):
                if n % 2 == 0:  # which goes first alternates: no side always follows the other
                    alone.append(reads())
                with Exporters(base, round_id, headers) as exporters:
                    during.append(reads())
                exported += exporters.done
                if n % 2 == 1:
                    alone.append(reads())
    rps = [d["rps"] / a["rps"] for a, d in zip(alone, during, strict=True)]
    p50 = [d["p50_ms"] / a["p50_ms"] for a, d in zip(alone, during, strict=True)]
    p99 = [d["p99_ms"] / a["p99_ms"] for a, d in zip(alone, during, strict=True)]
    ok = [e for e in exported if e[1] == 200]
    out: dict[str, Any] = {
        "backend": args.backend,
        "units": args.units,
        "clients": args.clients,
        "alone": sorted(alone, key=lambda r: r["rps"])[len(alone) // 2],
        "with_exports": sorted(during, key=lambda r: r["rps"])[len(during) // 2],
        "rps_ratio": round(median(rps), 3),
        "rps_ratio_per_round": [round(r, 3) for r in rps],
        "p50_slowdown": round(median(p50), 2),
        "p99_slowdown": round(median(p99), 2),
        "exports_done": len(ok),
        "exports_refused": sum(1 for e in exported if e[1] == 429),
        "export_seconds_median": {
            kind: round(median(e[2] for e in ok if e[0] == kind), 2)
            for kind in ("csv", "xlsx")
            if any(e[0] == kind for e in ok)
        },
        "errors": sum(r["errors"] for r in alone + during),
    }
    out["target_met"] = out["rps_ratio"] >= 0.5 and out["p50_slowdown"] <= 2 and not out["errors"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "SQS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = ap.parse_args()
    result = measure(args)
    a, d = result["alone"], result["with_exports"]
    print(
        f"\n{args.backend}, {args.units} units, {args.clients} readers: alone {a['rps']} req/s "
        f"p50 {a['p50_ms']} ms p99 {a['p99_ms']} ms | with 2 exports {d['rps']} req/s "
        f"p50 {d['p50_ms']} ms p99 {d['p99_ms']} ms | throughput ratio {result['rps_ratio']} "
        f"{result['rps_ratio_per_round']}, p50 x{result['p50_slowdown']}, "
        f"p99 x{result['p99_slowdown']}; {result['exports_done']} exports "
        f"({result['export_seconds_median']} s each); target met: {result['target_met']}"
    )
    last_line(result)


if __name__ == "__main__":
    main()
