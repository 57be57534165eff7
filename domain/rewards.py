"""Incentive rewards and the project budget.

WHY (SPEC §1–2): "Incentive rewards (รางวัลจูงใจ) for units that reach either level";
"Budget: 65 participating units, central and regional, 5,000 baht each"; "Per fiscal year:
participating units with their allocated budget (default 5,000 baht each) and a reward amount
per level; after the 12-month round is approved, the award list and totals follow from the
final levels." Amounts are exact ``Decimal`` baht.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.errors import ValueInvalid
from domain.numbers import decimal_text, exact_sum, shown

DEFAULT_BUDGET_PER_UNIT = Decimal(5000)
NO_AWARD_LEVELS = frozenset({"below_standard", "incomplete"})


@dataclass(frozen=True, slots=True)
class Award:
    unit_code: str
    level: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LevelTotal:
    level: str
    units: int
    """Units at this level (awarded or not)."""
    amount: Decimal
    """Total awarded for this level."""


@dataclass(frozen=True, slots=True)
class AwardSummary:
    """The award list (sorted by unit code) with totals per level and overall."""

    awards: tuple[Award, ...]
    per_level: tuple[LevelTotal, ...]
    total_amount: Decimal
    awarded_units: int
    budget_total: Decimal | None = None
    """Σ of the allocated budgets, when given."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "awards": [
                {"unit_code": a.unit_code, "level": a.level, "amount": decimal_text(a.amount)}
                for a in self.awards
            ],
            "per_level": [
                {"level": t.level, "units": t.units, "amount": decimal_text(t.amount)}
                for t in self.per_level
            ],
            "total_amount": decimal_text(self.total_amount),
            "awarded_units": self.awarded_units,
            "budget_total": None if self.budget_total is None else decimal_text(self.budget_total),
        }


def _check_amount(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise ValueInvalid(
            f"{what} must be a finite amount of at least 0, not “{shown(amount)}”",
            [{"rule": "amount_invalid", "message": f"{what}: “{shown(amount)}”", "field": what}],
        )


def compute_awards(
    levels: Mapping[str, str],
    reward_per_level: Mapping[str, Decimal],
    budgets: Mapping[str, Decimal] | None = None,
) -> AwardSummary:
    """Awards from the final levels: a unit whose level has a reward amount receives it.

    ``levels`` maps unit code → final level; ``reward_per_level`` maps level code → amount
    (``below_standard`` and ``incomplete`` never earn an award). ``per_level`` counts every
    level present, in the order of ``reward_per_level`` and then the others alphabetically.
    """
    for level, amount in reward_per_level.items():
        _check_amount(amount, f"reward for {level}")
    awards = tuple(
        Award(unit, level, reward_per_level[level])
        for unit, level in sorted(levels.items())
        if level in reward_per_level and level not in NO_AWARD_LEVELS
    )
    order = [lv for lv in reward_per_level if lv not in NO_AWARD_LEVELS]
    order += sorted({lv for lv in levels.values()} - set(order))
    per_level = tuple(
        LevelTotal(
            level=lv,
            units=sum(1 for v in levels.values() if v == lv),
            amount=exact_sum(a.amount for a in awards if a.level == lv),
        )
        for lv in order
    )
    return AwardSummary(
        awards=awards,
        per_level=per_level,
        total_amount=exact_sum(a.amount for a in awards),
        awarded_units=len(awards),
        budget_total=None if budgets is None else budget_total(budgets),
    )


def allocate_budget(
    unit_codes: Iterable[str], per_unit: Decimal = DEFAULT_BUDGET_PER_UNIT
) -> dict[str, Decimal]:
    """The same allocation for every participating unit (SPEC: 5,000 baht each)."""
    _check_amount(per_unit, "budget per unit")
    return {code: per_unit for code in unit_codes}


def budget_total(budgets: Mapping[str, Decimal]) -> Decimal:
    """Σ of the allocated budgets (65 units × 5,000 = 325,000 baht in the seed)."""
    for unit, amount in budgets.items():
        _check_amount(amount, f"budget of {unit}")
    return exact_sum(budgets.values())
