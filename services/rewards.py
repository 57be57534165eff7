"""Rewards and budget of a fiscal year: participants, reward rates, final levels and awards.

WHY (SPEC §1–2): each participating unit has an allocated budget (default 5,000 baht); a
reward amount is set per level; "after the 12-month round is approved, the award list and
totals follow from the final levels". So a unit's final level exists only once its 12-month
report is ``approved``: it is the level of its 12-month score (with the framework's
missing-value policy when that round is closed). Until then the unit is *pending*, with no
level and no award — never a provisional one that could be paid by mistake.

Amounts are exact ``Decimal`` baht, computed by ``domain.rewards`` and sent as strings with 2
decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.framework import Framework
from domain.messages import problem
from domain.rewards import NO_AWARD_LEVELS, budget_total, compute_awards
from domain.scoring import evaluate
from persistence.tables import FiscalYearRow, ParticipationRow, RewardRateRow, RoundRow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_admin, require_role
from services.errors import NotFound, Unprocessable
from services.principal import Principal
from services.reference import money, require_unit
from services.values import merge_values

CENT = Decimal("0.01")
PENDING = "pending"
READERS = ("admin", "viewer")


def baht(amount: Decimal) -> str:
    return str(amount.quantize(CENT))


@dataclass(frozen=True)
class RateView:
    level: str
    name_th: str
    name_en: str
    amount: str


@dataclass(frozen=True)
class ParticipantView:
    unit_code: str
    name_th: str
    name_en: str
    kind: str
    budget: str


def _year(uow: UnitOfWork, year_be: int) -> tuple[FiscalYearRow, Framework]:
    fy = uow.repos.reference.fiscal_year(year_be)
    if fy is None or fy.id is None:
        raise NotFound(code="fiscal_year_not_found", params={"year_be": year_be})
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    return fy, framework


def _rates(uow: UnitOfWork, fy: FiscalYearRow, framework: Framework) -> list[RateView]:
    """The reward rates in the framework's level order (highest level first)."""
    assert fy.id is not None
    stored = {r.level: r.amount for r in uow.repos.reference.reward_rates(fy.id)}
    return [
        RateView(rule.code, rule.name_th, rule.name_en, baht(Decimal(stored[rule.code])))
        for rule in framework.levels
        if rule.code in stored
    ]


def _twelve_month_round(uow: UnitOfWork, fy: FiscalYearRow) -> RoundRow:
    assert fy.id is not None
    for rnd in uow.repos.reference.rounds_of(fy.id):
        if rnd.months == 12:
            return rnd
    raise NotFound(
        code="fiscal_year_no_round", params={"year_be": fy.year_be, "months": 12}
    )  # pragma: no cover


def _scope(actor: Principal) -> frozenset[str] | None:
    require_role(actor, *READERS)
    if actor.role == "viewer" and actor.unit_code is not None:
        return frozenset({actor.unit_code})
    return None


def reward_list(uow: UnitOfWork, actor: Principal, year_be: int) -> dict[str, Any]:
    """The year's participants with budget, final level and award, and the totals.

    Totals are over the units the caller may see (every unit for an admin or a viewer that is
    not bound to one unit). A fixed handful of statements, whatever the number of units.
    """
    scope = _scope(actor)
    fy, framework = _year(uow, year_be)
    assert fy.id is not None
    rates = _rates(uow, fy, framework)
    rnd = _twelve_month_round(uow, fy)
    assert rnd.id is not None
    participation = [
        (p, u)
        for p, u in uow.repos.reference.participation(fy.id)
        if scope is None or u.code in scope
    ]
    ids = [u.id for _p, u in participation if u.id is not None]
    own, central, reports = uow.repos.reporting.round_values(rnd.id, ids)
    na = uow.repos.reference.not_applicable_by_unit(fy.id, ids)
    closed = rnd.status == "closed"

    final: dict[str, str] = {}
    overall: dict[str, str | None] = {}
    states: dict[str, str] = {}
    for _p, unit in participation:
        assert unit.id is not None
        state = reports.get(unit.id, ("draft", None, None))[0]
        states[unit.code] = state
        if state != "approved":
            continue
        values = merge_values(
            uow.caches.values,
            framework,
            own.get(unit.id, ()),
            central.get(unit.id, ()),
            with_unit=True,
        )
        result = evaluate(framework, values, na.get(unit.id, ()), closed)
        final[unit.code] = result.level
        overall[unit.code] = None if result.overall is None else f"{result.overall:.4f}"

    budgets = {u.code: Decimal(p.budget) for p, u in participation}
    amounts = {r.level: Decimal(r.amount) for r in rates}
    summary = compute_awards(final, amounts, budgets)
    awards = {a.unit_code: a.amount for a in summary.awards}

    units = []
    for p, u in participation:
        level = final.get(u.code)
        units.append(
            {
                "unit_code": u.code,
                "name_th": u.name_th,
                "name_en": u.name_en,
                "kind": u.kind,
                "budget": baht(Decimal(p.budget)),
                "report_state": states[u.code],
                "approved": level is not None,
                "overall": overall.get(u.code),
                "final_level": level,
                "award": None if level is None else baht(awards.get(u.code, Decimal(0))),
            }
        )

    level_order = [rule.code for rule in framework.levels]
    level_order += [lv for lv in ("below_standard", "incomplete") if lv not in level_order]
    level_order += sorted(set(final.values()) - set(level_order))
    per_level = []
    for level in [*level_order, PENDING]:
        members = [u.code for _p, u in participation if final.get(u.code, PENDING) == level]
        per_level.append(
            {
                "level": level,
                "units": len(members),
                "award_total": baht(sum((awards.get(c, Decimal(0)) for c in members), Decimal(0))),
                "budget_total": baht(budget_total({c: budgets[c] for c in members})),
            }
        )
    return {
        "year_be": fy.year_be,
        "round_id": rnd.id,
        "round_status": rnd.status,
        "default_budget": baht(Decimal(fy.default_budget)),
        "reward_rates": [r.__dict__ for r in rates],
        "units": units,
        "per_level": per_level,
        "totals": {
            "participating_units": len(participation),
            "approved_units": len(final),
            "pending_units": len(participation) - len(final),
            "awarded_units": summary.awarded_units,
            "award_total": baht(summary.total_amount),
            "budget_total": baht(summary.budget_total or Decimal(0)),
        },
    }


def set_reward_rates(
    uow: UnitOfWork, actor: Principal, year_be: int, rates: Sequence[tuple[str, str]]
) -> list[RateView]:
    """Replace the year's reward amounts per level (levels not given get no reward).

    Only levels of the year's framework that can earn an award are accepted: below standard
    and incomplete never do (``domain.rewards``).
    """
    require_admin(actor)
    fy, framework = _year(uow, year_be)
    assert fy.id is not None
    levels = {rule.code for rule in framework.levels} - NO_AWARD_LEVELS
    problems = []
    seen: set[str] = set()
    clean: dict[str, str] = {}
    for i, (level, amount) in enumerate(rates):
        if level not in levels:
            problems.append(
                problem(
                    "level_unknown",
                    field=f"rates.{i}.level",
                    level=level,
                    allowed=", ".join(sorted(levels)),
                )
            )
            continue
        if level in seen:
            problems.append(problem("level_repeated", field=f"rates.{i}.level", level=level))
            continue
        seen.add(level)
        try:
            clean[level] = money(amount, f"reward for {level}")
        except Unprocessable:
            problems.append(problem("amount_invalid", field=f"rates.{i}.amount", level=level))
    if problems:
        raise Unprocessable(code="reward_rates_invalid", problems=problems)
    existing = {r.level: r for r in uow.repos.reference.reward_rates(fy.id)}
    before = {lv: r.amount for lv, r in existing.items()}
    for level, row in existing.items():
        if level not in clean:
            uow.repos.reference.delete(row)
    for level, amount in clean.items():
        row = existing.get(level) or RewardRateRow(fiscal_year_id=fy.id, level=level, amount=amount)
        row.amount = amount
        uow.repos.reference.add(row)
    uow.repos.reference.flush()
    audit.record(uow, actor, "reward_rates.set", "fiscal_year", year_be, before=before, after=clean)
    return _rates(uow, fy, framework)


def set_participant_budget(
    uow: UnitOfWork, actor: Principal, year_be: int, unit_code: str, budget: str
) -> tuple[ParticipantView, bool]:
    """Set a unit's budget for the year; a unit not yet taking part joins. (view, created)."""
    require_admin(actor)
    fy, _framework = _year(uow, year_be)
    assert fy.id is not None
    unit = require_unit(uow, unit_code)
    amount = money(budget, "budget")
    row = next(
        (p for p, u in uow.repos.reference.participation(fy.id) if u.code == unit.code), None
    )
    created = row is None
    before = None if row is None else {"budget": row.budget}
    if row is None:
        row = ParticipationRow(fiscal_year_id=fy.id, unit_id=unit.id, budget=amount)  # type: ignore[arg-type]
    row.budget = amount
    uow.repos.reference.add(row)
    uow.repos.reference.flush()
    audit.record(
        uow,
        actor,
        "participant.budget",
        "participation",
        f"{year_be}/{unit.code}",
        before=before,
        after={"budget": amount},
    )
    return ParticipantView(unit.code, unit.name_th, unit.name_en, unit.kind, amount), created
