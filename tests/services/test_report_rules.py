"""The report locking rules (services/reports/rules.py), written once for every change to a
report: the round, then the ETag, then the state machine, in that order whatever the
operation, so a request that breaks several rules gets the same answer from every endpoint."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import TransitionNotAllowed
from domain.framework import default_framework
from domain.workflow import ReportAction, ReportState
from persistence.repositories.report_rows import ReportHead
from services.errors import Conflict, Forbidden, NotFound, PreconditionFailed
from services.principal import Principal
from services.reports.loaded import LoadedReport
from services.reports.rules import ROUND_MUST_BE_OPEN, check, check_access, check_etag

OFFICER = Principal("user:1", "unit_officer", unit_code="BKK01")
INSPECTOR = Principal("user:2", "inspector", unit_codes=frozenset({"BKK01"}))
ADMIN = Principal("user:3", "admin")


def _report(*, state: str | None = "draft", version: int = 3, status: str = "open") -> LoadedReport:
    """A report as ``load_report`` gives it (``state`` None: the unit never wrote one)."""
    exists = state is not None
    head = ReportHead(
        round_id=1,
        months=6,
        round_status=status,
        deadline=date(2015, 4, 10),
        period_start=date(2014, 10, 1),
        period_end=date(2015, 3, 31),
        fiscal_year_id=1,
        year_be=2558,
        framework_id=1,
        unit_id=1,
        unit_code="BKK01",
        unit_name_th="หน่วย",
        unit_name_en="Unit",
        unit_kind="central",
        province=None,
        report_id=7 if exists else None,
        state=state,
        version=version if exists else None,
        submitted_at=None,
        on_time=None,
        approved_at=None,
        updated_at=None,
    )
    return LoadedReport(head, default_framework())


def test_a_closed_round_is_refused_before_a_stale_etag_and_a_locked_state():
    report = _report(state="submitted", status="closed")
    for action in (ReportAction.EDIT, ReportAction.SUBMIT):
        with pytest.raises(Conflict) as refused:
            check(report, OFFICER, action, if_match='"1"')
        assert refused.value.code == "round_closed"


def test_a_stale_etag_is_refused_before_the_state():
    with pytest.raises(PreconditionFailed) as refused:
        check(_report(state="submitted"), OFFICER, ReportAction.EDIT, if_match='"2"')
    assert refused.value.params == {"etag": "3"}


def test_the_state_machine_decides_last():
    with pytest.raises(TransitionNotAllowed):
        check(_report(state="submitted"), OFFICER, ReportAction.EDIT, if_match='"3.abc"')
    assert check(_report(state="returned"), OFFICER, ReportAction.SUBMIT) == ReportState.SUBMITTED
    assert check(_report(state="submitted"), INSPECTOR, ReportAction.RETURN) == (
        ReportState.RETURNED
    )


def test_an_administrator_may_correct_in_a_closed_round_and_review_steps_ignore_it():
    closed = _report(status="closed")
    assert check(closed, ADMIN, ReportAction.EDIT) == ReportState.DRAFT
    submitted = _report(state="submitted", status="closed")
    assert check(submitted, INSPECTOR, ReportAction.APPROVE) == ReportState.APPROVED
    assert frozenset({ReportAction.EDIT, ReportAction.SUBMIT}) == ROUND_MUST_BE_OPEN


def test_a_report_never_written_is_a_draft_at_version_0():
    report = _report(state=None)
    assert not report.exists and report.state == ReportState.DRAFT and report.version is None
    check(report, OFFICER, ReportAction.EDIT, if_match='"0"')
    with pytest.raises(PreconditionFailed):  # "*" names an existing report only
        check(report, OFFICER, ReportAction.EDIT, if_match="*")
    check_etag(3, "*")
    check_etag(3, 'W/"1", "3.f00"')


def test_who_may_take_each_action():
    check_access(OFFICER, "BKK01", ReportAction.SUBMIT)
    check_access(INSPECTOR, "BKK01", ReportAction.APPROVE)
    check_access(ADMIN, "BKK01", ReportAction.REOPEN)
    with pytest.raises(Forbidden):
        check_access(INSPECTOR, "BKK01", ReportAction.EDIT)
    with pytest.raises(Forbidden):
        check_access(OFFICER, "BKK01", ReportAction.RETURN)
    with pytest.raises(Forbidden):
        check_access(INSPECTOR, "BKK01", ReportAction.REOPEN)
    with pytest.raises(NotFound):  # another unit's report: as if it did not exist
        check_access(OFFICER, "CMI", ReportAction.EDIT)
