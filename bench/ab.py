"""Benchmark: this checkout against another (an older commit), on one generated database.

Both apps are served the same way (uvicorn, as many workers) on the same database, and loaded
in turn by the same client, ``--rounds`` times, so that the machine's changing speed weighs
on both alike. It prints, per round and side, requests/s, p99, errors and the CPU the app's
processes (and PostgreSQL's backends) used per request. The kind of traffic is bench/load.py's
mix or one of its parts alone.

Make the other checkout with ``git worktree add /tmp/old <commit>`` (it must share this
checkout's schema revision, and finds this ``.venv`` through a symlink:
``ln -s "$PWD/.venv" /tmp/old/.venv``). Usage:

    python bench/ab.py --other /tmp/old [--backend sqlite|postgres] [--kind score]
                       [--units 10000] [--clients 32] [--seconds 10] [--rounds 2]

The LAST line is JSON with every figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load as mixed
from bench import loader
from bench.harness import ROOT, last_line, serve_process
from bench.profile import CpuMeter

KINDS = ("mixed", "score", "write", "scoreboard")


def scenarios(world: mixed.World, kind: str, run_id: str) -> list[Callable[[], loader.Request]]:
    """One request maker per client: bench/load.py's mix, or one kind of its requests."""
    mix = mixed.MIX if kind == "mixed" else ((kind, 1.0),)
    return mixed.mixed_scenarios(world, mixed.Writes(), run_id, mix)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--other", required=True, help="the other checkout (a git worktree)")
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="postgres")
    ap.add_argument("--kind", choices=KINDS, default="mixed")
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, help="default: 1 on SQLite, 2 on PostgreSQL")
    ap.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "SQS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = ap.parse_args()
    workers = args.workers or (1 if args.backend == "sqlite" else 2)
    sides = {"other": Path(args.other).resolve(), "this": ROOT}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    with (
        mixed.database(args.backend, args.units, args.postgres_url) as url,
        tempfile.TemporaryDirectory() as tmp,
        ExitStack() as stack,
    ):
        world = mixed.prepare(url, args.clients)
        headers = {"Authorization": f"Bearer {world.token}"}
        env = {
            "SQS_DATABASE_URL": url,
            "SQS_JWT_SECRET": mixed.SECRET,
            "SQS_EVIDENCE_DIR": f"{tmp}/evidence",
        }
        database_name = None if args.backend == "sqlite" else url.rsplit("/", 1)[1]
        served = {}
        for name, root in sides.items():
            base, proc = stack.enter_context(serve_process("api.asgi:app", env, workers, root))
            load = scenarios(world, args.kind, f"ab-{name}")
            # warm-up
            loader.run(base, load, seconds=2, open_target=mixed.APP_OPEN, headers=headers)
            served[name] = (base, CpuMeter(proc.pid, database_name), load)
        for n in range(args.rounds):
            for name, (base, meter, load) in served.items():
                before = meter.sample()
                figures = loader.run(
                    base, load, seconds=args.seconds, open_target=mixed.APP_OPEN, headers=headers
                ).figures()
                after = meter.sample()
                requests = max(1, figures["requests"])
                cpu = {k: round(1000 * (after[k] - before[k]) / requests, 3) for k in after}
                runs[name].append(
                    {
                        "rps": figures["rps"],
                        "p99_ms": figures["p99_ms"],
                        "errors": figures["errors"],
                        "cpu_ms_per_request": cpu,
                    }
                )
                print(
                    f"round {n + 1} {name:<5} {figures['rps']:>8} req/s  p99 "
                    f"{figures['p99_ms']:>7} ms  errors {figures['errors']}  CPU ms {cpu}",
                    flush=True,
                )
    last_line(
        {
            "backend": args.backend,
            "kind": args.kind,
            "workers": workers,
            "other": str(sides["other"]),
            "runs": runs,
        }
    )


if __name__ == "__main__":
    main()
