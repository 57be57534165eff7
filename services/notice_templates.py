"""Every word a notice says, in Thai and English: the templates are data, kept here and only here.

A template is ``string.Template`` text (``$name`` placeholders). :func:`render` fills the plain
text with the values as they are and the HTML with the values escaped, so a unit name or an
inspector's comment can never inject markup. A list (comments, units, level counts) is written
item by item from its ``ITEMS`` template and dropped into the ``$items`` placeholder.

To change a wording, change it here; the tests render every kind in both languages.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from string import Template

from domain.calendar import BANGKOK

MONTHS = {
    "th": (
        "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
        "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

DATE = {"th": "$day $month พ.ศ. $year", "en": "$day $month B.E. $year"}
TIME = {"th": "$date เวลา $hm น.", "en": "$date at $hm (Bangkok time)"}
ROUND = {"th": "รอบ $months เดือน ปีงบประมาณ $year", "en": "the $months-month round of FY $year"}
LEVELS = {
    "th": {
        "best_practice": "Best Practice",
        "standard": "ผ่านเกณฑ์มาตรฐาน",
        "below_standard": "ต่ำกว่ามาตรฐาน",
        "incomplete": "ข้อมูลไม่ครบถ้วน",
    },
    "en": {
        "best_practice": "Best Practice",
        "standard": "Standard",
        "below_standard": "Below standard",
        "incomplete": "Incomplete",
    },
}
WHEN = {
    "th": {"today": "วันนี้เป็นวันครบกำหนดส่ง", "days": "อีก $days วันจะถึงกำหนดส่ง"},
    "en": {"today": "today is the deadline", "days": "the deadline is in $days days"},
}
NO_ITEMS = {"th": "(ไม่มี)", "en": "(none)"}
GENERAL_COMMENT = {"th": "ความเห็นทั่วไป", "en": "General"}
INDICATOR = {"th": "ตัวชี้วัดที่ $no", "en": "Indicator $no"}

ITEMS = {
    "comment": {"text": "- $label: $comment", "html": "<li><b>$label</b>: $comment</li>"},
    "unit": {"text": "- $code $name", "html": "<li>$code $name</li>"},
    "level": {"text": "- $level: $count", "html": "<li>$level: $count</li>"},
}

FOOTER = {
    "th": "ข้อความนี้ส่งโดยอัตโนมัติจากระบบมาตรฐานคุณภาพการให้บริการประชาชน "
    "ปิดการแจ้งเตือนประเภทนี้ได้ที่ PUT $public/api/v1/me/notifications",
    "en": "Sent automatically by the Service Quality Standard system. Turn this kind of notice "
    "off with PUT $public/api/v1/me/notifications",
}
HTML_PAGE = (
    '<!DOCTYPE html><html lang="$lang"><head><meta charset="utf-8"><title>$subject</title>'
    "</head><body>$body<hr><p><small>$footer</small></p></body></html>"
)

TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "deadline_reminder": {
        "th": {
            "subject": "[SQS] $when รายงาน$round_name ($unit_code)",
            "text": "เรียน เจ้าหน้าที่$unit_name\n\n$when รายงานผลการดำเนินงาน$round_name "
            "กำหนดส่งภายในวันที่ $deadline (เวลาประเทศไทย) ขณะนี้รายงานของหน่วยงานยังไม่ได้ส่ง "
            "(สถานะ: $state)\n\nเปิดรายงาน: $report_link",
            "html": "<p>เรียน เจ้าหน้าที่$unit_name</p><p><b>$when</b> รายงานผลการดำเนินงาน"
            "$round_name กำหนดส่งภายในวันที่ $deadline (เวลาประเทศไทย) ขณะนี้รายงานของหน่วยงานยังไม่ได้ส่ง "
            '(สถานะ: $state)</p><p><a href="$report_link">เปิดรายงาน</a></p>',
        },
        "en": {
            "subject": "[SQS] Reminder: $when for $round_name ($unit_code)",
            "text": "Dear officer of $unit_name,\n\nReminder: $when. The report for $round_name "
            "is due on $deadline (Bangkok time) and your unit has not submitted it yet "
            "(state: $state).\n\nOpen the report: $report_link",
            "html": "<p>Dear officer of $unit_name,</p><p>Reminder: <b>$when</b>. The report "
            "for $round_name is due on $deadline (Bangkok time) and your unit has not submitted "
            'it yet (state: $state).</p><p><a href="$report_link">Open the report</a></p>',
        },
    },
    "report_returned": {
        "th": {
            "subject": "[SQS] รายงาน$round_name ของ $unit_code ถูกส่งกลับให้แก้ไข",
            "text": "ผู้ตรวจสอบส่งรายงาน$round_name ของ$unit_name กลับให้แก้ไข "
            "เมื่อวันที่ $at\n\nความเห็นของผู้ตรวจสอบ:\n$items\n\nเปิดรายงาน: $report_link",
            "html": "<p>ผู้ตรวจสอบส่งรายงาน$round_name ของ$unit_name กลับให้แก้ไข เมื่อวันที่ $at</p>"
            '<p>ความเห็นของผู้ตรวจสอบ:</p><ul>$items</ul><p><a href="$report_link">เปิดรายงาน</a></p>',
        },
        "en": {
            "subject": "[SQS] The $unit_code report for $round_name was returned",
            "text": "The inspector returned the report of $unit_name for $round_name on $at "
            "for corrections.\n\nThe inspector's comments:\n$items\n\nOpen the report: "
            "$report_link",
            "html": "<p>The inspector returned the report of $unit_name for $round_name on $at "
            "for corrections.</p><p>The inspector's comments:</p><ul>$items</ul>"
            '<p><a href="$report_link">Open the report</a></p>',
        },
    },
    "report_approved": {
        "th": {
            "subject": "[SQS] รายงาน$round_name ของ $unit_code ได้รับการอนุมัติ",
            "text": "ผู้ตรวจสอบอนุมัติรายงาน$round_name ของ$unit_name แล้ว เมื่อวันที่ $at\n\n"
            "เปิดรายงาน: $report_link",
            "html": "<p>ผู้ตรวจสอบอนุมัติรายงาน$round_name ของ$unit_name แล้ว เมื่อวันที่ $at</p>"
            '<p><a href="$report_link">เปิดรายงาน</a></p>',
        },
        "en": {
            "subject": "[SQS] The $unit_code report for $round_name was approved",
            "text": "The inspector approved the report of $unit_name for $round_name on $at.\n\n"
            "Open the report: $report_link",
            "html": "<p>The inspector approved the report of $unit_name for $round_name on "
            '$at.</p><p><a href="$report_link">Open the report</a></p>',
        },
    },
    "report_reopened": {
        "th": {
            "subject": "[SQS] รายงาน$round_name ของ $unit_code เปิดให้แก้ไขอีกครั้ง",
            "text": "ผู้ดูแลระบบเปิดรายงาน$round_name ของ$unit_name ให้แก้ไขอีกครั้ง เมื่อวันที่ $at "
            "รายงานกลับเป็นฉบับร่าง แก้ไขแล้วส่งใหม่ได้\n\nเปิดรายงาน: $report_link",
            "html": "<p>ผู้ดูแลระบบเปิดรายงาน$round_name ของ$unit_name ให้แก้ไขอีกครั้ง เมื่อวันที่ $at "
            'รายงานกลับเป็นฉบับร่าง แก้ไขแล้วส่งใหม่ได้</p><p><a href="$report_link">เปิดรายงาน</a></p>',
        },
        "en": {
            "subject": "[SQS] The $unit_code report for $round_name was reopened",
            "text": "An administrator reopened the report of $unit_name for $round_name on $at. "
            "It is a draft again: correct it and submit it again.\n\nOpen the report: "
            "$report_link",
            "html": "<p>An administrator reopened the report of $unit_name for $round_name on "
            "$at. It is a draft again: correct it and submit it again.</p>"
            '<p><a href="$report_link">Open the report</a></p>',
        },
    },
    "report_submitted": {
        "th": {
            "subject": "[SQS] $unit_code ส่งรายงาน$round_name แล้ว รอการตรวจสอบ",
            "text": "$unit_name ส่งรายงาน$round_name เมื่อวันที่ $at ($on_time) "
            "รายงานรอการตรวจสอบของท่าน\n\nเปิดรายงาน: $report_link",
            "html": "<p>$unit_name ส่งรายงาน$round_name เมื่อวันที่ $at ($on_time) "
            'รายงานรอการตรวจสอบของท่าน</p><p><a href="$report_link">เปิดรายงาน</a></p>',
        },
        "en": {
            "subject": "[SQS] $unit_code submitted its report for $round_name",
            "text": "$unit_name submitted its report for $round_name on $at ($on_time). It "
            "waits for your review.\n\nOpen the report: $report_link",
            "html": "<p>$unit_name submitted its report for $round_name on $at ($on_time). It "
            'waits for your review.</p><p><a href="$report_link">Open the report</a></p>',
        },
    },
    "deadline_passed": {
        "th": {
            "subject": "[SQS] พ้นกำหนดส่งรายงาน$round_name: ยังไม่ส่ง $missing หน่วยงาน",
            "text": "กำหนดส่งรายงาน$round_name ($deadline) ผ่านไปแล้ว\n"
            "ส่งรายงานแล้ว $reported จาก $participating หน่วยงาน ส่งตรงเวลาร้อยละ $on_time_rate\n\n"
            "หน่วยงานที่ยังไม่ส่ง ($missing):\n$items\n\nติดตามรอบ: $monitoring_link",
            "html": "<p>กำหนดส่งรายงาน$round_name ($deadline) ผ่านไปแล้ว</p>"
            "<p>ส่งรายงานแล้ว $reported จาก $participating หน่วยงาน ส่งตรงเวลาร้อยละ $on_time_rate</p>"
            "<p>หน่วยงานที่ยังไม่ส่ง ($missing):</p><ul>$items</ul>"
            '<p><a href="$monitoring_link">ติดตามรอบ</a></p>',
        },
        "en": {
            "subject": "[SQS] Deadline passed for $round_name: $missing units have not submitted",
            "text": "The deadline of $round_name ($deadline) has passed.\n$reported of "
            "$participating units submitted; on-time rate $on_time_rate%.\n\nUnits that have "
            "not submitted ($missing):\n$items\n\nFollow the round: $monitoring_link",
            "html": "<p>The deadline of $round_name ($deadline) has passed.</p><p>$reported of "
            "$participating units submitted; on-time rate $on_time_rate%.</p><p>Units that have "
            "not submitted ($missing):</p><ul>$items</ul>"
            '<p><a href="$monitoring_link">Follow the round</a></p>',
        },
    },
    "round_closed": {
        "th": {
            "subject": "[SQS] ปิด$round_name แล้ว",
            "text": "ผู้ดูแลระบบปิด$round_name แล้ว เมื่อวันที่ $at\n\nจำนวนหน่วยงานตามระดับ:\n$items\n\n"
            "สรุปผล: $summary_link\nคะแนนทุกหน่วยงาน: $scores_link",
            "html": "<p>ผู้ดูแลระบบปิด$round_name แล้ว เมื่อวันที่ $at</p><p>จำนวนหน่วยงานตามระดับ:</p>"
            '<ul>$items</ul><p><a href="$summary_link">สรุปผล</a> · '
            '<a href="$scores_link">คะแนนทุกหน่วยงาน</a></p>',
        },
        "en": {
            "subject": "[SQS] $round_name is closed",
            "text": "An administrator closed $round_name on $at.\n\nUnits by level:\n$items\n\n"
            "Summary: $summary_link\nEvery unit's score: $scores_link",
            "html": "<p>An administrator closed $round_name on $at.</p><p>Units by level:</p>"
            '<ul>$items</ul><p><a href="$summary_link">Summary</a> · '
            '<a href="$scores_link">Every unit\'s score</a></p>',
        },
    },
}

STATES = {
    "th": {"draft": "ฉบับร่าง", "returned": "ส่งกลับให้แก้ไข", "none": "ยังไม่เริ่ม"},
    "en": {"draft": "draft", "returned": "returned for corrections", "none": "not started"},
}
ON_TIME = {"th": {True: "ตรงเวลา", False: "ล่าช้า"}, "en": {True: "on time", False: "late"}}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def be_date(d: date, language: str) -> str:
    """``10 เมษายน พ.ศ. 2558`` / ``10 April B.E. 2558``."""
    return Template(DATE[language]).substitute(
        day=d.day, month=MONTHS[language][d.month - 1], year=d.year + 543
    )


def be_time(moment: datetime, language: str) -> str:
    """A moment in Bangkok time with its Buddhist-Era date."""
    local = moment.astimezone(BANGKOK)
    return Template(TIME[language]).substitute(
        date=be_date(local.date(), language), hm=local.strftime("%H:%M")
    )


def round_name(months: int, year_be: int, language: str) -> str:
    return Template(ROUND[language]).substitute(months=months, year=year_be)


def indicator_label(no: int | None, language: str) -> str:
    if no is None:
        return GENERAL_COMMENT[language]
    return Template(INDICATOR[language]).substitute(no=no)


def phrase(table: dict[str, dict[str, str]], language: str, key: str, **values: object) -> str:
    return Template(table[language][key]).substitute(values)


def render(
    kind: str,
    language: str,
    values: dict[str, str],
    *,
    item_kind: str | None = None,
    items: list[dict[str, str]] | None = None,
    public_url: str,
) -> Rendered:
    """The subject, plain text and HTML of one notice (values are text; HTML gets them escaped)."""
    template = TEMPLATES[kind][language]
    text_items = html_items = NO_ITEMS[language]
    if item_kind is not None and items:
        item = ITEMS[item_kind]
        text_items = "\n".join(Template(item["text"]).substitute(i) for i in items)
        html_items = "".join(
            Template(item["html"]).substitute({k: html.escape(v) for k, v in i.items()})
            for i in items
        )
    subject = Template(template["subject"]).substitute(values)
    footer = Template(FOOTER[language]).substitute(public=public_url)
    text = Template(template["text"]).substitute(values, items=text_items)
    text = f"{text}\n\n--\n{footer}\n"
    escaped = {k: html.escape(v) for k, v in values.items()}
    body = Template(template["html"]).substitute(escaped, items=html_items)
    page = Template(HTML_PAGE).substitute(
        lang=language, subject=html.escape(subject), body=body, footer=html.escape(footer)
    )
    return Rendered(subject=" ".join(subject.split())[:300], text=text, html=page)
