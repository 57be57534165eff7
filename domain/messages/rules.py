"""Sentences of the standard's own refusals: indicator values, central values, submitting a
report, frameworks (English and Thai; see domain/messages/__init__.py)."""

RULES: dict[str, dict[str, str]] = {
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
}
