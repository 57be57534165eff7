"""Sentences of refusals about a unit's report and its evidence files: one file, and when an
evidence file may change (English and Thai; see domain/messages/__init__.py). How much a place
may hold is worded in ``transfers.py`` (``evidence_files_limit_*``, ``evidence_total_*``).

A place is named by what the person knows it as (the 12-month report of unit BKK01), with one
code per kind of place rather than a place phrase passed in as a parameter, which could only
be in one language.
"""

STATE_WORDS: dict[str, tuple[str, str]] = {
    "draft": ("a draft", "ฉบับร่าง"),
    "submitted": ("submitted", "ส่งแล้ว รอตรวจ"),
    "returned": ("returned", "ส่งกลับให้แก้ไข"),
    "approved": ("approved", "อนุมัติแล้ว"),
}
"""How a report's state reads in a sentence, in English and Thai."""

REPORTS: dict[str, dict[str, str]] = {
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
