"""Sentences of refusals of what a caller sends or pages through: request bodies (too slow, too
large, not UTF-8), multipart forms and evidence files, CSV and JSON imports, cursors, and the
server's own state (database, fonts, concurrent requests). English and Thai; see
domain/messages/__init__.py."""

TRANSFERS: dict[str, dict[str, str]] = {
    # --- request bodies ---------------------------------------------------------------------------
    "body_idle": {
        "en": "The request body stopped arriving: nothing arrived for {seconds} s; "
        "send the body without long pauses.",
        "th": "เนื้อหาของคำขอหยุดส่งมา: ไม่มีข้อมูลมาถึงเป็นเวลา {seconds} วินาที กรุณาส่งโดยไม่หยุดเป็นเวลานาน",
    },
    "body_slow": {
        "en": "The request body did not arrive whole within {seconds} s; "
        "send it over a faster connection, or send less.",
        "th": "เนื้อหาของคำขอมาไม่ครบภายใน {seconds} วินาที กรุณาส่งผ่านการเชื่อมต่อที่เร็วกว่านี้ หรือส่งข้อมูลให้น้อยลง",
    },
    "body_too_large": {
        "en": "The body is larger than {max_bytes} bytes, the most this address takes.",
        "th": "เนื้อหาของคำขอใหญ่เกิน {max_bytes} ไบต์ ซึ่งเป็นขนาดสูงสุดที่รับได้",
    },
    "body_not_utf8": {
        "en": "The body is not valid UTF-8 text.",
        "th": "เนื้อหาของคำขอไม่ใช่ข้อความ UTF-8 ที่ถูกต้อง",
    },
    "client_gone": {
        "en": "The client went away before its body arrived.",
        "th": "ผู้ส่งตัดการเชื่อมต่อก่อนที่เนื้อหาของคำขอจะมาถึง",
    },
    "content_length_invalid": {
        "en": "The Content-Length header is not a number.",
        "th": "ส่วนหัว Content-Length ไม่ใช่ตัวเลข",
    },
    # --- multipart forms and evidence files -----------------------------------------------------
    "multipart_required": {
        "en": "Send the file as multipart/form-data (field “file”, optional “title”).",
        "th": "กรุณาส่งไฟล์แบบ multipart/form-data (ช่อง “file” และ “title” ถ้ามี)",
    },
    "form_too_many_parts": {
        "en": "At most {max_parts} form fields are accepted.",
        "th": "แบบฟอร์มมีได้ไม่เกิน {max_parts} ช่อง",
    },
    "multipart_part_unnamed": {
        "en": "Every multipart part needs “Content-Disposition: form-data; name=…”.",
        "th": "ทุกส่วนของ multipart ต้องมี “Content-Disposition: form-data; name=…”",
    },
    "multipart_unterminated": {
        "en": "The multipart body ended before its closing boundary.",
        "th": "เนื้อหา multipart จบก่อนถึงเส้นแบ่ง (boundary) ปิดท้าย",
    },
    "evidence_one_file": {
        "en": "Send one file per request (the field “{field}” is given twice).",
        "th": "ส่งได้ครั้งละหนึ่งไฟล์ (ช่อง “{field}” ถูกส่งมาสองครั้ง)",
    },
    "evidence_file_missing": {
        "en": "The form needs a file in the field “{field}”.",
        "th": "แบบฟอร์มต้องมีไฟล์ในช่อง “{field}”",
    },
    "form_field_repeated": {
        "en": "The field “{field}” is given twice.",
        "th": "ช่อง “{field}” ถูกส่งมาสองครั้ง",
    },
    "form_field_too_long": {
        "en": "The field “{field}” is too long.",
        "th": "ช่อง “{field}” ยาวเกินไป",
    },
    "form_field_not_utf8": {
        "en": "The field “{field}” is not UTF-8 text.",
        "th": "ช่อง “{field}” ไม่ใช่ข้อความ UTF-8",
    },
    # The English of the three below begins as it did before it was coded (tests pin it).
    "evidence_type_not_allowed": {
        "en": "the file is {found}; evidence must be one of {allowed}.",
        "th": "ไฟล์นี้เป็น {found} หลักฐานต้องเป็นไฟล์ประเภทใดประเภทหนึ่งต่อไปนี้: {allowed}",
    },
    "evidence_type_mismatch": {
        "en": "the file is {found} but was declared as '{declared_type}'",
        "th": "ไฟล์นี้เป็น {found} แต่ระบุประเภทไว้เป็น “{declared_type}”",
    },
    "evidence_extension_mismatch": {
        "en": "the file is {found} but its name ends in “{extension}”; expected {expected}.",
        "th": "ไฟล์นี้เป็น {found} แต่ชื่อไฟล์ลงท้ายด้วย “{extension}” ควรเป็น {expected}",
    },
    "evidence_extension_missing": {
        "en": "the file is {found} but its name has no extension; expected {expected}.",
        "th": "ไฟล์นี้เป็น {found} แต่ชื่อไฟล์ไม่มีนามสกุล ควรเป็น {expected}",
    },
    "evidence_filename_missing": {
        "en": "The file part needs a filename (with its extension).",
        "th": "ส่วนของไฟล์ต้องมีชื่อไฟล์ (พร้อมนามสกุล)",
    },
    "evidence_files_limit_report": {
        "en": "The {months}-month report of unit {unit_code} already has {files} evidence files, "
        "the most it may have ({max_files}); delete one before adding another.",
        "th": "รายงานรอบ {months} เดือนของหน่วยงาน {unit_code} มีไฟล์หลักฐานแล้ว {files} ไฟล์ "
        "ซึ่งเป็นจำนวนสูงสุด ({max_files}) กรุณาลบไฟล์หนึ่งก่อนเพิ่มไฟล์ใหม่",
    },
    "evidence_files_limit_order": {
        "en": "The working-group order of unit {unit_code} for {year_be} already has {files} "
        "evidence files, the most it may have ({max_files}); delete one before adding another.",
        "th": "คำสั่งแต่งตั้งคณะทำงานของหน่วยงาน {unit_code} ปี {year_be} มีไฟล์แล้ว {files} ไฟล์ "
        "ซึ่งเป็นจำนวนสูงสุด ({max_files}) กรุณาลบไฟล์หนึ่งก่อนเพิ่มไฟล์ใหม่",
    },
    "evidence_total_report": {
        "en": "The {months}-month report of unit {unit_code} holds {bytes} bytes of evidence; "
        "one more file would pass the limit of {max_total_bytes} bytes ({max_mib} MiB) for it.",
        "th": "รายงานรอบ {months} เดือนของหน่วยงาน {unit_code} มีหลักฐานรวม {bytes} ไบต์ "
        "ไฟล์เพิ่มอีกหนึ่งไฟล์จะเกินขีดจำกัด {max_total_bytes} ไบต์ ({max_mib} MiB)",
    },
    "evidence_total_order": {
        "en": "The working-group order of unit {unit_code} for {year_be} holds {bytes} bytes; "
        "one more file would pass the limit of {max_total_bytes} bytes ({max_mib} MiB) for it.",
        "th": "คำสั่งแต่งตั้งคณะทำงานของหน่วยงาน {unit_code} ปี {year_be} มีไฟล์รวม {bytes} ไบต์ "
        "ไฟล์เพิ่มอีกหนึ่งไฟล์จะเกินขีดจำกัด {max_total_bytes} ไบต์ ({max_mib} MiB)",
    },
    # --- imports (CSV and JSON) -------------------------------------------------------------------
    "csv_unreadable_row": {
        "en": "CSV row {row} cannot be read: a field is longer than {limit} characters, or a "
        "quote opened there is never closed; nothing was written.",
        "th": "อ่าน CSV แถวที่ {row} ไม่ได้: มีช่องที่ยาวเกิน {limit} ตัวอักษร หรือเครื่องหมาย"
        "คำพูดที่เปิดไว้ไม่ได้ปิด จึงไม่ได้บันทึกข้อมูลใด",
    },
    "csv_unreadable_line": {
        "en": "CSV line {line} cannot be read: a field is longer than {limit} characters, or a "
        "quote opened there is never closed; nothing was written.",
        "th": "อ่าน CSV บรรทัดที่ {line} ไม่ได้: มีช่องที่ยาวเกิน {limit} ตัวอักษร หรือเครื่องหมาย"
        "คำพูดที่เปิดไว้ไม่ได้ปิด จึงไม่ได้บันทึกข้อมูลใด",
    },
    "csv_not_utf8": {
        "en": "Line {line} is not UTF-8: save the sheet as “CSV UTF-8”.",
        "th": "บรรทัดที่ {line} ไม่ใช่ UTF-8 กรุณาบันทึกแผ่นงานเป็น “CSV UTF-8”",
    },
    "csv_line_too_many_fields": {
        "en": "CSV line {line} has more fields than the header.",
        "th": "CSV บรรทัดที่ {line} มีจำนวนช่องมากกว่าแถวหัวตาราง",
    },
    "batch_empty": {
        "en": "The batch has no rows.",
        "th": "ชุดข้อมูลไม่มีแถวใดเลย",
    },
    "batch_too_many_rows": {
        "en": "At most {max_rows} rows per import.",
        "th": "นำเข้าได้ไม่เกิน {max_rows} แถวต่อครั้ง",
    },
    "central_values_not_list": {
        "en": "The body must be a JSON list of indicator values, each with its unit_code.",
        "th": "เนื้อหาต้องเป็นรายการ JSON ของค่าตัวชี้วัด แต่ละรายการมี unit_code",
    },
    "central_values_media": {
        "en": "Send application/json (a list) or text/csv.",
        "th": "กรุณาส่งเป็น application/json (รายการ) หรือ text/csv",
    },
    "unit_header_invalid": {
        "en": "The header must name {required} and may name province.",
        "th": "แถวหัวตารางต้องมี {required} และอาจมี province",
    },
    "unit_file_empty": {
        "en": "The file is empty: it needs a header row and one row per unit.",
        "th": "ไฟล์ว่างเปล่า: ต้องมีแถวหัวตารางและหนึ่งแถวต่อหนึ่งหน่วยงาน",
    },
    "unit_row_invalid": {
        "en": "1 row is not valid; nothing was written.",
        "th": "มี 1 แถวที่ไม่ถูกต้อง จึงไม่ได้บันทึกข้อมูลใด",
    },
    "unit_rows_invalid": {
        "en": "{bad} rows are not valid; nothing was written.",
        "th": "มี {bad} แถวที่ไม่ถูกต้อง จึงไม่ได้บันทึกข้อมูลใด",
    },
    "unit_file_no_units": {
        "en": "The file names no units: one row per unit under the header.",
        "th": "ไฟล์ไม่มีหน่วยงานใดเลย: ใส่หนึ่งแถวต่อหนึ่งหน่วยงานใต้แถวหัวตาราง",
    },
    # --- paging ----------------------------------------------------------------------------------
    "cursor_invalid": {
        "en": "The cursor is not valid; start again without one.",
        "th": "cursor ไม่ถูกต้อง กรุณาเริ่มใหม่โดยไม่ส่ง cursor",
    },
    "cursor_other_sort": {
        "en": "The cursor is not one of this sort; start again without one.",
        "th": "cursor นี้ไม่ใช่ของการเรียงลำดับนี้ กรุณาเริ่มใหม่โดยไม่ส่ง cursor",
    },
    "cursor_other_list": {
        "en": "The cursor is not one of this list; start again without one.",
        "th": "cursor นี้ไม่ใช่ของรายการนี้ กรุณาเริ่มใหม่โดยไม่ส่ง cursor",
    },
    # --- the server's own state -----------------------------------------------------------------
    "database_unavailable": {
        "en": "The database does not answer; try again shortly.",
        "th": "ฐานข้อมูลไม่ตอบสนอง กรุณาลองใหม่อีกครั้งในอีกสักครู่",
    },
    "document_font_missing": {
        "en": "PDF documents cannot be made on this server: its Thai font (TLWG Laksaman) is not "
        "installed; the operator runs scripts/setup-env or sets SQS_DOCUMENT_FONT_DIR.",
        "th": "เซิร์ฟเวอร์นี้สร้างเอกสาร PDF ไม่ได้ เพราะไม่ได้ติดตั้งแบบอักษรไทย (TLWG Laksaman) "
        "ผู้ดูแลระบบต้องรัน scripts/setup-env หรือตั้งค่า SQS_DOCUMENT_FONT_DIR",
    },
    "idempotency_failed_meanwhile": {
        "en": "A concurrent request with this Idempotency-Key failed; retry.",
        "th": "คำขออื่นที่ใช้ Idempotency-Key นี้พร้อมกันล้มเหลว กรุณาลองใหม่",
    },
}
