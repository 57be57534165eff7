"""A unit's report for a round: read, write entries, submit, return, approve, reopen.

Every transition goes through the domain's state machine; every write bumps the report's
version (its ETag) and appends an audit event in the same transaction.

Reading a report and writing its entries (the busiest write of the API) use column-only
statements: one for the round, year, unit and report row, one for the report's contents, one
per row written. The review transitions, rarer and richer, keep the ORM (``_load``), which
evidence uploads share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from domain.calendar import is_on_time
from domain.errors import DomainError, RequirementsUnmet
from domain.framework import Framework
from domain.requirements import EntryFacts, check_submission
from domain.values import parse_value
from domain.workflow import ReportAction, ReportState, next_state
from persistence.repositories.report_rows import EntryTuple, ReportHead
from persistence.tables import (
    FiscalYearRow,
    ReportRow,
    ReviewCommentRow,
    RoundRow,
    UnitRow,
)
from persistence.unit_of_work import UnitOfWork
from services import audit, events, scores
from services.access import check_report_edit, check_report_read, check_review, require_admin
from services.cost import cheap
from services.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from services.principal import Principal
from services.reference import require_round, require_unit
from services.report_views import (
    CommentView,
    EntryView,
    ReportView,
    entry_view,
    report_view,
    written_entry_view,
)
from services.values import merge_values, sources, to_columns

TEXT_FIELDS = ("narrative", "problems", "suggestions")
VALUE_FIELDS = ("value", "steps", "score")
# An entry's audit snapshot: its value columns and its texts, in this order.
SNAPSHOT_FIELDS = (*VALUE_FIELDS, *TEXT_FIELDS)


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


def _facts(ctx: Context) -> dict[str, Any]:
    """The round and unit of a report event, as its payload names them."""
    return events.round_facts(ctx.round, ctx.fiscal_year.year_be) | events.unit_facts(ctx.unit)


def _view(uow: UnitOfWork, ctx: Context) -> ReportView:
    source_of = sources(ctx.framework)
    assert ctx.fiscal_year.id is not None and ctx.unit.id is not None
    report = ctx.report
    entries: list[EntryView] = []
    comments: list[CommentView] = []
    if report is not None and report.id is not None:
        entries = [
            EntryView(
                indicator_no=e.indicator_no,
                source=source_of.get(e.indicator_no, "unit"),
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


def _tag_version(tag: str) -> str:
    """The version an ETag names: ``"3.9f2c…"`` (the report's ETag) and ``"3"`` both name 3."""
    return tag.strip().removeprefix("W/").strip('"').split(".", 1)[0]


def _check_etag(version: int | None, if_match: str | None) -> None:
    """``If-Match`` is optional; when given it must name the report's current version
    (``version`` None: the unit has no report yet, version 0, which ``*`` does not match).
    Only the version part of the ETag counts (see ``ReportView.etag``)."""
    if if_match is None:
        return
    current = str(version if version is not None else 0)
    candidates = {_tag_version(t) for t in if_match.split(",")}
    if "*" in candidates and version is not None:
        return
    if current not in candidates:
        raise PreconditionFailed(code="report_changed", params={"etag": current})


def _check_if_match(ctx: Context, if_match: str | None) -> None:
    _check_etag(ctx.report.version if ctx.report else None, if_match)


def _check_open(round_status: str, actor: Principal) -> None:
    if round_status != "open" and not actor.is_admin:
        raise Conflict(kind="round_closed", code="round_closed")


def _check_round_open(ctx: Context, actor: Principal) -> None:
    _check_open(ctx.round.status, actor)


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


# --- reads and entry writes: column-only ------------------------------------------------------


def _head(uow: UnitOfWork, round_id: int, unit_code: str, *, for_update: bool) -> ReportHead:
    """The round, its fiscal year, the unit and its report row (locked ``for_update``).

    The same locks as ``_load``: the report row when there is one; when there is none yet, two
    first writes would both insert one and the second would fail on the unique key
    (PostgreSQL), so they queue on the unit's row instead, and the second then finds the
    first's report (and its new ETag)."""
    repo = uow.repos.reporting
    head = repo.report_head(round_id, unit_code, lock=for_update)
    if head is None and for_update:
        head = repo.report_head(round_id, unit_code)
        if head is not None:
            uow.repos.reference.lock_unit(head.unit_id)
            head = repo.report_head(round_id, unit_code, lock=True) or head
    if head is None:  # no such round or unit: the same answers as ``_load``
        require_round(uow, round_id)
        require_unit(uow, unit_code)
        raise NotFound(f"no unit '{unit_code}' in round {round_id}")  # pragma: no cover
    return head


def _framework(uow: UnitOfWork, head: ReportHead) -> Framework:
    framework = uow.repos.reference.framework(head.framework_id)
    assert framework is not None
    return framework


@cheap  # a few indexed rows: runs on the event loop where that is faster (services.cost)
def get_report(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> ReportView:
    """The unit's report; a report never written reads as an empty draft (version 0)."""
    check_report_read(actor, unit_code)
    head = _head(uow, round_id, unit_code, for_update=False)
    source_of = sources(_framework(uow, head))
    entries, comments, na = uow.repos.reporting.report_contents(
        head.report_id, head.fiscal_year_id, head.unit_id
    )
    views = [entry_view(source_of.get(no, "unit"), e) for no, e in entries.items()]
    return report_view(head, views, comments, na)


@dataclass(frozen=True)
class _Change:
    """One entry as a request asks to change it, validated against the framework."""

    indicator_no: int
    values: tuple[str | None, int | None, str | None] | None  # None: keep the stored value
    texts: dict[str, Any]  # the texts given (null clears one); absent ones are kept


def _change(framework: Framework, indicator_no: int, data: Mapping[str, Any]) -> _Change:
    try:
        indicator = framework.indicator(indicator_no)
    except KeyError:
        raise NotFound(code="unknown_indicator", params={"indicator_no": indicator_no}) from None
    given = {k: data.get(k) for k in VALUE_FIELDS if data.get(k) is not None}
    if given and indicator.source != "unit":
        raise Unprocessable(
            kind="value_not_unit_supplied",
            code="value_not_unit_supplied",
            params={"indicator_no": indicator_no, "provider": indicator.source},
        )
    # A value field present in the request replaces the stored value (null clears it);
    # a request without any value field keeps it, like the texts.
    value_given = any(k in data for k in VALUE_FIELDS)
    parsed = parse_value(indicator, {"indicator_no": indicator_no} | given)
    return _Change(
        indicator_no,
        to_columns(parsed) if value_given else None,
        {f: data[f] for f in TEXT_FIELDS if f in data},
    )


def _snapshot(e: EntryTuple | None) -> dict[str, Any] | None:
    return None if e is None else dict(zip(SNAPSHOT_FIELDS, e[1:7], strict=True))


def _write(
    uow: UnitOfWork,
    head: ReportHead,
    framework: Framework,
    changes: list[_Change],
    actor: Principal,
    now: datetime,
) -> tuple[ReportView, dict[int, Any], dict[int, Any]]:
    """Apply validated changes: the report row (created, or its version bumped), one INSERT
    or UPDATE per entry. Answers the report as it now reads, and the entries' audit
    snapshots (before, after) by indicator.

    The report's contents are read once, before the writes: the report row is locked (or, on
    SQLite, the database), so nobody else changes them meanwhile."""
    repo = uow.repos.reporting
    entries, comments, na = repo.report_contents(head.report_id, head.fiscal_year_id, head.unit_id)
    if head.report_id is None:
        version = 1
        report_id = repo.insert_report(
            {
                "round_id": head.round_id,
                "unit_id": head.unit_id,
                "state": ReportState.DRAFT.value,
                "version": version,
                "created_at": now,
                "updated_at": now,
            }
        )
    else:
        assert head.version is not None
        version, report_id = head.version + 1, head.report_id
        repo.update_report(report_id, {"version": version, "updated_at": now})
    source_of = sources(framework)
    views = {no: entry_view(source_of.get(no, "unit"), e) for no, e in entries.items()}
    befores: dict[int, Any] = {}
    afters: dict[int, Any] = {}
    for ch in changes:
        no, old = ch.indicator_no, entries.get(ch.indicator_no)
        columns = _snapshot(old) or dict.fromkeys(SNAPSHOT_FIELDS)
        if ch.values is not None:
            columns["value"], columns["steps"], columns["score"] = ch.values
        columns |= ch.texts
        befores[no], afters[no] = _snapshot(old), dict(columns)
        columns |= {"updated_by": actor.subject, "updated_at": now}
        if old is None:
            repo.insert_entry({"report_id": report_id, "indicator_no": no} | columns)
        else:
            repo.update_entry(old[9], columns)
        views[no] = written_entry_view(source_of.get(no, "unit"), no, columns, now)
    view = report_view(head, views.values(), comments, na, version=version, updated_at=now)
    return view, befores, afters


def _begin_edit(
    uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str, if_match: str | None
) -> tuple[ReportHead, Framework]:
    """The checks every entry write makes, in this order: the caller, the round and unit, the
    round still open, the ETag, and the state machine."""
    check_report_edit(actor, unit_code)
    head = _head(uow, round_id, unit_code, for_update=True)
    framework = _framework(uow, head)
    _check_open(head.round_status, actor)
    _check_etag(head.version if head.report_id is not None else None, if_match)
    next_state(ReportState(head.state or "draft"), ReportAction.EDIT, actor.role)
    return head, framework


@cheap
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
    head, framework = _begin_edit(uow, actor, round_id, unit_code, if_match)
    now = clock()
    change = _change(framework, indicator_no, data)
    view, befores, afters = _write(uow, head, framework, [change], actor, now)
    audit.record_now(
        uow,
        actor,
        "report.entry.put",
        "report",
        f"{round_id}/{unit_code}/{indicator_no}",
        before=befores[indicator_no],
        after=afters[indicator_no],
    )
    return view


@cheap
def put_report(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    entries: Sequence[Mapping[str, Any]],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """Write several entries at once, all or nothing."""
    head, framework = _begin_edit(uow, actor, round_id, unit_code, if_match)
    numbers = [int(e["indicator_no"]) for e in entries]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        raise Unprocessable(
            code="duplicate_indicator", params={"indicator_no": ", ".join(map(str, dupes))}
        )
    now = clock()
    changes: list[_Change] = []
    problems: list[dict[str, Any]] = []
    for data in entries:
        no = int(data["indicator_no"])
        try:
            changes.append(_change(framework, no, data))
        except (Unprocessable, NotFound) as exc:
            code = exc.code or exc.kind
            problems.append(
                {"indicator_no": no, "rule": code, "code": code}
                | exc.params
                | {"message": exc.detail}
            )
        except DomainError as exc:
            problems.extend(p | {"indicator_no": no} for p in exc.problems)
    if problems:
        raise Unprocessable(problems=problems, kind="value_invalid", code="entries_invalid")
    view, befores, afters = _write(uow, head, framework, changes, actor, now)
    audit.record_now(
        uow, actor, "report.put", "report", f"{round_id}/{unit_code}", before=befores, after=afters
    )
    return view


# --- review transitions: the ORM ----------------------------------------------------------------


def submission_shortfalls(uow: UnitOfWork, ctx: Context) -> list[dict[str, Any]]:
    """Every unmet requirement of the round for this report (empty when it may be submitted)."""
    months = ctx.round.months
    assert ctx.fiscal_year.id is not None and ctx.unit.id is not None
    facts: dict[int, EntryFacts] = {}
    counts: dict[int, int] = {}
    own: list[tuple[Any, ...]] = []
    if ctx.report is not None and ctx.report.id is not None:
        counts = uow.repos.evidence_counts.per_indicator(ctx.report.id)
        for e in uow.repos.reporting.entries(ctx.report.id):
            facts[e.indicator_no] = EntryFacts(
                has_value=e.value is not None or e.steps is not None or e.score is not None,
                has_narrative=bool((e.narrative or "").strip()),
                evidence_count=counts.get(e.indicator_no, 0),
            )
            own.append((e.indicator_no, e.value, e.steps, e.score))
    for no, n in counts.items():
        facts.setdefault(no, EntryFacts(False, False, n))
    order = uow.repos.evidence_counts.has_working_group_order(ctx.unit.id, ctx.fiscal_year.id)
    na = uow.repos.reference.not_applicable_for(ctx.fiscal_year.id, ctx.unit.id)
    central: list[tuple[Any, ...]] = []
    if ctx.framework.value_rules:  # only a cross-indicator rule needs the central values
        central_nos = [i.indicator_no for i in ctx.framework.indicators if i.source != "unit"]
        found = uow.repos.reporting.central_values_for(
            ctx.round.id or 0, [(ctx.unit.id, no) for no in central_nos]
        )
        central = [(r.indicator_no, r.value, r.steps, r.score) for r in found.values()]
    values = merge_values(uow.caches.values, ctx.framework, own, central)
    return check_submission(ctx.framework, months, facts, order, na, values=values)


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
        _facts(ctx) | {"on_time": report.on_time, "submitted_at": now.isoformat()},
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
    comments: Sequence[Mapping[str, Any]],
    *,
    if_match: str | None,
    clock: Callable[[], datetime],
) -> ReportView:
    """The inspector sends the report back with a comment per indicator; the unit sees them."""
    check_review(actor, unit_code)
    if not comments:
        raise Unprocessable(code="comment_required")
    ctx, before, now = _transition(
        uow, actor, round_id, unit_code, ReportAction.RETURN, if_match=if_match, clock=clock
    )
    known = {i.indicator_no for i in ctx.framework.indicators}
    bad = sorted({c["indicator_no"] for c in comments if c.get("indicator_no") is not None} - known)
    if bad:
        raise Unprocessable(
            code="unknown_indicator", params={"indicator_no": ", ".join(map(str, bad))}
        )
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
    events.emit(uow, "report.returned", _facts(ctx) | {"comments": list(comments)})
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
    score = orjson.loads(scores.unit_score_document(uow, actor, round_id, unit_code))
    events.emit(
        uow,
        "report.approved",
        _facts(ctx)
        | {"approved_at": now.isoformat()}
        | {k: score[k] for k in ("overall", "level", "level_name_th", "level_name_en")},
    )
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
    events.emit(uow, "report.reopened", {"round_id": round_id, "unit_code": unit_code})
    return _view(uow, ctx)
