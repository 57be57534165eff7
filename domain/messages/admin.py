"""Sentences of refusals in administering the system: reference data (units, fiscal years,
deadlines, indicators not applicable), users, portal clients, personal API tokens, passwords,
and the operator's commands (backup, exports). English and Thai; see
domain/messages/__init__.py."""

ADMIN: dict[str, dict[str, str]] = {
    # --- generic bounds of a field ---------------------------------------------------------------
    "not_between": {
        "en": "“{name}” must be from {minimum} to {maximum}.",
        "th": "“{name}” ต้องอยู่ระหว่าง {minimum} ถึง {maximum}",
    },
    "amount_not_decimal": {
        "en": "“{name}” must be an amount written with digits, such as 5000 or 5000.50.",
        "th": "“{name}” ต้องเป็นจำนวนเงินที่เขียนด้วยตัวเลข เช่น 5000 หรือ 5000.50",
    },
    "amount_negative": {
        "en": "“{name}” must be a finite amount of at least 0.",
        "th": "“{name}” ต้องเป็นจำนวนเงินที่ไม่น้อยกว่า 0",
    },
    # --- units, fiscal years, rounds -------------------------------------------------------------
    "unit_exists": {
        "en": "A unit with the code “{unit_code}” already exists.",
        "th": "มีหน่วยงานรหัส “{unit_code}” อยู่แล้ว",
    },
    "unit_codes_unknown": {
        "en": "There are no units with these codes: {unit_codes}.",
        "th": "ไม่มีหน่วยงานรหัสต่อไปนี้: {unit_codes}",
    },
    "fiscal_year_exists": {
        "en": "Fiscal year {year_be} already exists.",
        "th": "มีปีงบประมาณ {year_be} อยู่แล้ว",
    },
    "deadline_rounds_unknown": {
        "en": "The deadlines name rounds that do not exist ({rounds}); "
        "a fiscal year has the 6-, 9- and 12-month rounds.",
        "th": "กำหนดส่งระบุรอบที่ไม่มีอยู่ ({rounds}) ปีงบประมาณมีเพียงรอบ 6, 9 และ 12 เดือน",
    },
    "deadline_before_period_end": {
        "en": "The {months}-month deadline falls before its period ends ({period_end}).",
        "th": "กำหนดส่งรอบ {months} เดือนอยู่ก่อนวันสิ้นสุดรอบ ({period_end})",
    },
    "fiscal_year_no_round": {
        "en": "Fiscal year {year_be} has no {months}-month round.",
        "th": "ปีงบประมาณ {year_be} ไม่มีรอบ {months} เดือน",
    },
    "role_monitors_no_rounds": {
        "en": "The role {role} does not monitor rounds.",
        "th": "บทบาท {role} ไม่ได้ติดตามรอบการประเมิน",
    },
    "not_applicable_not_marked": {
        "en": "Indicator {indicator_no} is not marked not applicable for unit {unit_code}.",
        "th": "ตัวชี้วัดที่ {indicator_no} ไม่ได้ถูกระบุว่าไม่เกี่ยวข้องกับหน่วยงาน {unit_code}",
    },
    # --- users and portal clients ---------------------------------------------------------------
    "user_not_found": {
        "en": "There is no user with the id {user_id}.",
        "th": "ไม่มีผู้ใช้หมายเลข {user_id}",
    },
    "username_taken": {
        "en": "The username “{username}” is taken (user names are compared ignoring case).",
        "th": "ชื่อผู้ใช้ “{username}” มีผู้ใช้แล้ว (ไม่แยกตัวพิมพ์เล็กและตัวพิมพ์ใหญ่)",
    },
    "username_or_email_taken": {
        "en": "The username “{username}” or the e-mail address is taken.",
        "th": "ชื่อผู้ใช้ “{username}” หรือที่อยู่อีเมลนี้มีผู้ใช้แล้ว",
    },
    "last_admin_role": {
        "en": "The last active admin cannot be given another role.",
        "th": "ไม่สามารถเปลี่ยนบทบาทของผู้ดูแลระบบคนสุดท้ายที่ยังใช้งานอยู่ได้",
    },
    "last_admin_disable": {
        "en": "The last active admin cannot be disabled.",
        "th": "ไม่สามารถระงับผู้ดูแลระบบคนสุดท้ายที่ยังใช้งานอยู่ได้",
    },
    "own_account_disable": {
        "en": "You cannot disable your own account.",
        "th": "ไม่สามารถระงับบัญชีของตนเองได้",
    },
    "portal_has_no_contact": {
        "en": "Only a user has an e-mail address and a language; a portal client has neither.",
        "th": "เฉพาะผู้ใช้เท่านั้นที่มีที่อยู่อีเมลและภาษา ระบบพอร์ทัลไม่มีทั้งสองอย่าง",
    },
    "email_length": {
        "en": "An e-mail address has 1 to {max_length} characters.",
        "th": "ที่อยู่อีเมลต้องยาว 1 ถึง {max_length} ตัวอักษร",
    },
    "invalid_email": {
        "en": "“{email}” is not an e-mail address: write it as name@example.go.th.",
        "th": "“{email}” ไม่ใช่ที่อยู่อีเมล กรุณาเขียนในรูปแบบ name@example.go.th",
    },
    "email_taken": {
        "en": "Another user has this e-mail address (addresses are compared ignoring case).",
        "th": "ที่อยู่อีเมลนี้เป็นของผู้ใช้อื่นแล้ว (ไม่แยกตัวพิมพ์เล็กและตัวพิมพ์ใหญ่)",
    },
    "client_not_found": {
        "en": "There is no portal client “{client_id}”.",
        "th": "ไม่มีระบบพอร์ทัล “{client_id}”",
    },
    "client_exists": {
        "en": "A portal client “{client_id}” already exists.",
        "th": "มีระบบพอร์ทัล “{client_id}” อยู่แล้ว",
    },
    # --- personal API tokens and passwords ------------------------------------------------------
    "api_token_users_only": {
        "en": "Personal API tokens belong to users; a portal client uses its own credentials.",
        "th": "โทเคน API ส่วนบุคคลเป็นของผู้ใช้ ระบบพอร์ทัลใช้ข้อมูลยืนยันตัวตนของตนเอง",
    },
    "api_token_needs_sign_in": {
        "en": "Personal API tokens are created after signing in, not with another token.",
        "th": "สร้างโทเคน API ส่วนบุคคลได้หลังเข้าสู่ระบบเท่านั้น ไม่ใช่ด้วยโทเคนอื่น",
    },
    "api_token_not_found": {
        "en": "You have no API token with the id {token_id}.",
        "th": "คุณไม่มีโทเคน API หมายเลข {token_id}",
    },
    "password_users_only": {
        "en": "Only a user has a password; a portal client rotates its secret instead.",
        "th": "เฉพาะผู้ใช้เท่านั้นที่มีรหัสผ่าน ระบบพอร์ทัลให้เปลี่ยนรหัสลับ (secret) แทน",
    },
    "account_gone": {
        "en": "Your account no longer exists.",
        "th": "บัญชีของคุณไม่มีอยู่แล้ว",
    },
    "current_password_wrong": {
        "en": "The current password is not correct.",
        "th": "รหัสผ่านปัจจุบันไม่ถูกต้อง",
    },
    "password_confirmed_elsewhere": {
        "en": "The password was confirmed for another account.",
        "th": "รหัสผ่านที่ยืนยันเป็นของบัญชีอื่น",
    },
    "password_unchanged": {
        "en": "The new password must differ from the current one.",
        "th": "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน",
    },
    "password_own_reset": {
        "en": "Change your own password with POST /me/password, which asks for the current one.",
        "th": "เปลี่ยนรหัสผ่านของตนเองด้วย POST /me/password ซึ่งจะถามรหัสผ่านปัจจุบัน",
    },
    # --- the operator's commands (sqs backup, sqs export-…) -------------------------------------
    "backup_sqlite_only": {
        "en": "Backup copies SQLite databases only; this is {backend}: use pg_dump "
        "(e.g. pg_dump --format=custom --file=sqs.dump <database URL>).",
        "th": "คำสั่ง backup สำเนาได้เฉพาะฐานข้อมูล SQLite ฐานข้อมูลนี้คือ {backend} กรุณาใช้ "
        "pg_dump (เช่น pg_dump --format=custom --file=sqs.dump <database URL>)",
    },
    "backup_in_memory": {
        "en": "An in-memory SQLite database has nothing on disk to back up.",
        "th": "ฐานข้อมูล SQLite ในหน่วยความจำไม่มีไฟล์บนดิสก์ให้สำรอง",
    },
    "backup_source_missing": {
        "en": "There is no database file at {path}.",
        "th": "ไม่มีไฟล์ฐานข้อมูลที่ {path}",
    },
    "backup_destination_exists": {
        "en": "{path} already exists (--force replaces it).",
        "th": "มี {path} อยู่แล้ว (ใช้ --force เพื่อเขียนทับ)",
    },
    "backup_destination_not_file": {
        "en": "{path} is not a file.",
        "th": "{path} ไม่ใช่ไฟล์",
    },
    "backup_directory_missing": {
        "en": "There is no directory {path}.",
        "th": "ไม่มีไดเรกทอรี {path}",
    },
    "backup_onto_itself": {
        "en": "The destination is the database itself.",
        "th": "ปลายทางคือไฟล์ฐานข้อมูลเดียวกัน",
    },
    "backup_check_failed": {
        "en": "The copy failed its check: {result}.",
        "th": "สำเนาไม่ผ่านการตรวจสอบ: {result}",
    },
}
