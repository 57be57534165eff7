"""The unit report state machine.

WHY (SPEC §3): "Unit report per (round, unit): draft → submitted → returned (by the inspector,
with comments per indicator) → submitted … → approved (locked). ... An administrator can reopen
a unit's report." SPEC §4: a unit officer edits and submits its own unit's report; an inspector
returns or approves; the admin may do everything. Anything else is refused with an error that
names the state, the action and the role.
"""

from __future__ import annotations

from enum import Enum
from types import MappingProxyType

from domain.errors import TransitionNotAllowed


class ReportState(str, Enum):  # noqa: UP042 - pinned interface: (str, Enum)
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class ReportAction(str, Enum):  # noqa: UP042
    EDIT = "edit"
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"


ROLES = ("admin", "unit_officer", "central_provider", "inspector", "viewer")

_S = ReportState
_A = ReportAction
_EDITORS = frozenset({"unit_officer", "admin"})
_REVIEWERS = frozenset({"inspector", "admin"})
_ADMIN = frozenset({"admin"})

TRANSITIONS: MappingProxyType[
    tuple[ReportState, ReportAction], tuple[ReportState, frozenset[str]]
] = MappingProxyType(
    {
        (_S.DRAFT, _A.EDIT): (_S.DRAFT, _EDITORS),
        (_S.RETURNED, _A.EDIT): (_S.RETURNED, _EDITORS),
        (_S.DRAFT, _A.SUBMIT): (_S.SUBMITTED, _EDITORS),
        (_S.RETURNED, _A.SUBMIT): (_S.SUBMITTED, _EDITORS),
        (_S.SUBMITTED, _A.RETURN): (_S.RETURNED, _REVIEWERS),
        (_S.SUBMITTED, _A.APPROVE): (_S.APPROVED, _REVIEWERS),
        (_S.SUBMITTED, _A.REOPEN): (_S.DRAFT, _ADMIN),
        (_S.APPROVED, _A.REOPEN): (_S.DRAFT, _ADMIN),
        (_S.RETURNED, _A.REOPEN): (_S.DRAFT, _ADMIN),
    }
)
"""(state, action) → (next state, roles allowed). Everything not listed is refused."""


def _refuse(state: object, action: object, role: str, why: str) -> TransitionNotAllowed:
    s = state.value if isinstance(state, Enum) else str(state)
    a = action.value if isinstance(action, Enum) else str(action)
    message = f"cannot {a} a report in state {s} as {role}: {why}"
    return TransitionNotAllowed(
        message,
        [
            {
                "rule": "transition_not_allowed",
                "message": message,
                "state": s,
                "action": a,
                "role": role,
            }
        ],
    )


def next_state(state: ReportState | str, action: ReportAction | str, role: str) -> ReportState:
    """The state after ``action`` by ``role``; raises :class:`TransitionNotAllowed`."""
    try:
        current = ReportState(state)
    except ValueError:
        raise _refuse(state, action, role, "unknown state") from None
    try:
        act = ReportAction(action)
    except ValueError:
        raise _refuse(current, action, role, "unknown action") from None
    rule = TRANSITIONS.get((current, act))
    if rule is None:
        raise _refuse(current, act, role, f"{act.value} is not possible from {current.value}")
    target, roles = rule
    if role not in roles:
        allowed = " or ".join(sorted(roles))
        raise _refuse(current, act, role, f"only {allowed} may do this")
    return target


def allowed_actions(state: ReportState | str, role: str) -> tuple[ReportAction, ...]:
    """The actions ``role`` may take on a report in ``state`` (for UIs and API hints)."""
    current = ReportState(state)
    return tuple(
        act
        for act in ReportAction
        if (rule := TRANSITIONS.get((current, act))) is not None and role in rule[1]
    )


def is_editable(state: ReportState | str) -> bool:
    """Entries may change only in draft and returned; submitted and approved are locked."""
    return ReportState(state) in (ReportState.DRAFT, ReportState.RETURNED)
