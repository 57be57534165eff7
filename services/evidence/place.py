"""Where an evidence file belongs, and whether it may change there.

Indicator evidence belongs to a unit's report in a round: it may change when the report's own
entries may (``services.reports.rules``: the round open, the report a draft or returned). The
working-group order (คำสั่งแต่งตั้งคณะทำงาน) belongs to a unit for a fiscal year, so to every
report of that unit whose round requires it: it may change while none of those reports is
submitted or approved, and (for all but an administrator) while such a round is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.errors import UnknownRound
from domain.messages import STATE_WORDS
from domain.workflow import ReportAction, is_editable
from persistence.repositories.evidence import INDICATOR, WORKING_GROUP_ORDER
from persistence.unit_of_work import UnitOfWork
from services.errors import Conflict, NotFound
from services.principal import Principal
from services.reference import require_unit
from services.reports.loaded import LoadedReport, load_report
from services.reports.rules import check, check_round_open


@dataclass(frozen=True)
class IndicatorTarget:
    round_id: int
    unit_code: str
    indicator_no: int

    def describe(self) -> list[Any]:
        return [INDICATOR, self.round_id, self.unit_code, self.indicator_no]


@dataclass(frozen=True)
class OrderTarget:
    """The working-group order (คำสั่งแต่งตั้งคณะทำงาน) of a unit for a fiscal year."""

    year_be: int
    unit_code: str

    def describe(self) -> list[Any]:
        return [WORKING_GROUP_ORDER, self.year_be, self.unit_code]


Target = IndicatorTarget | OrderTarget


@dataclass(frozen=True)
class Place:
    """A target found: its unit and fiscal year, and for indicator evidence its report."""

    unit_id: int
    unit_code: str
    fiscal_year_id: int
    year_be: int
    framework_id: int
    report: LoadedReport | None

    @property
    def round_id(self) -> int | None:
        return self.report.head.round_id if self.report else None


def resolve(uow: UnitOfWork, target: Target, *, for_update: bool = False) -> Place:
    """The place of ``target`` (404 when it does not exist), locked ``for_update``: the
    report for indicator evidence, the unit for its working-group order."""
    if isinstance(target, IndicatorTarget):
        report = load_report(uow, target.round_id, target.unit_code, for_update=for_update)
        try:
            report.framework.indicator(target.indicator_no)
        except KeyError:
            raise NotFound(
                code="unknown_indicator", params={"indicator_no": target.indicator_no}
            ) from None
        h = report.head
        return Place(h.unit_id, h.unit_code, h.fiscal_year_id, h.year_be, h.framework_id, report)
    fy = uow.repos.reference.fiscal_year(target.year_be)
    if fy is None:
        raise NotFound(code="fiscal_year_not_found", params={"year_be": target.year_be})
    unit = require_unit(uow, target.unit_code)
    assert unit.id is not None and fy.id is not None
    if for_update:
        uow.repos.reference.lock_unit(unit.id)
    return Place(unit.id, unit.code, fy.id, fy.year_be, fy.framework_id, None)


def check_editable(uow: UnitOfWork, actor: Principal, place: Place) -> None:
    """409 unless evidence at ``place`` may change now (the caller's access is checked
    before: ``check_report_edit``)."""
    if place.report is not None:
        check(place.report, actor, ReportAction.EDIT)
    else:
        _check_order_editable(uow, actor, place)


def _check_order_editable(uow: UnitOfWork, actor: Principal, place: Place) -> None:
    """The order belongs to every report whose round requires it: locked with any of them."""
    framework = uow.repos.reference.framework(place.framework_id)
    assert framework is not None
    needing = []
    for rnd in uow.repos.reference.rounds_of(place.fiscal_year_id):
        try:
            if framework.requirement(rnd.months).working_group_order_required:
                needing.append(rnd)
        except UnknownRound:
            continue
    for rnd in needing:
        assert rnd.id is not None
        report = uow.repos.reporting.report(rnd.id, place.unit_id)
        if report is not None and not is_editable(report.state):
            state, state_th = STATE_WORDS[report.state]
            raise Conflict(
                kind="evidence_locked",
                code="order_locked",
                params={
                    "months": rnd.months,
                    "unit_code": place.unit_code,
                    "state": state,
                    "state_th": state_th,
                },
            )
    if needing:  # open while any of those rounds is
        check_round_open("open" if any(r.status == "open" for r in needing) else "closed", actor)
