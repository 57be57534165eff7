"""Report workflow: every state × action × role."""

from __future__ import annotations

import itertools

import pytest

from domain.errors import TransitionNotAllowed
from domain.workflow import (
    ROLES,
    ReportAction,
    ReportState,
    allowed_actions,
    is_editable,
    next_state,
)

S, A = ReportState, ReportAction

ALLOWED = {
    (S.DRAFT, A.EDIT, "unit_officer"): S.DRAFT,
    (S.DRAFT, A.EDIT, "admin"): S.DRAFT,
    (S.RETURNED, A.EDIT, "unit_officer"): S.RETURNED,
    (S.RETURNED, A.EDIT, "admin"): S.RETURNED,
    (S.DRAFT, A.SUBMIT, "unit_officer"): S.SUBMITTED,
    (S.DRAFT, A.SUBMIT, "admin"): S.SUBMITTED,
    (S.RETURNED, A.SUBMIT, "unit_officer"): S.SUBMITTED,
    (S.RETURNED, A.SUBMIT, "admin"): S.SUBMITTED,
    (S.SUBMITTED, A.RETURN, "inspector"): S.RETURNED,
    (S.SUBMITTED, A.RETURN, "admin"): S.RETURNED,
    (S.SUBMITTED, A.APPROVE, "inspector"): S.APPROVED,
    (S.SUBMITTED, A.APPROVE, "admin"): S.APPROVED,
    (S.SUBMITTED, A.REOPEN, "admin"): S.DRAFT,
    (S.APPROVED, A.REOPEN, "admin"): S.DRAFT,
    (S.RETURNED, A.REOPEN, "admin"): S.DRAFT,
}


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(S, A, ROLES)))
def test_every_state_action_role(state, action, role):
    expected = ALLOWED.get((state, action, role))
    if expected is not None:
        assert next_state(state, action, role) is expected
        assert next_state(state.value, action.value, role) is expected
        assert action in allowed_actions(state, role)
    else:
        with pytest.raises(TransitionNotAllowed) as exc:
            next_state(state, action, role)
        err = exc.value
        assert err.kind == "transition_not_allowed"
        assert state.value in err.message and action.value in err.message
        assert role in err.message
        assert err.problems[0] | {} == {
            "rule": "transition_not_allowed",
            "message": err.message,
            "state": state.value,
            "action": action.value,
            "role": role,
        }
        assert action not in allowed_actions(state, role)


def test_unknown_role_state_action():
    with pytest.raises(TransitionNotAllowed):
        next_state(S.DRAFT, A.SUBMIT, "hacker")
    with pytest.raises(TransitionNotAllowed) as exc:
        next_state("archived", A.SUBMIT, "admin")
    assert "archived" in exc.value.message
    with pytest.raises(TransitionNotAllowed):
        next_state(S.DRAFT, "delete", "admin")


def test_full_cycle():
    state = S.DRAFT
    for action, role in [
        (A.EDIT, "unit_officer"),
        (A.SUBMIT, "unit_officer"),
        (A.RETURN, "inspector"),
        (A.EDIT, "unit_officer"),
        (A.SUBMIT, "unit_officer"),
        (A.APPROVE, "inspector"),
        (A.REOPEN, "admin"),
    ]:
        state = next_state(state, action, role)
    assert state is S.DRAFT


def test_is_editable():
    assert is_editable(S.DRAFT) and is_editable("returned")
    assert not is_editable(S.SUBMITTED) and not is_editable(S.APPROVED)


def test_str_enum_values():
    assert S.DRAFT == "draft" and A.RETURN == "return"
