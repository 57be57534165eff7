"""Every sentence an error shows a person, in English and Thai, keyed by a stable code.

WHY: officers work in Thai and integrators read English; the code never changes, the words
follow the caller's ``Accept-Language``. The translations are data in this one place: a code
added anywhere must be added here with both languages (tests/api/test_problem_catalogue.py
fails otherwise). Templates name their parameters (``{indicator_no}``), which are the members
of the error item itself, so an ``errors[]`` entry carries what its sentence says.

Nothing here is a rule of the standard; the domain holds it because the domain's own errors
(values, frameworks, submissions) are the first to need it and everything above may import
the domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("en", "th")

MESSAGES: dict[str, dict[str, str]] = {
    # --- indicator values (domain/values.py, domain/numbers.py) ----------------------------
    "value_not_a_number": {
        "en": "Indicator {indicator_no}: “{value}” is not a number; write digits with a point "
        "for decimals, such as 92.5.",
        "th": "ตัวชี้วัดที่ {indicator_no}: “{value}” ไม่ใช่ตัวเลข กรุณากรอกตัวเลขและใช้จุดแสดงทศนิยม "
        "เช่น 92.5",
    },
    "value_comma": {
        "en": "Indicator {indicator_no}: “{value}” has a comma; use a point for decimals (92.5) "
        "and no thousands separators (1000).",
        "th": "ตัวชี้วัดที่ {indicator_no}: “{value}” มีเครื่องหมายจุลภาค กรุณาใช้จุดแสดงทศนิยม (92.5) "
        "และไม่ต้องใส่เครื่องหมายคั่นหลักพัน (1000)",
    },
    "value_not_finite": {
        "en": "Indicator {indicator_no}: “{value}” is not a finite number.",
        "th": "ตัวชี้วัดที่ {indicator_no}: “{value}” ไม่ใช่ตัวเลขที่มีค่าจำกัด",
    },
    "value_out_of_range": {
        "en": "Indicator {indicator_no}: {value} is far too large to be a reported value.",
        "th": "ตัวชี้วัดที่ {indicator_no}: {value} มีค่ามากเกินกว่าจะเป็นผลการดำเนินงานได้",
    },
    "value_too_precise": {
        "en": "Indicator {indicator_no}: {value} has more decimals than the {decimals} this "
        "indicator takes.",
        "th": "ตัวชี้วัดที่ {indicator_no}: {value} มีทศนิยมมากกว่า {decimals} ตำแหน่งที่ตัวชี้วัดนี้รับได้",
    },
    "value_below_min": {
        "en": "Indicator {indicator_no}: {value} is below {min}, the lowest plausible value "
        "({unit}); please check what was typed.",
        "th": "ตัวชี้วัดที่ {indicator_no}: {value} ต่ำกว่า {min} ซึ่งเป็นค่าต่ำสุดที่เป็นไปได้ ({unit}) "
        "กรุณาตรวจสอบค่าที่กรอก",
    },
    "value_above_max": {
        "en": "Indicator {indicator_no}: {value} is above {max}, the highest plausible value "
        "({unit}); please check what was typed.",
        "th": "ตัวชี้วัดที่ {indicator_no}: {value} สูงกว่า {max} ซึ่งเป็นค่าสูงสุดที่เป็นไปได้ ({unit}) "
        "กรุณาตรวจสอบค่าที่กรอก",
    },
    "steps_not_integer": {
        "en": "Indicator {indicator_no}: the steps completed must be a whole number, not "
        "“{value}”.",
        "th": "ตัวชี้วัดที่ {indicator_no}: จำนวนขั้นตอนที่ทำสำเร็จต้องเป็นจำนวนเต็ม ไม่ใช่ “{value}”",
    },
    "steps_out_of_range": {
        "en": "Indicator {indicator_no}: the steps completed must be from {min} to {max}, "
        "not {value}.",
        "th": "ตัวชี้วัดที่ {indicator_no}: จำนวนขั้นตอนที่ทำสำเร็จต้องอยู่ระหว่าง {min} ถึง {max} "
        "ไม่ใช่ {value}",
    },
    "score_out_of_range": {
        "en": "Indicator {indicator_no}: a score must be from {min} to {max}, not {value}.",
        "th": "ตัวชี้วัดที่ {indicator_no}: คะแนนต้องอยู่ระหว่าง {min} ถึง {max} ไม่ใช่ {value}",
    },
    "wrong_field": {
        "en": "Indicator {indicator_no} is {kind}: give “{expected}”, not “{field}”.",
        "th": "ตัวชี้วัดที่ {indicator_no} เป็นแบบ {kind}: กรุณาส่ง “{expected}” ไม่ใช่ “{field}”",
    },
    "indicator_mismatch": {
        "en": "A value for indicator {given} was sent to indicator {indicator_no}.",
        "th": "ส่งค่าของตัวชี้วัดที่ {given} มาที่ตัวชี้วัดที่ {indicator_no}",
    },
    "value_not_an_object": {
        "en": "Indicator {indicator_no}: each value must be an object such as "
        '{{"indicator_no": 3, "value": "92.5"}}.',
        "th": "ตัวชี้วัดที่ {indicator_no}: แต่ละค่าต้องอยู่ในรูป "
        '{{"indicator_no": 3, "value": "92.5"}}',
    },
    "indicator_no_missing": {
        "en": "Value number {position} needs an indicator number (indicator_no).",
        "th": "ค่าลำดับที่ {position} ต้องระบุหมายเลขตัวชี้วัด (indicator_no)",
    },
    "unknown_indicator": {
        "en": "Indicator {indicator_no} is not part of this framework.",
        "th": "ตัวชี้วัดที่ {indicator_no} ไม่อยู่ในกรอบการประเมินนี้",
    },
    "duplicate_indicator": {
        "en": "Indicator {indicator_no} is given more than once.",
        "th": "ตัวชี้วัดที่ {indicator_no} ถูกส่งมามากกว่าหนึ่งครั้ง",
    },
    "values_invalid": {
        "en": "Some indicator values cannot be accepted; each one is listed in errors.",
        "th": "ค่าตัวชี้วัดบางรายการไม่สามารถรับได้ ดูรายละเอียดแต่ละรายการใน errors",
    },
    # --- submitting a report (domain/requirements.py) ---------------------------------------
    "requirements_unmet": {
        "en": "The report cannot be submitted yet; everything still missing is listed in errors.",
        "th": "ยังส่งรายงานไม่ได้ สิ่งที่ยังขาดทั้งหมดแสดงไว้ใน errors",
    },
    "value_missing": {
        "en": "Indicator {indicator_no}: the value (or steps) is missing.",
        "th": "ตัวชี้วัดที่ {indicator_no}: ยังไม่ได้กรอกค่าที่วัดได้ (หรือจำนวนขั้นตอน)",
    },
    "narrative_missing": {
        "en": "Indicator {indicator_no}: the performance narrative is missing.",
        "th": "ตัวชี้วัดที่ {indicator_no}: ยังไม่ได้เขียนผลการดำเนินงาน",
    },
    "evidence_short": {
        "en": "Indicator {indicator_no}: {actual} evidence document(s); at least {required} "
        "are required.",
        "th": "ตัวชี้วัดที่ {indicator_no}: มีเอกสารหลักฐาน {actual} ฉบับ ต้องมีอย่างน้อย {required} ฉบับ",
    },
    "working_group_order_missing": {
        "en": "The order appointing the unit's working group is missing.",
        "th": "ยังไม่ได้แนบคำสั่งแต่งตั้งคณะทำงานของหน่วยงาน",
    },
    "stored_value_implausible": {
        "en": "Indicator {indicator_no}: the stored value {value} is outside the plausible "
        "range {range}; correct it before submitting.",
        "th": "ตัวชี้วัดที่ {indicator_no}: ค่าที่บันทึกไว้ {value} อยู่นอกช่วงที่เป็นไปได้ {range} "
        "กรุณาแก้ไขก่อนส่งรายงาน",
    },
    "value_rule_unmet": {
        "en": "Indicator {left} ({left_value}) must be {comparison} indicator {right} "
        "({right_value}).",
        "th": "ตัวชี้วัดที่ {left} ({left_value}) ต้อง{comparison_th}ตัวชี้วัดที่ {right} ({right_value})",
    },
    # --- frameworks ---------------------------------------------------------------------------
    "framework_invalid": {
        "en": "The framework cannot be saved; every broken rule is listed in errors.",
        "th": "บันทึกกรอบการประเมินไม่ได้ รายการที่ไม่ถูกต้องทั้งหมดแสดงไว้ใน errors",
    },
    "criteria_outside_range": {
        "en": "Indicator {indicator_no}: its criteria fall outside its own plausible range.",
        "th": "ตัวชี้วัดที่ {indicator_no}: เกณฑ์การให้คะแนนอยู่นอกช่วงค่าที่เป็นไปได้ของตัวชี้วัดเอง",
    },
    "range_invalid": {
        "en": "Indicator {indicator_no}: its plausible range (min and max) is not valid.",
        "th": "ตัวชี้วัดที่ {indicator_no}: ช่วงค่าที่เป็นไปได้ (min และ max) ไม่ถูกต้อง",
    },
    "transition_not_allowed": {
        "en": "This step is not possible for the report in its current state or for your role.",
        "th": "ไม่สามารถดำเนินการนี้กับรายงานในสถานะปัจจุบัน หรือด้วยบทบาทของท่านได้",
    },
    # --- requests ------------------------------------------------------------------------------
    "validation_error": {
        "en": "Some fields of the request are not valid; each one is listed in errors.",
        "th": "ข้อมูลที่ส่งมาบางช่องไม่ถูกต้อง ดูรายละเอียดแต่ละช่องใน errors",
    },
    "field_missing": {
        "en": "“{field}” is required.",
        "th": "ต้องระบุ “{field}”",
    },
    "field_invalid": {
        "en": "“{field}” is not valid: {reason}.",
        "th": "“{field}” ไม่ถูกต้อง: {reason_th}",
    },
    "field_unknown": {
        "en": "“{field}” is not a field this request takes.",
        "th": "คำขอนี้ไม่มีช่อง “{field}”",
    },
    "body_not_json": {
        "en": "The body is not valid JSON.",
        "th": "เนื้อหาของคำขอไม่ใช่ JSON ที่ถูกต้อง",
    },
    "form_expected": {
        "en": "The token endpoint takes a form (application/x-www-form-urlencoded), not JSON.",
        "th": "การขอโทเค็นต้องส่งเป็นแบบฟอร์ม (application/x-www-form-urlencoded) ไม่ใช่ JSON",
    },
    "year_is_common_era": {
        "en": "{year} looks like a Common Era year; use {year_be}, the Buddhist-era year.",
        "th": "{year} ดูเหมือนเป็นปีคริสต์ศักราช กรุณาใช้ปีพุทธศักราช {year_be}",
    },
    "year_out_of_range": {
        "en": "{year} is not a Buddhist-era fiscal year; years run from 2500 to 2700.",
        "th": "{year} ไม่ใช่ปีงบประมาณพุทธศักราช ปีต้องอยู่ระหว่าง 2500 ถึง 2700",
    },
    # --- signing in and tokens -----------------------------------------------------------------
    "token_required": {
        "en": "Sign in first: this request needs a bearer token.",
        "th": "กรุณาเข้าสู่ระบบก่อน คำขอนี้ต้องใช้โทเค็น (bearer token)",
    },
    "token_invalid": {
        "en": "The access token is not valid; sign in again.",
        "th": "โทเค็นไม่ถูกต้อง กรุณาเข้าสู่ระบบใหม่",
    },
    "token_expired": {
        "en": "The access token has expired; sign in again or use the refresh token.",
        "th": "โทเค็นหมดอายุแล้ว กรุณาเข้าสู่ระบบใหม่หรือใช้ refresh token",
    },
}

COMPARISON_WORDS: dict[str, tuple[str, str]] = {
    "<": ("less than", "น้อยกว่า"),
    "<=": ("at most", "ไม่มากกว่า"),
    ">": ("more than", "มากกว่า"),
    ">=": ("at least", "ไม่น้อยกว่า"),
}
"""How a cross-indicator comparison reads in a sentence, in English and Thai."""


class _Params(dict[str, Any]):
    """Template parameters; a parameter a caller did not give reads as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, language: str, params: Mapping[str, Any]) -> str | None:
    """The sentence of ``code`` in ``language`` (``en`` or ``th``), or None for an unknown code."""
    texts = MESSAGES.get(code)
    if texts is None:
        return None
    template = texts.get(language) or texts["en"]
    return template.format_map(_Params(params))


def problem(code: str, **members: Any) -> dict[str, Any]:
    """An ``errors[]`` item: its ``code`` (also as the older ``rule``), its members and its
    English sentence. ``None`` members are left out."""
    item: dict[str, Any] = {"rule": code, "code": code}
    item.update({k: v for k, v in members.items() if v is not None})
    item["message"] = render(code, "en", item) or code.replace("_", " ")
    return item
