"""The demo the README's run command loads: 65 units, FY 2558, every level on the scoreboard."""

from __future__ import annotations

from collections import Counter

from persistence.unit_of_work import UnitOfWork
from services.demo import DEMO_USERS, seed_demo
from services.principal import Principal
from services.scores import scoreboard


def test_demo_has_65_units_and_all_four_levels(engine):
    with UnitOfWork(engine, write=True) as uow:
        passwords = seed_demo(uow, out=lambda _s: None)
    assert set(passwords) == {u for u, _r, _e in DEMO_USERS}
    with UnitOfWork(engine) as uow:
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None and fy.id is not None
        rounds = uow.repos.reference.rounds_of(fy.id)
        assert [r.months for r in rounds] == [6, 9, 12]
        rows, _ = scoreboard(uow, Principal(subject="test", role="admin"), rounds[0].id)
        assert len(rows) == 65
        levels = Counter(r.level for r in rows)
        assert set(levels) == {"best_practice", "standard", "below_standard", "incomplete"}, levels
        nine, _ = scoreboard(uow, Principal(subject="test", role="admin"), rounds[1].id)
        assert {r.level for r in nine} == {"incomplete"}  # 9- and 12-month rounds start empty


def test_demo_is_idempotent(engine):
    with UnitOfWork(engine, write=True) as uow:
        seed_demo(uow, out=lambda _s: None)
    with UnitOfWork(engine, write=True) as uow:
        second = seed_demo(uow, out=lambda _s: None)
    with UnitOfWork(engine) as uow:
        assert len(uow.repos.reference.list_units()) == 65
    assert len(second) == len(DEMO_USERS)
