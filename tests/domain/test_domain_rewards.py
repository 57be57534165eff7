"""Rewards and budget totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import ValueInvalid
from domain.rewards import (
    DEFAULT_BUDGET_PER_UNIT,
    allocate_budget,
    budget_total,
    compute_awards,
)

REWARDS = {"best_practice": Decimal("10000"), "standard": Decimal("5000.50")}


def test_awards_by_level_with_totals():
    levels = {
        "U03": "standard",
        "U01": "best_practice",
        "U02": "below_standard",
        "U04": "standard",
        "U05": "incomplete",
    }
    summary = compute_awards(levels, REWARDS)
    assert [(a.unit_code, a.level, a.amount) for a in summary.awards] == [
        ("U01", "best_practice", Decimal("10000")),
        ("U03", "standard", Decimal("5000.50")),
        ("U04", "standard", Decimal("5000.50")),
    ]
    assert [(t.level, t.units, t.amount) for t in summary.per_level] == [
        ("best_practice", 1, Decimal("10000")),
        ("standard", 2, Decimal("10001.00")),
        ("below_standard", 1, Decimal(0)),
        ("incomplete", 1, Decimal(0)),
    ]
    assert summary.total_amount == Decimal("20001.00")
    assert summary.awarded_units == 3
    assert summary.budget_total is None
    doc = summary.to_dict()
    assert doc["total_amount"] == "20001.00"
    assert doc["awards"][0] == {"unit_code": "U01", "level": "best_practice", "amount": "10000"}


def test_below_standard_and_incomplete_never_awarded():
    summary = compute_awards(
        {"U1": "below_standard", "U2": "incomplete"},
        {"below_standard": Decimal(1), "incomplete": Decimal(1)},
    )
    assert summary.awards == () and summary.total_amount == 0


def test_seed_budget_65_units_5000_each():
    budgets = allocate_budget(f"U{i:02d}" for i in range(65))
    assert Decimal(5000) == DEFAULT_BUDGET_PER_UNIT
    assert budget_total(budgets) == Decimal(325000)
    summary = compute_awards({"U00": "standard"}, REWARDS, budgets)
    assert summary.budget_total == Decimal(325000)
    assert summary.to_dict()["budget_total"] == "325000"


def test_negative_or_non_decimal_amounts_rejected():
    with pytest.raises(ValueInvalid):
        compute_awards({"U1": "standard"}, {"standard": Decimal(-1)})
    with pytest.raises(ValueInvalid):
        budget_total({"U1": Decimal("NaN")})
    with pytest.raises(ValueInvalid):
        allocate_budget(["U1"], per_unit=5000.0)  # type: ignore[arg-type]


def test_empty():
    summary = compute_awards({}, REWARDS)
    assert summary.awards == () and summary.total_amount == 0
    assert [t.units for t in summary.per_level] == [0, 0]
