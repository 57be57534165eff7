"""Property-based tests (hypothesis) of the scoring rules."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.compiled import compiled
from domain.compiled_indicator import gap_target
from domain.framework import Framework, default_framework
from domain.reference import weighted_overall
from domain.scoring import evaluate
from domain.values import IndicatorValue

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CENT = Decimal("0.01")


def cents(n: int) -> Decimal:
    return Decimal(n).scaleb(-2)


# --------------------------------------------------------------------------- strategies


@st.composite
def criteria_st(draw):
    """Five strictly monotonic criteria on a 0.01 grid and a direction agreeing with them."""
    start = draw(st.integers(-10_000, 100_000))
    steps = draw(st.lists(st.integers(1, 5_000), min_size=4, max_size=4))
    values = [start]
    for s in steps:
        values.append(values[-1] + s)
    direction = draw(st.sampled_from(["higher_is_better", "lower_is_better"]))
    if direction == "lower_is_better":
        values.reverse()
    return [str(cents(v)) for v in values], direction


def indicator_dict(no, dim, kind, criteria=None, direction=None, weight="1", decimals=2):
    return {
        "indicator_no": no,
        "code": f"i{no}",
        "name_th": f"ตัวชี้วัด {no}",
        "name_en": f"indicator {no}",
        "dimension": dim,
        "kind": kind,
        "direction": direction,
        "criteria": criteria,
        "unit": "",
        "source": "unit",
        "relative_weight": weight,
        "value_decimals": decimals,
    }


LEVELS = [
    {
        "code": "best_practice",
        "name_th": "ระดับต้นแบบ",
        "name_en": "Best Practice",
        "min_each": "4.00",
        "min_overall": "4.50",
    },
    {
        "code": "standard",
        "name_th": "ระดับมาตรฐาน",
        "name_en": "Standard",
        "min_each": "3.00",
        "min_overall": None,
    },
]


def one_quant(criteria, direction, floor="1"):
    return Framework.from_dict(
        {
            "code": "p",
            "version": 1,
            "providers": [],
            "dimensions": [{"code": "D", "name_th": "D", "name_en": "D", "weight": "100"}],
            "indicators": [indicator_dict(1, "D", "quantitative", criteria, direction)],
            "rounds": [],
            "levels": LEVELS,
            "below_level1_score": floor,
        }
    )


@st.composite
def framework_st(draw):
    """A valid random framework: 1–4 dimensions, 1–8 indicators of all kinds."""
    n_dims = draw(st.integers(1, 4))
    cuts = sorted(
        draw(st.lists(st.integers(1, 9_999), min_size=n_dims - 1, max_size=n_dims - 1, unique=True))
    )
    bounds = [0, *cuts, 10_000]
    weights = [cents(b - a) for a, b in itertools.pairwise(bounds)]
    dims = [
        {"code": f"D{i + 1}", "name_th": f"มิติ {i + 1}", "name_en": f"D{i + 1}", "weight": str(w)}
        for i, w in enumerate(weights)
    ]
    n_ind = draw(st.integers(n_dims, 8))
    owners = list(range(n_dims)) + [draw(st.integers(0, n_dims - 1)) for _ in range(n_ind - n_dims)]
    draw(st.randoms(use_true_random=False)).shuffle(owners)
    indicators = []
    for i, owner in enumerate(owners):
        kind = draw(st.sampled_from(["quantitative", "quantitative", "milestone", "direct"]))
        weight = draw(st.sampled_from(["1", "1", "2", "0.5", "1.5", "3"]))
        if kind == "quantitative":
            crit, direction = draw(criteria_st())
            indicators.append(indicator_dict(i + 1, f"D{owner + 1}", kind, crit, direction, weight))
        else:
            indicators.append(indicator_dict(i + 1, f"D{owner + 1}", kind, weight=weight))
    d = {
        "code": "random",
        "version": draw(st.integers(1, 9)),
        "name_th": "สุ่ม",
        "name_en": "random",
        "note": "",
        "providers": [],
        "dimensions": dims,
        "indicators": indicators,
        "rounds": [
            {
                "months": 12,
                "reported_indicators": [i["indicator_no"] for i in indicators],
                "min_evidence_per_indicator": draw(st.integers(0, 3)),
                "working_group_order_required": draw(st.booleans()),
            }
        ],
        "levels": LEVELS,
        "below_level1_score": draw(st.sampled_from(["0", "1"])),
        "overall_basis": draw(st.sampled_from(["weighted", "plain_mean"])),
    }
    return Framework.from_dict(d)


def value_for(ind, rnd: random.Random) -> IndicatorValue:
    if ind.kind.value == "quantitative":
        lo, hi = sorted((ind.criteria[0], ind.criteria[4]))
        span = int((hi - lo) * 100)
        v = cents(rnd.randint(int(lo * 100) - span // 3, int(hi * 100) + span // 3))
        return IndicatorValue(ind.indicator_no, value=v)
    if ind.kind.value == "milestone":
        return IndicatorValue(ind.indicator_no, steps=rnd.randint(0, 5))
    return IndicatorValue(ind.indicator_no, score=cents(rnd.randint(0, 500)))


def values_for(fw: Framework, seed: int) -> dict[int, IndicatorValue]:
    rnd = random.Random(seed)
    return {ind.indicator_no: value_for(ind, rnd) for ind in fw.indicators}


def score1(fw, value: Decimal) -> Decimal:
    result = evaluate(fw, {1: IndicatorValue(1, value=value)})
    assert result.indicators[0].score is not None
    return result.indicators[0].score


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(criteria_st(), st.integers(-2_000_000, 2_000_000), st.sampled_from(["0", "1"]))
def test_quantitative_score_within_floor_and_5(crit, v, floor):
    criteria, direction = crit
    fw = one_quant(criteria, direction, floor)
    s = score1(fw, cents(v))
    assert Decimal(floor) <= s <= 5
    assert s == s.quantize(Decimal("0.0001"))


@SETTINGS
@given(st.integers(0, 5), st.sampled_from(["0", "1"]))
def test_milestone_score_within_floor_and_5(steps, floor):
    fw = (
        default_framework()
        if floor == "1"
        else Framework.from_dict({**default_framework().to_dict(), "below_level1_score": "0"})
    )
    values = values_for(fw, 1)
    values[7] = IndicatorValue(7, steps=steps)
    s = evaluate(fw, values).indicator(7).score
    assert s == (steps if steps else Decimal(floor))


@SETTINGS
@given(criteria_st(), st.integers(-1_000_000, 1_000_000), st.integers(0, 500_000))
def test_monotonic_in_the_better_direction(crit, v, dv):
    criteria, direction = crit
    fw = one_quant(criteria, direction)
    a, b = cents(v), cents(v + dv)  # a <= b
    if direction == "higher_is_better":
        assert score1(fw, a) <= score1(fw, b)
    else:
        assert score1(fw, a) >= score1(fw, b)


@SETTINGS
@given(criteria_st())
def test_exact_and_continuous_at_criteria_points(crit):
    criteria, direction = crit
    fw = one_quant(criteria, direction, floor="1")
    eps = Decimal("0.000001")  # far below the 0.01 spacing of criteria
    better = eps if direction == "higher_is_better" else -eps
    for k, lk in enumerate((Decimal(c) for c in criteria), start=1):
        assert score1(fw, lk) == k
        above, below = score1(fw, lk + better), score1(fw, lk - better)
        assert k <= above <= k + Decimal("0.0001")
        assert k - Decimal("0.0001") <= below <= k


@SETTINGS
@given(criteria_st(), st.integers(1, 50_000), st.sampled_from([0, 10_000]))
def test_gap_value_reaches_target_and_one_step_worse_does_not(crit, target_q, floor_q):
    criteria, direction = crit
    fw = one_quant(criteria, direction, "1" if floor_q else "0")
    ci = compiled(fw).indicators[0]
    gt = gap_target(ci, target_q, floor_q)
    target = Decimal(target_q).scaleb(-4)
    if gt.any_value:
        assert floor_q >= target_q
        return
    assert not gt.unreachable and gt.required_value is not None
    value = gt.required_value
    assert value == value.quantize(CENT)  # on the 0.01 grid
    assert score1(fw, value) >= target
    worse = value - CENT if direction == "higher_is_better" else value + CENT
    assert score1(fw, worse) < target


@SETTINGS
@given(st.integers(0, 10**9))
def test_gap_items_of_default_framework_feed_back(seed):
    fw = default_framework()
    values = values_for(fw, seed)
    result = evaluate(fw, values)
    assume(result.next_level_gap is not None)
    for item in result.next_level_gap.blocking:
        changed = dict(values)
        if item.kind == "quantitative":
            changed[item.indicator_no] = IndicatorValue(
                item.indicator_no, value=item.required_value
            )
            ind = fw.indicator(item.indicator_no)
            step = CENT if ind.direction.value == "higher_is_better" else -CENT
            worse = dict(values)
            worse[item.indicator_no] = IndicatorValue(
                item.indicator_no, value=item.required_value - step
            )
            assert evaluate(fw, worse).indicator(item.indicator_no).score < item.required_score
        elif item.kind == "milestone":
            changed[item.indicator_no] = IndicatorValue(
                item.indicator_no, steps=item.required_steps
            )
        else:
            changed[item.indicator_no] = IndicatorValue(
                item.indicator_no, score=item.required_score
            )
        assert evaluate(fw, changed).indicator(item.indicator_no).score >= item.required_score


def reference_overall(fw: Framework, result, not_applicable=frozenset()) -> Fraction:
    """Independent oracle: exact Fractions straight from the SPEC formula (domain.reference)."""
    scores = {r.indicator_no: r.score for r in result.indicators if r.score is not None}
    return weighted_overall(fw, scores, not_applicable)


def half_up4(x: Fraction) -> Decimal:
    q = (x * 20_000 + 1) // 2
    return Decimal(int(q)).scaleb(-4)


@SETTINGS
@given(framework_st(), st.integers(0, 10**9))
def test_overall_matches_an_exact_fraction_oracle(fw, seed):
    result = evaluate(fw, values_for(fw, seed))
    assert result.overall == half_up4(reference_overall(fw, result))
    scored = [r.score for r in result.indicators]
    assert result.plain_mean == half_up4(sum(Fraction(s) for s in scored) / len(scored))


@SETTINGS
@given(framework_st(), st.integers(0, 10**9), st.randoms(use_true_random=False))
def test_overall_independent_of_indicator_order(fw, seed, rnd):
    values = values_for(fw, seed)
    indicators = list(fw.indicators)
    dimensions = list(fw.dimensions)
    rnd.shuffle(indicators)
    rnd.shuffle(dimensions)
    shuffled = replace(fw, indicators=tuple(indicators), dimensions=tuple(dimensions))
    a, b = evaluate(fw, values), evaluate(shuffled, values)
    assert (a.overall, a.plain_mean, a.level) == (b.overall, b.plain_mean, b.level)
    assert {r.indicator_no: r.score for r in a.indicators} == {
        r.indicator_no: r.score for r in b.indicators
    }
    shuffled_values = dict(rnd.sample(sorted(values.items()), len(values)))
    assert evaluate(fw, shuffled_values).overall == a.overall


@SETTINGS
@given(framework_st(), st.integers(0, 10**9), st.data())
def test_not_applicable_equals_removing_the_indicator(fw, seed, data):
    numbers = [i.indicator_no for i in fw.indicators]
    assume(len(numbers) > 1)
    na = set(
        data.draw(
            st.lists(st.sampled_from(numbers), min_size=1, max_size=len(numbers) - 1, unique=True)
        )
    )
    values = values_for(fw, seed)
    with_na = evaluate(fw, values, not_applicable=na)

    # The same framework with those indicators removed, and dimensions left empty removed;
    # the remaining dimension weights then no longer sum to 100, which the overall formula
    # Σ(w·score)/Σw renormalises — exactly what "renormalised across dimensions" means.
    kept = tuple(i for i in fw.indicators if i.indicator_no not in na)
    used = {i.dimension for i in kept}
    reduced = replace(
        fw, indicators=kept, dimensions=tuple(d for d in fw.dimensions if d.code in used)
    )
    without = evaluate(reduced, {k: v for k, v in values.items() if k not in na})

    assert (with_na.overall, with_na.plain_mean, with_na.level) == (
        without.overall,
        without.plain_mean,
        without.level,
    )
    assert {r.indicator_no: r.score for r in with_na.indicators if r.indicator_no not in na} == {
        r.indicator_no: r.score for r in without.indicators
    }
    assert {d.code: d.score for d in with_na.dimensions if d.code in used} == {
        d.code: d.score for d in without.dimensions
    }
    assert all(with_na.indicator(n).status == "not_applicable" for n in na)
    assert with_na.overall == half_up4(reference_overall(fw, with_na, frozenset(na)))


@SETTINGS
@given(framework_st())
def test_to_dict_from_dict_round_trip(fw):
    d = fw.to_dict()
    assert Framework.from_dict(d) == fw
    assert Framework.from_dict(json.loads(json.dumps(d, ensure_ascii=False))) == fw
    assert Framework.from_dict(d).to_dict() == d


@SETTINGS
@given(framework_st(), st.integers(0, 10**9))
def test_score_document_is_json_ready(fw, seed):
    doc = evaluate(fw, values_for(fw, seed)).to_dict()
    text = json.dumps(doc, ensure_ascii=False)
    assert json.loads(text)["level"] in {"best_practice", "standard", "below_standard"}
