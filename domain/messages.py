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
from string import Formatter
from typing import Any

LANGUAGES = ("en", "th")

MESSAGES: dict[str, dict[str, str]] = {
    # --- indicator values (domain/values.py, domain/numbers.py) ----------------------------
    "value_not_a_number": {
        "en": "Indicator {indicator_no}: “{value}” is not a number; write digits with a point "
        "for decimals, such as 92.5.",
        "th": "ตัวชี้วัดที่ {indicator_no}: “{value}” ไม่ใช่ตัวเลข กรุณากรอกตัวเลขและใช้จุดแสดงทศนิยม เช่น 92.5",
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
        "th": "ตัวชี้วัดที่ {indicator_no}: จำนวนขั้นตอนที่ทำสำเร็จต้องอยู่ระหว่าง {min} ถึง {max} ไม่ใช่ {value}",
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
        "th": 'ตัวชี้วัดที่ {indicator_no}: แต่ละค่าต้องอยู่ในรูป {{"indicator_no": 3, "value": "92.5"}}',
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
    "entries_invalid": {
        "en": "Some entries cannot be accepted, so nothing was saved; each one is listed in "
        "errors.",
        "th": "บางรายการรับไม่ได้ จึงไม่ได้บันทึกข้อมูลใดเลย ดูรายละเอียดแต่ละรายการใน errors",
    },
    "values_invalid": {
        "en": "Some indicator values cannot be accepted; each one is listed in errors.",
        "th": "ค่าตัวชี้วัดบางรายการไม่สามารถรับได้ ดูรายละเอียดแต่ละรายการใน errors",
    },
    # --- central values (services/central_values.py) ----------------------------------------
    "central_values_invalid": {
        "en": "{bad} of {rows} rows cannot be accepted, so nothing was written; each problem "
        "is listed in errors with its row.",
        "th": "มี {bad} จาก {rows} แถวที่รับไม่ได้ จึงไม่ได้บันทึกข้อมูลใดเลย ดูรายละเอียดแต่ละแถวใน errors",
    },
    "row_not_an_object": {
        "en": "Row {row} must be an object with unit_code, indicator_no and its value.",
        "th": "แถวที่ {row} ต้องเป็นออบเจกต์ที่มี unit_code, indicator_no และค่า",
    },
    "row_fields_unknown": {
        "en": "Row {row} has fields this import does not take: {names}.",
        "th": "แถวที่ {row} มีช่องที่ไม่รู้จัก: {names}",
    },
    "row_indicator_invalid": {
        "en": "Row {row}: indicator_no must be the number of an indicator of this round.",
        "th": "แถวที่ {row}: indicator_no ต้องเป็นหมายเลขตัวชี้วัดของรอบนี้",
    },
    "unit_unknown": {
        "en": "Row {row}: there is no unit with the code “{unit_code}”.",
        "th": "แถวที่ {row}: ไม่มีหน่วยงานรหัส “{unit_code}”",
    },
    "unit_not_participant": {
        "en": "Row {row}: unit {unit_code} does not take part in fiscal year {year_be}.",
        "th": "แถวที่ {row}: หน่วยงาน {unit_code} ไม่ได้เข้าร่วมในปีงบประมาณ {year_be}",
    },
    "indicator_unit_reported": {
        "en": "Row {row}: indicator {indicator_no} is reported by the units themselves, not by "
        "a central provider.",
        "th": "แถวที่ {row}: ตัวชี้วัดที่ {indicator_no} หน่วยงานเป็นผู้รายงานเอง ไม่ใช่หน่วยงานกลาง",
    },
    "indicator_other_provider": {
        "en": "Row {row}: indicator {indicator_no} is supplied by {provider}, not by you.",
        "th": "แถวที่ {row}: ตัวชี้วัดที่ {indicator_no} เป็นความรับผิดชอบของ {provider} ไม่ใช่ของท่าน",
    },
    "row_duplicate": {
        "en": "Row {row}: indicator {indicator_no} of unit {unit_code} appears twice in the batch.",
        "th": "แถวที่ {row}: ตัวชี้วัดที่ {indicator_no} ของหน่วยงาน {unit_code} ซ้ำกันในชุดข้อมูล",
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
        "en": "“{name}” is required.",
        "th": "ต้องระบุ “{name}”",
    },
    "field_unknown": {
        "en": "“{name}” is not a field this request takes.",
        "th": "คำขอนี้ไม่มีช่อง “{name}”",
    },
    "field_invalid": {
        "en": "“{name}” is not valid.",
        "th": "“{name}” ไม่ถูกต้อง",
    },
    "not_integer": {
        "en": "“{name}” must be a whole number.",
        "th": "“{name}” ต้องเป็นจำนวนเต็ม",
    },
    "integer_required": {
        "en": "“{name}” must be a whole number written as a number, not as text.",
        "th": "“{name}” ต้องเป็นจำนวนเต็มแบบตัวเลข ไม่ใช่ข้อความ",
    },
    "not_text": {"en": "“{name}” must be text.", "th": "“{name}” ต้องเป็นข้อความ"},
    "text_too_long": {
        "en": "“{name}” must be at most {max_length} characters long.",
        "th": "“{name}” ต้องยาวไม่เกิน {max_length} ตัวอักษร",
    },
    "text_too_short": {
        "en": "“{name}” must be at least {min_length} characters long.",
        "th": "“{name}” ต้องยาวอย่างน้อย {min_length} ตัวอักษร",
    },
    "text_malformed": {
        "en": "“{name}” does not have the expected form (see the API documentation).",
        "th": "“{name}” มีรูปแบบไม่ถูกต้อง (ดูเอกสาร API)",
    },
    "text_has_nul": {
        "en": "Text may not contain the NUL character (U+0000).",
        "th": "ข้อความต้องไม่มีอักขระ NUL (U+0000)",
    },
    "too_many_items": {
        "en": "“{name}” may hold at most {max_length} items.",
        "th": "“{name}” มีได้ไม่เกิน {max_length} รายการ",
    },
    "too_few_items": {
        "en": "“{name}” needs at least {min_length} item(s).",
        "th": "“{name}” ต้องมีอย่างน้อย {min_length} รายการ",
    },
    "below_minimum": {
        "en": "“{name}” must be at least {minimum}.",
        "th": "“{name}” ต้องไม่น้อยกว่า {minimum}",
    },
    "above_maximum": {
        "en": "“{name}” must be at most {maximum}.",
        "th": "“{name}” ต้องไม่มากกว่า {maximum}",
    },
    "not_one_of": {
        "en": "“{name}” must be one of: {allowed}.",
        "th": "“{name}” ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {allowed}",
    },
    "not_boolean": {
        "en": "“{name}” must be true or false.",
        "th": "“{name}” ต้องเป็น true หรือ false",
    },
    "not_list": {"en": "“{name}” must be a list.", "th": "“{name}” ต้องเป็นรายการ (list)"},
    "not_object": {"en": "“{name}” must be an object.", "th": "“{name}” ต้องเป็นออบเจกต์ (object)"},
    "not_number": {"en": "“{name}” must be a number.", "th": "“{name}” ต้องเป็นตัวเลข"},
    "decimal_text": {
        "en": "“{name}” must be a number written with digits and a point for decimals, "
        "such as 92.5 (no commas, no exponent).",
        "th": "“{name}” ต้องเป็นตัวเลขที่ใช้จุดแสดงทศนิยม เช่น 92.5 (ไม่มีจุลภาค)",
    },
    "too_many_digits": {
        "en": "“{name}” has too many digits.",
        "th": "“{name}” มีจำนวนหลักมากเกินไป",
    },
    "not_date": {
        "en": "“{name}” must be a date such as 2015-04-10.",
        "th": "“{name}” ต้องเป็นวันที่ในรูปแบบ 2015-04-10",
    },
    "date_text": {
        "en": "“{name}” must be a date such as 2015-04-10.",
        "th": "“{name}” ต้องเป็นวันที่ในรูปแบบ 2015-04-10",
    },
    "not_datetime": {
        "en": "“{name}” must be a date and time with its time zone, such as "
        "2015-04-10T09:00:00+07:00.",
        "th": "“{name}” ต้องเป็นวันและเวลาพร้อมเขตเวลา เช่น 2015-04-10T09:00:00+07:00",
    },
    "not_uuid": {
        "en": "“{name}” must be an identifier (UUID).",
        "th": "“{name}” ต้องเป็นรหัสอ้างอิง (UUID)",
    },
    "not_url": {"en": "“{name}” must be a web address (URL).", "th": "“{name}” ต้องเป็นที่อยู่เว็บ (URL)"},
    "body_not_json": {
        "en": "The body is not valid JSON.",
        "th": "เนื้อหาของคำขอไม่ใช่ JSON ที่ถูกต้อง",
    },
    "body_not_json_at": {
        "en": "The body is not valid JSON (line {line}, column {column}).",
        "th": "เนื้อหาของคำขอไม่ใช่ JSON ที่ถูกต้อง (บรรทัด {line} คอลัมน์ {column})",
    },
    "multipart_malformed": {
        "en": "The multipart form is malformed; send the file as multipart/form-data.",
        "th": "แบบฟอร์ม multipart ไม่ถูกต้อง กรุณาส่งไฟล์แบบ multipart/form-data",
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
    "route_not_found": {
        "en": "There is nothing at this address; check the path against the API documentation.",
        "th": "ไม่พบที่อยู่นี้ กรุณาตรวจสอบเส้นทางกับเอกสาร API",
    },
    "method_not_allowed": {
        "en": "This address does not take this method; the Allow header lists those it takes.",
        "th": "ที่อยู่นี้ไม่รองรับวิธีการเรียกนี้ ดูวิธีที่รองรับได้จากส่วนหัว Allow",
    },
    "internal_error": {
        "en": "The server could not answer; quote the X-Request-ID of this answer to support.",
        "th": "ระบบไม่สามารถตอบได้ กรุณาแจ้งหมายเลข X-Request-ID ของคำตอบนี้แก่ผู้ดูแลระบบ",
    },
    "query_not_utf8": {
        "en": "The query parameter “{name}” is not UTF-8 text.",
        "th": "พารามิเตอร์ “{name}” ไม่ใช่ข้อความ UTF-8",
    },
    "query_nul": {
        "en": "The query parameter “{name}” contains the NUL character (U+0000).",
        "th": "พารามิเตอร์ “{name}” มีอักขระ NUL (U+0000)",
    },
    "query_repeated": {
        "en": "The query parameter “{name}” is given {count} times; give it once.",
        "th": "พารามิเตอร์ “{name}” ถูกส่งมา {count} ครั้ง กรุณาส่งเพียงครั้งเดียว",
    },
    "csv_header_incomplete": {
        "en": "The CSV header must name unit_code and indicator_no (it names: {names}).",
        "th": "หัวตาราง CSV ต้องมี unit_code และ indicator_no (ที่มีคือ: {names})",
    },
    "csv_columns_unknown": {
        "en": "The CSV has columns this import does not take: {names}.",
        "th": "ไฟล์ CSV มีคอลัมน์ที่ไม่รู้จัก: {names}",
    },
    # --- accounts and reference data -------------------------------------------------------
    "not_allowed": {
        "en": "A user with the role {role} has no “{name}”; leave it out.",
        "th": "ผู้ใช้บทบาท {role} ไม่มี “{name}” กรุณาไม่ต้องระบุ",
    },
    "missing": {
        "en": "A user with the role {role} needs “{name}”.",
        "th": "ผู้ใช้บทบาท {role} ต้องระบุ “{name}”",
    },
    "unknown_unit": {
        "en": "There is no unit with the code “{unit_code}”.",
        "th": "ไม่มีหน่วยงานรหัส “{unit_code}”",
    },
    "unknown_provider": {
        "en": "There is no central provider with the code “{provider}”.",
        "th": "ไม่มีหน่วยงานกลางรหัส “{provider}”",
    },
    "too_short": {
        "en": "A password needs at least {min_length} characters.",
        "th": "รหัสผ่านต้องมีอย่างน้อย {min_length} ตัวอักษร",
    },
    "weak": {
        "en": "The password may not be the username.",
        "th": "รหัสผ่านต้องไม่เหมือนชื่อผู้ใช้",
    },
    "level_unknown": {
        "en": "“{level}” is not a rewarded level of this framework ({allowed}).",
        "th": "“{level}” ไม่ใช่ระดับที่ได้รับรางวัลในกรอบการประเมินนี้ ({allowed})",
    },
    "level_repeated": {
        "en": "“{level}” is given more than once.",
        "th": "“{level}” ถูกระบุมากกว่าหนึ่งครั้ง",
    },
    "amount_invalid": {
        "en": "The reward for {level} must be an amount of at least 0, such as 5000 or 5000.50.",
        "th": "เงินรางวัลของ {level} ต้องเป็นจำนวนเงินไม่น้อยกว่า 0 เช่น 5000 หรือ 5000.50",
    },
    "fiscal_year_not_found": {
        "en": "There is no fiscal year {year_be}.",
        "th": "ไม่มีปีงบประมาณ {year_be}",
    },
    "unit_not_found": {
        "en": "There is no unit with the code “{unit_code}”.",
        "th": "ไม่มีหน่วยงานรหัส “{unit_code}”",
    },
    "round_not_found": {
        "en": "There is no round with the id {round_id}.",
        "th": "ไม่มีรอบการรายงานหมายเลข {round_id}",
    },
    # --- access and reports ---------------------------------------------------------------
    "role_may_not": {
        "en": "The role {role} may not do this.",
        "th": "ผู้ใช้บทบาท {role} ไม่มีสิทธิ์ดำเนินการนี้",
    },
    "token_read_only": {
        "en": "This token is read-only.",
        "th": "โทเค็นนี้ใช้ได้เฉพาะการอ่านข้อมูล",
    },
    "role_reads_no_reports": {
        "en": "The role {role} does not read unit reports.",
        "th": "ผู้ใช้บทบาท {role} ไม่มีสิทธิ์อ่านรายงานของหน่วยงาน",
    },
    "role_reads_no_scores": {
        "en": "The role {role} does not read scores.",
        "th": "ผู้ใช้บทบาท {role} ไม่มีสิทธิ์อ่านคะแนน",
    },
    "report_not_found": {
        "en": "There is no report of unit {unit_code} in this round that you may see.",
        "th": "ไม่พบรายงานของหน่วยงาน {unit_code} ในรอบนี้ที่ท่านมีสิทธิ์เห็น",
    },
    "score_not_found": {
        "en": "There is no score of unit {unit_code} in this round that you may see.",
        "th": "ไม่พบคะแนนของหน่วยงาน {unit_code} ในรอบนี้ที่ท่านมีสิทธิ์เห็น",
    },
    "report_edit_forbidden": {
        "en": "Only the unit's officer or an administrator edits a report.",
        "th": "เฉพาะเจ้าหน้าที่ของหน่วยงานหรือผู้ดูแลระบบเท่านั้นที่แก้ไขรายงานได้",
    },
    "report_review_forbidden": {
        "en": "Only an assigned inspector or an administrator reviews a report.",
        "th": "เฉพาะผู้ตรวจราชการที่ได้รับมอบหมายหรือผู้ดูแลระบบเท่านั้นที่ตรวจรายงานได้",
    },
    "central_write_forbidden": {
        "en": "Only a central provider or an administrator supplies central values.",
        "th": "เฉพาะหน่วยงานกลางหรือผู้ดูแลระบบเท่านั้นที่ส่งค่าจากหน่วยงานกลางได้",
    },
    "provider_not_yours": {
        "en": "The values of provider {provider} are not yours to supply.",
        "th": "ท่านไม่มีสิทธิ์ส่งค่าของหน่วยงาน {provider}",
    },
    "report_changed": {
        "en": "The report has changed since you read it (its ETag is now {etag}); read it "
        "again and retry.",
        "th": "รายงานมีการเปลี่ยนแปลงหลังจากที่ท่านอ่าน (ETag ปัจจุบันคือ {etag}) กรุณาอ่านรายงานอีกครั้งแล้วลองใหม่",
    },
    "round_closed": {
        "en": "The round is closed: its reports and values can no longer be changed.",
        "th": "รอบการรายงานนี้ปิดแล้ว ไม่สามารถแก้ไขรายงานหรือค่าตัวชี้วัดได้อีก",
    },
    "value_not_unit_supplied": {
        "en": "Indicator {indicator_no} is supplied by the central provider {provider}; a unit "
        "writes only its narrative, problems and suggestions for it.",
        "th": "ตัวชี้วัดที่ {indicator_no} หน่วยงานกลาง {provider} เป็นผู้ส่งค่า หน่วยงานเขียนได้เฉพาะ"
        "ผลการดำเนินงาน ปัญหาอุปสรรค และข้อเสนอแนะ",
    },
    "indicator_path_mismatch": {
        "en": "The body names indicator {given} but the address indicator {indicator_no}.",
        "th": "เนื้อหาระบุตัวชี้วัดที่ {given} แต่ที่อยู่ระบุตัวชี้วัดที่ {indicator_no}",
    },
    "comment_required": {
        "en": "A returned report needs at least one comment.",
        "th": "การส่งรายงานกลับต้องมีความเห็นอย่างน้อยหนึ่งข้อ",
    },
    "idempotency_key_reused": {
        "en": "This Idempotency-Key was already used with a different request.",
        "th": "Idempotency-Key นี้เคยใช้กับคำขออื่นแล้ว",
    },
    "idempotency_in_progress": {
        "en": "A request with this Idempotency-Key is still in progress; retry later.",
        "th": "คำขอที่ใช้ Idempotency-Key นี้ยังดำเนินการอยู่ กรุณาลองใหม่ภายหลัง",
    },
    "idempotency_key_invalid": {
        "en": "An Idempotency-Key is 1 to {max_length} visible ASCII characters.",
        "th": "Idempotency-Key ต้องเป็นอักขระ ASCII ที่มองเห็นได้ 1 ถึง {max_length} ตัว",
    },
    "framework_not_found": {
        "en": "There is no framework with the id {framework_id}.",
        "th": "ไม่มีกรอบการประเมินหมายเลข {framework_id}",
    },
    "framework_version_race": {
        "en": "Another version of this framework was saved at the same time; retry.",
        "th": "มีการบันทึกกรอบการประเมินนี้อีกฉบับในเวลาเดียวกัน กรุณาลองใหม่",
    },
    "framework_choice": {
        "en": "Give exactly one of framework_id and framework.",
        "th": "กรุณาระบุอย่างใดอย่างหนึ่งระหว่าง framework_id และ framework",
    },
    "reward_rates_invalid": {
        "en": "The reward rates cannot be accepted, so nothing was changed; each problem is "
        "listed in errors.",
        "th": "อัตราเงินรางวัลไม่ถูกต้อง จึงไม่ได้เปลี่ยนแปลงข้อมูลใด ดูรายละเอียดใน errors",
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
    "account_disabled": {
        "en": "The account of this token is unknown or disabled.",
        "th": "บัญชีผู้ใช้ของโทเค็นนี้ไม่มีอยู่หรือถูกระงับการใช้งาน",
    },
    "token_stale": {
        "en": "The token was issued before the password was changed; sign in again.",
        "th": "โทเค็นนี้ออกก่อนการเปลี่ยนรหัสผ่าน กรุณาเข้าสู่ระบบใหม่",
    },
    "client_disabled": {
        "en": "The portal client of this token is unknown or disabled.",
        "th": "ระบบเชื่อมต่อของโทเค็นนี้ไม่มีอยู่หรือถูกระงับการใช้งาน",
    },
    "api_token_invalid": {
        "en": "The personal API token is unknown, expired or revoked.",
        "th": "โทเค็น API ส่วนบุคคลนี้ไม่มีอยู่ หมดอายุ หรือถูกยกเลิกแล้ว",
    },
    "token_expired": {
        "en": "The access token has expired; sign in again or use the refresh token.",
        "th": "โทเค็นหมดอายุแล้ว กรุณาเข้าสู่ระบบใหม่หรือใช้ refresh token",
    },
}

TITLES: dict[str, dict[str, str]] = {
    "bad_request": {"en": "Bad request", "th": "คำขอไม่ถูกต้อง"},
    "unauthorized": {"en": "Authentication required", "th": "ต้องเข้าสู่ระบบ"},
    "forbidden": {"en": "Forbidden", "th": "ไม่มีสิทธิ์"},
    "not_found": {"en": "Not found", "th": "ไม่พบข้อมูล"},
    "method_not_allowed": {"en": "Method not allowed", "th": "ไม่รองรับวิธีการเรียกนี้"},
    "not_acceptable": {"en": "Not acceptable", "th": "ไม่มีรูปแบบข้อมูลที่ขอ"},
    "conflict": {"en": "Conflict", "th": "ข้อมูลขัดแย้งกัน"},
    "precondition_failed": {"en": "Precondition failed", "th": "เงื่อนไขของคำขอไม่ตรงกับข้อมูลปัจจุบัน"},
    "payload_too_large": {"en": "Payload too large", "th": "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป"},
    "unsupported_media_type": {"en": "Unsupported media type", "th": "ไม่รองรับรูปแบบข้อมูลนี้"},
    "unprocessable": {"en": "Unprocessable content", "th": "ไม่สามารถดำเนินการตามข้อมูลที่ส่งมาได้"},
    "too_many_requests": {"en": "Too many requests", "th": "มีคำขอมากเกินไป"},
    "internal_error": {"en": "Internal server error", "th": "เกิดข้อผิดพลาดภายในระบบ"},
    "service_unavailable": {"en": "Service unavailable", "th": "ระบบไม่พร้อมให้บริการชั่วคราว"},
    "http_error": {"en": "HTTP error", "th": "ข้อผิดพลาด HTTP"},
    "validation_error": {"en": "Invalid request", "th": "ข้อมูลที่ส่งมาไม่ถูกต้อง"},
    "cursor_invalid": {"en": "Invalid cursor", "th": "ตัวชี้หน้าถัดไปไม่ถูกต้อง"},
    "value_invalid": {"en": "Indicator value not accepted", "th": "ไม่สามารถรับค่าตัวชี้วัดได้"},
    "framework_invalid": {"en": "Framework not valid", "th": "กรอบการประเมินไม่ถูกต้อง"},
    "requirements_unmet": {"en": "Report cannot be submitted yet", "th": "ยังส่งรายงานไม่ได้"},
    "transition_not_allowed": {"en": "Step not allowed", "th": "ไม่สามารถดำเนินการขั้นตอนนี้ได้"},
    "round_closed": {"en": "Round closed", "th": "รอบการรายงานปิดแล้ว"},
    "value_not_unit_supplied": {"en": "Value supplied centrally", "th": "ค่านี้หน่วยงานกลางเป็นผู้ส่ง"},
    "central_values_invalid": {
        "en": "Central values not accepted",
        "th": "ไม่สามารถรับค่าจากหน่วยงานกลางได้",
    },
    "multipart_required": {"en": "Multipart form required", "th": "ต้องส่งแบบ multipart/form-data"},
    "evidence_one_file": {"en": "One file per upload", "th": "อัปโหลดได้ครั้งละหนึ่งไฟล์"},
    "evidence_file_missing": {"en": "File missing", "th": "ไม่พบไฟล์ในแบบฟอร์ม"},
    "evidence_filename_missing": {"en": "File name missing", "th": "ไฟล์ไม่มีชื่อ"},
    "evidence_title_too_long": {"en": "Title too long", "th": "ชื่อเรื่องยาวเกินไป"},
    "evidence_empty": {"en": "Empty file", "th": "ไฟล์ว่างเปล่า"},
    "evidence_too_large": {"en": "File too large", "th": "ไฟล์มีขนาดใหญ่เกินกำหนด"},
    "evidence_type_not_allowed": {"en": "File type not allowed", "th": "ไม่รับไฟล์ประเภทนี้"},
    "evidence_type_mismatch": {"en": "File type does not match", "th": "ประเภทไฟล์ไม่ตรงกับที่ระบุ"},
    "evidence_extension_mismatch": {
        "en": "File name does not match",
        "th": "นามสกุลไฟล์ไม่ตรงกับเนื้อหา",
    },
    "evidence_locked": {"en": "Evidence locked", "th": "แก้ไขหลักฐานไม่ได้แล้ว"},
    "evidence_content_missing": {"en": "Evidence content missing", "th": "ไม่พบเนื้อหาของไฟล์หลักฐาน"},
    "invalid_request": {"en": "Invalid token request", "th": "คำขอโทเค็นไม่ถูกต้อง"},
    "invalid_grant": {"en": "Sign-in refused", "th": "เข้าสู่ระบบไม่สำเร็จ"},
    "invalid_client": {"en": "Client authentication failed", "th": "ยืนยันตัวตนของระบบเชื่อมต่อไม่สำเร็จ"},
    "unsupported_grant_type": {"en": "Grant type not supported", "th": "ไม่รองรับ grant_type นี้"},
    "wrong_current_password": {"en": "Current password wrong", "th": "รหัสผ่านปัจจุบันไม่ถูกต้อง"},
    "idempotency_key_reused": {
        "en": "Idempotency key reused",
        "th": "ใช้ Idempotency-Key ซ้ำกับคำขออื่น",
    },
    "webhook_event_unknown": {"en": "Unknown event", "th": "ไม่รู้จักเหตุการณ์นี้"},
    "webhook_url_refused": {"en": "Webhook address refused", "th": "ไม่รับที่อยู่ webhook นี้"},
    "webhook_inactive": {"en": "Webhook inactive", "th": "webhook ถูกปิดใช้งาน"},
}
"""The title of each problem type (api/problem_types.py lists the types), in both languages."""

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


def render(
    code: str, language: str, params: Mapping[str, Any], *, complete: bool = False
) -> str | None:
    """The sentence of ``code`` in ``language`` (``en`` or ``th``), or None for an unknown code
    (with ``complete``, also when ``params`` lack one of the sentence's parameters: an item
    raised with words of its own under a code this catalogue words differently keeps them)."""
    texts = MESSAGES.get(code)
    if texts is None:
        return None
    template = texts.get(language) or texts["en"]
    if complete:
        names = {n for _, n, _, _ in Formatter().parse(template) if n}
        if not names <= set(params):
            return None
    return template.format_map(_Params(params))


def problem(code: str, **members: Any) -> dict[str, Any]:
    """An ``errors[]`` item: its ``code`` (also as the older ``rule``), its members and its
    English sentence. ``None`` members are left out."""
    item: dict[str, Any] = {"rule": code, "code": code}
    item.update({k: v for k, v in members.items() if v is not None})
    item["message"] = render(code, "en", item) or code.replace("_", " ")
    return item
