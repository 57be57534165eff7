"""Round monitoring: who has reported, who was on time, and the round's rates.

WHY (SPEC §3, issue 6): the administration group follows each round unit by unit and reports
two rates upwards — the reporting rate (units that have sent their report / participating
units) and the on-time rate (units that sent it by the deadline / units that sent it) —
overall and separately for central and regional units.

Definitions, fixed here so every reader gets the same numbers:

- a unit *has reported* when its report is ``submitted``, ``returned`` or ``approved`` (a
  returned report was sent; it came back for corrections). ``draft`` — never submitted, or
  reopened by an administrator — has not;
- *on time* is the flag recorded at the report's latest submission (Bangkok calendar date on or
  before the deadline, ``domain.calendar.is_on_time``);
- rates are percentages with 2 decimals, rounded half-up, computed in exact integer
  arithmetic and sent as strings (``"66.67"``); ``null`` when the denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from persistence.unit_of_work import UnitOfWork
from services.access import require_role
from services.errors import Forbidden
from services.principal import Principal
from services.reference import require_round

REPORTED_STATES = frozenset({"submitted", "returned", "approved"})
STATES = ("draft", "submitted", "returned", "approved")
UNIT_KINDS = ("central", "regional")
MONITORS = ("admin", "inspector", "viewer")


def percent(numerator: int, denominator: int) -> str | None:
    """``numerator / denominator`` as a percentage with 2 decimals, half-up, exactly.

    Integer arithmetic: hundredths of a percent = n × 10 000 / d, rounded half-up by adding
    half the divisor before the floor division. 2/3 → "66.67", 1/8 → "12.50", 0/0 → None.
    """
    if denominator <= 0:
        return None
    if numerator < 0:
        raise ValueError("a count cannot be negative")
    hundredths = (numerator * 10_000 * 2 + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass
class Rates:
    participating: int = 0
    reported: int = 0
    on_time: int = 0
    late: int = 0
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    def add(self, state: str, on_time: bool | None) -> None:
        self.participating += 1
        self.states[state] = self.states.get(state, 0) + 1
        if state in REPORTED_STATES:
            self.reported += 1
            if on_time:
                self.on_time += 1
            else:
                self.late += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "participating": self.participating,
            "reported": self.reported,
            "not_reported": self.participating - self.reported,
            "on_time": self.on_time,
            "late": self.late,
            "reporting_rate": percent(self.reported, self.participating),
            "on_time_rate": percent(self.on_time, self.reported),
            "states": dict(self.states),
        }


@dataclass(frozen=True)
class UnitStatus:
    unit_code: str
    name_th: str
    name_en: str
    kind: str
    state: str
    reported: bool
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None


@dataclass(frozen=True)
class Monitoring:
    round_id: int
    year_be: int
    months: int
    deadline: date
    status: str
    closed_at: datetime | None
    units: list[UnitStatus]
    overall: dict[str, Any]
    by_kind: dict[str, dict[str, Any]]


def _scope(actor: Principal) -> frozenset[str] | None:
    """Units the caller may follow: all (admin, viewer), the assigned ones (inspector)."""
    require_role(actor, *MONITORS)
    if actor.role == "inspector":
        return actor.unit_codes
    if actor.role == "viewer":
        return None if actor.unit_code is None else frozenset({actor.unit_code})
    if actor.role == "admin":
        return None
    raise Forbidden(code="role_monitors_no_rounds", params={"role": actor.role})  # pragma: no cover


def monitoring(uow: UnitOfWork, actor: Principal, round_id: int) -> Monitoring:
    """Each participating unit's report state, submission time and on-time flag, with the
    reporting and on-time rates overall and per unit kind.

    An inspector sees (and the rates count) only the units assigned to it. Two statements,
    whatever the number of units.
    """
    scope = _scope(actor)
    rnd, fy = require_round(uow, round_id)
    assert fy.id is not None and rnd.id is not None
    units = uow.repos.reference.participants(fy.id, codes=scope)
    reports = {u.id: r for r, u in uow.repos.reporting.reports_of_round(rnd.id)}
    overall = Rates()
    by_kind = {kind: Rates() for kind in UNIT_KINDS}
    out: list[UnitStatus] = []
    for unit in units:
        report = reports.get(unit.id)
        state = report.state if report is not None else "draft"
        reported = state in REPORTED_STATES
        on_time = report.on_time if report is not None and reported else None
        overall.add(state, on_time)
        by_kind.setdefault(unit.kind, Rates()).add(state, on_time)
        out.append(
            UnitStatus(
                unit_code=unit.code,
                name_th=unit.name_th,
                name_en=unit.name_en,
                kind=unit.kind,
                state=state,
                reported=reported,
                submitted_at=report.submitted_at if report is not None and reported else None,
                on_time=on_time,
                approved_at=report.approved_at if report is not None else None,
            )
        )
    return Monitoring(
        round_id=rnd.id,
        year_be=fy.year_be,
        months=rnd.months,
        deadline=rnd.deadline,
        status=rnd.status,
        closed_at=rnd.closed_at,
        units=out,
        overall=overall.to_dict(),
        by_kind={kind: rates.to_dict() for kind, rates in by_kind.items()},
    )
