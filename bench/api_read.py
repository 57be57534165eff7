"""Benchmark: GET .../units/{unit_code}/score against a bare FastAPI constant endpoint.

Both are served by uvicorn (one worker) on this machine and loaded by the same client in the
same run; the figure that matters is the ratio. Target (issue 3): ratio >= 0.25.

Usage: python bench/api_read.py [--seconds 10] [--connections 32]
The LAST line is JSON: {"ratio": ..., "score_rps": ..., "bare_rps": ..., ...}.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import last_line, load, median_run, serve

SECRET = "bench-secret-" + "x" * 40


def prepare(db_url: str) -> tuple[str, int]:
    """Migrate, load the demo, and mint an admin token; returns (token, round id)."""
    os.environ["SQS_DATABASE_URL"] = db_url
    from api.security import create_access_token
    from api.settings import Settings
    from persistence.db import make_engine
    from persistence.unit_of_work import UnitOfWork
    from services.bootstrap import migrate
    from services.demo import seed_demo

    settings = Settings(database_url=db_url, jwt_secret=SECRET, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(db_url)
    migrate(engine)
    with UnitOfWork(engine, write=True) as uow:
        seed_demo(uow, out=lambda _s: None)
        admin = uow.repos.identity.user_by_username("admin")
        fy = uow.repos.reference.fiscal_year(2558)
        assert admin is not None and fy is not None and fy.id is not None
        round_id = uow.repos.reference.rounds_of(fy.id)[0].id
        admin_id = admin.id
    engine.dispose()
    token, _ = create_access_token(settings, subject=f"user:{admin_id}", role="admin")
    assert round_id is not None
    return token, round_id


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        token, round_id = prepare(db_url)
        env = {
            "SQS_DATABASE_URL": db_url,
            "SQS_JWT_SECRET": SECRET,
            "SQS_EVIDENCE_DIR": f"{tmp}/ev",
        }
        headers = {"Authorization": f"Bearer {token}"}
        scores, bares = [], []
        # Interleave rounds and keep the medians: the machine may be busy with other work, and
        # a ratio taken from two distant moments would measure that instead of the app.
        with serve("api.asgi:app", env) as app_base, serve("bench.bare_app:app") as bare_base:
            url = f"{app_base}/api/v1/rounds/{round_id}/units/BKK01/score"
            load(url, seconds=2, connections=args.connections, headers=headers)  # warm-up
            load(f"{bare_base}/const", seconds=2, connections=args.connections)
            for _ in range(args.rounds):
                scores.append(
                    load(url, seconds=args.seconds, connections=args.connections, headers=headers)
                )
                bares.append(
                    load(f"{bare_base}/const", seconds=args.seconds, connections=args.connections)
                )
        score, bare = median_run(scores), median_run(bares)
    print(f"score endpoint: {score}")
    print(f"bare endpoint:  {bare}")
    last_line(
        {
            "ratio": round(score["rps"] / bare["rps"], 3),
            "ratios_per_round": [
                round(s["rps"] / b["rps"], 3) for s, b in zip(scores, bares, strict=True)
            ],
            "score_rps": round(score["rps"], 1),
            "bare_rps": round(bare["rps"], 1),
            "score_p99_ms": score["p99_ms"],
            "score_errors": score["errors"],
            "connections": args.connections,
            "tool": score["tool"],
        }
    )


if __name__ == "__main__":
    main()
