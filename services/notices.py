"""E-mail notices to people: which events become notices, for whom, in which words.

How a notice travels (the mail side is ``services.notice_delivery``):

1. A change writes its event to the outbox in its own transaction (``services.events``); a
   deadline's reminders and its "deadline passed" are written by :func:`schedule`, with an
   event id that names the round and the day (``reminder:12:7``), so the unique ``event_id``
   makes each happen once however many workers look at the calendar.
2. :func:`fan_out` claims the outbox events not noticed yet (``FOR UPDATE SKIP LOCKED``),
   finds the recipients, renders each one's notice in their language and writes it to the
   ``notice`` table, and marks the event noticed — one transaction, so a crash leaves either
   the event unnoticed (done again) or the notices written (never both or neither half).
   ``(event_key, user_id)`` is unique: nobody gets an event twice.
3. The delivery worker sends the pending notices and records each result.

Recipients are read when the event is fanned out (an officer who joins later does not get an
old event). A user who turned a kind off gets no notice of it (not even in the inbox); a user
without an address gets it in the inbox only (status ``no_address``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.calendar import bangkok_date
from persistence.tables import NoticeRow, OutboxEventRow, UserRow
from persistence.unit_of_work import UnitOfWork
from services import audit, events
from services import notice_templates as words
from services.access import require_role, require_write
from services.errors import Forbidden, NotFound
from services.principal import Principal
from services.reference import require_round
from services.rounds import monitoring
from services.scores import scoreboard

KINDS = (
    "deadline_reminder",
    "report_returned",
    "report_approved",
    "report_reopened",
    "report_submitted",
    "deadline_passed",
    "round_closed",
)
KIND_OF_EVENT = {
    "deadline.reminder": "deadline_reminder",
    "report.returned": "report_returned",
    "report.approved": "report_approved",
    "report.reopened": "report_reopened",
    "report.submitted": "report_submitted",
    "deadline.passed": "deadline_passed",
    "round.closed": "round_closed",
}
STATUSES = ("pending", "sent", "failed", "no_address")
DEFAULT_REMINDER_DAYS = (7, 1)
PASSED_GRACE = timedelta(days=7)
""""Deadline passed" is written on the first pass after the deadline day, up to a week late
(a worker that was off for a weekend still tells the admins); a deadline older than that is
history (an imported past year), not news."""
NOT_SUBMITTED = frozenset({"draft", "returned"})
"""A reminder goes to units whose report is not with the inspector or approved: never sent
(``draft``) or sent back for corrections (``returned``), which is late if resent after the
deadline."""
BATCH_SIZE = 50
SYSTEM = Principal(subject="system:notices", role="admin")
"""Who reads rounds and scores to write notices (the monitoring and scoreboard services ask)."""


@dataclass(frozen=True)
class NoticeConfig:
    """What the fan-out needs from the settings."""

    public_url: str
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    mail_enabled: bool = True


# --- preferences -------------------------------------------------------------------------------


def _own_user(uow: UnitOfWork, actor: Principal) -> UserRow:
    row = None if actor.user_id is None else uow.repos.identity.user(actor.user_id)
    if row is None:
        raise Forbidden(code="notices_need_a_person")
    return row


def _off(row: UserRow) -> set[str]:
    return {k for k in row.notices_off.split(",") if k}


def get_preferences(uow: UnitOfWork, actor: Principal) -> dict[str, bool]:
    """Each kind of notice and whether the caller gets it."""
    off = _off(_own_user(uow, actor))
    return {kind: kind not in off for kind in KINDS}


def set_preferences(uow: UnitOfWork, actor: Principal, wanted: dict[str, bool]) -> dict[str, bool]:
    """Turn kinds on and off (every kind named: the request replaces the settings)."""
    require_write(actor)
    row = _own_user(uow, actor)
    before = _off(row)
    off = {k for k in KINDS if not wanted[k]}
    row.notices_off = ",".join(k for k in KINDS if k in off)
    uow.repos.identity.add(row)
    if off != before:
        audit.record(
            uow,
            actor,
            "user.notices_change",
            "user",
            row.id,
            before={"off": sorted(before)},
            after={"off": sorted(off)},
        )
    return {kind: kind not in off for kind in KINDS}


# --- the calendar ------------------------------------------------------------------------------


def reminder_stage(deadline: date, today: date, days: Sequence[int]) -> int | None:
    """Which reminder is due on ``today`` (days before the deadline; 0 on the day), if any.

    The latest stage already reached: a worker that was off on the seven-days day and runs
    five days before sends the seven-day reminder (saying five days); one that first runs the
    day before sends only the one-day reminder, never a stale one besides.
    """
    left = (deadline - today).days
    if left < 0:
        return None
    due = [d for d in {*days, 0} if d >= left]
    return min(due) if due else None


def due_calendar_events(
    uow: UnitOfWork, now: datetime, days: Sequence[int]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The reminders and "deadline passed" events due at ``now`` and not written yet, by id.

    Dates are Bangkok calendar days. Each id names its round and day (``reminder:12:7``).
    """
    today = bangkok_date(now)
    wanted: dict[str, tuple[str, dict[str, Any]]] = {}
    for open_round in uow.repos.notices.open_rounds():
        rnd, fy = open_round.round, open_round.fiscal_year
        base: dict[str, Any] = {
            "round_id": rnd.id,
            "year_be": fy.year_be,
            "months": rnd.months,
            "deadline": rnd.deadline.isoformat(),
        }
        stage = reminder_stage(rnd.deadline, today, days)
        if stage is not None:
            left = (rnd.deadline - today).days
            data = base | {"days_before": stage, "days_left": left}
            wanted[f"reminder:{rnd.id}:{stage}"] = ("deadline.reminder", data)
        if rnd.deadline < today <= rnd.deadline + PASSED_GRACE:
            wanted[f"deadline_passed:{rnd.id}"] = ("deadline.passed", base)
    present = uow.repos.notices.present_event_ids(wanted)
    return {key: value for key, value in wanted.items() if key not in present}


def schedule(uow: UnitOfWork, now: datetime, days: Sequence[int]) -> list[str]:
    """Write the calendar's events due at ``now``; the ids written. The outbox's unique
    ``event_id`` turns a second writer's insert into a no-op."""
    written = []
    for key, (event_type, data) in sorted(due_calendar_events(uow, now, days).items()):
        if uow.insert_if_free(events.event_row(event_type, data, now=now, event_id=key)):
            written.append(key)
    return written


# --- fan-out -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    """One notice as ``render`` needs it: the values, and a list if the kind has one."""

    values: dict[str, str]
    item_kind: str | None = None
    items: tuple[dict[str, str], ...] = ()


def _link(config: NoticeConfig, path: str) -> str:
    return config.public_url.rstrip("/") + "/api/v1" + path


class _Writer:
    """Renders one event for each recipient and adds the notices to the unit of work."""

    def __init__(
        self, uow: UnitOfWork, config: NoticeConfig, event: OutboxEventRow, now: datetime
    ) -> None:
        self.uow = uow
        self.now = now
        self.config = config
        self.event = event
        self.kind = KIND_OF_EVENT[event.event_type]
        self.data: dict[str, Any] = json.loads(event.payload)["data"]
        self.at = event.created_at
        self.written = 0

    def send(self, users: Sequence[UserRow], message: Any) -> None:
        """``message(language) -> _Message``, asked once per language used."""
        cache: dict[str, _Message] = {}
        seen: set[int] = set()
        for user in users:
            if user.id is None or user.id in seen or self.kind in _off(user):
                continue
            seen.add(user.id)
            language = user.language if user.language in words.LEVELS else "th"
            if language not in cache:
                cache[language] = message(language)
            m = cache[language]
            out = words.render(
                self.kind,
                language,
                m.values,
                item_kind=m.item_kind,
                items=list(m.items),
                public_url=self.config.public_url,
            )
            row = NoticeRow(
                event_key=self.event.event_id,
                kind=self.kind,
                user_id=user.id,
                address=user.email,
                language=language,
                subject=out.subject,
                body_text=out.text,
                body_html=out.html,
                status="pending" if user.email else "no_address",
                next_attempt_at=self.now,
                created_at=self.now,
            )
            if self.uow.insert_if_free(row):  # another worker may have written it
                self.written += 1

    def round_values(self, language: str) -> dict[str, str]:
        d = self.data
        return {
            "round_name": words.round_name(d["months"], d["year_be"], language),
            "at": words.be_time(self.at, language),
        }


def _round_of(uow: UnitOfWork, round_id: int) -> tuple[int, int] | None:
    """(months, year) of a round; None if it was deleted since the event."""
    try:
        rnd, fy = require_round(uow, round_id)
    except NotFound:
        return None
    return rnd.months, fy.year_be


def _unit_event(w: _Writer) -> None:
    """report.submitted / returned / approved / reopened: one unit's report."""
    uow, d = w.uow, w.data
    unit = uow.repos.reference.unit_by_code(d["unit_code"])
    found = _round_of(uow, d["round_id"])
    if unit is None or unit.id is None or found is None:
        return
    d.setdefault("months", found[0])
    d.setdefault("year_be", found[1])
    if w.kind == "report_submitted":
        users = uow.repos.notices.inspectors_of_unit(unit.id)
    else:
        users = uow.repos.notices.officers_of_units([unit.id])
    link = _link(w.config, f"/rounds/{d['round_id']}/units/{unit.code}/report")

    def message(language: str) -> _Message:
        values = w.round_values(language) | {
            "unit_code": unit.code,
            "unit_name": unit.name_th if language == "th" else unit.name_en,
            "report_link": link,
        }
        if w.kind == "report_submitted":
            values["on_time"] = words.ON_TIME[language][bool(d.get("on_time"))]
        comments = []
        for c in d.get("comments", []):
            no = c.get("indicator_no")
            label = words.indicator_label(no, language)
            comments.append({"label": label, "comment": str(c.get("comment", ""))})
        return _Message(values, "comment", tuple(comments))

    w.send(users, message)


def _reminder(w: _Writer) -> None:
    uow, d = w.uow, w.data
    watch = monitoring(uow, SYSTEM, d["round_id"])
    if watch.status != "open":
        return
    deadline = date.fromisoformat(d["deadline"])
    late_units = [u for u in watch.units if u.state in NOT_SUBMITTED]
    units = uow.repos.reference.units_by_codes([u.unit_code for u in late_units])
    states = {u.unit_code: u.state for u in late_units}
    officers: dict[int, list[UserRow]] = {}
    ids = [u.id for u in units.values() if u.id is not None]
    for officer in uow.repos.notices.officers_of_units(ids):  # one statement for every unit
        officers.setdefault(officer.unit_id or 0, []).append(officer)
    left = int(d["days_left"])
    for code, unit in sorted(units.items()):
        assert unit.id is not None

        def message(
            language: str, unit: Any = unit, code: str = code, left: int = left
        ) -> _Message:
            key = "today" if left == 0 else "days"
            return _Message(
                w.round_values(language)
                | {
                    "unit_code": code,
                    "unit_name": unit.name_th if language == "th" else unit.name_en,
                    "deadline": words.be_date(deadline, language),
                    "when": words.phrase(words.WHEN, language, key, days=left),
                    "state": words.STATES[language].get(states[code], states[code]),
                    "report_link": _link(w.config, f"/rounds/{d['round_id']}/units/{code}/report"),
                }
            )

        w.send(officers.get(unit.id, []), message)


def _deadline_passed(w: _Writer) -> None:
    uow, d = w.uow, w.data
    watch = monitoring(uow, SYSTEM, d["round_id"])
    missing = [u for u in watch.units if not u.reported]
    overall = watch.overall

    def message(language: str) -> _Message:
        values = w.round_values(language) | {
            "deadline": words.be_date(watch.deadline, language),
            "missing": str(len(missing)),
            "reported": str(overall["reported"]),
            "participating": str(overall["participating"]),
            "on_time_rate": overall["on_time_rate"] or "–",
            "monitoring_link": _link(w.config, f"/rounds/{d['round_id']}/monitoring"),
        }
        items = tuple(
            {"code": u.unit_code, "name": u.name_th if language == "th" else u.name_en}
            for u in missing
        )
        return _Message(values, "unit", items)

    w.send(uow.repos.notices.users_with_roles(["admin"]), message)


def _round_closed(w: _Writer) -> None:
    uow, d = w.uow, w.data
    rows, _ = scoreboard(uow, SYSTEM, d["round_id"])
    counts = {level: 0 for level in words.LEVELS["en"]}
    for row in rows:
        counts[row.level] = counts.get(row.level, 0) + 1

    def message(language: str) -> _Message:
        values = w.round_values(language) | {
            "summary_link": _link(w.config, f"/rounds/{d['round_id']}/summary.pdf"),
            "scores_link": _link(w.config, f"/rounds/{d['round_id']}/scores"),
        }
        items = tuple(
            {"level": words.LEVELS[language].get(level, level), "count": str(n)}
            for level, n in counts.items()
        )
        return _Message(values, "level", items)

    w.send(uow.repos.notices.users_with_roles(["admin", "central_provider"]), message)


WRITERS = {
    "report_submitted": _unit_event,
    "report_returned": _unit_event,
    "report_approved": _unit_event,
    "report_reopened": _unit_event,
    "deadline_reminder": _reminder,
    "deadline_passed": _deadline_passed,
    "round_closed": _round_closed,
}


def fan_out(
    uow: UnitOfWork, config: NoticeConfig, now: datetime, limit: int = BATCH_SIZE
) -> tuple[int, int]:
    """Turn a batch of unnoticed outbox events into notices; (events, notices written)."""
    batch = uow.repos.notices.claim_new_events(limit)
    written = 0
    for event in batch:
        kind = KIND_OF_EVENT.get(event.event_type)
        if kind is not None:
            writer = _Writer(uow, config, event, now)
            WRITERS[kind](writer)
            written += writer.written
        event.noticed_at = now
        uow.repos.notices.add(event)
    return len(batch), written


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeView:
    id: int
    kind: str
    event_key: str
    user_id: int
    language: str
    subject: str
    body_text: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    next_attempt_at: datetime | None


def _view(row: NoticeRow) -> NoticeView:
    assert row.id is not None
    return NoticeView(
        id=row.id,
        kind=row.kind,
        event_key=row.event_key,
        user_id=row.user_id,
        language=row.language,
        subject=row.subject,
        body_text=row.body_text,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
    )


def _page(rows: Sequence[NoticeRow], limit: int) -> tuple[list[NoticeView], int | None]:
    views = [_view(r) for r in rows[:limit]]
    return views, (views[-1].id if len(rows) > limit and views else None)


def my_notices(
    uow: UnitOfWork, actor: Principal, *, before_id: int | None, limit: int
) -> tuple[list[NoticeView], int | None]:
    """The caller's notices, newest first (what a mobile app's inbox shows)."""
    row = _own_user(uow, actor)
    rows = uow.repos.notices.page(user_id=row.id, before_id=before_id, limit=limit + 1)
    return _page(rows, limit)


def all_notices(
    uow: UnitOfWork,
    actor: Principal,
    *,
    status: str | None,
    kind: str | None,
    before_id: int | None,
    limit: int,
) -> tuple[list[NoticeView], int | None]:
    """Every notice, newest first, by status and kind (admins follow deliveries and failures)."""
    require_role(actor, "admin")
    rows = uow.repos.notices.page(status=status, kind=kind, before_id=before_id, limit=limit + 1)
    return _page(rows, limit)
