"""``sqs send-notices`` and ``sqs create-user --email --language``."""

from __future__ import annotations

from persistence.unit_of_work import UnitOfWork
from services import events
from services.reference import UnitView, create_unit
from tests.mail import SmtpServer


def test_create_user_takes_email_and_language(cli, engine, monkeypatch, capsys):
    monkeypatch.setenv("SQS_NEW_USER_PASSWORD", "a long enough passphrase")
    assert cli("create-user", "somchai", "--role", "admin", "--email", "Somchai@Ex.ORG") == 0
    assert cli("create-user", "john", "--role", "admin", "--language", "en") == 0
    with UnitOfWork(engine) as uow:
        somchai = uow.repos.identity.user_by_username("somchai")
        john = uow.repos.identity.user_by_username("john")
    assert (somchai.email, somchai.language) == ("Somchai@ex.org", "th")
    assert (john.email, john.language) == (None, "en")
    capsys.readouterr()
    assert cli("create-user", "other", "--role", "admin", "--email", "somchai@ex.org") == 1
    assert "another user has this e-mail address" in capsys.readouterr().err
    assert cli("create-user", "bad", "--role", "admin", "--email", "no address") == 2
    assert "name@example.go.th" in capsys.readouterr().err
    with UnitOfWork(engine) as uow:
        assert uow.repos.identity.user_by_username("other") is None


def test_send_notices_mails_what_is_pending_once(cli, engine, monkeypatch, capsys):
    monkeypatch.setenv("SQS_NEW_USER_PASSWORD", "a long enough passphrase")
    with UnitOfWork(engine, write=True) as uow:
        create_unit(uow, "system:test", UnitView("BKK01", "หน่วย", "Unit", "central", None))
    assert (
        cli(
            "create-user",
            "off",
            "--role",
            "unit_officer",
            "--unit-code",
            "BKK01",
            "--email",
            "o@ex.org",
        )
        == 0
    )
    with UnitOfWork(engine, write=True) as uow:  # a round is needed for the words
        from domain.framework import default_framework
        from services.bootstrap import ensure_framework
        from services.reference import create_fiscal_year

        fy = create_fiscal_year(
            uow,
            "system:test",
            year_be=2558,
            framework_id=ensure_framework(uow, default_framework()),
        )
        events.emit(
            uow, "report.approved", {"round_id": fy.rounds[0].round_id, "unit_code": "BKK01"}
        )
    capsys.readouterr()
    assert cli("send-notices") == 0  # no SMTP host: recorded, not sent, and said so
    out = capsys.readouterr()
    assert "SQS_SMTP_HOST is not set" in out.err and "written 1, sent 0" in out.out
    server = SmtpServer().start()
    try:
        monkeypatch.setenv("SQS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SQS_SMTP_PORT", str(server.port))

        assert cli("send-notices") == 0
        assert "sent 1" in capsys.readouterr().out
        assert cli("send-notices") == 0
        assert "sent 0" in capsys.readouterr().out
    finally:
        server.stop()
    [got] = server.inbox.received
    assert got.to == ("o@ex.org",) and "อนุมัติ" in got.subject
