"""``domain.summary.summarize`` is ``evaluate``'s overall, level and indicator scores: on
generated frameworks and values (complete, with gaps, malformed, with not-applicable marks,
open and closed rounds), and on the default framework's golden unit."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.framework import Framework, default_framework
from domain.scoring import evaluate
from domain.summary import summarize
from domain.values import IndicatorValue
from tests.domain.test_domain_properties import SETTINGS, framework_st, values_for


def _expected(fw: Framework, values: Any, na: Any, closed: bool) -> Any:
    try:
        result = evaluate(fw, values, na, closed)
    except Exception as exc:  # the same error, or the same answer
        return type(exc), str(exc)
    return result.overall, result.level, tuple(r.score for r in result.indicators)


def _actual(fw: Framework, values: Any, na: Any, closed: bool) -> Any:
    try:
        return summarize(fw, values, na, closed)
    except Exception as exc:
        return type(exc), str(exc)


def _spoil(values: dict[int, IndicatorValue], rnd: random.Random) -> dict[int, IndicatorValue]:
    """Take a value away, empty it, give it in the wrong field or out of range, or add one
    for an indicator that does not exist."""
    out = dict(values)
    no = rnd.choice(sorted(out))
    how = rnd.randrange(6)
    if how == 0:
        del out[no]
    elif how == 1:
        out[no] = IndicatorValue(no)
    elif how == 2:
        out[no] = IndicatorValue(no, steps=9)
    elif how == 3:
        out[no] = IndicatorValue(no, score=Decimal("7"), value=Decimal("NaN"))
    elif how == 4:
        out[no] = IndicatorValue(no + 1, value=Decimal("1"))
    else:
        out[99] = IndicatorValue(99, value=Decimal("1"))
    return out


@SETTINGS
@given(framework_st(), st.integers(0, 10**9), st.data())
def test_summary_equals_evaluate(fw: Framework, seed: int, data: Any) -> None:
    rnd = random.Random(seed)
    values = values_for(fw, seed)
    if data.draw(st.booleans()):
        values = _spoil(values, rnd)
    numbers = [i.indicator_no for i in fw.indicators]
    na = set(data.draw(st.lists(st.sampled_from(numbers), max_size=len(numbers), unique=True)))
    closed = data.draw(st.booleans())
    assert _actual(fw, values, na, closed) == _expected(fw, values, na, closed)


def _best(fw: Framework) -> dict[int, IndicatorValue]:
    """Every indicator at its level-5 criterion (5 steps, a direct 5)."""
    out = {}
    for ind in fw.indicators:
        no = ind.indicator_no
        if ind.kind.value == "quantitative":
            out[no] = IndicatorValue(no, value=ind.criteria[4])
        elif ind.kind.value == "milestone":
            out[no] = IndicatorValue(no, steps=5)
        else:
            out[no] = IndicatorValue(no, score=Decimal(5))
    return out


def test_summary_of_the_default_framework_on_many_units() -> None:
    fw = default_framework()
    rnd = random.Random(2558)
    seen_levels = set()
    for seed in range(400):
        values = _best(fw) if seed % 11 == 0 else values_for(fw, seed)
        if seed % 7 == 0:
            values = _spoil(values, rnd)
        na = {rnd.choice([i.indicator_no for i in fw.indicators])} if seed % 5 == 0 else set()
        closed = seed % 3 == 0
        expected = _expected(fw, values, na, closed)
        assert _actual(fw, values, na, closed) == expected
        if not isinstance(expected[0], type):  # an answer, not an error
            seen_levels.add(expected[1])
    assert {"best_practice", "standard", "below_standard", "incomplete"} <= seen_levels


@SETTINGS
@given(framework_st(), st.integers(0, 10**9), st.data())
def test_dimension_scores_equal_evaluates_for_every_scored_unit(
    fw: Framework, seed: int, data: Any
) -> None:
    from domain.summary import dimension_scorer

    values = values_for(fw, seed)
    numbers = [i.indicator_no for i in fw.indicators]
    na = set(data.draw(st.lists(st.sampled_from(numbers), max_size=len(numbers), unique=True)))
    try:
        result = evaluate(fw, values, na, False)
    except Exception:  # no applicable indicator left: nothing to compare
        return
    if result.level == "incomplete":
        return
    scores = tuple(r.score for r in result.indicators)
    assert dimension_scorer(fw)(scores) == tuple(d.score for d in result.dimensions)
