"""``sqs`` refusing to start says, per wrong ``SQS_*`` variable, what is wrong and what it may
hold, in its own words: no pydantic text (issue 19). Never the value itself."""

from __future__ import annotations

import uuid

import pytest
from pydantic import BaseModel, Field, ValidationError

from api.settings import InvalidSettings, Settings, get_settings
from api.settings_words import problems_of
from tests.api.test_settings_validation import env  # noqa: F401  (the fixture)

LIBRARY_WORDS = ("Input should", "unable to", "Value error", "Expecting value", "Field required")


def _problem(environ: pytest.MonkeyPatch, name: str, value: str) -> str:
    environ.setenv(name, value)
    with pytest.raises(InvalidSettings) as caught:
        get_settings()
    [line] = caught.value.problems
    return line


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "SQS_UPLOAD_MAX_BYTES",
            "abc",
            "must be a whole number (a valid integer); unset, it is 20971520.",
        ),
        (
            "SQS_UPLOAD_MAX_BYTES",
            "1.5",
            "must be a whole number (a valid integer); unset, it is 20971520.",
        ),
        (
            "SQS_DB_POOL_SIZE",
            "0",
            "is too small: it must be greater than or equal to 1; unset, it is 10.",
        ),
        (
            "SQS_BODY_TIMEOUT_SECONDS",
            "0",
            "is too small: it must be greater than 0; unset, it is 60.",
        ),
        (
            "SQS_LOGIN_BACKOFF_MAX_SECONDS",
            "100000",
            "is too large: it must be less than or equal to 86400; unset, it is 900.",
        ),
        (
            "SQS_BODY_IDLE_TIMEOUT_SECONDS",
            "soon",
            "must be a number (a valid number, such as 2.5); unset, it is 15.",
        ),
        (
            "SQS_METRICS_ENABLED",
            "maybe",
            "must be true or false (a valid boolean: true/false, yes/no, on/off or 1/0); "
            "unset, it is true.",
        ),
        (
            "SQS_LOG_LEVEL",
            "loud",
            "must be one of 'critical', 'error', 'warning', 'info' or 'debug'; unset, it is info.",
        ),
        (
            "SQS_CORS_ORIGINS",
            '["https://a.example"',
            "its JSON list is broken (Expecting ',' delimiter at column 21): write it as "
            '["a", "b"], or write the values separated by commas: a, b.',
        ),
        (
            "SQS_SMTP_USERNAME",
            "sqs",
            "SQS_SMTP_USERNAME and SQS_SMTP_PASSWORD go together: set both, or neither.",
        ),
    ],
)
def test_each_problem_says_what_the_variable_must_hold(env, name, value, line):  # noqa: F811
    problem = _problem(env, name, value)
    assert problem in (f"{name}: {line}", line)
    assert not any(words in problem for words in LIBRARY_WORDS), problem


class _Later(BaseModel):
    """A kind of value no setting has yet: its problem is still a sentence."""

    instance: uuid.UUID
    ratio: float = Field(default=0.5, gt=0)


def test_an_unforeseen_kind_of_value_still_names_its_variable_in_words():
    with pytest.raises(ValidationError) as caught:
        _Later.model_validate({"instance": "not-a-uuid", "ratio": "0"})
    lines = problems_of(caught.value, _Later.model_fields)
    assert lines == [
        "SQS_INSTANCE: has a value this service cannot use (see Configuration in README.md).",
        "SQS_RATIO: is too small: it must be greater than 0; unset, it is 0.5.",
    ]


def test_every_setting_with_limits_is_worded():
    """Every constraint a setting declares is one this module words (none falls through to
    the catch-all sentence)."""
    from api.settings_words import EXPECTED

    kinds = {"ge": "greater_than_equal", "gt": "greater_than", "le": "less_than_equal"}
    kinds |= {"lt": "less_than"}
    for name, field in Settings.model_fields.items():
        for meta in field.metadata:
            for attr, kind in kinds.items():
                if getattr(meta, attr, None) is not None:
                    assert kind in EXPECTED, (name, kind)
