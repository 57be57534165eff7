"""Every template in both languages: all placeholders filled, values escaped in the HTML,
Buddhist-era dates and Bangkok times."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from string import Template

import pytest

from services import notice_templates as words
from services.notices import KINDS

VALUES = {
    "round_name": "R",
    "at": "A",
    "unit_code": "BKK01",
    "unit_name": "<b>หน่วย & co</b>",
    "report_link": "https://x.example/r?a=1&b=2",
    "on_time": "ตรงเวลา",
    "deadline": "D",
    "when": "W",
    "state": "S",
    "missing": "2",
    "reported": "1",
    "participating": "3",
    "on_time_rate": "50.00",
    "monitoring_link": "https://x.example/m",
    "summary_link": "https://x.example/s",
    "scores_link": "https://x.example/c",
}
ITEM_OF = {
    "report_returned": ("comment", {"label": "L", "comment": "<script>x</script>"}),
    "deadline_passed": ("unit", {"code": "CMI", "name": "เชียงใหม่"}),
    "round_closed": ("level", {"level": "Standard", "count": "2"}),
}


def test_every_kind_has_both_languages_and_every_part():
    assert set(words.TEMPLATES) == set(KINDS)
    for kind in KINDS:
        assert set(words.TEMPLATES[kind]) == {"th", "en"}
        for language in ("th", "en"):
            assert set(words.TEMPLATES[kind][language]) == {"subject", "text", "html"}


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_render_fills_everything_and_escapes_the_html(kind, language):
    item_kind, item = ITEM_OF.get(kind, (None, None))
    out = words.render(
        kind,
        language,
        VALUES,
        item_kind=item_kind,
        items=[item] if item else None,
        public_url="https://sqs.example.go.th",
    )
    for part in (out.subject, out.text, out.html):
        assert not re.search(r"\$[a-z_]", part), part
    assert "<script>" not in out.html and "<b>หน่วย" not in out.html
    if kind == "report_returned":
        assert "&lt;script&gt;x&lt;/script&gt;" in out.html and "<script>x</script>" in out.text
    assert f'lang="{language}"' in out.html
    assert "https://sqs.example.go.th/api/v1/me/notifications" in out.text
    used = {name for part in words.TEMPLATES[kind][language].values() for name in _names(part)}
    assert used - {"items"} <= set(VALUES)


def _names(template: str) -> set[str]:
    return {m.group("named") or m.group("braced") for m in Template.pattern.finditer(template)} - {
        None
    }


def test_dates_are_buddhist_era_and_times_bangkok():
    assert words.be_date(date(2015, 4, 10), "th") == "10 เมษายน พ.ศ. 2558"
    assert words.be_date(date(2015, 4, 10), "en") == "10 April B.E. 2558"
    moment = datetime(2015, 4, 9, 17, 30, tzinfo=UTC)  # 00:30 on the 10th in Bangkok
    assert words.be_time(moment, "th") == "10 เมษายน พ.ศ. 2558 เวลา 00:30 น."
    assert words.be_time(moment, "en") == "10 April B.E. 2558 at 00:30 (Bangkok time)"
