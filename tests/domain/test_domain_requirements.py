"""Submission requirements: every shortfall at once."""

from __future__ import annotations

import pytest

from domain.errors import RequirementsUnmet, UnknownRound
from domain.framework import default_framework
from domain.requirements import EntryFacts, check_submission, require_submission

FW = default_framework()
FULL = EntryFacts(has_value=True, has_narrative=True, evidence_count=2)


def test_complete_six_month_report_passes():
    entries = {no: EntryFacts(True, True, 0) for no in (3, 4, 6, 7, 8, 9)}
    assert check_submission(FW, 6, entries, has_working_group_order=False) == []
    require_submission(FW, 6, entries, has_working_group_order=False)


def test_six_month_only_unit_indicators_are_checked():
    # indicators 1, 2, 5, 10 are not reported by units at 6 and 9 months
    problems = check_submission(FW, 9, {}, has_working_group_order=False)
    assert sorted({p["indicator_no"] for p in problems}) == [3, 4, 6, 7, 8, 9]
    assert {p["rule"] for p in problems} == {"value_missing", "narrative_missing"}


def test_twelve_month_lists_every_shortfall():
    entries = {no: FULL for no in range(1, 11)}
    entries[3] = EntryFacts(has_value=False, has_narrative=True, evidence_count=2)
    entries[4] = EntryFacts(has_value=True, has_narrative=False, evidence_count=1)
    entries[1] = EntryFacts(has_value=False, has_narrative=True, evidence_count=2)  # central
    del entries[9]
    problems = check_submission(FW, 12, entries, has_working_group_order=False)
    got = [(p["rule"], p.get("indicator_no")) for p in problems]
    assert got == [
        ("value_missing", 3),
        ("narrative_missing", 4),
        ("evidence_short", 4),
        ("value_missing", 9),
        ("narrative_missing", 9),
        ("evidence_short", 9),
        ("working_group_order_missing", None),
    ]
    short = next(p for p in problems if p["rule"] == "evidence_short")
    assert short["required"] == 2 and short["actual"] == 1
    assert all(p["message"] for p in problems)


def test_central_indicators_need_narrative_and_evidence_but_no_value():
    entries = {no: FULL for no in range(1, 11)}
    entries[5] = EntryFacts(has_value=False, has_narrative=False, evidence_count=0)
    problems = check_submission(FW, 12, entries, has_working_group_order=True)
    assert [(p["rule"], p["indicator_no"]) for p in problems] == [
        ("narrative_missing", 5),
        ("evidence_short", 5),
    ]


def test_not_applicable_indicators_are_exempt():
    entries = {no: FULL for no in range(1, 11) if no != 8}
    assert check_submission(FW, 12, entries, True, not_applicable=[8]) == []
    assert check_submission(FW, 12, entries, True) != []


def test_require_submission_raises_one_error_with_all_problems():
    with pytest.raises(RequirementsUnmet) as exc:
        require_submission(FW, 12, {}, has_working_group_order=False)
    err = exc.value
    assert err.kind == "requirements_unmet"
    assert len(err.problems) == 6 * 3 + 4 * 2 + 1  # unit: value+narr+evid; central: narr+evid
    assert "working group" in err.message


def test_unknown_round():
    with pytest.raises(UnknownRound):
        check_submission(FW, 3, {}, has_working_group_order=False)
