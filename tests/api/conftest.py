"""A small world for API tests: three units, fiscal year 2558 on the default framework."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from domain.framework import default_framework
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import ensure_framework
from services.reference import UnitView, create_fiscal_year, create_unit

UNITS = (
    UnitView(
        "BKK01",
        "สำนักงานสวัสดิการและคุ้มครองแรงงานกรุงเทพมหานครพื้นที่ 1",
        "Bangkok Area 1",
        "central",
        "กรุงเทพมหานคร",
    ),
    UnitView(
        "CMI", "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดเชียงใหม่", "Chiang Mai", "regional", "เชียงใหม่"
    ),
    UnitView("KKN", "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดขอนแก่น", "Khon Kaen", "regional", "ขอนแก่น"),
)


@pytest.fixture
def world(client, engine):
    with UnitOfWork(engine, write=True) as uow:
        for unit in UNITS:
            create_unit(uow, "system:test", unit)
        framework_id = ensure_framework(uow, default_framework())
        fy = create_fiscal_year(uow, "system:test", year_be=2558, framework_id=framework_id)
    rounds = {r.months: r.round_id for r in fy.rounds}
    return SimpleNamespace(framework_id=framework_id, r6=rounds[6], r9=rounds[9], r12=rounds[12])


# Values that make a unit "standard" in the 6-month round of the default framework.
UNIT_VALUES = {
    3: {"value": "92.5"},
    4: {"value": "18"},
    6: {"steps": 4},
    7: {"steps": 3},
    8: {"steps": 4},
    9: {"steps": 5},
}
CENTRAL_VALUES = {
    1: {"value": "95"},
    2: {"value": "85"},
    5: {"value": "94"},
    10: {"score": "4.0000"},
}
