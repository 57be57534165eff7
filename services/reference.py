"""Reference data: units, fiscal years with their rounds, participation, not-applicable marks.

Fiscal years pin one framework version; rounds are open for reporting from the moment the
fiscal year is created until an administrator closes them (SPEC §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.calendar import fiscal_year_bounds, round_spec
from persistence.repositories.reference import RoundOfYear
from persistence.tables import (
    FiscalYearRow,
    NotApplicableRow,
    ParticipationRow,
    RewardRateRow,
    RoundRow,
    UnitRow,
)
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit, events
from services.access import check_score_read, require_admin, require_reference_reader
from services.errors import Conflict, NotFound, Unprocessable
from services.principal import Principal

UNIT_KINDS = ("central", "regional")
DEFAULT_REWARDS = {"best_practice": "10000.00", "standard": "5000.00"}


@dataclass(frozen=True)
class UnitView:
    code: str
    name_th: str
    name_en: str
    kind: str
    province: str | None


@dataclass(frozen=True)
class RoundView:
    round_id: int
    year_be: int
    months: int
    period_start: date
    period_end: date
    deadline: date
    status: str


@dataclass(frozen=True)
class FiscalYearView:
    year_be: int
    framework_id: int
    period_start: date
    period_end: date
    default_budget: str
    rounds: list[RoundView]
    participating_units: int


def unit_view(row: UnitRow) -> UnitView:
    return UnitView(row.code, row.name_th, row.name_en, row.kind, row.province)


BE_OFFSET = 543
"""B.E. = C.E. + 543 (SPEC §2)."""


def year_refused(year: int) -> Unprocessable:
    """The refusal of a year that is no Buddhist-era fiscal year; one that looks like a Common
    Era year (1900–2199) says which B.E. year to use: 2015 -> "use 2558"."""
    item = {"field": "year_be", "year": year}
    if 1900 <= year < 2200:
        params = item | {"year_be": year + BE_OFFSET}
        return Unprocessable(code="year_is_common_era", params=params, kind="validation_error")
    return Unprocessable(code="year_out_of_range", params=item, kind="validation_error")


def money(text: str | Decimal, field: str) -> str:
    try:
        value = Decimal(str(text))
    except InvalidOperation as exc:
        raise Unprocessable(code="amount_not_decimal", params={"name": field}) from exc
    if not value.is_finite() or value < 0:
        raise Unprocessable(code="amount_negative", params={"name": field})
    return str(value.quantize(Decimal("0.01")))


# --- units ----------------------------------------------------------------------------------


def list_units(
    uow: UnitOfWork, actor: Principal, *, kind: str | None, after: str | None, limit: int
) -> list[UnitView]:
    require_reference_reader(actor)
    return [
        unit_view(u)
        for u in uow.repos.reference.list_units(kind=kind, after_code=after, limit=limit)
    ]


def get_unit(uow: UnitOfWork, actor: Principal, code: str) -> UnitView:
    require_reference_reader(actor)
    row = uow.repos.reference.unit_by_code(code)
    if row is None:
        raise NotFound(code="unit_not_found", params={"unit_code": code})
    return unit_view(row)


def require_unit(uow: UnitOfWork, code: str) -> UnitRow:
    row = uow.repos.reference.unit_by_code(code)
    if row is None:
        raise NotFound(code="unit_not_found", params={"unit_code": code})
    return row


def create_unit(uow: UnitOfWork, actor: Principal | str, data: UnitView) -> UnitView:
    if isinstance(actor, Principal):
        require_admin(actor)
    if data.kind not in UNIT_KINDS:
        raise Unprocessable(
            code="not_one_of", params={"name": "kind", "allowed": ", ".join(UNIT_KINDS)}
        )
    if uow.repos.reference.unit_by_code(data.code) is not None:
        raise Conflict(code="unit_exists", params={"unit_code": data.code})
    row = UnitRow(
        code=data.code,
        name_th=data.name_th,
        name_en=data.name_en,
        kind=data.kind,
        province=data.province,
    )
    if not uow.insert_if_free(row):  # a concurrent request took the code after the check
        raise Conflict(code="unit_exists", params={"unit_code": data.code})
    audit.record(uow, actor, "unit.create", "unit", data.code, after=data.__dict__)
    return unit_view(row)


# --- fiscal years and rounds -----------------------------------------------------------------


def round_view(row: RoundRow, year_be: int) -> RoundView:
    assert row.id is not None
    return RoundView(
        row.id, year_be, row.months, row.period_start, row.period_end, row.deadline, row.status
    )


def fiscal_year_view(uow: UnitOfWork, fy: FiscalYearRow) -> FiscalYearView:
    assert fy.id is not None
    start, end = fiscal_year_bounds(fy.year_be)
    rounds = [round_view(r, fy.year_be) for r in uow.repos.reference.rounds_of(fy.id)]
    count = len(uow.repos.reference.participation(fy.id))
    return FiscalYearView(fy.year_be, fy.framework_id, start, end, fy.default_budget, rounds, count)


def read_fiscal_year(uow: UnitOfWork, actor: Principal, year_be: int) -> FiscalYearView:
    """``get_fiscal_year`` for a caller: every role may read reference data."""
    require_reference_reader(actor)
    return get_fiscal_year(uow, year_be)


def get_fiscal_year(uow: UnitOfWork, year_be: int) -> FiscalYearView:
    if not 2500 <= year_be <= 2700:  # the command line's --year 2015, say
        raise year_refused(year_be)
    fy = uow.repos.reference.fiscal_year(year_be)
    if fy is None:
        raise NotFound(code="fiscal_year_not_found", params={"year_be": year_be})
    return fiscal_year_view(uow, fy)


def list_fiscal_years(uow: UnitOfWork, actor: Principal) -> list[FiscalYearView]:
    require_reference_reader(actor)
    return [fiscal_year_view(uow, fy) for fy in uow.repos.reference.list_fiscal_years()]


def create_fiscal_year(
    uow: UnitOfWork,
    actor: Principal | str,
    *,
    year_be: int,
    framework_id: int,
    deadlines: dict[int, date] | None = None,
    unit_codes: list[str] | None = None,
    budget: str = "5000.00",
    rewards: dict[str, str] | None = None,
) -> FiscalYearView:
    """Create a fiscal year with its three rounds (open) and its participating units.

    ``unit_codes`` None means every unit. The framework version becomes immutable from here on.
    """
    if isinstance(actor, Principal):
        require_admin(actor)
    if not 2500 <= year_be <= 2700:
        raise year_refused(year_be)
    if uow.repos.reference.fiscal_year(year_be) is not None:
        raise Conflict(code="fiscal_year_exists", params={"year_be": year_be})
    framework = uow.repos.reference.framework(framework_id)
    if framework is None:
        raise Unprocessable(code="framework_not_found", params={"framework_id": framework_id})
    budget = money(budget, "budget")
    deadlines = deadlines or {}
    unknown_rounds = sorted(set(deadlines) - {6, 9, 12})
    if unknown_rounds:
        raise Unprocessable(
            code="deadline_rounds_unknown",
            params={"rounds": ", ".join(str(r) for r in unknown_rounds)},
        )
    fy = FiscalYearRow(year_be=year_be, framework_id=framework_id, default_budget=budget)
    if not uow.insert_if_free(fy):  # a concurrent request took the year after the check
        raise Conflict(code="fiscal_year_exists", params={"year_be": year_be})
    assert fy.id is not None
    for months in (6, 9, 12):
        spec = round_spec(year_be, months, deadlines.get(months))
        if spec.deadline < spec.period_end:
            raise Unprocessable(
                code="deadline_before_period_end",
                params={"months": months, "period_end": spec.period_end.isoformat()},
            )
        uow.repos.reference.add(
            RoundRow(
                fiscal_year_id=fy.id,
                months=months,
                period_start=spec.period_start,
                period_end=spec.period_end,
                deadline=spec.deadline,
            )
        )
    if unit_codes is None:
        units = list(uow.repos.reference.list_units())
    else:
        found = uow.repos.reference.units_by_codes(unit_codes)
        missing = sorted(set(unit_codes) - set(found))
        if missing:
            raise Unprocessable(
                code="unit_codes_unknown", params={"unit_codes": ", ".join(missing)}
            )
        units = list(found.values())
    for unit in units:
        assert unit.id is not None
        uow.repos.reference.add(
            ParticipationRow(fiscal_year_id=fy.id, unit_id=unit.id, budget=budget)
        )
    levels = {rule.code for rule in framework.levels}
    for level, amount in (rewards if rewards is not None else DEFAULT_REWARDS).items():
        if level not in levels:
            raise Unprocessable(
                code="level_unknown", params={"level": level, "allowed": ", ".join(sorted(levels))}
            )
        uow.repos.reference.add(
            RewardRateRow(
                fiscal_year_id=fy.id, level=level, amount=money(amount, f"rewards.{level}")
            )
        )
    uow.repos.reference.flush()
    audit.record(
        uow,
        actor,
        "fiscal_year.create",
        "fiscal_year",
        year_be,
        after={"framework_id": framework_id, "units": len(units), "budget": budget},
    )
    return fiscal_year_view(uow, fy)


def require_round(uow: UnitOfWork, round_id: int) -> RoundOfYear:
    found = uow.repos.reference.round_with_year(round_id)
    if found is None:
        raise NotFound(code="round_not_found", params={"round_id": round_id})
    return found


def set_round_status(uow: UnitOfWork, actor: Principal, round_id: int, status: str) -> RoundView:
    require_admin(actor)
    rnd, fy = require_round(uow, round_id)
    locked = uow.repos.reference.lock_round(round_id) or rnd
    before = locked.status
    if before == status:
        return round_view(locked, fy.year_be)
    locked.status = status
    locked.updated_at = utcnow()  # every row of the round's scoreboard may change level
    locked.closed_at = locked.updated_at if status == "closed" else None
    uow.repos.reference.add(locked)
    uow.repos.reference.flush()
    audit.record(
        uow,
        actor,
        f"round.{'close' if status == 'closed' else 'open'}",
        "round",
        round_id,
        before={"status": before},
        after={"status": status},
    )
    if status == "closed":
        events.emit(
            uow,
            "round.closed",
            events.round_facts(locked, fy.year_be),
        )
    return round_view(locked, fy.year_be)


def set_deadline(uow: UnitOfWork, actor: Principal, round_id: int, deadline: date) -> RoundView:
    require_admin(actor)
    rnd, fy = require_round(uow, round_id)
    if deadline < rnd.period_end:
        raise Unprocessable(
            code="deadline_before_period_end",
            params={"months": rnd.months, "period_end": rnd.period_end.isoformat()},
        )
    before = rnd.deadline.isoformat()
    rnd.deadline = deadline
    uow.repos.reference.add(rnd)
    audit.record(
        uow,
        actor,
        "round.deadline",
        "round",
        round_id,
        before={"deadline": before},
        after={"deadline": deadline.isoformat()},
    )
    return round_view(rnd, fy.year_be)


# --- not applicable ---------------------------------------------------------------------------


def mark_not_applicable(
    uow: UnitOfWork, actor: Principal, year_be: int, unit_code: str, indicator_no: int, reason: str
) -> None:
    require_admin(actor)
    fy = uow.repos.reference.fiscal_year(year_be)
    if fy is None or fy.id is None:
        raise NotFound(code="fiscal_year_not_found", params={"year_be": year_be})
    unit = require_unit(uow, unit_code)
    assert unit.id is not None
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    if indicator_no not in {i.indicator_no for i in framework.indicators}:
        raise Unprocessable(code="unknown_indicator", params={"indicator_no": indicator_no})
    if not reason.strip():
        raise Unprocessable(code="field_missing", params={"name": "reason"})
    existing = uow.repos.reference.not_applicable_row(fy.id, unit.id, indicator_no)
    if existing is not None:
        before = {"reason": existing.reason}
        existing.reason = reason
        uow.repos.reference.add(existing)
    else:
        before = None
        uow.repos.reference.add(
            NotApplicableRow(
                fiscal_year_id=fy.id,
                unit_id=unit.id,
                indicator_no=indicator_no,
                reason=reason,
                created_by=actor.subject,
            )
        )
    uow.repos.reference.touch_participation(fy.id, unit.id, utcnow())
    audit.record(
        uow,
        actor,
        "not_applicable.set",
        "not_applicable",
        f"{year_be}/{unit_code}/{indicator_no}",
        before=before,
        after={"reason": reason},
    )


def clear_not_applicable(
    uow: UnitOfWork, actor: Principal, year_be: int, unit_code: str, indicator_no: int
) -> None:
    require_admin(actor)
    fy = uow.repos.reference.fiscal_year(year_be)
    if fy is None or fy.id is None:
        raise NotFound(code="fiscal_year_not_found", params={"year_be": year_be})
    unit = require_unit(uow, unit_code)
    assert unit.id is not None
    existing = uow.repos.reference.not_applicable_row(fy.id, unit.id, indicator_no)
    if existing is None:
        raise NotFound(
            code="not_applicable_not_marked",
            params={"indicator_no": indicator_no, "unit_code": unit_code},
        )
    uow.repos.reference.delete(existing)
    uow.repos.reference.touch_participation(fy.id, unit.id, utcnow())  # the gone mark's date
    audit.record(
        uow,
        actor,
        "not_applicable.clear",
        "not_applicable",
        f"{year_be}/{unit_code}/{indicator_no}",
        before={"reason": existing.reason},
    )


def list_not_applicable(
    uow: UnitOfWork, actor: Principal, year_be: int, unit_code: str
) -> list[dict[str, object]]:
    check_score_read(actor, unit_code)
    fy = uow.repos.reference.fiscal_year(year_be)
    if fy is None or fy.id is None:
        raise NotFound(code="fiscal_year_not_found", params={"year_be": year_be})
    unit = require_unit(uow, unit_code)
    assert unit.id is not None
    return [
        {
            "indicator_no": r.indicator_no,
            "reason": r.reason,
            "created_by": r.created_by,
            "created_at": r.created_at,
        }
        for r in uow.repos.reference.not_applicable_rows(fy.id, unit.id)
    ]
