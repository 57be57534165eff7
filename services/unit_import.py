"""Load the list of service units from a CSV file (``sqs import-units``).

The ministry keeps its units in a spreadsheet. The file has a header row naming the columns,
in any order: ``code``, ``name_th``, ``name_en``, ``kind`` (``central`` or ``regional``) and,
optionally, ``province``. UTF-8 with or without a byte-order mark (what Excel writes as
"CSV UTF-8"); blank lines are skipped.

All or nothing: every row is checked first, every bad row is reported with its line number,
and one bad row means nothing is written. A code the database already has is **updated** from
the file (the file is the master list: importing the same file twice changes nothing, and a
corrected name or province is taken over); units the file does not name are left alone, since
they may carry reports. A code that appears twice in the file is an error. Each unit created or
changed is audited, as ``POST /units`` audits it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_admin
from services.csv_input import csv_records
from services.errors import Unprocessable
from services.principal import Principal
from services.reference import UNIT_KINDS, UnitView, create_unit, unit_view

COLUMNS = ("code", "name_th", "name_en", "kind", "province")
REQUIRED = ("code", "name_th", "name_en", "kind")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # the API's unit code
MAX_LENGTH = {"code": 32, "name_th": 300, "name_en": 300, "province": 100}  # the unit table

Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


def _problem(line: int, field: str, message: str) -> dict[str, Any]:
    return {"line": line, "field": field, "message": message}


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unprocessable(
            code="csv_not_utf8",
            params={"line": line},
            problems=[_problem(line, "file", "not UTF-8")],
        ) from exc


def _header(header: list[str]) -> list[str]:
    names = [h.strip() for h in header]
    problems = []
    missing = [c for c in REQUIRED if c not in names]
    unknown = [h for h in names if h not in COLUMNS]
    twice = sorted({h for h in names if names.count(h) > 1})
    if missing:
        problems.append(_problem(1, "header", f"missing columns: {', '.join(missing)}"))
    if unknown:
        problems.append(_problem(1, "header", f"unknown columns: {', '.join(unknown)}"))
    if twice:
        problems.append(_problem(1, "header", f"columns named twice: {', '.join(twice)}"))
    if problems:
        raise Unprocessable(
            code="unit_header_invalid",
            params={"required": ", ".join(REQUIRED)},
            problems=problems,
        )
    return names


def _check(line: int, record: dict[str, str]) -> list[dict[str, Any]]:
    problems = []
    for field in REQUIRED:
        if not record[field]:
            problems.append(_problem(line, field, "is empty"))
    for field, limit in MAX_LENGTH.items():
        if len(record[field]) > limit:
            problems.append(_problem(line, field, f"is longer than {limit} characters"))
    if record["code"] and not CODE.fullmatch(record["code"]):
        problems.append(_problem(line, "code", "may hold only letters, digits, '_', '.' and '-'"))
    if record["kind"] and record["kind"] not in UNIT_KINDS:
        problems.append(_problem(line, "kind", f"must be one of {', '.join(UNIT_KINDS)}"))
    return problems


def read_units_csv(data: bytes) -> list[UnitView]:
    """Every unit in the file, or Unprocessable listing every bad row by its line number."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(csv_records(reader, lambda: {"line": 1}), None)
    if header is None:
        raise Unprocessable(code="unit_file_empty")
    names = _header(header)
    units: list[UnitView] = []
    problems: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    line = reader.line_num + 1  # where the next record starts (a quoted field may span lines)
    # the lambda reads ``line`` as it moves: where the record being read starts
    for row in csv_records(reader, lambda: {"line": line}):  # noqa: B023
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append(
                _problem(start, "row", f"has {len(row)} fields, the header has {len(names)}")
            )
            continue
        record = dict.fromkeys(COLUMNS, "") | {
            n: v.strip() for n, v in zip(names, row, strict=True)
        }
        found = _check(start, record)
        code = record["code"]
        if code in first_line:
            found.append(_problem(start, "code", f"'{code}' is already on line {first_line[code]}"))
        elif code:
            first_line[code] = start
        problems += found
        if not found:
            units.append(
                UnitView(
                    code,
                    record["name_th"],
                    record["name_en"],
                    record["kind"],
                    record["province"] or None,
                )
            )
    if problems:
        bad = len({p["line"] for p in problems})
        code = "unit_row_invalid" if bad == 1 else "unit_rows_invalid"
        raise Unprocessable(code=code, params={"bad": bad}, problems=problems)
    if not units:
        raise Unprocessable(code="unit_file_no_units")
    return units


def import_units(
    uow: UnitOfWork,
    actor: Principal | str,
    data: bytes,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Create or update the file's units in the unit of work's one transaction.

    ``dry_run`` checks the file and compares it with the database the same way, and writes
    nothing: the summary says what an import would do."""
    if isinstance(actor, Principal):
        require_admin(actor)
    units = read_units_csv(data)
    existing = {row.code: row for row in uow.repos.reference.list_units()}
    created = updated = 0
    for done, unit in enumerate(units, start=1):
        row = existing.get(unit.code)
        if row is None:
            created += 1
            if not dry_run:
                create_unit(uow, actor, unit)
        elif unit_view(row) != unit:
            updated += 1
            if not dry_run:
                before = unit_view(row).__dict__
                row.name_th, row.name_en = unit.name_th, unit.name_en
                row.kind, row.province = unit.kind, unit.province
                row.updated_at = utcnow()
                uow.repos.reference.add(row)
                audit.record(
                    uow, actor, "unit.update", "unit", unit.code, before=before, after=unit.__dict__
                )
        if progress is not None:
            progress(done, len(units))
    if not dry_run:
        uow.repos.reference.flush()
    return ImportSummary(len(units), created, updated, len(units) - created - updated, dry_run)
