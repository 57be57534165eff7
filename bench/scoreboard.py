"""Benchmark: the full round scoreboard of 10,000 units x 10 indicators, JSON and CSV.

Times the whole scoreboard through the app (every JSON page at the largest page size, then the
CSV in one request) and counts the SQL statements each issues, at two sizes to show that the
count does not grow with the number of units. Target (issue 3): <= 1 s on SQLite.

Usage: python bench/scoreboard.py [--units 10000] [--database-url URL]
The LAST line is JSON with the figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

from sqlalchemy import event  # noqa: E402

from bench.generate import generate  # noqa: E402
from bench.harness import last_line  # noqa: E402

SECRET = "bench-secret-" + "x" * 40


class StatementCounter:
    """Counts the SQL statements the app sends, through SQLAlchemy's cursor events (the
    scoreboard's driver-level reads go through them too), on SQLite and PostgreSQL alike.
    Transaction control and PRAGMAs are not queries and are left out."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, _conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head not in ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE"):
            self.count += 1


def measure(database_url: str, units: int) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.security import create_access_token
    from api.settings import Settings
    from persistence.db import make_engine
    from persistence.tables import UserRow
    from persistence.unit_of_work import UnitOfWork

    generate(database_url, units)
    # No principal cache: every request then counts its own caller lookup, so the statement
    # count does not depend on how long the run took.
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        webhook_worker_enabled=False,
        principal_cache_seconds=0,
        _env_file=None,
    )  # type: ignore[call-arg]
    engine = make_engine(database_url)
    with UnitOfWork(engine, write=True) as uow:
        admin = UserRow(username="bench-admin", password_hash="x", role="admin")
        uow.repos.identity.add(admin)
        uow.repos.identity.flush()
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None and fy.id is not None
        round_id = uow.repos.reference.rounds_of(fy.id)[0].id
        admin_id = admin.id
    token, _ = create_access_token(settings, subject=f"user:{admin_id}", role="admin")
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(settings, engine=engine, migrate=False)
    counter = StatementCounter(engine)
    out: dict[str, float] = {"units": units}
    with TestClient(app) as client:
        url = f"/api/v1/rounds/{round_id}/scores"

        def full_json() -> tuple[int, int]:
            cursor, pages, rows = None, 0, 0
            while True:
                params = {"page_size": settings.page_size_max} | (
                    {"cursor": cursor} if cursor else {}
                )
                r = client.get(url, headers=headers, params=params)
                r.raise_for_status()
                body = r.json()
                pages, rows = pages + 1, rows + len(body["items"])
                cursor = body["next_cursor"]
                if not cursor:
                    return pages, rows

        def full_csv() -> tuple[int, int]:
            r = client.get(url, headers=headers, params={"format": "csv"})
            r.raise_for_status()
            return 1, r.text.count("\n") - 1

        for name, run in (("json", full_json), ("csv", full_csv)):
            # cold: as after a restart (no parsed framework, no converted values); warm: again
            for state in ("cold", "warm"):
                if state == "cold":
                    app.state.runtime.caches.clear()
                counter.count = 0
                t = time.perf_counter()
                pages, rows = run()
                out[f"{name}_{state}_seconds"] = round(time.perf_counter() - t, 3)
                out[f"{name}_statements"] = counter.count
            out[f"{name}_rows"] = rows
            out[f"{name}_requests"] = pages
            out[f"{name}_statements_per_request"] = round(out[f"{name}_statements"] / pages, 2)
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small_url = f"sqlite:///{tmp}/small.db"
        url = args.database_url or f"sqlite:///{tmp}/big.db"
        small = measure(small_url, max(1, args.units // 10))
        big = measure(url, args.units)
    print(f"{small['units']:>6} units: {small}")
    print(f"{big['units']:>6} units: {big}")
    last_line(
        big
        | {
            "csv_statements_at_tenth_size": small["csv_statements"],
            "json_statements_per_request_at_tenth_size": small["json_statements_per_request"],
        }
    )


if __name__ == "__main__":
    main()
