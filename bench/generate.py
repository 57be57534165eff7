"""Fill a database with N units x 3 rounds x 10 indicators of realistic values.

Reports in every state, central values from both providers, evidence metadata (no bytes), all
through the repositories' bulk inserts. Used by the scoreboard and load benchmarks.

Usage: python bench/generate.py --units 10000 --database-url sqlite:///./var/bench.db
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.framework import default_framework
from persistence.db import make_engine
from persistence.tables import (
    CentralValueRow,
    EvidenceRow,
    IndicatorEntryRow,
    ParticipationRow,
    ReportRow,
    UnitRow,
)
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import ensure_framework, migrate
from services.reference import create_fiscal_year

ROOT = Path(__file__).resolve().parent.parent
STATES = ("draft", "submitted", "returned", "approved")


class Progress:
    """A one-line progress bar on stderr (no dependency for so small a thing)."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.start = label, total, 0, time.perf_counter()

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done == self.total or self.done % max(1, self.total // 50) == 0:
            width = 30
            filled = int(width * self.done / self.total)
            rate = self.done / max(1e-9, time.perf_counter() - self.start)
            sys.stderr.write(
                f"\r{self.label:<14} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done}/{self.total} ({rate:,.0f}/s)"
            )
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _value(rng: random.Random, kind: str, criteria: tuple | None, tier: float) -> dict[str, object]:
    if kind == "milestone":
        return {"steps": max(0, min(5, round(tier + rng.uniform(-1.2, 1.2))))}
    if kind == "direct":
        return {"score": f"{max(0.0, min(5.0, tier + rng.uniform(-0.8, 0.8))):.4f}"}
    assert criteria is not None
    lo, hi = float(criteria[0]), float(criteria[4])
    pos = (tier - 1 + rng.uniform(-1.0, 1.0)) / 4
    return {"value": f"{lo + (hi - lo) * pos:.2f}"}


def generate(
    database_url: str, units: int, *, year_be: int = 2558, seed: int = 7
) -> dict[str, int]:
    rng = random.Random(seed)
    engine = make_engine(database_url)
    migrate(engine)
    fw = default_framework()
    now = datetime(2015, 4, 5, 3, tzinfo=UTC)
    counts: dict[str, int] = {}
    with UnitOfWork(engine, write=True) as uow:
        framework_id = ensure_framework(uow, fw)
        bar = Progress("units", units)
        rows = []
        for i in range(units):
            rows.append(
                {
                    "code": f"U{i:05d}",
                    "name_th": f"สำนักงานสวัสดิการและคุ้มครองแรงงาน หน่วย {i}",
                    "name_en": f"Labour office {i}",
                    "kind": "central" if i % 7 == 0 else "regional",
                    "province": "เชียงใหม่",
                    "created_at": now,
                }
            )
            bar.step()
        counts["units"] = uow.repos.bulk.insert_many(UnitRow, rows)
        fy = create_fiscal_year(
            uow, "system:bench", year_be=year_be, framework_id=framework_id, unit_codes=[]
        )
    unit_ids = None
    with UnitOfWork(engine, write=True) as uow:
        fiscal = uow.repos.reference.fiscal_year(year_be)
        assert fiscal is not None and fiscal.id is not None
        unit_ids = uow.repos.bulk.ids_by(UnitRow, "code")
        counts["participation"] = uow.repos.bulk.insert_many(
            ParticipationRow,
            (
                {"fiscal_year_id": fiscal.id, "unit_id": uid, "budget": "5000.00"}
                for uid in unit_ids.values()
            ),
        )
        rounds = [r.round_id for r in fy.rounds]
        bar = Progress("reports", len(rounds) * len(unit_ids))
        report_rows = []
        for rid in rounds:
            for uid in unit_ids.values():
                state = rng.choice(STATES)
                report_rows.append(
                    {
                        "round_id": rid,
                        "unit_id": uid,
                        "state": state,
                        "version": 3,
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": None if state == "draft" else now,
                        "on_time": None if state == "draft" else rng.random() < 0.8,
                        "approved_at": now if state == "approved" else None,
                    }
                )
                bar.step()
        counts["reports"] = uow.repos.bulk.insert_many(ReportRow, report_rows)
    with UnitOfWork(engine, write=True) as uow:
        from sqlmodel import select

        report_ids = {
            (r.round_id, r.unit_id): r.id for r in uow.session.exec(select(ReportRow)).all()
        }
        fiscal = uow.repos.reference.fiscal_year(year_be)
        assert fiscal is not None and fiscal.id is not None
        entries, central, evidence = [], [], []
        bar = Progress("values", len(report_ids))
        for (rid, uid), report_id in report_ids.items():
            tier = rng.choice((2.4, 3.3, 3.8, 4.6))
            for ind in fw.indicators:
                value = _value(rng, ind.kind.value, ind.criteria, tier)
                if ind.source == "unit":
                    entries.append(
                        {
                            "report_id": report_id,
                            "indicator_no": ind.indicator_no,
                            "value": value.get("value"),
                            "steps": value.get("steps"),
                            "score": value.get("score"),
                            "narrative": "ดำเนินการตามแผน",
                            "problems": None,
                            "suggestions": None,
                            "updated_by": "system:bench",
                            "updated_at": now,
                        }
                    )
                    if rng.random() < 0.3:
                        evidence.append(
                            {
                                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                                "kind": "indicator",
                                "report_id": report_id,
                                "unit_id": uid,
                                "fiscal_year_id": fiscal.id,
                                "indicator_no": ind.indicator_no,
                                "filename": "หลักฐาน.pdf",
                                "title": None,
                                "content_type": "application/pdf",
                                "size": 1024,
                                "sha256": "0" * 64,
                                "storage_key": "bench",
                                "created_by": "system:bench",
                                "created_at": now,
                            }
                        )
                else:
                    central.append(
                        {
                            "round_id": rid,
                            "unit_id": uid,
                            "indicator_no": ind.indicator_no,
                            "provider_code": ind.source,
                            "value": value.get("value"),
                            "steps": value.get("steps"),
                            "score": value.get("score"),
                            "updated_by": "system:bench",
                            "updated_at": now,
                        }
                    )
            bar.step()
        counts["entries"] = uow.repos.bulk.insert_many(IndicatorEntryRow, entries)
        counts["central_values"] = uow.repos.bulk.insert_many(CentralValueRow, central)
        counts["evidence"] = uow.repos.bulk.insert_many(EvidenceRow, evidence)
    # PostgreSQL: planner statistics, as a running database has them (autovacuum analyses a
    # table soon after a bulk load). Without them it misjudged the participants of a year and
    # read a whole year to sort it for every scoreboard page (docs/benchmarks.md). (SQLite
    # keeps none unless told to, and the app never tells it: left as it runs.)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()
    return counts


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    from persistence.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def cached_sqlite(units: int, directory: Path = ROOT / "var" / "bench") -> Path:
    """A generated SQLite file of ``units`` units, made once and kept under var/bench/.

    Keyed by the number of units and the schema revision, so a new migration makes a new
    file. Callers that write must work on a copy. Written under a temporary name and renamed,
    so an interrupted run never leaves a half-made file behind."""
    path = directory / f"generated-{units}u-rev{schema_head()}.db"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        generate(f"sqlite:///{partial}", units)
        partial.rename(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--database-url", default="sqlite:///./var/bench.db")
    args = ap.parse_args()
    t = time.perf_counter()
    counts = generate(args.database_url, args.units)
    print(f"generated {counts} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
