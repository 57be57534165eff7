"""A refused framework's messages read as sentences (issue 19): a value as sent is shown in
“quotes”, as JSON writes it, never as Python would ('abc', None, True, Decimal('-5'))."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import FrameworkInvalid, ValueInvalid
from domain.framework import Framework
from domain.numbers import shown
from domain.rewards import compute_awards
from tests.domain.domain_testkit import default_dict

PYTHON_WORDS = ("'", "None", "True", "False", "Decimal(")


def _messages(d: dict) -> list[str]:
    with pytest.raises(FrameworkInvalid) as caught:
        Framework.from_dict(d)
    return [p["message"] for p in caught.value.problems]


def test_values_as_sent_are_shown_in_quotes_not_as_python_writes_them():
    d = default_dict()
    d["indicators"][0]["direction"] = "up"
    d["indicators"][1]["value_decimals"] = "2"
    d["indicators"][2]["dimension"] = "D9"
    d["indicators"][3]["source"] = "nobody"
    d["rounds"][0]["reported_indicators"] = [3, "four"]
    d["rounds"][0]["working_group_order_required"] = "yes"
    d["providers"].append({"code": "unit", "name_th": "หน่วย", "name_en": "Unit"})
    messages = _messages(d)
    for words in ("“up” is not one of", "must be a whole number, not “2”", "dimension “D9”"):
        assert any(words in m for m in messages), (words, messages)
    for words in ("source “nobody” is neither “unit”", "“four” is not an indicator number"):
        assert any(words in m for m in messages), (words, messages)
    assert any("must be true or false, not “yes”" in m for m in messages), messages
    assert any("provider code “unit” is reserved" in m for m in messages), messages
    for message in messages:
        assert not any(words in message for words in PYTHON_WORDS), message


@pytest.mark.parametrize(
    ("raw", "text"),
    [("abc", "abc"), (None, "null"), (True, "true"), (["a"], '["a"]'), (Decimal("-5"), "-5")],
)
def test_shown_writes_a_value_as_a_person_sent_it(raw, text):
    assert shown(raw) == text


def test_a_negative_reward_amount_is_shown_as_a_number():
    with pytest.raises(ValueInvalid) as caught:
        compute_awards({}, {"standard": Decimal("-5")})
    assert "“-5”" in caught.value.message and "Decimal" not in caught.value.message
