"""The permission matrix: every operation of the app × every role (× own/other unit).

The operations come from the app's own OpenAPI document, so a route nobody gave a rule to
fails ``test_every_operation_has_a_rule``; a rule for a route that no longer exists fails it
too. To add a route: add one entry to ``RULES`` keyed by its operation id (the route
function's name) with the outcome per role and, if it needs one, a request body.

Outcomes:
    OK       a 2xx answer
    ALLOWED  authorisation passed: anything but 401/403/404 (the request may still be
             refused for a business reason, e.g. a 409 for a state transition or a 422 for
             unmet submission requirements)
    DENIED   403, the role may not do this
    HIDDEN   404, the object exists but the caller may not know it (another unit's report)
    UNAUTH   401

Routes with ``{unit_code}`` in the path run twice per role: for the caller's own unit and for
another unit; their outcome is written ``(own, other)``. A rule can ask for the same with
``scoped=True`` when the object belongs to a unit the path does not name (an evidence id), and
can make a fresh object before every request with ``before_each`` (e.g. for a DELETE).

The world every operation runs in is built by ``build_world()``: units U01 (own) and U02
(other), fiscal year 2558 with its rounds, one user per role bound to U01 / provider BLSD, a
victim user and a portal client for the admin routes, a personal API token per user, and a
webhook endpoint with a failed delivery. Path parameters are filled from ``PATH_PARAMS``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.security import create_access_token
from api.settings import Settings
from persistence.tables import ApiClientRow, ApiTokenRow, InspectorAssignmentRow, UserRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import reference
from services.identity import token_hash
from services.passwords import hash_password

OK, ALLOWED, DENIED, HIDDEN, UNAUTH = "2xx", "allowed", 403, 404, 401
Outcome = str | int
ROLES = ("anonymous", "viewer", "central_provider", "inspector", "unit_officer", "admin")
SIGNED_IN = ROLES[1:]
OWN, OTHER = "U01", "U02"
PASSWORD = "matrix password 123"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 per user would make the matrix slow


@dataclass
class World:
    year_be: int
    framework_id: int
    round_id: int
    victim_user_id: int
    client_id: str
    headers: dict[str, dict[str, str]]
    token_ids: dict[str, int]
    read_only_admin: dict[str, str]
    client: Any = None
    evidence: dict[str, str] = field(default_factory=dict)  # "own"/"other" -> evidence id


@dataclass(frozen=True)
class Rule:
    expect: dict[str, Outcome | tuple[Outcome, Outcome]]
    request: Callable[[World], dict[str, Any]] | None = None
    writes: bool | None = None  # None: every method but GET writes
    extra: dict[str, Any] = field(default_factory=dict)
    # Own/other runs: None = when the path has {unit_code}; True for objects that belong to a
    # unit without naming it in the path (evidence ids).
    scoped: bool | None = None
    # Called before every request, e.g. to make a fresh object for a DELETE.
    before_each: Callable[[World, str | None], None] | None = None

    def outcome(self, role: str, scope: str | None) -> Outcome:
        found = self.expect.get(role, UNAUTH if role == "anonymous" else DENIED)
        if isinstance(found, tuple):
            assert scope is not None, "an (own, other) outcome on a route without {unit_code}"
            return found[0] if scope == "own" else found[1]
        return found


def rule(
    request: Callable[[World], dict[str, Any]] | None = None,
    *,
    writes: bool | None = None,
    scoped: bool | None = None,
    before_each: Callable[[World, str | None], None] | None = None,
    **expect: Outcome | tuple[Outcome, Outcome],
) -> Rule:
    """Roles not named are DENIED (anonymous: UNAUTH) — deny by default here too."""
    return Rule(expect, request, writes, scoped=scoped, before_each=before_each)


def public(
    request: Callable[[World], dict[str, Any]] | None = None, *, writes: bool = False
) -> Rule:
    return rule(request, writes=writes, **dict.fromkeys(ROLES, OK))


def everyone(
    outcome: Outcome | tuple[Outcome, Outcome] = OK,
    request: Any = None,
    *,
    writes: bool | None = None,
) -> Rule:
    return rule(request, writes=writes, **dict.fromkeys(SIGNED_IN, outcome))


def admin_only(request: Any = None, outcome: Outcome = OK) -> Rule:
    return rule(request, admin=outcome)


def json_body(body: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"json": body}


# Outcomes for the unit-object rules (SPEC §4: another unit's report answers 404).
REPORT_READ = {"admin": (OK, OK), "unit_officer": (OK, HIDDEN), "inspector": (OK, HIDDEN)}
SCORE_READ = REPORT_READ | {"viewer": (OK, OK)}
REPORT_EDIT = {
    "admin": (ALLOWED, ALLOWED),
    "unit_officer": (ALLOWED, HIDDEN),
    "inspector": (DENIED, HIDDEN),
}
REPORT_REVIEW = {
    "admin": (ALLOWED, ALLOWED),
    "unit_officer": (DENIED, HIDDEN),
    "inspector": (ALLOWED, HIDDEN),
}
# Reopening is an admin action: every other role is refused on the role alone (403 for any
# unit, so the answer says nothing about another unit's report).
REPORT_REOPEN = {"admin": (ALLOWED, ALLOWED)}


def _framework_body(w: World) -> dict[str, Any]:
    from domain.framework import default_framework

    doc = default_framework().to_dict()
    doc.pop("version", None)
    return {"json": doc | {"code": "matrix-fw"}}


_UPLOADS = itertools.count()


def _pdf() -> dict[str, Any]:
    """A small valid PDF, different every time (so no upload is taken for a duplicate)."""
    tag = str(next(_UPLOADS)).encode()
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%" + tag + b"\n%%EOF\n"
    )
    return {"files": {"file": ("หลักฐาน.pdf", data, "application/pdf")}}


def _fresh_evidence(w: World, scope: str | None) -> None:
    """Upload (as admin) an evidence file to the own or the other unit's report."""
    unit = OTHER if scope == "other" else OWN
    url = f"/api/v1/rounds/{w.round_id}/units/{unit}/report/indicators/3/evidence"
    r = w.client.post(url, headers=w.headers["admin"], **_pdf())
    assert r.status_code == 201, r.text
    w.evidence[scope or "own"] = r.json()["id"]


def _some_evidence(w: World, scope: str | None) -> None:
    if (scope or "own") not in w.evidence:
        _fresh_evidence(w, scope)


RULES: dict[str, Rule] = {
    # --- health and sign-in: no principal needed ---
    "get_health": public(),
    "get_ready": public(),
    "issue_token": public(
        lambda w: {"data": {"grant_type": "password", "username": "victim", "password": PASSWORD}},
        writes=False,
    ),
    "revoke_token": public(lambda w: {"data": {"token": "sqs_rt_unknown"}}, writes=False),
    # --- the caller's own account ---
    "get_me": everyone(),
    "change_me": everyone(OK, json_body({"language": "en"})),
    "get_my_notifications": everyone(),
    "put_my_notifications": everyone(
        OK,
        json_body(
            dict.fromkeys(
                (
                    "deadline_reminder",
                    "report_returned",
                    "report_approved",
                    "report_reopened",
                    "report_submitted",
                    "deadline_passed",
                    "round_closed",
                ),
                True,
            )
        ),
    ),
    "list_my_notices": everyone(),
    "list_notices": admin_only(),
    "change_my_password": everyone(
        OK, json_body({"current_password": PASSWORD, "new_password": "a new long password"})
    ),
    "create_api_token": everyone(OK, json_body({"name": "matrix", "password": PASSWORD})),
    "list_api_tokens": everyone(),
    "revoke_api_token": everyone(),
    # --- identity administration ---
    "create_user": admin_only(
        json_body({"username": "newbie", "password": PASSWORD, "role": "viewer"})
    ),
    "list_users": admin_only(),
    "get_user": admin_only(),
    "update_user": admin_only(json_body({"role": "viewer"})),
    "reset_password": admin_only(json_body({"new_password": "a new long password"})),
    "disable_user": admin_only(),
    "enable_user": admin_only(),
    "create_client": admin_only(json_body({"name": "new portal", "role": "viewer"})),
    "list_clients": admin_only(),
    "get_client": admin_only(),
    "disable_client": admin_only(),
    "enable_client": admin_only(),
    "list_audit_events": admin_only(),
    # --- reference data ---
    "list_units": everyone(),
    "get_unit": everyone((OK, OK)),
    "create_unit": admin_only(
        json_body({"code": "U99", "name_th": "ใหม่", "name_en": "New", "kind": "regional"})
    ),
    "list_frameworks": everyone(),
    "get_framework": everyone(),
    "create_framework": admin_only(_framework_body),
    "list_fiscal_years": everyone(),
    "get_fiscal_year": everyone(),
    "create_fiscal_year": admin_only(
        lambda w: {"json": {"year_be": 2559, "framework_id": w.framework_id}}
    ),
    "set_round_status": admin_only(json_body({"status": "open"})),
    "set_round_deadline": admin_only(json_body({"deadline": "2015-04-10"})),
    "list_not_applicable": rule(**SCORE_READ),
    "set_not_applicable": rule(json_body({"reason": "ไม่มีงานบริการนี้"}), admin=(OK, OK)),
    "clear_not_applicable": rule(admin=(OK, OK)),
    # --- reports (object rules per unit) ---
    "get_report": rule(**REPORT_READ),
    "put_report": rule(
        json_body({"entries": [{"indicator_no": 3, "value": "92.5"}]}), **REPORT_EDIT
    ),
    "put_report_entry": rule(
        json_body({"value": "92.5", "narrative": "ผลการดำเนินงาน"}), **REPORT_EDIT
    ),
    "submit_report": rule(**REPORT_EDIT),
    "return_report": rule(
        json_body({"comments": [{"indicator_no": 3, "comment": "โปรดแก้ไข"}]}), **REPORT_REVIEW
    ),
    "approve_report": rule(**REPORT_REVIEW),
    "reopen_report": rule(**REPORT_REOPEN),
    # --- scores ---
    "get_unit_score": rule(**SCORE_READ),
    "get_unit_score_history": rule(**SCORE_READ),
    "get_round_scoreboard": rule(admin=OK, unit_officer=OK, inspector=OK, viewer=OK),
    "simulate_score": everyone(
        OK, lambda w: {"json": {"framework_id": w.framework_id, "values": []}}, writes=False
    ),
    # --- central values ---
    "put_central_values": rule(
        lambda w: {"json": [{"unit_code": OWN, "indicator_no": 1, "value": "91"}]},
        admin=OK,
        central_provider=OK,
    ),
    # --- round monitoring, rewards, webhooks, exports ---
    "get_round_monitoring": rule(admin=OK, inspector=OK, viewer=OK),
    # each sees the reports it may read (tests/api/test_report_list.py)
    "list_round_reports": rule(admin=OK, unit_officer=OK, inspector=OK),
    "get_rewards": rule(admin=OK, viewer=OK),
    "set_reward_rates": admin_only(
        json_body({"rates": [{"level": "best_practice", "amount": "10000"}]})
    ),
    "set_participant_budget": rule(json_body({"budget": "5000"}), admin=(OK, OK)),
    "create_webhook": admin_only(
        json_body({"url": "https://93.184.215.14/hook", "events": ["report.submitted"]})
    ),
    "list_webhooks": admin_only(),
    "get_webhook": admin_only(),
    "delete_webhook": admin_only(),
    "list_webhook_deliveries": admin_only(),
    "retry_webhook_delivery": admin_only(),
    "get_round_scoreboard_xlsx": rule(admin=OK, unit_officer=OK, inspector=OK, viewer=OK),
    "get_report_xlsx": rule(**REPORT_READ),
    "get_fiscal_year_calendar": everyone(),
    # --- documents: the access of the data each shows ---
    "get_unit_report_pdf": rule(**REPORT_READ),
    "get_round_summary_pdf": rule(admin=OK, inspector=OK, viewer=OK),
    "get_round_levels_svg": rule(admin=OK, inspector=OK, viewer=OK),
    "get_round_dimensions_svg": rule(admin=OK, inspector=OK, viewer=OK),
    "get_unit_dimensions_svg": rule(**SCORE_READ),
    "get_unit_trend_svg": rule(**SCORE_READ),
    # --- evidence (the report's object rules; an evidence id belongs to one unit) ---
    "upload_indicator_evidence": rule(lambda w: _pdf(), **REPORT_EDIT),
    "list_indicator_evidence": rule(**REPORT_READ),
    "upload_working_group_order": rule(lambda w: _pdf(), **REPORT_EDIT),
    "list_working_group_orders": rule(**REPORT_READ),
    "get_evidence": rule(scoped=True, before_each=_some_evidence, **REPORT_READ),
    "get_evidence_content": rule(scoped=True, before_each=_some_evidence, **REPORT_READ),
    "delete_evidence": rule(scoped=True, before_each=_fresh_evidence, **REPORT_EDIT),
}

# Path parameters: how each is filled for a role and an own/other scope. Add new ones here.
PATH_PARAMS: dict[str, Callable[[World, str, str | None], Any]] = {
    "unit_code": lambda w, role, scope: OTHER if scope == "other" else OWN,
    "round_id": lambda w, role, scope: w.round_id,
    "year_be": lambda w, role, scope: w.year_be,
    "framework_id": lambda w, role, scope: w.framework_id,
    "indicator_no": lambda w, role, scope: 4,
    "user_id": lambda w, role, scope: w.victim_user_id,
    "client_id": lambda w, role, scope: w.client_id,
    "token_id": lambda w, role, scope: w.token_ids.get(role, w.token_ids["admin"]),
    # build_world() stores one webhook endpoint and one delivery in an empty database: id 1
    "webhook_id": lambda w, role, scope: 1,
    "delivery_id": lambda w, role, scope: 1,
    "evidence_id": lambda w, role, scope: w.evidence[scope or "own"],
}


def operations(app: Any) -> dict[str, tuple[str, str]]:
    """operation id → (method, path template), from the app's own OpenAPI document."""
    out: dict[str, tuple[str, str]] = {}
    for path, methods in app.openapi()["paths"].items():
        for method, op in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                assert op["operationId"] not in out, f"duplicate operation id {op['operationId']}"
                out[op["operationId"]] = (method.upper(), path)
    return out


def build_world(client: TestClient, engine: Any, settings: Settings) -> World:
    with UnitOfWork(engine, write=True) as uow:
        for code in (OWN, OTHER):
            reference.create_unit(
                uow,
                "system",
                reference.UnitView(code, f"หน่วย {code}", f"Unit {code}", "regional", None),
            )
        framework_id = uow.repos.reference.list_framework_rows()[0].id
        assert framework_id is not None
        fy = reference.create_fiscal_year(uow, "system", year_be=2558, framework_id=framework_id)
        round_id = fy.rounds[0].round_id
        for code in (OWN, OTHER):
            reference.mark_not_applicable(uow, _system_admin(), 2558, code, 4, "matrix")
        own_unit = uow.repos.reference.unit_by_code(OWN)
        assert own_unit is not None and own_unit.id is not None
        ids: dict[str, int] = {}
        for role in SIGNED_IN:
            user = UserRow(
                username=f"m-{role}",
                password_hash=PASSWORD_HASH,
                role=role,
                unit_id=own_unit.id if role == "unit_officer" else None,
                provider_code="BLSD" if role == "central_provider" else None,
            )
            uow.repos.identity.add(user)
            uow.repos.identity.flush()
            assert user.id is not None
            ids[role] = user.id
        uow.repos.identity.add(
            InspectorAssignmentRow(user_id=ids["inspector"], unit_id=own_unit.id)
        )
        victim = UserRow(username="victim", password_hash=PASSWORD_HASH, role="viewer")
        uow.repos.identity.add(victim)
        uow.repos.identity.add(
            ApiClientRow(
                client_id="matrix-portal", secret_hash=PASSWORD_HASH, name="p", role="viewer"
            )
        )
        token_ids: dict[str, int] = {}
        now = utcnow()
        for role, uid in ids.items():
            row = ApiTokenRow(
                user_id=uid,
                name="mine",
                token_hash=token_hash(f"sqs_pat_{role}"),
                scope="read_write",
                expires_at=now.replace(year=now.year + 1),
            )
            uow.repos.identity.add(row)
            uow.repos.identity.flush()
            assert row.id is not None
            token_ids[role] = row.id
        uow.repos.identity.add(
            ApiTokenRow(
                user_id=ids["admin"],
                name="ro",
                token_hash=token_hash("sqs_pat_read_only"),
                scope="read",
                expires_at=now.replace(year=now.year + 1),
            )
        )
        uow.repos.identity.flush()
        _webhook_with_failed_delivery(uow)
        assert victim.id is not None
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role, uid in ids.items():
        token, _ = create_access_token(settings, subject=f"user:{uid}", role=role)
        headers[role] = {"Authorization": f"Bearer {token}"}
    return World(
        2558,
        framework_id,
        round_id,
        victim.id,
        "matrix-portal",
        headers,
        token_ids,
        {"Authorization": "Bearer sqs_pat_read_only"},
    )


def _webhook_with_failed_delivery(uow: UnitOfWork) -> None:
    from persistence.tables import OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow
    from services.webhooks import generate_secret

    endpoint = WebhookEndpointRow(
        url="https://93.184.215.14/hook", secret=generate_secret(), events="report.submitted"
    )
    event = OutboxEventRow(event_id="msg_matrix", event_type="report.submitted", payload="{}")
    uow.repos.notifications.add(endpoint)
    uow.repos.notifications.add(event)
    uow.repos.notifications.flush()
    uow.repos.notifications.add(
        WebhookDeliveryRow(outbox_id=event.id, endpoint_id=endpoint.id, status="failed")
    )


def _system_admin() -> Any:
    from services.principal import Principal

    return Principal(subject="system", role="admin")


def _url(path: str, w: World, role: str, scope: str | None) -> str:
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        assert name in PATH_PARAMS, f"no value for path parameter {{{name}}}: add it to PATH_PARAMS"
        return str(PATH_PARAMS[name](w, role, scope))

    return re.sub(r"\{(\w+)\}", fill, path)


def _matches(status: int, expected: Outcome) -> bool:
    if expected == OK:
        return 200 <= status < 300
    if expected == ALLOWED:
        return status not in (401, 403, 404) and status < 500
    return status == expected


def _call(
    client: TestClient,
    method: str,
    path: str,
    headers: dict[str, str],
    rule_: Rule,
    w: World,
    role: str,
    scope: str | None,
) -> Any:
    if rule_.before_each is not None:
        rule_.before_each(w, scope)
    kwargs = rule_.request(w) if rule_.request else {}
    url = _url(path, w, role, scope)
    return client.request(method, url, headers=headers | kwargs.pop("headers", {}), **kwargs)


@pytest.fixture
def matrix(client: TestClient, engine: Any, settings: Settings) -> tuple[TestClient, World]:
    w = build_world(client, engine, settings)
    w.client = client
    return client, w


def test_every_operation_has_a_rule(app: Any) -> None:
    ops = operations(app)
    missing = sorted(set(ops) - set(RULES))
    stale = sorted(set(RULES) - set(ops))
    assert not missing, f"operations without a permission rule (add them to RULES): {missing}"
    assert not stale, f"rules for operations that no longer exist: {stale}"


@pytest.mark.parametrize("op_id", sorted(RULES))
def test_permission_matrix(matrix: tuple[TestClient, World], op_id: str) -> None:
    client, w = matrix
    ops = operations(client.app)
    if op_id not in ops:
        pytest.skip(f"{op_id} is not a route of this app (see test_every_operation_has_a_rule)")
    method, path = ops[op_id]
    rule_ = RULES[op_id]
    scoped = rule_.scoped if rule_.scoped is not None else "{unit_code}" in path
    scopes: tuple[str | None, ...] = ("own", "other") if scoped else (None,)
    failures = []
    for role in ROLES:
        for scope in scopes:
            expected = rule_.outcome(role, scope)
            r = _call(client, method, path, w.headers[role], rule_, w, role, scope)
            if not _matches(r.status_code, expected):
                failures.append(
                    f"{method} {path} as {role}{f' ({scope} unit)' if scope else ''}: "
                    f"expected {expected}, got {r.status_code} {r.text[:200]}"
                )
            elif r.status_code in (401, 403, 404):
                assert r.headers["content-type"] == "application/problem+json", (op_id, role)
    assert not failures, "\n".join(failures)


def test_read_only_token_never_writes(matrix: tuple[TestClient, World]) -> None:
    """An admin's read-only personal API token gets 403 on every writing operation."""
    client, w = matrix
    failures = []
    for op_id, (method, path) in sorted(operations(client.app).items()):
        rule_ = RULES.get(op_id)
        if rule_ is None or rule_.writes is False or (rule_.writes is None and method == "GET"):
            continue
        r = _call(client, method, path, w.read_only_admin, rule_, w, "admin", "own")
        if r.status_code != 403 or r.json().get("detail") != "This token is read-only.":
            failures.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
    assert not failures, "writes a read-only token was not refused:\n" + "\n".join(failures)


def test_read_only_token_still_reads(matrix: tuple[TestClient, World]) -> None:
    client, w = matrix
    ops = operations(client.app)
    for op_id, (method, path) in ops.items():
        if method == "GET" and RULES.get(op_id, Rule({})).outcome("admin", "own") == OK:
            r = _call(client, method, path, w.read_only_admin, RULES[op_id], w, "admin", "own")
            assert 200 <= r.status_code < 300, f"{path}: {r.status_code}"
