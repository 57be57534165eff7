"""Mailing the notices: one worker pass writes what is due and sends what is pending, by SMTP.

Why the standard library's ``smtplib`` (and not aiosmtplib): the pass is synchronous work in a
worker thread, like the webhook worker's (short units of work between network calls), and
``sqs send-notices`` runs it with no event loop at all. ``smtplib`` speaks STARTTLS with the
system's certificate checks and AUTH, takes a timeout per socket operation, is maintained with
Python itself and adds no dependency; an asyncio client would need a loop of its own inside the
thread for no gain.

Once per event and recipient, nothing lost:

- the notices are written from the outbox in one transaction with the event's "noticed" mark
  (``services.notices``), and ``(event_key, user_id)`` is unique;
- a pass claims due notices (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on
  SQLite) and moves their next attempt a lease into the future before committing, so no other
  worker takes them while this one talks to the mail server — with no transaction open;
- each result is recorded in its own short transaction: ``sent``, or the next attempt on the
  back-off schedule (the server is down or answered 4xx), or ``failed`` (a 5xx refusal of the
  recipient or the message, or the last attempt).

If the process dies between the server accepting a message and the result being recorded, the
lease runs out and the notice is sent again: a duplicate in that window of milliseconds is the
price of never losing one. The ``Message-ID`` is the notice's own, so mail clients can tell.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy.engine import Engine

from domain.calendar import BANGKOK
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import notices
from services.notices import NoticeConfig
from services.webhooks import BACKOFF

log = logging.getLogger("sqs.notices")

MAX_ATTEMPTS = len(BACKOFF) + 1
SMTP_TIMEOUT = 10.0
LEASE = timedelta(minutes=5)
"""How long claimed notices stay invisible to other workers. A pass stops sending (and hands
the rest back) after half of it, so a live worker always records its results first."""
BATCH_SIZE = 50


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
class NoticeReport:
    """What one pass did (for the log, the CLI, the metrics and the tests)."""

    scheduled: int = 0
    """Calendar events written (reminders, deadline passed)."""
    fanned_out: int = 0
    written: int = 0
    attempted: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    notice_id: int
    address: str
    language: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    error: str | None = None
    permanent: bool = False


def message_of(claim: _Claim, smtp: SmtpConfig, now: datetime) -> EmailMessage:
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


def _failure(exc: Exception) -> _Outcome:
    """Permanent only when the server refused this recipient or this message (5xx); anything
    else (down, 4xx, a dropped connection, our own configuration) is tried again later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{c} {m.decode('utf-8', 'replace')}" for c, m in exc.recipients.values())
        return _Outcome(False, f"recipient refused: {text}"[:500], all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPDataError):
        message = exc.smtp_error.decode("utf-8", "replace")
        return _Outcome(False, f"{exc.smtp_code} {message}"[:500], exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode("utf-8", "replace")
        return _Outcome(False, f"{exc.smtp_code} {message}"[:500])
    return _Outcome(False, f"{type(exc).__name__}: {exc}"[:500])


def _claim(engine: Engine, now: datetime, batch_size: int) -> list[_Claim]:
    with UnitOfWork(engine, write=True) as uow:
        rows = uow.repos.notices.claim_due(now, batch_size)
        claims = []
        for row in rows:
            row.next_attempt_at = now + LEASE
            uow.repos.notices.add(row)
            assert row.id is not None
            if not row.address:
                row.status = "no_address"
                continue
            claims.append(
                _Claim(row.id, row.address, row.language, row.subject, row.body_text, row.body_html)
            )
        return claims


def _record(
    engine: Engine, notice_id: int, outcome: _Outcome, now: datetime, report: NoticeReport
) -> None:
    with UnitOfWork(engine, write=True) as uow:
        row = uow.repos.notices.notice_for_update(notice_id)
        if row is None or row.status != "pending":
            return
        row.attempts += 1
        row.last_attempt_at = now
        row.last_error = outcome.error
        if outcome.ok:
            row.status, row.sent_at = "sent", now
            report.sent += 1
        elif outcome.permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            report.failed += 1
        else:
            row.next_attempt_at = now + BACKOFF[row.attempts - 1]
            report.retrying += 1
        uow.repos.notices.add(row)


def _release(engine: Engine, notice_ids: Sequence[int], now: datetime) -> None:
    """Hand claimed-but-unsent notices back, due again at ``now``."""
    with UnitOfWork(engine, write=True) as uow:
        for notice_id in notice_ids:
            row = uow.repos.notices.notice_for_update(notice_id)
            if row is not None and row.status == "pending":
                row.next_attempt_at = now
                uow.repos.notices.add(row)


def _send_batch(
    engine: Engine,
    claims: list[_Claim],
    smtp: SmtpConfig,
    now: datetime,
    report: NoticeReport,
    stop: Callable[[], bool],
) -> None:
    """Send claims over one session; a dropped session is reopened for the next claim."""
    server: smtplib.SMTP | None = None
    try:
        for i, claim in enumerate(claims):
            if stop():
                _release(engine, [c.notice_id for c in claims[i:]], now)
                return
            try:
                if server is None:
                    server = connect(smtp)
                server.send_message(message_of(claim, smtp, now), smtp.sender, [claim.address])
                outcome = _Outcome(True)
            except (OSError, smtplib.SMTPException) as exc:
                outcome = _failure(exc)
                if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                    if server is not None:
                        server.close()
                    server = None
            report.attempted += 1
            if not outcome.ok:
                report.errors.append(f"notice {claim.notice_id}: {outcome.error}")
            _record(engine, claim.notice_id, outcome, now, report)
    finally:
        if server is not None:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                server.close()


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

    while True:
        claims = _claim(engine, now, batch_size)
        if claims:
            _send_batch(engine, claims, smtp, now, report, out_of_time)
        if len(claims) < batch_size or out_of_time():
            return report


class NoticeWorker:
    """The in-process worker: every ``interval`` seconds, :func:`run_pass` in a thread.

    Several instances may each run one: claims skip each other's rows. ``on_report`` hears
    about every pass (the API counts the notices for its metrics with it). ``clock`` is the
    app's (tests stand it at a deadline).
    """

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
        self.engine = engine
        self.smtp = smtp
        self.config = config
        self.interval = interval
        self.clock = clock
        self.on_report = on_report
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notice-worker")

    async def stop(self) -> None:
        """End the loop; the pass in progress finishes the message it is sending and hands
        the rest of its claims back."""
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
                return
            except TimeoutError:
                pass
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # a bad pass must not end the loop
                log.exception("notice pass failed")

    def tick(self) -> NoticeReport:
        report = run_pass(
            self.engine,
            now=self.clock(),
            smtp=self.smtp,
            config=self.config,
            stop=self._stop.is_set,
        )
        if report.attempted or report.written or report.scheduled:
            # counts only: never an address or a body in the log
            log.info(
                "notices: %d scheduled, %d written, %d sent, %d retrying, %d failed",
                report.scheduled,
                report.written,
                report.sent,
                report.retrying,
                report.failed,
            )
        if self.on_report is not None:
            self.on_report(report)
        return report
