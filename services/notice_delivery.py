"""Mailing the notices: one worker pass writes what is due and sends what is pending, by SMTP.

Why the standard library's ``smtplib`` (and not aiosmtplib): the pass is synchronous work in a
worker thread, like the webhook worker's (short units of work between network calls), and
``sqs send-notices`` runs it with no event loop at all. ``smtplib`` speaks STARTTLS with the
system's certificate checks and AUTH, takes a timeout per socket operation, is maintained with
Python itself and adds no dependency; an asyncio client would need a loop of its own inside the
thread for no gain.

Once per event and recipient, nothing lost: the notices are written from the outbox in one
transaction with the event's "noticed" mark (``services.notices``), and ``(event_key,
user_id)`` is unique; a pass then claims due notices under a lease, mails each with no
transaction open and records each result in its own short transaction — ``sent``, or the next
attempt on the back-off schedule (the server is down or answered 4xx), or ``failed`` (a 5xx
refusal of the recipient or the message, or the last attempt). The lease, the records and the
back-off are the same as the webhooks' (``services.leased_queue``).

If the process dies between the server accepting a message and the result being recorded, the
lease runs out and the notice is sent again: a duplicate in that window of milliseconds is the
price of never losing one. The ``Message-ID`` is the notice's own, so mail clients can tell.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy.engine import Engine

from domain.calendar import BANGKOK
from persistence.repositories.notices import NoticesRepository
from persistence.tables import NoticeRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import notices
from services.leased_queue import BACKOFF, MAX_ATTEMPTS, Attempt, LeasedQueuePass, QueueReport
from services.notices import NoticeConfig
from services.periodic_worker import PeriodicWorker

__all__ = ["BACKOFF", "MAX_ATTEMPTS", "NoticeReport", "NoticeWorker", "SmtpConfig", "run_pass"]

SMTP_TIMEOUT = 10.0
LEASE = timedelta(minutes=5)
"""How long claimed notices stay invisible to other workers. A pass stops sending (and hands
the rest back) after half of it, so a live worker always records its results first."""
BATCH_SIZE = 50
STATUS_SENT = "sent"
NO_ADDRESS = "no_address"


@dataclass(frozen=True)
class SmtpConfig:
    host: str | None
    port: int = 25
    sender: str = "sqs@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = SMTP_TIMEOUT

    @property
    def enabled(self) -> bool:
        """No host: notices are recorded (and shown in the inboxes) but not mailed."""
        return bool(self.host)


@dataclass
class NoticeReport(QueueReport):
    """What one pass did (for the log, the CLI, the metrics and the tests)."""

    scheduled: int = 0
    """Calendar events written (reminders, deadline passed)."""
    written: int = 0
    sent: int = 0


@dataclass(frozen=True)
class Claim:
    """A leased notice and the message it carries, read while it was locked."""

    notice_id: int
    address: str
    language: str
    subject: str
    text: str
    html: str


def message_of(claim: Claim, smtp: SmtpConfig, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = claim.address
    msg["Subject"] = claim.subject
    msg["Date"] = format_datetime(now.astimezone(BANGKOK))
    domain = smtp.sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = f"<sqs-notice-{claim.notice_id}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    msg.set_content(claim.text)
    msg.add_alternative(claim.html, subtype="html")
    msg["Content-Language"] = claim.language  # after the content: set_content drops Content-*
    return msg


def connect(smtp: SmtpConfig) -> smtplib.SMTP:
    """An open, greeted (and, as configured, encrypted and signed-in) SMTP session."""
    assert smtp.host
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        server.ehlo()
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        if smtp.username:
            server.login(smtp.username, smtp.password or "")
    except BaseException:
        server.close()
        raise
    return server


def _failure(exc: Exception) -> Attempt:
    """Permanent only when the server refused this recipient or this message (5xx); anything
    else (down, 4xx, a dropped connection, our own configuration) is tried again later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{c} {m.decode('utf-8', 'replace')}" for c, m in exc.recipients.values())
        return Attempt(False, f"recipient refused: {text}"[:500], all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPDataError):
        message = exc.smtp_error.decode("utf-8", "replace")
        return Attempt(False, f"{exc.smtp_code} {message}"[:500], exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode("utf-8", "replace")
        return Attempt(False, f"{exc.smtp_code} {message}"[:500])
    return Attempt(False, f"{type(exc).__name__}: {exc}"[:500])


class MailPass(LeasedQueuePass[Claim]):
    """One pass over the due notices, over one SMTP session; a dropped session is opened
    again for the next notice."""

    lease = LEASE
    done = STATUS_SENT
    noun = "notice"

    def __init__(
        self, engine: Engine, report: NoticeReport, *, now: datetime, smtp: SmtpConfig, **kw: Any
    ) -> None:
        super().__init__(engine, report, now=now, **kw)
        self.report: NoticeReport = report
        self.smtp = smtp
        self.server: smtplib.SMTP | None = None

    def queue_of(self, uow: UnitOfWork) -> NoticesRepository:
        return uow.repos.notices

    def claims_of(self, uow: UnitOfWork, rows: Sequence[NoticeRow]) -> list[Claim]:
        claims = []
        for row in rows:
            assert row.id is not None
            if not row.address:
                row.status = NO_ADDRESS
                continue
            claims.append(
                Claim(row.id, row.address, row.language, row.subject, row.body_text, row.body_html)
            )
        return claims

    def row_id(self, claim: Claim) -> int:
        return claim.notice_id

    def send(self, claim: Claim) -> Attempt:
        try:
            if self.server is None:
                self.server = connect(self.smtp)
            message = message_of(claim, self.smtp, self.now)
            self.server.send_message(message, self.smtp.sender, [claim.address])
            return Attempt(True)
        except (OSError, smtplib.SMTPException) as exc:
            if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                self._drop_session()
            return _failure(exc)

    def _drop_session(self) -> None:
        if self.server is not None:
            self.server.close()
        self.server = None

    def recorded(self, uow: UnitOfWork, row: NoticeRow, attempt: Attempt) -> None:
        if attempt.ok:
            row.sent_at = self.now
            self.report.sent += 1

    def close(self) -> None:
        if self.server is not None:
            try:
                self.server.quit()
            except (OSError, smtplib.SMTPException):
                self.server.close()
            self.server = None


def run_pass(
    engine: Engine,
    *,
    now: datetime,
    smtp: SmtpConfig,
    config: NoticeConfig,
    batch_size: int = BATCH_SIZE,
    stop: Callable[[], bool] | None = None,
) -> NoticeReport:
    """Write the calendar's events due at ``now``, turn new events into notices, and mail the
    pending ones (unless no SMTP host is configured).

    An idle pass costs a few reads and no write transaction (on SQLite, no write lock).
    """
    report = NoticeReport()
    with UnitOfWork(engine) as uow:
        due = notices.due_calendar_events(uow, now, config.reminder_days)
        busy = uow.repos.notices.has_work(now)
    if due:
        with UnitOfWork(engine, write=True) as uow:
            report.scheduled = len(notices.schedule(uow, now, config.reminder_days))
        busy = True
    if not busy:
        return report
    while True:
        with UnitOfWork(engine, write=True) as uow:
            events, written = notices.fan_out(uow, config, now, batch_size)
        report.fanned_out += events
        report.written += written
        if events < batch_size:
            break
    if not smtp.enabled:
        return report
    started = time.monotonic()

    def out_of_time() -> bool:
        over = time.monotonic() - started > LEASE.total_seconds() / 2
        return over or (stop is not None and stop())

    MailPass(engine, report, now=now, smtp=smtp, batch_size=batch_size, stop=out_of_time).run()
    return report


class NoticeWorker(PeriodicWorker[NoticeReport]):
    """Mails the notices in the service; ``clock`` is the app's (tests stand it at a
    deadline). Stopping lets the pass finish the message it is sending and hand the rest of
    its claims back."""

    name = "notice-worker"
    log = logging.getLogger("sqs.notices")

    def __init__(
        self,
        engine: Engine,
        *,
        smtp: SmtpConfig,
        config: NoticeConfig,
        interval: float,
        clock: Callable[[], datetime] = utcnow,
        on_report: Callable[[NoticeReport], None] | None = None,
    ) -> None:
        super().__init__(interval=interval, on_report=on_report)
        self.engine = engine
        self.smtp = smtp
        self.config = config
        self.clock = clock

    def run_pass(self) -> NoticeReport:
        report = run_pass(
            self.engine,
            now=self.clock(),
            smtp=self.smtp,
            config=self.config,
            stop=self.stopping,
        )
        if report.attempted or report.written or report.scheduled:
            # counts only: never an address or a body in the log
            self.log.info(
                "notices: %d scheduled, %d written, %d sent, %d retrying, %d failed",
                report.scheduled,
                report.written,
                report.sent,
                report.retrying,
                report.failed,
            )
        return report
