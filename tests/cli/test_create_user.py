"""``sqs create-user`` goes through the same service as ``POST /users``: the password policy,
the role's bindings, user names unique ignoring case, ``password_changed_at``, the audit trail.
"""

from __future__ import annotations

import pytest

from persistence.tables import AuditEventRow
from persistence.unit_of_work import UnitOfWork
from services.reference import UnitView, create_unit

PASSWORD = "a long enough passphrase"


@pytest.fixture
def unit(engine) -> str:
    with UnitOfWork(engine, write=True) as uow:
        create_unit(uow, "system:test", UnitView("BKK01", "กรุงเทพ 1", "Bangkok 1", "central", None))
    return "BKK01"


def users(engine) -> dict[str, object]:
    with UnitOfWork(engine) as uow:
        return {u.username: u for u in uow.repos.identity.list_users(after_id=None, limit=100)}


def test_a_user_is_created_as_post_users_creates_one(cli, engine, unit, monkeypatch, capsys):
    monkeypatch.setenv("SQS_NEW_USER_PASSWORD", PASSWORD)
    assert cli("create-user", "Officer.One", "--role", "unit_officer", "--unit-code", unit) == 0
    assert "created unit_officer 'Officer.One'" in capsys.readouterr().out
    row = users(engine)["Officer.One"]
    assert row.password_changed_at is not None  # type: ignore[attr-defined]
    with UnitOfWork(engine) as uow:
        events = [
            e
            for e in uow.repos.audit.list(object_type="user", limit=10)
            if isinstance(e, AuditEventRow)
        ]
    assert [(e.action, e.actor) for e in events] == [("user.create", "system:cli")]


@pytest.mark.parametrize(
    ("password", "argv", "says"),
    [
        ("short", ("viewer", "--role", "viewer"), "at least 12 characters"),
        ("Policy.Check", ("policy.check", "--role", "viewer"), "may not be the username"),
        (
            PASSWORD,
            ("officer", "--role", "unit_officer"),
            "the role unit_officer needs “unit_code”",
        ),
        (
            PASSWORD,
            ("admin2", "--role", "admin", "--unit-code", "BKK01"),
            "the role admin has no “unit_code”",
        ),
        (PASSWORD, ("prov", "--role", "central_provider", "--provider-code", "NOPE"), "NOPE"),
        (
            PASSWORD,
            ("insp", "--role", "inspector", "--unit-codes", "XXX"),
            "no unit with the code “XXX”",
        ),
    ],
)
def test_the_password_policy_and_role_bindings_hold(
    cli, engine, unit, monkeypatch, capsys, password, argv, says
):
    monkeypatch.setenv("SQS_NEW_USER_PASSWORD", password)
    assert cli("create-user", *argv) == 2
    assert says in capsys.readouterr().err
    assert users(engine) == {}  # nothing half-written


def test_user_names_are_unique_ignoring_case(cli, engine, unit, monkeypatch, capsys):
    monkeypatch.setenv("SQS_NEW_USER_PASSWORD", PASSWORD)
    assert cli("create-user", "Viewer", "--role", "viewer") == 0
    assert cli("create-user", "VIEWER", "--role", "viewer") == 1
    assert "ignoring case" in capsys.readouterr().err
    assert list(users(engine)) == ["Viewer"]
