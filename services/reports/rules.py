"""Who may change a unit's report, and when: the locking rules, written once.

Every change to a report (an entry, a submission, a return, an approval, a reopening, an
evidence file added or deleted) asks ``open_report`` (or, holding the report already,
``check``) before it writes, and the rules are checked in this order whatever the operation,
so a request that breaks several gets the same answer from every endpoint:

1. the caller: editors (the unit's officer, an admin) edit and submit; reviewers (the unit's
   inspector, an admin) return and approve; only an admin reopens (``check_access``);
2. the round: entries and submissions need an open round; an administrator may still correct
   a closed one (``ROUND_MUST_BE_OPEN``);
3. the ETag: ``If-Match``, when given, must name the report's current version;
4. the state: the domain's transition table (``domain.workflow.TRANSITIONS``) says where the
   action leads and which roles may take it (edits only in draft and returned: a submitted or
   approved report is locked).
"""

from __future__ import annotations

from typing import NamedTuple

from domain.workflow import ReportAction, ReportState, next_state
from persistence.unit_of_work import UnitOfWork
from services.access import check_report_edit, check_review, require_admin
from services.errors import Conflict, PreconditionFailed
from services.principal import Principal
from services.reports.loaded import LoadedReport, load_report

ROUND_MUST_BE_OPEN = frozenset({ReportAction.EDIT, ReportAction.SUBMIT})
"""The actions a closed round refuses (to all but an administrator)."""


def check_access(actor: Principal, unit_code: str, action: ReportAction) -> None:
    """403/404 unless ``actor`` may take ``action`` on reports of ``unit_code`` at all."""
    if action in (ReportAction.EDIT, ReportAction.SUBMIT):
        check_report_edit(actor, unit_code)
    elif action in (ReportAction.RETURN, ReportAction.APPROVE):
        check_review(actor, unit_code)
    else:
        require_admin(actor)


def check_round_open(round_status: str, actor: Principal) -> None:
    if round_status != "open" and not actor.is_admin:
        raise Conflict(kind="round_closed", code="round_closed")


def _tag_version(tag: str) -> str:
    """The version an ETag names: ``"3.9f2c…"`` (the report's ETag) and ``"3"`` both name 3."""
    return tag.strip().removeprefix("W/").strip('"').split(".", 1)[0]


def check_etag(version: int | None, if_match: str | None) -> None:
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


def check(
    report: LoadedReport, actor: Principal, action: ReportAction, *, if_match: str | None = None
) -> ReportState:
    """Rules 2 to 4 for a report already loaded: the state ``action`` leads to."""
    if action in ROUND_MUST_BE_OPEN:
        check_round_open(report.head.round_status, actor)
    check_etag(report.version, if_match)
    return next_state(report.state, action, actor.role)


class Opened(NamedTuple):
    """A report locked for a change the rules allow, and the state the change leads to."""

    report: LoadedReport
    next_state: ReportState


def open_report(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    unit_code: str,
    action: ReportAction,
    *,
    if_match: str | None,
) -> Opened:
    """Every rule, in order: the caller, then the report loaded and locked for the change, then
    the round, the ETag and the state."""
    check_access(actor, unit_code, action)
    report = load_report(uow, round_id, unit_code, for_update=True)
    return Opened(report, check(report, actor, action, if_match=if_match))
