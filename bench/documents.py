"""Benchmark: the PDF documents through the app (gathering, scoring, typesetting, answering).

- a unit's report (report.pdf) in the demo's 65-unit round — target <= 0.5 s;
- the 65-unit round summary (summary.pdf) — target <= 3 s;
- the 10,000-unit round summary — target <= 10 s, with the process's memory growth <= 300 MB
  (peak resident size after the request minus before it, so it bounds the growth);
- for the record, a unit's report in the 10,000-unit round too (its chart averages the units
  the reader may see: an administrator sees all 10,000), the same unit's XLSX report as a
  yardstick of the machine's load, and the load average when the run ended.

Each figure is the median of several requests after one warm-up request (the first compiles
Typst's fonts and templates); the 10,000-unit summary's memory is taken on its first request.

Usage: python bench/documents.py [--units 10000] [--repeat 5]
The LAST line is JSON with the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

from bench.generate import cached_sqlite  # noqa: E402
from bench.harness import last_line  # noqa: E402

SECRET = "bench-secret-" + "x" * 40


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def client_for(database_url: str):  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    from api.export_limit import ExportLimiter
    from api.main import create_app
    from api.security import create_access_token
    from api.settings import Settings
    from persistence.db import make_engine
    from persistence.tables import UserRow
    from persistence.unit_of_work import UnitOfWork

    settings = Settings(
        database_url=database_url, jwt_secret=SECRET, webhook_worker_enabled=False, _env_file=None
    )  # type: ignore[call-arg]
    engine = make_engine(database_url)
    with UnitOfWork(engine, write=True) as uow:
        admin = UserRow(username=f"bench-docs-{time.time_ns()}", password_hash="x", role="admin")
        uow.repos.identity.add(admin)
        uow.repos.identity.flush()
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None and fy.id is not None
        round_id = next(r.id for r in uow.repos.reference.rounds_of(fy.id) if r.months == 6)
        unit = uow.repos.reference.participants(fy.id, limit=1)[0].code
        admin_id = admin.id
    token, _ = create_access_token(settings, subject=f"user:{admin_id}", role="admin")
    app = create_app(settings, engine=engine, migrate=False)
    # The summary is a whole-round export (api.export_limit), made in a worker process in the
    # service. Here it runs on a thread of this process instead, so that the peak resident size
    # measured below is the document's own memory, not an idle parent's.
    app.state.runtime.exports = ExportLimiter(
        2, database_url, executor=ThreadPoolExecutor(2), engine=engine
    )
    client = TestClient(app)
    return client, {"Authorization": f"Bearer {token}"}, round_id, unit


def timed(client, url: str, headers: dict[str, str], repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Median seconds of ``repeat`` requests after a warm-up, and the PDF's size."""
    r = client.get(url, headers=headers)
    r.raise_for_status()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url, headers=headers)
        times.append(time.perf_counter() - t)
        r.raise_for_status()
    return round(statistics.median(times), 3), len(r.content)


def demo_figures(repeat: int) -> dict[str, float]:
    from persistence.db import make_engine
    from persistence.unit_of_work import UnitOfWork
    from services.bootstrap import migrate
    from services.demo import seed_demo

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        engine = make_engine(url)
        migrate(engine)
        with UnitOfWork(engine, write=True) as uow:
            seed_demo(uow, out=lambda _s: None)
        engine.dispose()
        client, headers, round_id, unit = client_for(url)
        with client:
            base = f"/api/v1/rounds/{round_id}"
            out["demo_unit_report_seconds"], out["demo_unit_report_bytes"] = timed(
                client, f"{base}/units/{unit}/report.pdf", headers, repeat
            )
            out["demo_summary_seconds"], out["demo_summary_bytes"] = timed(
                client, f"{base}/summary.pdf", headers, repeat
            )
            # The same unit's report as XLSX, in the same run: a yardstick for how loaded the
            # machine was (the PDF's time over it is a ratio that load moves much less).
            out["demo_unit_report_xlsx_seconds"], _ = timed(
                client, f"{base}/units/{unit}/report.xlsx", headers, repeat
            )
    return out


def large_figures(units: int, repeat: int) -> dict[str, float]:
    path = cached_sqlite(units)
    client, headers, round_id, unit = client_for(f"sqlite:///{path}")
    out: dict[str, float] = {"units": units}
    with client:
        base = f"/api/v1/rounds/{round_id}"
        # A small document first, so the memory measured is the summary's, not Typst's start.
        client.get(f"{base}/charts/levels.svg", headers=headers).raise_for_status()
        before = peak_rss_mb()
        t = time.perf_counter()
        r = client.get(f"{base}/summary.pdf", headers=headers)
        r.raise_for_status()
        out["large_summary_first_seconds"] = round(time.perf_counter() - t, 3)
        out["large_summary_peak_rss_growth_mb"] = round(peak_rss_mb() - before, 1)
        out["large_summary_seconds"], out["large_summary_bytes"] = timed(
            client, f"{base}/summary.pdf", headers, repeat
        )
        out["large_unit_report_seconds"], _ = timed(
            client, f"{base}/units/{unit}/report.pdf", headers, repeat
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    figures = demo_figures(args.repeat) | large_figures(args.units, args.repeat)
    figures["pdf_over_xlsx_unit_report"] = round(
        figures["demo_unit_report_seconds"] / figures["demo_unit_report_xlsx_seconds"], 2
    )
    figures["load_average_1min"] = round(os.getloadavg()[0], 1)
    last_line(figures)


if __name__ == "__main__":
    main()
