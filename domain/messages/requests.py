"""Sentences of refusals of a request as such: fields, years, accounts, access, tokens
(English and Thai; see domain/messages/__init__.py)."""

REQUESTS: dict[str, dict[str, str]] = {
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
    "rfc3339_text": {
        "en": "“{name}” must be an RFC 3339 date-time with its offset, "
        "such as 2015-04-10T09:30:00+07:00.",
        "th": "“{name}” ต้องเป็นวันเวลาตาม RFC 3339 พร้อมเขตเวลา เช่น 2015-04-10T09:30:00+07:00",
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
    "uploads_in_flight": {
        "en": "{n} uploads of yours are still in progress, the most allowed at once; wait until "
        "one of them has finished, then send this one again.",
        "th": "ท่านมีการอัปโหลดที่ยังไม่เสร็จ {n} รายการ ซึ่งเป็นจำนวนสูงสุดที่ทำพร้อมกันได้ "
        "กรุณารอให้รายการใดรายการหนึ่งเสร็จก่อน แล้วจึงส่งไฟล์นี้อีกครั้ง",
    },
    "documents_busy": {
        "en": "As many documents as this server makes at once are being made; try again in "
        "{seconds} seconds.",
        "th": "ระบบกำลังจัดทำเอกสารเต็มจำนวนที่ทำพร้อมกันได้ กรุณาลองใหม่ในอีก {seconds} วินาที",
    },
    "exports_busy": {
        "en": "{n} exports are being prepared already; try again in {seconds} seconds.",
        "th": "ระบบกำลังเตรียมการส่งออกข้อมูลอยู่แล้ว {n} รายการ กรุณาลองใหม่ในอีก {seconds} วินาที",
    },
    "throttled_account": {
        "en": "Too many failed sign-ins to this account: wait {seconds} s before trying again.",
        "th": "มีการเข้าสู่ระบบของบัญชีนี้ไม่สำเร็จหลายครั้งเกินไป กรุณารอ {seconds} วินาทีแล้วลองใหม่",
    },
    "throttled_address": {
        "en": "Too many failed sign-ins from your network address: wait {seconds} s before "
        "trying again.",
        "th": "มีการเข้าสู่ระบบจากที่อยู่เครือข่ายของท่านไม่สำเร็จหลายครั้งเกินไป กรุณารอ {seconds} วินาทีแล้วลองใหม่",
    },
    "query_unknown": {
        "en": "Unknown query parameter {names}; this route takes {takes}.",
        "th": "ไม่รู้จักพารามิเตอร์ {names} ในคำขอ เส้นทางนี้รับ {takes}",
    },
    "sync_sort": {
        "en": "updated_since pages in the order of change: leave out sort and include_total.",
        "th": "updated_since แบ่งหน้าตามลำดับการเปลี่ยนแปลง กรุณาไม่ระบุ sort และ include_total",
    },
    "sync_csv": {
        "en": "updated_since pages JSON only; leave out format=csv.",
        "th": "updated_since ใช้ได้กับ JSON เท่านั้น กรุณาไม่ระบุ format=csv",
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
        "en": (
            "The token was issued before the account's password, role or status changed; "
            "sign in again."
        ),
        "th": "โทเค็นนี้ออกก่อนการเปลี่ยนรหัสผ่าน บทบาท หรือสถานะของบัญชี กรุณาเข้าสู่ระบบใหม่",
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
