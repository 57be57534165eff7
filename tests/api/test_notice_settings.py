"""The notice settings: the pinned SQS_SMTP_* names, their checks, and the reminder days."""

from __future__ import annotations

import pytest

from api.settings import InvalidSettings, get_settings, notice_config, smtp_config
from tests.api.test_settings_validation import env  # noqa: F401  (the fixture)


def test_smtp_settings_by_their_pinned_names(env):  # noqa: F811
    for name, value in {
        "SQS_SMTP_HOST": "mail.labour.go.th",
        "SQS_SMTP_PORT": "587",
        "SQS_SMTP_FROM": "sqs@labour.go.th",
        "SQS_SMTP_USERNAME": "sqs",
        "SQS_SMTP_PASSWORD": "mail-secret",
        "SQS_SMTP_STARTTLS": "true",
        "SQS_PUBLIC_URL": "https://sqs.labour.go.th/",
        "SQS_NOTICE_REMINDER_DAYS": "1, 14, 7",
    }.items():
        env.setenv(name, value)
    settings = get_settings()
    smtp = smtp_config(settings)
    assert (smtp.host, smtp.port, smtp.sender, smtp.starttls) == (
        "mail.labour.go.th",
        587,
        "sqs@labour.go.th",
        True,
    )
    assert (smtp.username, smtp.password, smtp.enabled) == ("sqs", "mail-secret", True)
    config = notice_config(settings)
    assert config.public_url == "https://sqs.labour.go.th"
    assert config.reminder_days == (14, 7, 1)


def test_defaults_record_but_do_not_mail(env):  # noqa: F811
    settings = get_settings()
    assert not smtp_config(settings).enabled
    assert settings.notice_worker_enabled and notice_config(settings).reminder_days == (7, 1)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SQS_SMTP_USERNAME", "sqs", "SQS_SMTP_USERNAME and SQS_SMTP_PASSWORD go together"),
        ("SQS_SMTP_PORT", "70000", "SQS_SMTP_PORT"),
        ("SQS_SMTP_FROM", "no address", "SQS_SMTP_FROM"),
        ("SQS_PUBLIC_URL", "sqs.labour.go.th", "SQS_PUBLIC_URL"),
        ("SQS_NOTICE_REMINDER_DAYS", "7,0", "SQS_NOTICE_REMINDER_DAYS"),
    ],
)
def test_wrong_values_name_their_variable(env, name, value, says):  # noqa: F811
    env.setenv(name, value)
    with pytest.raises(InvalidSettings) as exc:
        get_settings()
    assert any(says in p for p in exc.value.problems), exc.value.problems
    assert value not in " ".join(exc.value.problems) or value == "sqs"
