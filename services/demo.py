"""Demo data: the 65 units, fiscal year 2558 on the default framework, sample 6-month results
showing all four levels, and one demo user per role.

Idempotent: running it again adds nothing twice. Demo users get fresh random passwords on
every run, printed once; they are for trying the system, never for production.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from domain.framework import default_framework
from persistence.tables import (
    CentralValueRow,
    IndicatorEntryRow,
    InspectorAssignmentRow,
    ReportRow,
    UnitRow,
    UserRow,
)
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.bootstrap import ensure_framework
from services.demo_units import demo_units
from services.passwords import hash_password
from services.reference import create_fiscal_year

DEMO_YEAR = 2558
SYSTEM = "system:demo"

# Tier of each unit in the 6-month round: values chosen so that the scoreboard shows every level.
TIERS = (
    "best",
    "standard",
    "standard",
    "best",
    "standard",
    "below",
    "standard",
    "incomplete",
    "below",
    "standard",
)

NARRATIVE = "ดำเนินการตามแผนที่กำหนด จัดประชุมคณะทำงานและติดตามผลทุกเดือน"
PROBLEMS = "บุคลากรมีจำนวนจำกัดในช่วงที่มีผู้รับบริการมาก"
SUGGESTIONS = "ควรเพิ่มช่องทางให้บริการออนไลน์"

DEMO_USERS = (
    ("admin", "admin", {}),
    ("officer.bkk01", "unit_officer", {"unit_code": "BKK01"}),
    ("officer.cmi", "unit_officer", {"unit_code": "CMI"}),
    ("provider.blsd", "central_provider", {"provider_code": "BLSD"}),
    ("provider.fin", "central_provider", {"provider_code": "FIN"}),
    ("inspector", "inspector", {"unit_codes": ["BKK01", "BKK02", "BKK03", "CMI", "KKN"]}),
    ("viewer", "viewer", {}),
)


def _values(tier: str, rng: random.Random) -> dict[int, dict[str, object]]:
    """Indicator values for one unit of a tier (value / steps / score by indicator kind)."""

    def q(lo: float, hi: float) -> str:
        return str(Decimal(rng.randint(int(lo * 10), int(hi * 10))) / 10)

    if tier == "best":
        return {
            1: {"value": q(97, 100)},
            2: {"value": q(88, 92)},
            3: {"value": q(97, 100)},
            4: {"value": q(9, 12)},
            5: {"value": q(95, 97)},
            6: {"steps": 5},
            7: {"steps": 5},
            8: {"steps": rng.choice((4, 5))},
            9: {"steps": 5},
            10: {"score": q(4.6, 5)},
        }
    if tier == "standard":
        return {
            1: {"value": q(90, 96)},
            2: {"value": q(80, 86)},
            3: {"value": q(90, 96)},
            4: {"value": q(14, 20)},
            5: {"value": q(92, 95)},
            6: {"steps": rng.choice((3, 4))},
            7: {"steps": rng.choice((3, 4, 5))},
            8: {"steps": 3},
            9: {"steps": 4},
            10: {"score": q(3.2, 4.4)},
        }
    if tier == "below":
        return {
            1: {"value": q(86, 92)},
            2: {"value": q(72, 80)},
            3: {"value": q(81, 86)},
            4: {"value": q(24, 29)},
            5: {"value": q(89, 92)},
            6: {"steps": 2},
            7: {"steps": 3},
            8: {"steps": rng.choice((1, 2))},
            9: {"steps": 3},
            10: {"score": q(2.5, 3.5)},
        }
    values = _values("standard", rng)
    del values[4]  # incomplete: the unit has not reported its service time yet
    return values


def seed_demo(uow: UnitOfWork, *, out: Callable[[str], None] = print) -> dict[str, str]:
    """Load the demo; returns {username: password} of the demo users (fresh each run)."""
    fw = default_framework()
    framework_id = ensure_framework(uow, fw)
    existing = {u.code for u in uow.repos.reference.list_units()}
    for data in demo_units():
        if data["code"] not in existing:
            uow.repos.reference.add(UnitRow(**data))  # type: ignore[arg-type]
    uow.repos.reference.flush()

    if uow.repos.reference.fiscal_year(DEMO_YEAR) is None:
        create_fiscal_year(uow, SYSTEM, year_be=DEMO_YEAR, framework_id=framework_id)
        _seed_round(uow, fw)
        out(f"loaded fiscal year {DEMO_YEAR} with 65 units and sample 6-month results")
    else:
        out(f"fiscal year {DEMO_YEAR} is already there; demo results left as they are")
    return _seed_users(uow, out)


def _seed_round(uow: UnitOfWork, fw: object) -> None:
    fy = uow.repos.reference.fiscal_year(DEMO_YEAR)
    assert fy is not None and fy.id is not None
    round6 = next(r for r in uow.repos.reference.rounds_of(fy.id) if r.months == 6)
    sources = {i.indicator_no: i.source for i in default_framework().indicators}
    units = uow.repos.reference.list_units()
    for index, unit in enumerate(u for u in units if u.code in {d["code"] for d in demo_units()}):
        rng = random.Random(index)  # noqa: S311 - demo values, not secrets
        tier = TIERS[index % len(TIERS)]
        values = _values(tier, rng)
        on_time = index % 7 != 3
        day = 5 if on_time else 13
        submitted = datetime(2015, 4, day, 3, 0, tzinfo=UTC)
        state = {
            "best": "approved",
            "standard": "submitted",
            "below": "draft",
            "incomplete": "draft",
        }[tier]
        if tier == "standard" and index % 3 == 0:
            state = "approved"
        report = ReportRow(
            round_id=round6.id,
            unit_id=unit.id,
            state=state,
            version=1,  # type: ignore[arg-type]
            created_at=submitted,
            updated_at=submitted,
            submitted_at=submitted if state != "draft" else None,
            on_time=on_time if state != "draft" else None,
            approved_at=submitted if state == "approved" else None,
        )
        uow.repos.reporting.add(report)
        uow.repos.reporting.flush()
        for no, value in sorted(values.items()):
            if sources[no] == "unit":
                uow.repos.reporting.add(
                    IndicatorEntryRow(
                        report_id=report.id,
                        indicator_no=no,
                        updated_by=SYSTEM,  # type: ignore[arg-type]
                        value=value.get("value"),
                        steps=value.get("steps"),  # type: ignore[arg-type]
                        narrative=NARRATIVE,
                        problems=PROBLEMS,
                        suggestions=SUGGESTIONS,
                        updated_at=submitted,
                    )
                )
            else:
                uow.repos.reporting.add(
                    CentralValueRow(
                        round_id=round6.id,
                        unit_id=unit.id,
                        indicator_no=no,  # type: ignore[arg-type]
                        provider_code=sources[no],
                        value=value.get("value"),  # type: ignore[arg-type]
                        score=value.get("score"),
                        updated_by=SYSTEM,
                        updated_at=submitted,
                    )
                )  # type: ignore[arg-type]
    audit.record(uow, SYSTEM, "demo.seed", "round", round6.id, after={"units": len(units)})


def _seed_users(uow: UnitOfWork, out: Callable[[str], None]) -> dict[str, str]:
    passwords: dict[str, str] = {}
    repo = uow.repos.identity
    for username, role, extra in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        passwords[username] = password
        user = repo.user_by_username(username)
        unit_id = None
        if "unit_code" in extra:
            unit = uow.repos.reference.unit_by_code(str(extra["unit_code"]))
            unit_id = unit.id if unit else None
        if user is None:
            user = UserRow(
                username=username,
                password_hash=hash_password(password),
                role=role,
                unit_id=unit_id,
                provider_code=extra.get("provider_code"),
            )  # type: ignore[arg-type]
            repo.add(user)
            repo.flush()
            for code in extra.get("unit_codes", []):  # type: ignore[attr-defined]
                unit = uow.repos.reference.unit_by_code(code)
                if unit is not None:
                    repo.add(InspectorAssignmentRow(user_id=user.id, unit_id=unit.id))  # type: ignore[arg-type]
        else:
            user.password_hash = hash_password(password)
            user.is_active = True
            repo.add(user)
        audit.record(
            uow,
            SYSTEM,
            "user.demo_password",
            "user",
            user.id,
            after={"username": username, "role": role},
        )
    out("demo users (DEMO ONLY — new passwords on every run, shown once):")
    for username, role, _extra in DEMO_USERS:
        out(f"  {username:<16} {role:<17} {passwords[username]}")
    return passwords
