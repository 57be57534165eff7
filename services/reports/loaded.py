"""One unit's report for a round as a request holds it: loaded once, written through one
function, answered through one view.

``load_report`` reads the round (status, deadline, dates), its fiscal year and framework, the
unit and the report row in ONE column-only statement (``ReportHead``); the report's contents
(entries, review comments, not-applicable marks) follow in one more, only when an operation
needs them. Every operation on a report (entry writes, submit, return, approve, reopen,
evidence uploads and deletions) starts from this form, so the rules in
``services.reports.rules`` read the same facts whichever operation asks.

Every change to a report goes through ``save``: the first write creates the row (a draft,
version 1); every later one bumps the version (the report's ETag), in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.framework import Framework
from domain.workflow import ReportState
from persistence.repositories.report_rows import ReportContents, ReportHead
from persistence.unit_of_work import UnitOfWork
from services import events
from services.access import check_report_read
from services.cost import cheap
from services.errors import NotFound
from services.principal import Principal
from services.reference import require_round, require_unit
from services.report_views import ReportView, entry_view, report_view
from services.values import sources


@dataclass
class LoadedReport:
    """A report with its round, fiscal year, framework and unit. ``head`` is replaced by every
    ``save``, so it always shows the report as this transaction has written it."""

    head: ReportHead
    framework: Framework
    _contents: ReportContents | None = field(default=None, repr=False)

    @property
    def exists(self) -> bool:
        """Whether the report has a row (a report never written reads as an empty draft)."""
        return self.head.report_id is not None

    @property
    def state(self) -> ReportState:
        return ReportState(self.head.state or ReportState.DRAFT.value)

    @property
    def version(self) -> int | None:
        """The version ``If-Match`` compares; None when there is no report yet."""
        return self.head.version if self.exists else None

    def contents(self, uow: UnitOfWork) -> ReportContents:
        """Entries, review comments and not-applicable marks, read at the first call."""
        if self._contents is None:
            head = self.head
            self._contents = uow.repos.reporting.report_contents(
                head.report_id, head.fiscal_year_id, head.unit_id
            )
        return self._contents

    def facts(self) -> dict[str, Any]:
        """The round and unit of an event about this report, as its payload names them."""
        return events.report_facts(self.head)


def load_report(
    uow: UnitOfWork, round_id: int, unit_code: str, *, for_update: bool = False
) -> LoadedReport:
    """The report of ``unit_code`` in round ``round_id`` (404 for an unknown round or unit).

    ``for_update`` locks the report row (PostgreSQL). When there is no row yet, two first
    writes would both insert one and the second would fail on the unique key, so they queue on
    the unit's row instead, and the second then finds the first's report (and its new ETag)."""
    repo = uow.repos.reporting
    head = repo.report_head(round_id, unit_code, lock=for_update)
    if head is None and for_update:
        head = repo.report_head(round_id, unit_code)
        if head is not None:
            uow.repos.reference.lock_unit(head.unit_id)
            head = repo.report_head(round_id, unit_code, lock=True) or head
    if head is None:  # no such round or unit: say which
        require_round(uow, round_id)
        require_unit(uow, unit_code)
        raise NotFound(code="unit_not_found", params={"unit_code": unit_code})  # pragma: no cover
    framework = uow.repos.reference.framework(head.framework_id)
    assert framework is not None  # a fiscal year's framework is never deleted
    return LoadedReport(head, framework)


def save(uow: UnitOfWork, report: LoadedReport, now: datetime, **columns: Any) -> None:
    """Write the report row: create it at the first write (a draft, version 1) or bump its
    version; ``columns`` (``state``, ``submitted_at`` ...) are written with it."""
    repo = uow.repos.reporting
    head = report.head
    values: dict[str, Any] = {"updated_at": now} | columns
    if head.report_id is None:
        values = {"state": ReportState.DRAFT.value, "version": 1} | values
        report_id = repo.insert_report(
            {"round_id": head.round_id, "unit_id": head.unit_id, "created_at": now} | values
        )
    else:
        assert head.version is not None
        values["version"] = head.version + 1
        report_id = head.report_id
        repo.update_report(report_id, values)
    report.head = head._replace(report_id=report_id, **values)


def view(uow: UnitOfWork, report: LoadedReport) -> ReportView:
    """The report as the API answers it."""
    contents = report.contents(uow)
    source_of = sources(report.framework)
    entries = [entry_view(source_of.get(no, "unit"), e) for no, e in contents.entries.items()]
    return report_view(report.head, entries, contents.comments, contents.not_applicable)


@cheap  # a few indexed rows: runs on the event loop where that is faster (services.cost)
def get_report(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> ReportView:
    """The unit's report; a report never written reads as an empty draft (version 0)."""
    check_report_read(actor, unit_code)
    return view(uow, load_report(uow, round_id, unit_code))
