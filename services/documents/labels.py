"""The words the documents print: Thai first, English beside it (README: people-facing output).

Level names come from the framework (an administrator may add levels); the two outcomes that
are not rules of the framework, and the report states, are named here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.framework import Framework

OUTCOMES = {
    "below_standard": "ต่ำกว่ามาตรฐาน / Below standard",
    "incomplete": "ข้อมูลไม่ครบ / Incomplete",
}
STATES = {
    "draft": "ร่าง / Draft",
    "submitted": "ส่งแล้ว รอตรวจ / Submitted",
    "returned": "ส่งกลับให้แก้ไข / Returned",
    "approved": "อนุมัติแล้ว / Approved",
}
ROUND_STATUS = {"open": "เปิดรับรายงาน / open", "closed": "ปิดรอบแล้ว / closed"}
KINDS = {"central": "ส่วนกลาง / central", "regional": "ส่วนภูมิภาค / regional"}
MEASURES = {"%": "%", "minutes": "นาที", "steps": "ขั้นตอน", "score": "คะแนน"}
DRAFT_STATES = frozenset({"draft", "returned"})
"""A report still being written (never sent, or sent back): its PDF is marked ร่าง / DRAFT."""


def level_label(framework: Framework, code: str) -> str:
    for rule in framework.levels:
        if rule.code == code:
            return f"{rule.name_th} / {rule.name_en}"
    return OUTCOMES.get(code, code)


def level_order(framework: Framework) -> list[str]:
    """The levels from the highest, then the two outcomes below every rule."""
    codes = [rule.code for rule in framework.levels]
    return codes + [code for code in OUTCOMES if code not in codes]


def round_label(months: int, year_be: int) -> str:
    return f"รอบ {months} เดือน ปีงบประมาณ {year_be} / {months}-month round, FY {year_be}"


def on_time_label(on_time: bool | None) -> str:
    if on_time is None:
        return "ยังไม่ส่ง / not sent"
    return "ตรงเวลา / on time" if on_time else "ล่าช้า / late"


def size_label(size: int) -> str:
    """A file size as people read it (1,234 ไบต์ / 1.2 KB / 3.4 MB)."""
    if size < 1024:
        return f"{size:,} ไบต์ (bytes)"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def mean4(values: list[Decimal]) -> Decimal | None:
    """The exact mean, rounded half-up to 4 decimals like every score; None for no values."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
