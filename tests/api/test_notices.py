"""E-mail notices end to end, against a real SMTP server on 127.0.0.1 (aiosmtpd).

Reports move through the API; the notice worker's pass (``run_pass``) runs with an injected
``now``, so reminders and "deadline passed" happen on the days the test chooses.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from persistence.tables import NoticeRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services.notice_delivery import BACKOFF, SmtpConfig, run_pass
from services.notices import NoticeConfig
from tests.api.conftest import UNIT_VALUES
from tests.mail import SmtpServer

PUBLIC = "https://sqs.example.go.th"
CONFIG = NoticeConfig(public_url=PUBLIC)
THAI = re.compile("[\u0e00-\u0e7f]")
COMMENTS = [
    {"indicator_no": 3, "comment": "โปรดระบุแหล่งที่มาของข้อมูล <ความพึงพอใจ>"},
    {"indicator_no": 7, "comment": "แนบคำสั่งคณะทำงานฉบับลงนาม"},
]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def smtp_config(server: SmtpServer) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=server.port, sender="sqs@labour.go.th")


def bangkok(y: int, m: int, d: int, hour: int = 9) -> datetime:
    """``hour`` o'clock in Bangkok on that day, as an aware UTC moment."""
    return datetime(y, m, d, hour, tzinfo=UTC) - timedelta(hours=7)


class People:
    """Users with addresses: who should get what, and who should get nothing."""

    def __init__(self, engine, make_user):
        self.engine = engine
        spec = {
            "off_th": ("unit_officer", {"unit_code": "BKK01"}, "th"),
            "off_en": ("unit_officer", {"unit_code": "BKK01"}, "en"),
            "off_cmi": ("unit_officer", {"unit_code": "CMI"}, "th"),
            "insp": ("inspector", {"unit_codes": ["BKK01"]}, "en"),
            "insp_cmi": ("inspector", {"unit_codes": ["CMI"]}, "th"),
            "boss": ("admin", {}, "th"),
            "prov": ("central_provider", {"provider_code": "BLSD"}, "en"),
            "viewer": ("viewer", {}, "th"),
        }
        self.h = {}
        for name, (role, binding, language) in spec.items():
            self.h[name] = make_user(role, username=name.replace("_", "."), **binding)
            with UnitOfWork(engine, write=True) as uow:
                row = uow.repos.identity.user_by_username(name.replace("_", "."))
                row.email = row.email_key = self.address(name)
                row.language = language
                uow.repos.identity.add(row)
        self.language = {name: spec[name][2] for name in spec}

    @staticmethod
    def address(name: str) -> str:
        return f"{name.replace('_', '.')}@ex.org"


@pytest.fixture
def people(engine, make_user, world):
    return People(engine, make_user)


def fill(client, world, headers, unit="BKK01"):
    url = f"/api/v1/rounds/{world.r6}/units/{unit}/report"
    for no, value in UNIT_VALUES.items():
        r = client.put(f"{url}/indicators/{no}", headers=headers, json=value | {"narrative": "ok"})
        assert r.status_code == 200, r.text
    return url


def act(client, url, action, headers, **body):
    r = client.post(f"{url}/{action}", headers=headers, json=body or None)
    assert r.status_code == 200, r.text


def kinds_by_person(server: SmtpServer, people: People) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for name in people.h:
        got = Counter()
        for r in server.inbox.to(people.address(name)):
            got[_kind_of(r.subject)] += 1
        out[name] = got
    return out


KIND_MARKS = (
    ("deadline_reminder", ("Reminder", "จะถึงกำหนดส่ง", "ครบกำหนดส่ง")),
    ("report_returned", ("returned", "ส่งกลับ")),
    ("report_approved", ("approved", "อนุมัติ")),
    ("report_reopened", ("reopened", "เปิดให้แก้ไข")),
    ("report_submitted", ("submitted its report", "แล้ว รอการตรวจสอบ")),
    ("deadline_passed", ("Deadline passed", "พ้นกำหนดส่ง")),
    ("round_closed", ("is closed", "[SQS] ปิด")),
)


def _kind_of(subject: str) -> str:
    for kind, marks in KIND_MARKS:
        if any(m in subject for m in marks):
            return kind
    raise AssertionError(f"no kind recognised in {subject!r}")


def test_every_kind_arrives_once_in_the_right_language_to_the_right_people(
    client, world, engine, people, smtp
):
    mail = smtp_config(smtp)
    admin = people.h["boss"]
    # seven days before the 6-month deadline (10 April 2558): reminders to BKK01's and CMI's
    # officers (KKN has none); then nothing more that day, however often the worker runs
    assert run_pass(engine, now=bangkok(2015, 4, 3), smtp=mail, config=CONFIG).sent == 3
    assert run_pass(engine, now=bangkok(2015, 4, 3, 20), smtp=mail, config=CONFIG).sent == 0
    url = fill(client, world, people.h["off_th"])
    act(client, url, "submit", people.h["off_th"])
    run_pass(engine, now=utcnow(), smtp=mail, config=CONFIG)
    # the day after the deadline: the admins hear which units have not submitted (CMI, KKN)
    run_pass(engine, now=bangkok(2015, 4, 11), smtp=mail, config=CONFIG)
    act(client, url, "return", people.h["insp"], comments=COMMENTS)
    act(client, url, "submit", people.h["off_en"])
    act(client, url, "approve", people.h["insp"])
    act(client, url, "reopen", admin)
    r = client.put(f"/api/v1/rounds/{world.r6}/status", headers=admin, json={"status": "closed"})
    assert r.status_code == 200, r.text
    run_pass(engine, now=utcnow(), smtp=mail, config=CONFIG)
    again = run_pass(engine, now=utcnow() + timedelta(days=1), smtp=mail, config=CONFIG)
    assert (again.written, again.attempted) == (0, 0)

    got = kinds_by_person(smtp, people)
    officer = Counter(deadline_reminder=1, report_returned=1, report_approved=1, report_reopened=1)
    assert got["off_th"] == officer
    assert got["off_en"] == officer
    assert got["off_cmi"] == Counter(deadline_reminder=1)  # another unit: nothing else
    assert got["insp"] == Counter(report_submitted=2)
    assert got["insp_cmi"] == Counter()
    assert got["boss"] == Counter(deadline_passed=1, round_closed=1)
    assert got["prov"] == Counter(round_closed=1)
    assert got["viewer"] == Counter()
    assert len(smtp.inbox.received) == sum(sum(c.values()) for c in got.values())

    for name in people.h:
        for r in smtp.inbox.to(people.address(name)):
            assert r.to == (people.address(name),)  # one recipient per message
            assert r.message["From"] == "sqs@labour.go.th"
            assert r.message["Content-Language"] == people.language[name]
            assert r.message["Date"].endswith("+0700")  # Bangkok time
            text, html = r.part("plain"), r.part("html")
            if people.language[name] == "th":
                assert THAI.search(r.subject) and THAI.search(text) and 'lang="th"' in html
            else:
                assert not THAI.search(r.subject.replace("ปิด", "")), r.subject
                assert 'lang="en"' in html

    [returned_th] = [r for r in smtp.inbox.to(people.address("off_th")) if "ส่งกลับ" in r.subject]
    text, html = returned_th.part("plain"), returned_th.part("html")
    for c in COMMENTS:  # every comment, escaped in the HTML
        assert c["comment"] in text
    assert "&lt;ความพึงพอใจ&gt;" in html and "<ความพึงพอใจ>" not in html
    assert "ตัวชี้วัดที่ 3" in text and "ตัวชี้วัดที่ 7" in text
    assert f"{PUBLIC}/api/v1/rounds/{world.r6}/units/BKK01/report" in text

    [reminder_th] = [r for r in smtp.inbox.to(people.address("off_th")) if "อีก 7 วัน" in r.subject]
    assert "10 เมษายน พ.ศ. 2558" in reminder_th.part("plain")
    [reminder_en] = smtp.inbox.to(people.address("off_en"))[:1]
    assert "in 7 days" in reminder_en.subject and "10 April B.E. 2558" in reminder_en.part("plain")

    [passed] = [r for r in smtp.inbox.to(people.address("boss")) if "พ้นกำหนด" in r.subject]
    body = passed.part("plain")
    assert "CMI" in body and "KKN" in body and "BKK01" not in body
    assert "ส่งรายงานแล้ว 1 จาก 3 หน่วยงาน" in body and "ส่งตรงเวลาร้อยละ 0.00" in body

    [closed_en] = smtp.inbox.to(people.address("prov"))
    assert "Units by level" in closed_en.part("plain")
    assert f"{PUBLIC}/api/v1/rounds/{world.r6}/summary.pdf" in closed_en.part("plain")


def test_a_mail_server_down_then_up_gets_every_notice_once(client, world, engine, people):
    server = SmtpServer()  # not started: the port refuses connections
    mail = smtp_config(server)
    url = fill(client, world, people.h["off_th"])
    act(client, url, "submit", people.h["off_th"])
    act(client, url, "return", people.h["insp"], comments=COMMENTS)
    now = utcnow()
    down = run_pass(engine, now=now, smtp=mail, config=CONFIG)
    assert (down.written, down.sent, down.retrying) == (3, 0, 3)
    assert run_pass(engine, now=now + timedelta(seconds=5), smtp=mail, config=CONFIG).attempted == 0
    server.start()
    try:
        up = run_pass(engine, now=now + BACKOFF[0], smtp=mail, config=CONFIG)
        assert (up.sent, up.retrying) == (3, 0)
        later = run_pass(engine, now=now + timedelta(days=1), smtp=mail, config=CONFIG)
        assert later.attempted == 0
        to = Counter(a for r in server.inbox.received for a in r.to)
        assert to == Counter({"insp@ex.org": 1, "off.th@ex.org": 1, "off.en@ex.org": 1})
    finally:
        server.stop()
    with Session(engine) as s:
        rows = s.exec(select(NoticeRow)).all()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 2)}


def test_a_user_who_turned_a_kind_off_gets_none(client, world, engine, people, smtp):
    own = people.h["off_en"]
    settings = client.get("/api/v1/me/notifications", headers=own).json()
    assert all(settings.values()) and len(settings) == 7
    r = client.put(
        "/api/v1/me/notifications", headers=own, json=settings | {"report_returned": False}
    )
    assert r.status_code == 200 and r.json()["report_returned"] is False
    assert client.get("/api/v1/me/notifications", headers=own).json()["report_returned"] is False
    partial = client.put("/api/v1/me/notifications", headers=own, json={"report_returned": True})
    assert partial.status_code == 422  # a PUT names every kind
    url = fill(client, world, people.h["off_th"])
    act(client, url, "submit", people.h["off_th"])
    act(client, url, "return", people.h["insp"], comments=COMMENTS)
    act(client, url, "submit", people.h["off_th"])
    act(client, url, "approve", people.h["insp"])
    run_pass(engine, now=utcnow(), smtp=smtp_config(smtp), config=CONFIG)
    assert [_kind_of(m.subject) for m in smtp.inbox.to("off.en@ex.org")] == ["report_approved"]
    assert sorted(_kind_of(m.subject) for m in smtp.inbox.to("off.th@ex.org")) == [
        "report_approved",
        "report_returned",
    ]
    inbox = client.get("/api/v1/me/notices", headers=own).json()["items"]
    assert [n["kind"] for n in inbox] == ["report_approved"]


def test_inbox_admin_list_and_no_smtp_host(client, world, engine, people, make_user):
    r = client.get("/api/v1/ready")
    assert r.json() == {"status": "ok", "mail": "not_configured"}
    with UnitOfWork(engine, write=True) as uow:  # an officer without an address
        row = uow.repos.identity.user_by_username("off.en")
        row.email = row.email_key = None
        uow.repos.identity.add(row)
    url = fill(client, world, people.h["off_th"])
    act(client, url, "submit", people.h["off_th"])
    act(client, url, "return", people.h["insp"], comments=COMMENTS)
    report = run_pass(engine, now=utcnow(), smtp=SmtpConfig(host=None), config=CONFIG)
    assert (report.written, report.attempted) == (3, 0)  # recorded, not sent
    mine = client.get("/api/v1/me/notices", headers=people.h["off_th"]).json()["items"]
    assert [(n["kind"], n["status"], n["language"]) for n in mine] == [
        ("report_returned", "pending", "th")
    ]
    assert COMMENTS[0]["comment"] in mine[0]["body_text"]
    theirs = client.get("/api/v1/me/notices", headers=people.h["off_en"]).json()["items"]
    assert [(n["kind"], n["status"]) for n in theirs] == [("report_returned", "no_address")]
    assert client.get("/api/v1/notices", headers=people.h["off_th"]).status_code == 403
    every = client.get("/api/v1/notices", headers=people.h["boss"]).json()["items"]
    assert len(every) == 3 and {n["status"] for n in every} == {"pending", "no_address"}
    page = client.get("/api/v1/notices?page_size=2", headers=people.h["boss"]).json()
    rest = client.get(
        f"/api/v1/notices?cursor={page['next_cursor']}", headers=people.h["boss"]
    ).json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1
    portal_like = make_user("viewer")
    assert client.get("/api/v1/me/notices", headers=portal_like).json()["items"] == []


def test_failures_are_listed_for_admins(client, world, engine, people, smtp):
    with UnitOfWork(engine, write=True) as uow:
        row = uow.repos.identity.user_by_username("insp")
        row.email = row.email_key = "insp@refused.example"
        uow.repos.identity.add(row)

    async def refuse(server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.inbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    url = fill(client, world, people.h["off_th"])
    act(client, url, "submit", people.h["off_th"])
    report = run_pass(engine, now=utcnow(), smtp=smtp_config(smtp), config=CONFIG)
    assert (report.failed, report.retrying) == (1, 0)  # 5xx for the recipient: no retry
    failed = client.get("/api/v1/notices?status=failed", headers=people.h["boss"]).json()
    [item] = failed["items"]
    assert item["kind"] == "report_submitted" and "550" in item["last_error"]
    assert item["attempts"] == 1


def test_notice_settings_need_a_signed_in_user(client, world):
    assert client.get("/api/v1/me/notifications").status_code == 401


def test_the_in_process_worker_mails_and_counts_and_ready_says_smtp(
    settings, engine, world, make_user
):
    import time

    from fastapi.testclient import TestClient

    from api.main import create_app
    from tests.api.test_observability import sample, scrape

    server = SmtpServer().start()
    settings.notice_worker_enabled = True
    settings.notice_worker_interval_seconds = 0.05
    settings.smtp_host, settings.smtp_port = "127.0.0.1", server.port
    try:
        with TestClient(create_app(settings, engine=engine, migrate=False)) as c:
            assert c.get("/api/v1/ready").json() == {"status": "ok", "mail": "smtp"}
            people = People(engine, make_user)
            url = fill(c, world, people.h["off_th"])
            act(c, url, "submit", people.h["off_th"])
            deadline = time.monotonic() + 20
            sent = 0.0
            while time.monotonic() < deadline and not sent:
                time.sleep(0.05)
                sent = sample(scrape(c), "sqs_notices_total", outcome="sent")
            assert sent == 1 and len(server.inbox.received) == 1
            samples = scrape(c)
            assert sample(samples, "sqs_notices_total", outcome="failed") == 0
            assert ("sqs_notices_total", (("outcome", "retrying"),)) in samples
    finally:
        server.stop()


def test_the_worker_log_never_shows_addresses_or_bodies(engine, world, people, smtp, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        from services.notice_delivery import NoticeWorker

        with UnitOfWork(engine, write=True) as uow:
            from services import events

            events.emit(uow, "report.approved", {"round_id": world.r6, "unit_code": "BKK01"})
        worker = NoticeWorker(engine, smtp=smtp_config(smtp), config=CONFIG, interval=1)
        report = worker.tick()
    assert report.sent == 2
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("sqs"))
    assert "notices:" in logged and "2 sent" in logged
    assert "@ex.org" not in logged and "อนุมัติ" not in logged
