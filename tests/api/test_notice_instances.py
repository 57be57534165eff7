"""Two instances of the service send each notice once: their workers run side by side on one
database (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: the write lock), each with its own
engine, as two processes would."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlmodel import Session, select

from persistence.db import make_engine
from persistence.tables import NoticeRow, OutboxEventRow, UserRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import events
from services.notice_delivery import run_pass
from tests.api.test_notices import CONFIG, bangkok, smtp_config
from tests.conftest import cached_hash
from tests.mail import SmtpServer

OFFICERS = 15


def settled(engine) -> bool:
    """Nothing left for any instance: every event noticed, no notice pending."""
    with Session(engine) as s:
        unnoticed = s.exec(select(OutboxEventRow).where(OutboxEventRow.noticed_at == None))  # noqa: E711
        pending = s.exec(select(NoticeRow).where(NoticeRow.status == "pending"))
        return unnoticed.first() is None and pending.first() is None


def test_two_instances_send_each_notice_once(engine, world):
    with UnitOfWork(engine, write=True) as uow:
        unit = uow.repos.reference.unit_by_code("BKK01")
        for i in range(OFFICERS):
            uow.repos.identity.add(
                UserRow(
                    username=f"officer{i}",
                    password_hash=cached_hash("correct horse battery staple"),
                    role="unit_officer",
                    unit_id=unit.id,
                    email=f"officer{i}@ex.org",
                    email_key=f"officer{i}@ex.org",
                    language="en" if i % 2 else "th",
                )
            )
        for _ in range(3):
            events.emit(uow, "report.approved", {"round_id": world.r6, "unit_code": "BKK01"})
            events.emit(uow, "report.reopened", {"round_id": world.r6, "unit_code": "BKK01"})
    server = SmtpServer(delay=0.002).start()
    mail = smtp_config(server)
    now = bangkok(2015, 4, 9)  # the day before the 6-month deadline: a reminder too
    engines = [engine, make_engine(str(engine.url.render_as_string(hide_password=False)))]
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    reports = []
    per_instance: Counter = Counter()

    def instance(eng):
        try:
            start.wait()
            idle = 0
            while idle < 3:
                report = run_pass(eng, now=now, smtp=mail, config=CONFIG, batch_size=7)
                per_instance[id(eng)] += report.sent
                reports.append(report)
                if report.attempted or report.written:
                    idle = 0
                elif settled(eng):
                    idle += 1
                else:
                    time.sleep(0.01)  # the other instance holds the rest: come back
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=instance, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        server.stop()
        engines[1].dispose()
    assert not errors, errors
    expected = OFFICERS * (6 + 1)  # six report events and one reminder, to every officer
    ids = Counter(str(r.message["Message-ID"]) for r in server.inbox.received)
    assert len(ids) == expected and set(ids.values()) == {1}
    per_person = Counter(a for r in server.inbox.received for a in r.to)
    assert set(per_person.values()) == {7}
    assert sum(r.sent for r in reports) == expected
    assert len(per_instance) == 2 and all(per_instance.values()), per_instance  # both sent
    assert sum(r.written for r in reports) == expected
    with Session(engine) as s:
        rows = s.exec(select(NoticeRow)).all()
    assert len(rows) == expected and {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert all(r.sent_at is not None and r.sent_at <= utcnow() for r in rows)
