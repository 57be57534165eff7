"""Writing a report's indicator entries: one (``put_entry``) or several at once, all or nothing
(``put_report``).

The busiest write of the API, so it is column-only: the report loaded in one statement
(``load_report``), its contents in one more, then one INSERT or UPDATE per entry written and
one for the report row. Each write appends an audit event with the entries before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from domain.errors import DomainError
from domain.framework import Framework
from domain.values import parse_value
from domain.workflow import ReportAction
from persistence.repositories.report_rows import EntryRecord
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.cost import cheap
from services.errors import NotFound, Unprocessable
from services.principal import Principal
from services.report_views import ReportView, entry_view, report_view, written_entry_view
from services.reports.loaded import LoadedReport, save
from services.reports.rules import open_report
from services.values import sources, to_columns

TEXT_FIELDS = ("narrative", "problems", "suggestions")
VALUE_FIELDS = ("value", "steps", "score")
# An entry's audit snapshot: its value columns and its texts, in this order.
SNAPSHOT_FIELDS = (*VALUE_FIELDS, *TEXT_FIELDS)


@dataclass(frozen=True)
class _Change:
    """One entry as a request asks to change it, validated against the framework."""

    indicator_no: int
    values: tuple[str | None, int | None, str | None] | None  # None: keep the stored value
    texts: dict[str, Any]  # the texts given (null clears one); absent ones are kept


def _change(framework: Framework, indicator_no: int, data: Mapping[str, Any]) -> _Change:
    try:
        indicator = framework.indicator(indicator_no)
    except KeyError:
        raise NotFound(code="unknown_indicator", params={"indicator_no": indicator_no}) from None
    given = {k: data.get(k) for k in VALUE_FIELDS if data.get(k) is not None}
    if given and indicator.source != "unit":
        raise Unprocessable(
            kind="value_not_unit_supplied",
            code="value_not_unit_supplied",
            params={"indicator_no": indicator_no, "provider": indicator.source},
        )
    # A value field present in the request replaces the stored value (null clears it);
    # a request without any value field keeps it, like the texts.
    value_given = any(k in data for k in VALUE_FIELDS)
    parsed = parse_value(indicator, {"indicator_no": indicator_no} | given)
    return _Change(
        indicator_no,
        to_columns(parsed) if value_given else None,
        {f: data[f] for f in TEXT_FIELDS if f in data},
    )


def _snapshot(e: EntryRecord | None) -> dict[str, Any] | None:
    return None if e is None else {f: getattr(e, f) for f in SNAPSHOT_FIELDS}


class _Written(NamedTuple):
    """The report as it now reads, and the entries' audit snapshots by indicator."""

    view: ReportView
    before: dict[int, Any]
    after: dict[int, Any]


def _write(
    uow: UnitOfWork,
    report: LoadedReport,
    changes: list[_Change],
    actor: Principal,
    now: datetime,
) -> _Written:
    """Apply validated changes: the report row (created, or its version bumped), one INSERT
    or UPDATE per entry.

    The report's contents are read once, before the writes: the report row is locked (or, on
    SQLite, the database), so nobody else changes them meanwhile."""
    repo = uow.repos.reporting
    contents = report.contents(uow)
    save(uow, report, now)
    assert report.head.report_id is not None
    source_of = sources(report.framework)
    views = {no: entry_view(source_of.get(no, "unit"), e) for no, e in contents.entries.items()}
    before: dict[int, Any] = {}
    after: dict[int, Any] = {}
    for ch in changes:
        no, old = ch.indicator_no, contents.entries.get(ch.indicator_no)
        columns = _snapshot(old) or dict.fromkeys(SNAPSHOT_FIELDS)
        if ch.values is not None:
            columns["value"], columns["steps"], columns["score"] = ch.values
        columns |= ch.texts
        before[no], after[no] = _snapshot(old), dict(columns)
        columns |= {"updated_by": actor.subject, "updated_at": now}
        if old is None:
            repo.insert_entry({"report_id": report.head.report_id, "indicator_no": no} | columns)
        else:
            repo.update_entry(old.id, columns)
        views[no] = written_entry_view(source_of.get(no, "unit"), no, columns, now)
    view = report_view(report.head, views.values(), contents.comments, contents.not_applicable)
    return _Written(view, before, after)


@cheap
def put_entry(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    indicator_no: int,
    data: Mapping[str, Any],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Write one indicator entry (value or steps, narrative, problems, suggestions).

    Fields absent from ``data`` keep their stored text; the value fields are replaced as given
    (absent means "no value yet").
    """
    report, _ = open_report(uow, actor, round_id, unit_code, ReportAction.EDIT, if_match=if_match)
    now = clock()
    change = _change(report.framework, indicator_no, data)
    written = _write(uow, report, [change], actor, now)
    audit.record_now(
        uow,
        actor,
        "report.entry.put",
        "report",
        f"{round_id}/{unit_code}/{indicator_no}",
        before=written.before[indicator_no],
        after=written.after[indicator_no],
    )
    return written.view


def _changes(framework: Framework, entries: Sequence[Mapping[str, Any]]) -> list[_Change]:
    """Every entry validated; 422 listing every problem of every entry at once."""
    numbers = [int(e["indicator_no"]) for e in entries]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        raise Unprocessable(
            code="duplicate_indicator", params={"indicator_no": ", ".join(map(str, dupes))}
        )
    changes: list[_Change] = []
    problems: list[dict[str, Any]] = []
    for data in entries:
        no = int(data["indicator_no"])
        try:
            changes.append(_change(framework, no, data))
        except (Unprocessable, NotFound) as exc:
            code = exc.code or exc.kind
            problems.append(
                {"indicator_no": no, "rule": code, "code": code}
                | exc.params
                | {"message": exc.detail}
            )
        except DomainError as exc:
            problems.extend(p | {"indicator_no": no} for p in exc.problems)
    if problems:
        raise Unprocessable(problems=problems, kind="value_invalid", code="entries_invalid")
    return changes


@cheap
def put_report(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    entries: Sequence[Mapping[str, Any]],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Write several entries at once, all or nothing."""
    report, _ = open_report(uow, actor, round_id, unit_code, ReportAction.EDIT, if_match=if_match)
    changes = _changes(report.framework, entries)
    written = _write(uow, report, changes, actor, clock())
    audit.record_now(
        uow,
        actor,
        "report.put",
        "report",
        f"{round_id}/{unit_code}",
        before=written.before,
        after=written.after,
    )
    return written.view
