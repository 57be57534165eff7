"""Central values: a bureau supplies its indicators' values for many units at once.

The batch is all or nothing: every row is validated first and a single bad row rejects the
whole batch with per-row errors. ``dry_run`` validates the same way and writes nothing. The
round row is locked for the import, so two imports for the same round never interleave.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.errors import DomainError
from domain.values import parse_value
from persistence.tables import CentralValueRow
from persistence.unit_of_work import UnitOfWork
from services import audit, events
from services.access import check_central_write
from services.errors import Conflict, Unprocessable
from services.principal import Principal
from services.reference import require_round
from services.values import to_columns

# All ten indicators of 10,000 units: far past any real import, and still a bounded job.
MAX_ROWS = 100_000
CSV_COLUMNS = ("unit_code", "indicator_no", "value", "steps", "score")


@dataclass
class ImportResult:
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int


def parse_csv(text: str) -> list[dict[str, Any]]:
    """CSV with a header: unit_code, indicator_no and the value column(s) of the indicators."""
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "unit_code" not in header or "indicator_no" not in header:
        raise Unprocessable(
            "the CSV header must name unit_code and indicator_no",
            problems=[{"row": 0, "field": "header", "message": f"got {header}"}],
        )
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise Unprocessable(
            f"unknown CSV columns: {unknown}",
            problems=[{"row": 0, "field": "header", "message": f"unknown columns {unknown}"}],
        )
    rows: list[dict[str, Any]] = []
    for raw in reader:
        if None in raw:
            raise Unprocessable(f"CSV line {reader.line_num} has more fields than the header")
        row: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        for key in ("value", "steps", "score"):
            if row.get(key) in ("", None):
                row.pop(key, None)
        # Numbers that do not parse stay text: the row validation below reports them.
        if "steps" in row:
            with contextlib.suppress(ValueError):
                row["steps"] = int(row["steps"])
        with contextlib.suppress(TypeError, ValueError):
            row["indicator_no"] = int(row["indicator_no"])
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise Unprocessable(f"at most {MAX_ROWS} rows per import")
    return rows


def _has_nul(row: Mapping[str, Any]) -> bool:
    """A NUL (U+0000) cannot be stored, nor looked up, in PostgreSQL."""
    return any(isinstance(v, str) and "\x00" in v for v in row.values())


def import_values(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    rows: list[Mapping[str, Any]],
    *,
    dry_run: bool,
    clock: Callable[[], datetime],
) -> ImportResult:
    check_central_write(actor, None)
    rnd, fy = require_round(uow, round_id)
    if not dry_run:
        uow.repos.reference.lock_round(round_id)
    if rnd.status != "open" and not actor.is_admin:
        raise Conflict(
            "the round is closed: central values can no longer be changed", kind="round_closed"
        )
    if not rows:
        raise Unprocessable("the batch has no rows")
    if len(rows) > MAX_ROWS:
        raise Unprocessable(f"at most {MAX_ROWS} rows per import")
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    indicators = {i.indicator_no: i for i in framework.indicators}
    units = uow.repos.reference.units_by_codes(
        str(r.get("unit_code"))
        for r in rows
        if isinstance(r, Mapping) and r.get("unit_code") and not _has_nul(r)
    )
    participants = {u.id for u in uow.repos.reference.participants(fy.id)} if fy.id else set()  # type: ignore[arg-type]
    problems: list[dict[str, Any]] = []
    parsed: dict[tuple[int, int], tuple[str, tuple[str | None, int | None, str | None]]] = {}
    for i, row in enumerate(rows, start=1):

        def bad(field: str, message: str, i: int = i) -> None:
            problems.append({"row": i, "field": field, "message": message})

        if not isinstance(row, Mapping):
            bad("row", "each row must be an object")
            continue
        unknown = sorted(set(row) - set(CSV_COLUMNS))
        if unknown:
            bad(unknown[0], f"unknown fields {unknown}")
            continue
        if _has_nul(row):
            bad("row", "text must not contain NUL (U+0000)")
            continue
        code = row.get("unit_code")
        unit = units.get(str(code)) if code else None
        if unit is None or unit.id is None:
            bad("unit_code", f"unknown unit '{code}'")
            continue
        if unit.id not in participants:
            bad("unit_code", f"unit '{code}' does not take part in fiscal year {fy.year_be}")
            continue
        no = row.get("indicator_no")
        indicator = indicators.get(no) if isinstance(no, int) and not isinstance(no, bool) else None
        if indicator is None:
            bad("indicator_no", f"indicator {no!r} is not in this round's framework")
            continue
        if indicator.source == "unit":
            bad(
                "indicator_no",
                f"indicator {no} is reported by the units, not by a central provider",
            )
            continue
        if actor.role != "admin" and indicator.source != actor.provider_code:
            bad("indicator_no", f"indicator {no} is supplied by '{indicator.source}', not by you")
            continue
        if (unit.id, indicator.indicator_no) in parsed:
            bad("indicator_no", f"unit '{code}' indicator {no} appears twice in the batch")
            continue
        try:
            value = parse_value(indicator, {k: v for k, v in row.items() if k != "unit_code"})
        except DomainError as exc:
            bad("value", exc.message)
            continue
        if value.is_empty():
            bad("value", f"indicator {no} needs a value")
            continue
        parsed[(unit.id, indicator.indicator_no)] = (indicator.source, to_columns(value))
    if problems:
        raise Unprocessable(
            f"{len(problems)} of {len(rows)} rows are not valid; nothing was written",
            problems=problems[:1000],
            kind="central_values_invalid",
        )
    existing = uow.repos.reporting.central_values_for(round_id, parsed.keys())
    created = updated = unchanged = 0
    now = clock()
    for (unit_id, no), (provider, cols) in parsed.items():
        row_now = existing.get((unit_id, no))
        if row_now is None:
            created += 1
            if not dry_run:
                uow.repos.reporting.add(
                    CentralValueRow(
                        round_id=round_id,
                        unit_id=unit_id,
                        indicator_no=no,
                        provider_code=provider,
                        value=cols[0],
                        steps=cols[1],
                        score=cols[2],
                        updated_by=actor.subject,
                        updated_at=now,
                    )
                )
        elif (row_now.value, row_now.steps, row_now.score) == cols:
            unchanged += 1
        else:
            updated += 1
            if not dry_run:
                row_now.value, row_now.steps, row_now.score = cols
                row_now.updated_by, row_now.updated_at = actor.subject, now
                uow.repos.reporting.add(row_now)
    result = ImportResult(dry_run, len(rows), created, updated, unchanged)
    if not dry_run:
        audit.record(
            uow,
            actor,
            "central_values.import",
            "round",
            round_id,
            after={"rows": len(rows), "created": created, "updated": updated},
        )
        if created or updated:
            events.emit(
                uow,
                "score.changed",
                events.round_facts(rnd, fy.year_be)
                | {"reason": "central_values", "units": len({k[0] for k in parsed})},
            )
    return result
