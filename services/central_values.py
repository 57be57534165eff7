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
from domain.messages import problem
from domain.numbers import shown
from domain.values import parse_value
from persistence.tables import CentralValueRow
from persistence.unit_of_work import UnitOfWork
from services import audit, events
from services.access import check_central_write
from services.csv_input import csv_records, unreadable
from services.errors import Conflict, Unprocessable
from services.principal import Principal
from services.reference import require_round
from services.values import to_columns

# All ten indicators of 10,000 units: far past any real import, and still a bounded job.
MAX_ROWS = 100_000
MAX_PROBLEMS = 1000
"""The answer lists the first problems; the rest are counted in its detail."""
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
    try:
        header = reader.fieldnames or []
    except csv.Error:
        raise unreadable({"row": 0}) from None
    if "unit_code" not in header or "indicator_no" not in header:
        item = problem("csv_header_incomplete", row=0, field="header", names=", ".join(header))
        raise Unprocessable(problems=[item], code="csv_header_incomplete", params=item)
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        item = problem("csv_columns_unknown", row=0, field="header", names=", ".join(unknown))
        raise Unprocessable(problems=[item], code="csv_columns_unknown", params=item)
    rows: list[dict[str, Any]] = []
    for raw in csv_records(reader, lambda: {"row": len(rows) + 1}):
        if None in raw:
            raise Unprocessable(code="csv_line_too_many_fields", params={"line": reader.line_num})
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
            raise Unprocessable(code="batch_too_many_rows", params={"max_rows": MAX_ROWS})
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
        raise Conflict(kind="round_closed", code="round_closed")
    if not rows:
        raise Unprocessable(code="batch_empty")
    if len(rows) > MAX_ROWS:
        raise Unprocessable(code="batch_too_many_rows", params={"max_rows": MAX_ROWS})
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
    bad_rows: set[int] = set()
    parsed: dict[tuple[int, int], tuple[str, tuple[str | None, int | None, str | None]]] = {}
    for i, row in enumerate(rows, start=1):

        def bad(code: str, field: str, i: int = i, **members: Any) -> None:
            bad_rows.add(i)
            if len(problems) < MAX_PROBLEMS:  # worded only as many as the answer holds
                problems.append(problem(code, row=i, field=field, **members))

        if not isinstance(row, Mapping):
            bad("row_not_an_object", "row")
            continue
        unknown = sorted(set(row) - set(CSV_COLUMNS))
        if unknown:
            bad("row_fields_unknown", unknown[0], names=", ".join(map(str, unknown)))
            continue
        if _has_nul(row):
            bad("text_has_nul", "row")
            continue
        code = row.get("unit_code")
        unit = units.get(str(code)) if code else None
        if unit is None or unit.id is None:
            bad("unit_unknown", "unit_code", unit_code=shown(code) if code else "")
            continue
        if unit.id not in participants:
            bad("unit_not_participant", "unit_code", unit_code=code, year_be=fy.year_be)
            continue
        no = row.get("indicator_no")
        indicator = indicators.get(no) if isinstance(no, int) and not isinstance(no, bool) else None
        if indicator is None:
            if isinstance(no, int) and not isinstance(no, bool):
                bad("unknown_indicator", "indicator_no", indicator_no=no)
            else:
                bad("row_indicator_invalid", "indicator_no")
            continue
        if indicator.source == "unit":
            bad("indicator_unit_reported", "indicator_no", indicator_no=no)
            continue
        if actor.role != "admin" and indicator.source != actor.provider_code:
            bad(
                "indicator_other_provider",
                "indicator_no",
                indicator_no=no,
                provider=indicator.source,
            )
            continue
        if (unit.id, indicator.indicator_no) in parsed:
            bad("row_duplicate", "indicator_no", indicator_no=no, unit_code=code)
            continue
        try:
            value = parse_value(indicator, {k: v for k, v in row.items() if k != "unit_code"})
        except DomainError as exc:  # the value's own problems, each with this row
            bad_rows.add(i)
            problems.extend(p | {"row": i, "unit_code": code} for p in exc.problems)
            continue
        if value.is_empty():
            bad("value_missing", "value", indicator_no=no)
            continue
        parsed[(unit.id, indicator.indicator_no)] = (indicator.source, to_columns(value))
    if bad_rows:
        raise Unprocessable(
            problems=problems[:MAX_PROBLEMS],
            kind="central_values_invalid",
            code="central_values_invalid",
            params={"bad": len(bad_rows), "rows": len(rows)},
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
