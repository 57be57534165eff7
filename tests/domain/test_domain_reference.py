"""The fast scorer (``evaluate``, ``summarize``) against the reference statement of the rules
(``domain.reference``): every indicator's score, every dimension's, the overall, the plain
mean and the level, on generated frameworks and values (all kinds, both directions, weights
such as 1/3, not-applicable marks, missing values in open and closed rounds) and on the
default framework's seeded units."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bench.domain_throughput import random_units
from domain.framework import Framework, MissingValuePolicy, default_framework
from domain.reference import quantitative_score, reference_score, round4
from domain.scoring import evaluate
from domain.summary import summarize
from domain.values import IndicatorValue
from tests.domain.test_domain_properties import SETTINGS, framework_st, values_for


def _fast(fw: Framework, values: Any, na: Any, closed: bool) -> tuple[Any, ...]:
    result = evaluate(fw, values, na, closed)
    return (
        result.overall,
        result.plain_mean,
        result.level,
        {r.indicator_no: r.score for r in result.indicators},
        {d.code: d.score for d in result.dimensions},
    )


def _check(fw: Framework, values: Any, na: Any, closed: bool) -> str:
    expected = reference_score(fw, values, na, closed)
    assert _fast(fw, values, na, closed) == tuple(expected)
    summary = summarize(fw, values, na, closed)
    assert summary.overall == expected.overall
    assert summary.level == expected.level
    assert summary.scores == tuple(expected.scores.values())
    return expected.level


TRICKY_SCORES = ("4.49995", "4.5", "4.49994", "2.99995", "3", "3.99995", "4", "0.00005", "5")
"""Direct scores that round onto, or just short of, the level minimums of LEVELS."""


def _tricky_values(fw: Framework, rnd: random.Random) -> dict[int, IndicatorValue]:
    """Values on the edges: quantitative values at a criterion or half way to the next one,
    direct scores with a fifth decimal around the level minimums, any number of steps."""
    out = {}
    for ind in fw.indicators:
        no = ind.indicator_no
        if ind.kind.value == "quantitative":
            assert ind.criteria is not None
            k = rnd.randrange(5)
            value = ind.criteria[k]
            if k < 4 and rnd.random() < 0.5:
                value = (ind.criteria[k] + ind.criteria[k + 1]) / 2
            out[no] = IndicatorValue(no, value=value)
        elif ind.kind.value == "milestone":
            out[no] = IndicatorValue(no, steps=rnd.randint(0, 5))
        else:
            out[no] = IndicatorValue(no, score=Decimal(rnd.choice(TRICKY_SCORES)))
    return out


def _uniform_values(fw: Framework, score: Decimal) -> dict[int, IndicatorValue]:
    """Every indicator at ``score`` (milestones at its whole part): the overall then sits on,
    or just short of, a level's minimum."""
    out = {}
    k = min(int(score), 4)
    for ind in fw.indicators:
        no = ind.indicator_no
        if ind.kind.value == "quantitative":
            assert ind.criteria is not None
            low, high = ind.criteria[k - 1], ind.criteria[k]
            out[no] = IndicatorValue(no, value=low + (score - k) * (high - low))
        elif ind.kind.value == "milestone":
            out[no] = IndicatorValue(no, steps=int(score))
        else:
            out[no] = IndicatorValue(no, score=score)
    return out


@SETTINGS
@given(framework_st(), st.integers(0, 10**9), st.data())
def test_fast_scorer_equals_the_reference(fw: Framework, seed: int, data: Any) -> None:
    rnd = random.Random(seed)
    style = data.draw(st.sampled_from(["random", "tricky", "uniform"]))
    if style == "uniform":
        values = _uniform_values(fw, Decimal(data.draw(st.sampled_from(TRICKY_SCORES[:7]))))
    else:
        values = _tricky_values(fw, rnd) if style == "tricky" else values_for(fw, seed)
    numbers = [i.indicator_no for i in fw.indicators]
    na = set(data.draw(st.lists(st.sampled_from(numbers), max_size=len(numbers) - 1, unique=True)))
    for no in data.draw(st.lists(st.sampled_from(numbers), max_size=2, unique=True)):
        if rnd.random() < 0.5:
            del values[no]
        else:
            values[no] = IndicatorValue(no)  # empty: missing too
    if data.draw(st.booleans()):
        score_as = data.draw(st.sampled_from(["0", "1", "2.5", "3.33335"]))
        fw = replace(
            fw,
            missing_value_policy=MissingValuePolicy.SCORE_AS,
            missing_score_as=Decimal(score_as),
        )
    _check(fw, values, na, data.draw(st.booleans()))


def test_default_framework_units_equal_the_reference() -> None:
    """The benchmark's seeded units: every level, some not applicable, some incomplete."""
    fw = default_framework()
    levels = set()
    for n, (values, na) in enumerate(random_units(fw, 600, 2558)):
        levels.add(_check(fw, values, na, n % 2 == 0))
    assert {"best_practice", "standard", "below_standard", "incomplete"} <= levels


def test_reference_quantitative_examples_of_the_spec() -> None:
    fw = default_framework()
    # SPEC §2: criteria 80/85/90/95/100 %, actual 92.5 → 3.5000; 30/25/20/15/10 min, 18 → 3.4000.
    one = Fraction(1)
    assert round4(quantitative_score(fw.indicator(1), Decimal("92.5"), one)) == Decimal("3.5000")
    assert round4(quantitative_score(fw.indicator(4), Decimal("18"), one)) == Decimal("3.4000")
    assert quantitative_score(fw.indicator(1), Decimal("79.99"), Fraction(0)) == 0
    assert quantitative_score(fw.indicator(1), Decimal("120"), one) == 5
    assert quantitative_score(fw.indicator(4), Decimal("31"), one) == 1
    assert quantitative_score(fw.indicator(4), Decimal("10"), one) == 5
