"""The report lifecycle through the API: every action × every state × every role.

The expected outcomes below are written out by hand from SPEC §3–4 (not derived from
``domain.workflow``), so a change to the state machine or to the access rules that the spec does
not ask for fails here:

- the unit's officer edits and submits its own report (draft or returned);
- the assigned inspector returns (with comments) or approves a submitted report;
- an admin may do all of that, and reopen a submitted, returned or approved report as a draft;
- viewers and central providers never touch reports (403); an inspector not assigned to the
  unit gets 404, as for a report that does not exist (SPEC §4) — except for reopening, which
  is refused by role (403) before any unit is looked at;
- a submitted or approved report is locked: edits answer 409.

Each successful transition leaves exactly one audit event; a refused one leaves none.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from persistence.tables import AuditEventRow, OutboxEventRow
from tests.api.conftest import UNIT_VALUES

NARRATIVE = "ดำเนินการตามแผนครบถ้วน ผู้รับบริการพึงพอใจ"
COMMENT = "โปรดระบุแหล่งที่มาของข้อมูลความพึงพอใจ"
STATES = ("draft", "submitted", "returned", "approved")
ACTIONS = ("edit", "submit", "return", "approve", "reopen")
ROLES = ("admin", "unit_officer", "inspector", "inspector_other", "viewer", "central_provider")

OK = 200
# What each role gets for each action from each state; a 200 moves the report to NEXT.
TABLE = """
state      role              edit submit return approve reopen
draft      admin              200    200    409     409    409
submitted  admin              409    409    200     200    200
returned   admin              200    200    409     409    200
approved   admin              409    409    409     409    200
draft      unit_officer       200    200    403     403    403
submitted  unit_officer       409    409    403     403    403
returned   unit_officer       200    200    403     403    403
approved   unit_officer       409    409    403     403    403
draft      inspector          403    403    409     409    403
submitted  inspector          403    403    200     200    403
returned   inspector          403    403    409     409    403
approved   inspector          403    403    409     409    403
"""
EXPECTED: dict[tuple[str, str], dict[str, int]] = {}
for _line in TABLE.strip().splitlines()[1:]:
    _state, _role, *_codes = _line.split()
    EXPECTED[(_state, _role)] = dict(zip(ACTIONS, map(int, _codes), strict=True))
for _state in STATES:
    # reopen is an admin action whatever the unit: refused by role (403) before any unit check
    EXPECTED[(_state, "inspector_other")] = dict.fromkeys(ACTIONS, 404) | {"reopen": 403}
    EXPECTED[(_state, "viewer")] = dict.fromkeys(ACTIONS, 403)
    EXPECTED[(_state, "central_provider")] = dict.fromkeys(ACTIONS, 403)

NEXT = {
    ("draft", "edit"): "draft",
    ("returned", "edit"): "returned",
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "return"): "returned",
    ("submitted", "approve"): "approved",
    ("submitted", "reopen"): "draft",
    ("returned", "reopen"): "draft",
    ("approved", "reopen"): "draft",
}
AUDIT_ACTION = {
    "edit": "report.entry.put",
    "submit": "report.submit",
    "return": "report.return",
    "approve": "report.approve",
    "reopen": "report.reopen",
}
PROBLEM_TYPE = {403: "forbidden", 404: "not_found", 409: "transition_not_allowed"}


class Cycle:
    """Drives one report (BKK01, 6-month round) through the API."""

    def __init__(self, client, world, make_user, engine):
        self.client = client
        self.engine = engine
        self.url = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
        self.object_id = f"{world.r6}/BKK01"
        self.h = {
            "admin": make_user("admin"),
            "unit_officer": make_user("unit_officer", unit_code="BKK01"),
            "inspector": make_user("inspector", unit_codes=["BKK01"]),
            "inspector_other": make_user("inspector", unit_codes=["CMI", "KKN"]),
            "viewer": make_user("viewer"),
            "central_provider": make_user("central_provider", provider_code="BLSD"),
        }

    def fill(self, role="admin"):
        for no, value in UNIT_VALUES.items():
            r = self.client.put(
                f"{self.url}/indicators/{no}",
                headers=self.h[role],
                json=value | {"narrative": NARRATIVE},
            )
            assert r.status_code == 200, r.text

    def act(self, action, role, comments=None):
        h = self.h[role]
        if action == "edit":
            return self.client.put(
                f"{self.url}/indicators/3", headers=h, json={"narrative": NARRATIVE + " (แก้ไข)"}
            )
        if action == "return":
            body = {"comments": comments or [{"indicator_no": 3, "comment": COMMENT}]}
            return self.client.post(f"{self.url}/return", headers=h, json=body)
        return self.client.post(f"{self.url}/{action}", headers=h)

    def state(self):
        r = self.client.get(self.url, headers=self.h["admin"])
        assert r.status_code == 200, r.text
        return r.json()["state"]

    def bring_to(self, target):
        if self.state() != "draft":
            assert self.act("reopen", "admin").status_code == 200
        path = {
            "draft": [],
            "submitted": ["submit"],
            "returned": ["submit", "return"],
            "approved": ["submit", "approve"],
        }[target]
        for action in path:
            r = self.act(action, "admin")
            assert r.status_code == 200, r.text
        assert self.state() == target

    def audit_count(self, action):
        with Session(self.engine) as s:
            rows = s.exec(select(AuditEventRow).where(AuditEventRow.action == action)).all()
        return sum(1 for r in rows if r.object_id.startswith(self.object_id))


@pytest.fixture
def cycle(client, world, make_user, engine):
    c = Cycle(client, world, make_user, engine)
    c.fill()
    return c


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state_for_every_role(cycle, state, role):
    failures = []
    for action in ACTIONS:
        cycle.bring_to(state)
        expected = EXPECTED[(state, role)][action]
        audited_before = cycle.audit_count(AUDIT_ACTION[action])
        r = cycle.act(action, role)
        audited = cycle.audit_count(AUDIT_ACTION[action]) - audited_before
        if r.status_code != expected:
            failures.append(
                f"{action} as {role} from {state}: {r.status_code} (want {expected}) {r.text[:160]}"
            )
            continue
        if expected == OK:
            want = NEXT[(state, action)]
            if r.json()["state"] != want or cycle.state() != want:
                failures.append(f"{action} as {role} from {state}: state {r.json()['state']}")
            if audited != 1:
                failures.append(f"{action} as {role} from {state}: {audited} audit events")
        else:
            assert r.headers["content-type"] == "application/problem+json"
            if r.json()["type"] != "urn:sqs:problem:" + PROBLEM_TYPE[expected]:
                failures.append(f"{action} as {role} from {state}: type {r.json()['type']}")
            if cycle.state() != state:
                failures.append(f"refused {action} as {role} changed the state from {state}")
            if audited:
                failures.append(f"refused {action} as {role} from {state} was audited")
    assert not failures, "\n".join(failures)


def test_officer_inspector_cycle_with_comments_visible_to_the_unit(cycle):
    officer, inspector = cycle.h["unit_officer"], cycle.h["inspector"]
    r = cycle.act("submit", "unit_officer")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    comments = [
        {"indicator_no": 3, "comment": COMMENT},
        {"indicator_no": 7, "comment": "แนบหลักฐานการฝึกอบรมเพิ่มเติม"},
        {"indicator_no": None, "comment": "ภาพรวมดี / overall fine"},
    ]
    r = cycle.act("return", "inspector", comments)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "returned"

    seen = cycle.client.get(cycle.url, headers=officer).json()
    assert seen["state"] == "returned"
    got = [(c["indicator_no"], c["comment"]) for c in seen["comments"]]
    assert got == [(c["indicator_no"], c["comment"]) for c in comments]
    assert all(c["author"].startswith("user:") and c["created_at"] for c in seen["comments"])

    # the unit corrects and resubmits; the inspector approves; comments stay as history
    assert cycle.act("edit", "unit_officer").status_code == 200
    assert cycle.act("submit", "unit_officer").status_code == 200
    r = cycle.client.post(f"{cycle.url}/approve", headers=inspector)
    assert r.status_code == 200 and r.json()["state"] == "approved"
    assert r.json()["approved_at"] is not None
    assert len(r.json()["comments"]) == 3


def test_return_needs_comments_on_known_indicators(cycle):
    assert cycle.act("submit", "unit_officer").status_code == 200
    r = cycle.client.post(
        f"{cycle.url}/return", headers=cycle.h["inspector"], json={"comments": []}
    )
    assert r.status_code == 422
    r = cycle.act("return", "inspector", [{"indicator_no": 42, "comment": "x"}])
    assert r.status_code == 422
    assert cycle.state() == "submitted"


def test_approved_report_is_locked_until_an_admin_reopens_it(cycle):
    cycle.bring_to("approved")
    for role in ("unit_officer", "admin"):
        r = cycle.act("edit", role)
        assert r.status_code == 409, (role, r.text)
        assert r.json()["type"] == "urn:sqs:problem:transition_not_allowed"
        whole = cycle.client.put(
            cycle.url, headers=cycle.h[role], json={"entries": [{"indicator_no": 3, "value": "99"}]}
        )
        assert whole.status_code == 409
    value = next(
        e
        for e in cycle.client.get(cycle.url, headers=cycle.h["admin"]).json()["entries"]
        if e["indicator_no"] == 3
    )["value"]
    assert value == "92.5"
    r = cycle.act("reopen", "admin")
    assert r.status_code == 200 and r.json()["state"] == "draft" and r.json()["approved_at"] is None
    r = cycle.client.put(
        f"{cycle.url}/indicators/3", headers=cycle.h["unit_officer"], json={"value": "95"}
    )
    assert r.status_code == 200 and r.json()["state"] == "draft"


def test_transitions_are_in_the_audit_trail_with_before_and_after(cycle):
    cycle.act("submit", "unit_officer")
    cycle.act("return", "inspector")
    cycle.act("submit", "unit_officer")
    cycle.act("approve", "inspector")
    cycle.act("reopen", "admin")
    r = cycle.client.get(
        "/api/v1/audit-events",
        headers=cycle.h["admin"],
        params={"object_type": "report", "object_id": cycle.object_id, "page_size": 100},
    )
    assert r.status_code == 200, r.text
    trail = [
        (e["action"], (e["before"] or {}).get("state"), (e["after"] or {}).get("state"), e["actor"])
        for e in r.json()["items"]
        if e["action"] != "report.entry.put"
    ]
    want = [
        ("report.submit", "draft", "submitted"),
        ("report.return", "submitted", "returned"),
        ("report.submit", "returned", "submitted"),
        ("report.approve", "submitted", "approved"),
        ("report.reopen", "approved", "draft"),
    ]
    assert sorted(t[:3] for t in trail) == sorted(want)
    actors = {t[0]: t[3] for t in trail}
    assert actors["report.return"] != actors["report.reopen"]  # inspector vs admin, both recorded
    returned = next(e for e in r.json()["items"] if e["action"] == "report.return")
    assert returned["after"]["comments"][0]["comment"] == COMMENT


def test_transitions_write_outbox_events_in_the_same_transaction(cycle, engine):
    cycle.act("submit", "unit_officer")
    cycle.act("return", "inspector")
    cycle.act("submit", "unit_officer")
    cycle.act("approve", "inspector")
    cycle.act("approve", "inspector")  # refused (409): writes nothing
    with Session(engine) as s:
        rows = s.exec(select(OutboxEventRow).order_by(OutboxEventRow.id)).all()
    types = [r.event_type for r in rows]
    assert types == ["report.submitted", "report.returned", "report.submitted", "report.approved"]
    returned = json.loads(rows[1].payload)
    assert returned["type"] == "report.returned"
    assert returned["data"]["unit_code"] == "BKK01"
    assert returned["data"]["comments"][0]["comment"] == COMMENT  # Thai intact
