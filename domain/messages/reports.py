"""Sentences of refusals about a unit's report and its evidence files: who may change them
when, and how much evidence a place may hold (English and Thai; see domain/messages/__init__.py).

A place is named by what the person knows it as (the 6-month report of unit BKK01; the
working-group order of unit BKK01 for 2558), so each refusal has one code per kind of place
rather than a place phrase passed in as a parameter, which could only be in one language.
"""

STATE_WORDS: dict[str, tuple[str, str]] = {
    "draft": ("a draft", "ฉบับร่าง"),
    "submitted": ("submitted", "ส่งแล้ว รอตรวจ"),
    "returned": ("returned", "ส่งกลับให้แก้ไข"),
    "approved": ("approved", "อนุมัติแล้ว"),
}
"""How a report's state reads in a sentence, in English and Thai."""

REPORTS: dict[str, dict[str, str]] = {
    # --- evidence: how much one place may hold ----------------------------------------------
    "report_evidence_files_limit": {
        "en": "The {months}-month report of unit {unit_code} already has {files} evidence "
        "files, the most it may have ({max_files}); delete one before adding another.",
        "th": "รายงานรอบ {months} เดือนของหน่วยงาน {unit_code} มีไฟล์หลักฐานแล้ว {files} ไฟล์ "
        "ซึ่งเป็นจำนวนสูงสุดที่มีได้ ({max_files}) กรุณาลบไฟล์หนึ่งก่อนเพิ่มไฟล์ใหม่",
    },
    "order_evidence_files_limit": {
        "en": "The working-group order of unit {unit_code} for {year_be} already has {files} "
        "files, the most it may have ({max_files}); delete one before adding another.",
        "th": "คำสั่งแต่งตั้งคณะทำงานของหน่วยงาน {unit_code} ปีงบประมาณ {year_be} มีไฟล์แล้ว "
        "{files} ไฟล์ ซึ่งเป็นจำนวนสูงสุดที่มีได้ ({max_files}) กรุณาลบไฟล์หนึ่งก่อนเพิ่มไฟล์ใหม่",
    },
    "report_evidence_bytes_limit": {
        "en": "The {months}-month report of unit {unit_code} holds {bytes} bytes of evidence; "
        "one more file would pass its limit of {max_total_bytes} bytes ({max_mib} MiB).",
        "th": "รายงานรอบ {months} เดือนของหน่วยงาน {unit_code} มีไฟล์หลักฐานรวม {bytes} ไบต์ "
        "หากเพิ่มอีกหนึ่งไฟล์จะเกินขนาดรวมสูงสุด {max_total_bytes} ไบต์ ({max_mib} MiB)",
    },
    "order_evidence_bytes_limit": {
        "en": "The working-group order of unit {unit_code} for {year_be} holds {bytes} bytes; "
        "one more file would pass its limit of {max_total_bytes} bytes ({max_mib} MiB).",
        "th": "คำสั่งแต่งตั้งคณะทำงานของหน่วยงาน {unit_code} ปีงบประมาณ {year_be} มีไฟล์รวม "
        "{bytes} ไบต์ หากเพิ่มอีกหนึ่งไฟล์จะเกินขนาดรวมสูงสุด {max_total_bytes} ไบต์ ({max_mib} MiB)",
    },
    # --- evidence: one file -----------------------------------------------------------------
    "evidence_too_large": {
        "en": "The file is larger than the limit of {max_bytes} bytes ({max_mib} MiB).",
        "th": "ไฟล์มีขนาดเกินกำหนด {max_bytes} ไบต์ ({max_mib} MiB)",
    },
    "evidence_empty": {
        "en": "The file is empty (0 bytes); an empty file cannot be evidence.",
        "th": "ไฟล์ว่างเปล่า (0 ไบต์) ใช้เป็นหลักฐานไม่ได้",
    },
    "evidence_title_too_long": {
        "en": "The title is longer than {max_length} characters.",
        "th": "ชื่อเรื่องยาวเกิน {max_length} ตัวอักษร",
    },
    "evidence_not_found": {
        "en": "There is no evidence with the id “{evidence_id}”.",
        "th": "ไม่มีไฟล์หลักฐานรหัส “{evidence_id}”",
    },
    "evidence_content_missing": {
        "en": "The stored content of this evidence is missing; please tell the system's "
        "administrator.",
        "th": "ไม่พบเนื้อหาที่จัดเก็บของไฟล์หลักฐานนี้ กรุณาแจ้งผู้ดูแลระบบ",
    },
    # --- when a report and its evidence may change ------------------------------------------
    "order_locked": {
        "en": "The {months}-month report of unit {unit_code} is {state}: its working-group "
        "order can change only while that report is a draft or returned.",
        "th": "รายงานรอบ {months} เดือนของหน่วยงาน {unit_code} อยู่ในสถานะ{state_th} "
        "จึงแก้ไขคำสั่งแต่งตั้งคณะทำงานได้เฉพาะเมื่อรายงานนั้นเป็นฉบับร่างหรือถูกส่งกลับให้แก้ไข",
    },
}
