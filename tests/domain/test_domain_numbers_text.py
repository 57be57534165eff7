"""fmt4 remembers its answers by value: a remembered answer is the one it would compute, for
any decimal, asked any number of times, zeros of either sign included."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import numbers
from domain.numbers import FOUR_PLACES, fmt4


def _computed(value: Decimal) -> str:
    return str(value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP, context=numbers._ROUNDING))


@given(st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=6))
def test_a_remembered_answer_is_the_computed_one(value: Decimal) -> None:
    first, again = fmt4(value), fmt4(value)
    assert first == again == _computed(value)


def test_equal_values_written_differently_share_one_answer() -> None:
    assert fmt4(Decimal("3.5")) == fmt4(Decimal("3.50000")) == "3.5000"
    assert fmt4(Decimal("4.99995")) == "5.0000"


def test_zeros_keep_their_sign_and_are_not_remembered() -> None:
    for _ in range(2):
        assert fmt4(Decimal("0")) == "0.0000"
        assert fmt4(Decimal("-0")) == "-0.0000"
        assert fmt4(Decimal("-0.00001")) == "-0.0000"
    assert Decimal(0) not in numbers._DEC4_TEXT


def test_the_memory_is_bounded() -> None:
    """The answers are a fixed, read-only map of the 50,000 non-zero rounded scores: formatting
    other values leaves it as it was."""
    size = len(numbers._DEC4_TEXT)
    assert size == 50_000
    for n in range(10):
        assert fmt4(Decimal(n + 1) / 7) == _computed(Decimal(n + 1) / 7)
    assert len(numbers._DEC4_TEXT) == size
    with pytest.raises(TypeError):
        numbers._DEC4_TEXT[Decimal(1)] = "1.0000"  # type: ignore[index]
