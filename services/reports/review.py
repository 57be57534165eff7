"""A report's way through review: the unit submits it, the inspector returns or approves it,
an administrator reopens it.

Each step is one transition of the domain's state machine, allowed by
``services.reports.rules``, written by ``save`` (the state and the version together), recorded
in the audit trail and announced as an event in the outbox, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from domain.calendar import is_on_time
from domain.errors import RequirementsUnmet
from domain.requirements import EntryFacts, check_submission
from domain.workflow import ReportAction
from persistence.unit_of_work import UnitOfWork
from services import audit, events, scores
from services.errors import Unprocessable
from services.principal import Principal
from services.report_views import ReportView
from services.reports.loaded import LoadedReport, save, view
from services.reports.rules import Opened, open_report
from services.values import merge_values


def submission_shortfalls(uow: UnitOfWork, report: LoadedReport) -> list[dict[str, Any]]:
    """Every unmet requirement of the round for this report (empty when it may be submitted)."""
    head, framework = report.head, report.framework
    contents = report.contents(uow)
    counts: dict[int, int] = {}
    if head.report_id is not None:
        counts = uow.repos.evidence_counts.per_indicator(head.report_id)
    facts = {
        no: EntryFacts(
            has_value=e.value is not None or e.steps is not None or e.score is not None,
            has_narrative=bool((e.narrative or "").strip()),
            evidence_count=counts.get(no, 0),
        )
        for no, e in contents.entries.items()
    }
    for no, n in counts.items():
        facts.setdefault(no, EntryFacts(False, False, n))
    own = [(e.indicator_no, e.value, e.steps, e.score) for e in contents.entries.values()]
    order = uow.repos.evidence_counts.has_working_group_order(head.unit_id, head.fiscal_year_id)
    central: list[tuple[Any, ...]] = []
    if framework.value_rules:  # only a cross-indicator rule needs the central values
        central_nos = [i.indicator_no for i in framework.indicators if i.source != "unit"]
        found = uow.repos.reporting.central_values_for(
            head.round_id, [(head.unit_id, no) for no in central_nos]
        )
        central = [(r.indicator_no, r.value, r.steps, r.score) for r in found.values()]
    values = merge_values(uow.caches.values, framework, own, central)
    return check_submission(
        framework, head.months, facts, order, contents.not_applicable, values=values
    )


def _step(
    uow: UnitOfWork,
    actor: Principal,
    opened: Opened,
    action: ReportAction,
    now: datetime,
    *,
    noted: Mapping[str, Any] | None = None,
    **columns: Any,
) -> LoadedReport:
    """Take the step ``open_report`` allowed: the new state written with ``columns`` (the
    version bumped), and its audit event: the state before and after (with ``noted``)."""
    report, new_state = opened
    before = report.state
    save(uow, report, now, state=new_state.value, **columns)
    head = report.head
    audit.record(
        uow,
        actor,
        f"report.{action.value}",
        "report",
        f"{head.round_id}/{head.unit_code}",
        before={"state": before.value},
        after={"state": new_state.value} | dict(noted or {}),
    )
    return report


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
    opened = open_report(uow, actor, round_id, unit_code, ReportAction.SUBMIT, if_match=if_match)
    report = opened.report
    shortfalls = submission_shortfalls(uow, report)
    if shortfalls:
        raise RequirementsUnmet.from_problems("the report cannot be submitted yet", shortfalls)
    now = clock()
    on_time = report.head.on_time
    if on_time is None:
        # Timeliness is the unit's first submission: a report sent on time and returned by the
        # inspector after the deadline is not made late by its corrected resubmission.
        on_time = is_on_time(now, report.head.deadline)
    noted = {"on_time": on_time}
    _step(uow, actor, opened, ReportAction.SUBMIT, now, noted=noted, submitted_at=now, **noted)
    events.emit(
        uow,
        "report.submitted",
        report.facts() | {"on_time": on_time, "submitted_at": now.isoformat()},
    )
    return view(uow, report)


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
    opened = open_report(uow, actor, round_id, unit_code, ReportAction.RETURN, if_match=if_match)
    report = opened.report
    if not comments:
        raise Unprocessable(code="comment_required")
    known = {i.indicator_no for i in report.framework.indicators}
    bad = sorted({c["indicator_no"] for c in comments if c.get("indicator_no") is not None} - known)
    if bad:
        raise Unprocessable(
            code="unknown_indicator", params={"indicator_no": ", ".join(map(str, bad))}
        )
    now, contents = clock(), report.contents(uow)
    _step(uow, actor, opened, ReportAction.RETURN, now, noted={"comments": list(comments)})
    assert report.head.report_id is not None
    contents.comments.extend(
        uow.repos.reporting.add_comments(
            report.head.report_id, comments, author=actor.subject, created_at=now
        )
    )
    events.emit(uow, "report.returned", report.facts() | {"comments": list(comments)})
    return view(uow, report)


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
    opened = open_report(uow, actor, round_id, unit_code, ReportAction.APPROVE, if_match=if_match)
    now = clock()
    report = _step(uow, actor, opened, ReportAction.APPROVE, now, approved_at=now)
    score = orjson.loads(scores.unit_score_document(uow, actor, round_id, unit_code))
    events.emit(
        uow,
        "report.approved",
        report.facts()
        | {"approved_at": now.isoformat()}
        | {k: score[k] for k in ("overall", "level", "level_name_th", "level_name_en")},
    )
    return view(uow, report)


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
    opened = open_report(uow, actor, round_id, unit_code, ReportAction.REOPEN, if_match=if_match)
    report = _step(uow, actor, opened, ReportAction.REOPEN, clock(), approved_at=None)
    events.emit(uow, "report.reopened", {"round_id": round_id, "unit_code": unit_code})
    return view(uow, report)
