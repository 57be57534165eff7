"""A unit's report for a round: read, write entries, submit, return, approve, reopen.

Every transition goes through the domain's state machine; every write bumps the report's
version (its ETag) and appends an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.calendar import is_on_time
from domain.errors import DomainError, RequirementsUnmet
from domain.framework import Framework
from domain.requirements import EntryFacts, check_submission
from domain.values import parse_value
from domain.workflow import ReportAction, ReportState, next_state
from persistence.tables import (
    FiscalYearRow,
    IndicatorEntryRow,
    ReportRow,
    ReviewCommentRow,
    RoundRow,
    UnitRow,
)
from persistence.unit_of_work import UnitOfWork
from services import audit, events
from services.access import check_report_edit, check_report_read, check_review, require_admin
from services.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from services.principal import Principal
from services.reference import require_round, require_unit
from services.values import to_columns

TEXT_FIELDS = ("narrative", "problems", "suggestions")


@dataclass
class EntryView:
    indicator_no: int
    source: str
    value: str | None = None
    steps: int | None = None
    score: str | None = None
    narrative: str | None = None
    problems: str | None = None
    suggestions: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass
class CommentView:
    indicator_no: int | None
    comment: str
    author: str
    created_at: datetime


@dataclass
class ReportView:
    round_id: int
    year_be: int
    months: int
    unit_code: str
    state: str
    version: int
    deadline: Any
    round_status: str
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None
    updated_at: datetime | None
    entries: list[EntryView] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)
    not_applicable: list[int] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@dataclass
class Context:
    """Everything a report operation needs, loaded once."""

    round: RoundRow
    fiscal_year: FiscalYearRow
    unit: UnitRow
    framework: Framework
    report: ReportRow | None


def _load(uow: UnitOfWork, round_id: int, unit_code: str, *, for_update: bool = False) -> Context:
    rnd, fy = require_round(uow, round_id)
    unit = require_unit(uow, unit_code)
    assert unit.id is not None and rnd.id is not None
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    report = uow.repos.reporting.report(rnd.id, unit.id, for_update=for_update)
    if report is None and for_update:
        # No report row to lock yet: two first writes would both insert one and the second
        # would fail on the unique key (PostgreSQL). They queue on the unit's row instead, and
        # the second then finds the first's report (and its new ETag).
        uow.repos.reference.lock_unit(unit.id)
        report = uow.repos.reporting.report(rnd.id, unit.id, for_update=True)
    return Context(rnd, fy, unit, framework, report)


def _view(uow: UnitOfWork, ctx: Context) -> ReportView:
    sources = {i.indicator_no: i.source for i in ctx.framework.indicators}
    assert ctx.fiscal_year.id is not None and ctx.unit.id is not None
    report = ctx.report
    entries: list[EntryView] = []
    comments: list[CommentView] = []
    if report is not None and report.id is not None:
        entries = [
            EntryView(
                indicator_no=e.indicator_no,
                source=sources.get(e.indicator_no, "unit"),
                value=e.value,
                steps=e.steps,
                score=e.score,
                narrative=e.narrative,
                problems=e.problems,
                suggestions=e.suggestions,
                updated_by=e.updated_by,
                updated_at=e.updated_at,
            )
            for e in uow.repos.reporting.entries(report.id)
        ]
        comments = [
            CommentView(c.indicator_no, c.comment, c.author, c.created_at)
            for c in uow.repos.reporting.comments(report.id)
        ]
    return ReportView(
        round_id=ctx.round.id,  # type: ignore[arg-type]
        year_be=ctx.fiscal_year.year_be,
        months=ctx.round.months,
        unit_code=ctx.unit.code,
        state=report.state if report else ReportState.DRAFT.value,
        version=report.version if report else 0,
        deadline=ctx.round.deadline,
        round_status=ctx.round.status,
        submitted_at=report.submitted_at if report else None,
        on_time=report.on_time if report else None,
        approved_at=report.approved_at if report else None,
        updated_at=report.updated_at if report else None,
        entries=entries,
        comments=comments,
        not_applicable=sorted(
            uow.repos.reference.not_applicable_for(ctx.fiscal_year.id, ctx.unit.id)
        ),
    )


def _check_if_match(ctx: Context, if_match: str | None) -> None:
    """``If-Match`` is optional; when given it must name the report's current version."""
    if if_match is None:
        return
    current = f'"{ctx.report.version if ctx.report else 0}"'
    candidates = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" in candidates and ctx.report is not None:
        return
    if current not in candidates:
        raise PreconditionFailed(
            f"the report has changed (current ETag {current}); read it again and retry"
        )


def _check_round_open(ctx: Context, actor: Principal) -> None:
    if ctx.round.status != "open" and not actor.is_admin:
        raise Conflict("the round is closed: reports can no longer be changed", kind="round_closed")


def _ensure_report(uow: UnitOfWork, ctx: Context, now: datetime) -> ReportRow:
    if ctx.report is None:
        report = ReportRow(
            round_id=ctx.round.id,
            unit_id=ctx.unit.id,
            state="draft",
            version=0,  # type: ignore[arg-type]
            created_at=now,
            updated_at=now,
        )
        uow.repos.reporting.add(report)
        uow.repos.reporting.flush()
        ctx.report = report
    return ctx.report


def _bump(uow: UnitOfWork, report: ReportRow, now: datetime) -> None:
    report.version += 1
    report.updated_at = now
    uow.repos.reporting.add(report)
    uow.repos.reporting.flush()


def _entry_snapshot(e: IndicatorEntryRow | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"value": e.value, "steps": e.steps, "score": e.score} | {
        f: getattr(e, f) for f in TEXT_FIELDS
    }


# --- reads ------------------------------------------------------------------------------------


def get_report(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> ReportView:
    """The unit's report; a report never written reads as an empty draft (version 0)."""
    check_report_read(actor, unit_code)
    return _view(uow, _load(uow, round_id, unit_code))


# --- writes -----------------------------------------------------------------------------------


def _apply_entry(
    uow: UnitOfWork,
    ctx: Context,
    actor: Principal,
    indicator_no: int,
    data: Mapping[str, Any],
    now: datetime,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    try:
        indicator = ctx.framework.indicator(indicator_no)
    except KeyError:
        raise NotFound(f"indicator {indicator_no} is not in this round's framework") from None
    given = {k: data.get(k) for k in ("value", "steps", "score") if data.get(k) is not None}
    if given and indicator.source != "unit":
        raise Unprocessable(
            f"indicator {indicator_no} is supplied by the central provider '{indicator.source}'; "
            "a unit writes only its narrative, problems and suggestions for it",
            kind="value_not_unit_supplied",
        )
    # A value field present in the request replaces the stored value (null clears it);
    # a request without any value field keeps it, like the texts.
    value_given = any(k in data for k in ("value", "steps", "score"))
    parsed = parse_value(indicator, {"indicator_no": indicator_no} | given)
    report = _ensure_report(uow, ctx, now)
    assert report.id is not None
    entry = uow.repos.reporting.entry(report.id, indicator_no)
    before = _entry_snapshot(entry)
    if entry is None:
        entry = IndicatorEntryRow(
            report_id=report.id, indicator_no=indicator_no, updated_by=actor.subject
        )
    if value_given:
        entry.value, entry.steps, entry.score = to_columns(parsed)
    for f in TEXT_FIELDS:
        if f in data:
            setattr(entry, f, data[f])
    entry.updated_by = actor.subject
    entry.updated_at = now
    uow.repos.reporting.add(entry)
    return before, _entry_snapshot(entry) or {}


def put_entry(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    indicator_no: int,
    data: Mapping[str, Any],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Write one indicator entry (value or steps, narrative, problems, suggestions).

    Fields absent from ``data`` keep their stored text; the value fields are replaced as given
    (absent means "no value yet").
    """
    check_report_edit(actor, unit_code)
    ctx = _load(uow, round_id, unit_code, for_update=True)
    _check_round_open(ctx, actor)
    _check_if_match(ctx, if_match)
    next_state(
        ReportState(ctx.report.state if ctx.report else "draft"), ReportAction.EDIT, actor.role
    )
    now = clock()
    before, after = _apply_entry(uow, ctx, actor, indicator_no, data, now)
    assert ctx.report is not None
    _bump(uow, ctx.report, now)
    audit.record(
        uow,
        actor,
        "report.entry.put",
        "report",
        f"{round_id}/{unit_code}/{indicator_no}",
        before=before,
        after=after,
    )
    return _view(uow, ctx)


def put_report(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    entries: list[Mapping[str, Any]],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Write several entries at once, all or nothing."""
    check_report_edit(actor, unit_code)
    ctx = _load(uow, round_id, unit_code, for_update=True)
    _check_round_open(ctx, actor)
    _check_if_match(ctx, if_match)
    next_state(
        ReportState(ctx.report.state if ctx.report else "draft"), ReportAction.EDIT, actor.role
    )
    numbers = [int(e["indicator_no"]) for e in entries]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        raise Unprocessable(f"indicators given more than once: {dupes}")
    now = clock()
    befores, afters = {}, {}
    problems: list[dict[str, Any]] = []
    for data in entries:
        no = int(data["indicator_no"])
        try:
            befores[no], afters[no] = _apply_entry(uow, ctx, actor, no, data, now)
        except (Unprocessable, NotFound) as exc:
            problems.append({"indicator_no": no, "rule": exc.kind, "message": exc.detail})
        except DomainError as exc:
            problems.extend(p | {"indicator_no": no} for p in exc.problems)
    if problems:
        raise Unprocessable("some entries are not valid; nothing was saved", problems=problems)
    report = _ensure_report(uow, ctx, now)
    _bump(uow, report, now)
    audit.record(
        uow, actor, "report.put", "report", f"{round_id}/{unit_code}", before=befores, after=afters
    )
    return _view(uow, ctx)


def submission_shortfalls(uow: UnitOfWork, ctx: Context) -> list[dict[str, Any]]:
    """Every unmet requirement of the round for this report (empty when it may be submitted)."""
    months = ctx.round.months
    assert ctx.fiscal_year.id is not None and ctx.unit.id is not None
    facts: dict[int, EntryFacts] = {}
    counts: dict[int, int] = {}
    if ctx.report is not None and ctx.report.id is not None:
        counts = uow.repos.evidence_counts.per_indicator(ctx.report.id)
        for e in uow.repos.reporting.entries(ctx.report.id):
            facts[e.indicator_no] = EntryFacts(
                has_value=e.value is not None or e.steps is not None or e.score is not None,
                has_narrative=bool((e.narrative or "").strip()),
                evidence_count=counts.get(e.indicator_no, 0),
            )
    for no, n in counts.items():
        facts.setdefault(no, EntryFacts(False, False, n))
    order = uow.repos.evidence_counts.has_working_group_order(ctx.unit.id, ctx.fiscal_year.id)
    na = uow.repos.reference.not_applicable_for(ctx.fiscal_year.id, ctx.unit.id)
    return check_submission(ctx.framework, months, facts, order, na)


def submit(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Submit for review. Answers with every unmet requirement at once (422), or records the
    time and whether it was on time against the round's deadline (Bangkok calendar day)."""
    check_report_edit(actor, unit_code)
    ctx = _load(uow, round_id, unit_code, for_update=True)
    _check_round_open(ctx, actor)
    _check_if_match(ctx, if_match)
    state = ReportState(ctx.report.state if ctx.report else "draft")
    new_state = next_state(state, ReportAction.SUBMIT, actor.role)
    shortfalls = submission_shortfalls(uow, ctx)
    if shortfalls:
        raise RequirementsUnmet.from_problems("the report cannot be submitted yet", shortfalls)
    now = clock()
    report = _ensure_report(uow, ctx, now)
    report.state = new_state.value
    report.submitted_at = now
    if report.on_time is None:
        # Timeliness is the unit's first submission: a report sent on time and returned by the
        # inspector after the deadline is not made late by its corrected resubmission.
        report.on_time = is_on_time(now, ctx.round.deadline)
    _bump(uow, report, now)
    audit.record(
        uow,
        actor,
        "report.submit",
        "report",
        f"{round_id}/{unit_code}",
        before={"state": state.value},
        after={"state": report.state, "on_time": report.on_time},
    )
    events.emit(
        uow,
        "report.submitted",
        {
            "round_id": round_id,
            "unit_code": unit_code,
            "on_time": report.on_time,
            "submitted_at": now.isoformat(),
        },
    )
    return _view(uow, ctx)


def _transition(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    action: ReportAction,
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> tuple[Context, ReportState, datetime]:
    ctx = _load(uow, round_id, unit_code, for_update=True)
    _check_if_match(ctx, if_match)
    state = ReportState(ctx.report.state if ctx.report else "draft")
    new_state = next_state(state, action, actor.role)
    now = clock()
    report = _ensure_report(uow, ctx, now)
    report.state = new_state.value
    _bump(uow, report, now)
    return ctx, state, now


def return_report(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    comments: list[Mapping[str, Any]],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """The inspector sends the report back with a comment per indicator; the unit sees them."""
    check_review(actor, unit_code)
    if not comments:
        raise Unprocessable("a returned report needs at least one comment")
    ctx, before, now = _transition(
        uow, actor, round_id, unit_code, ReportAction.RETURN, if_match=if_match, clock=clock
    )
    known = {i.indicator_no for i in ctx.framework.indicators}
    bad = sorted({c["indicator_no"] for c in comments if c.get("indicator_no") is not None} - known)
    if bad:
        raise Unprocessable(f"comments name indicators not in the framework: {bad}")
    assert ctx.report is not None and ctx.report.id is not None
    for c in comments:
        uow.repos.reporting.add(
            ReviewCommentRow(
                report_id=ctx.report.id,
                indicator_no=c.get("indicator_no"),
                comment=c["comment"],
                author=actor.subject,
                created_at=now,
            )
        )
    uow.repos.reporting.flush()
    audit.record(
        uow,
        actor,
        "report.return",
        "report",
        f"{round_id}/{unit_code}",
        before={"state": before.value},
        after={"state": ctx.report.state, "comments": list(comments)},
    )
    events.emit(
        uow,
        "report.returned",
        {"round_id": round_id, "unit_code": unit_code, "comments": list(comments)},
    )
    return _view(uow, ctx)


def approve(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Approval locks the report; its score becomes final for the round."""
    check_review(actor, unit_code)
    ctx, before, now = _transition(
        uow, actor, round_id, unit_code, ReportAction.APPROVE, if_match=if_match, clock=clock
    )
    assert ctx.report is not None
    ctx.report.approved_at = now
    audit.record(
        uow,
        actor,
        "report.approve",
        "report",
        f"{round_id}/{unit_code}",
        before={"state": before.value},
        after={"state": ctx.report.state},
    )
    events.emit(uow, "report.approved", {"round_id": round_id, "unit_code": unit_code})
    return _view(uow, ctx)


def reopen(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """An administrator reopens a report (back to draft) so the unit can correct it."""
    require_admin(actor)
    ctx, before, _now = _transition(
        uow, actor, round_id, unit_code, ReportAction.REOPEN, if_match=if_match, clock=clock
    )
    assert ctx.report is not None
    ctx.report.approved_at = None
    audit.record(
        uow,
        actor,
        "report.reopen",
        "report",
        f"{round_id}/{unit_code}",
        before={"state": before.value},
        after={"state": ctx.report.state},
    )
    return _view(uow, ctx)
