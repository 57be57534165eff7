"""Throughput of the pure domain scorer on the default framework (one core).

Generates N seeded random units (values for all ten indicators of ``sqs-default``, a few with
a not-applicable indicator, a few with a missing value), then times ``evaluate`` on all of
them: indicator scores, dimension and overall scores, level, explanation objects and the gap
to the next level are all produced for every unit. Generation is not timed.

Usage: python bench/domain_throughput.py [N] [--seed S] [--repeat R] [--to-dict] [--profile]
Each of the R timed passes evaluates all N units; the best pass is reported (as ``timeit``
does: the least disturbed run). The LAST line printed is exactly
{"units_per_second": <number>, "units": N}.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.framework import Framework, IndicatorKind, default_framework
from domain.scoring import evaluate
from domain.values import IndicatorValue

Unit = tuple[dict[int, IndicatorValue], tuple[int, ...]]


def _value_for_score(criteria: tuple[Decimal, ...], score: float) -> Decimal:
    """A value (0.01 grid) whose score is about ``score``: the inverse interpolation, with a
    linear extension beyond L1 and L5."""
    k = min(max(int(score), 1), 4)
    lk, lk1 = float(criteria[k - 1]), float(criteria[k])
    value = lk + (score - k) * (lk1 - lk)
    return Decimal(round(value * 100)).scaleb(-2)


def random_units(fw: Framework, n: int, seed: int) -> list[Unit]:
    """N random units around a per-unit quality level (so that every level occurs): each unit
    draws a base score in 1.5–5.2, each indicator that base plus noise; quantitative values on
    a 0.01 grid, milestone steps 0–5, direct scores with 2 decimals. About 10 % of the units
    have one indicator not applicable and about 3 % miss one value (incomplete)."""
    rng = random.Random(seed)
    units: list[Unit] = []
    numbers = [ind.indicator_no for ind in fw.indicators]
    for _ in range(n):
        base = rng.uniform(1.5, 5.2)
        values: dict[int, IndicatorValue] = {}
        for ind in fw.indicators:
            no = ind.indicator_no
            score = min(max(base + rng.gauss(0.0, 0.7), 0.2), 5.6)
            if ind.kind is IndicatorKind.QUANTITATIVE:
                assert ind.criteria is not None
                values[no] = IndicatorValue(no, value=_value_for_score(ind.criteria, score))
            elif ind.kind is IndicatorKind.MILESTONE:
                values[no] = IndicatorValue(no, steps=min(max(round(score), 0), 5))
            else:
                direct = Decimal(round(min(score, 5.0) * 100)).scaleb(-2)
                values[no] = IndicatorValue(no, score=direct)
        not_applicable: tuple[int, ...] = ()
        roll = rng.random()
        if roll < 0.10:
            not_applicable = (rng.choice(numbers),)
        elif roll < 0.13:
            del values[rng.choice(numbers)]
        units.append((values, not_applicable))
    return units


def run(fw: Framework, units: list[Unit], to_dict: bool) -> tuple[float, dict[str, int], int]:
    """Evaluate every unit; tally levels and gaps (results are not kept alive)."""
    levels: dict[str, int] = {}
    with_gap = 0
    start = time.perf_counter()
    for values, na in units:
        result = evaluate(fw, values, na)
        if to_dict:
            result.to_dict()
        levels[result.level] = levels.get(result.level, 0) + 1
        if result.next_level_gap is not None:
            with_gap += 1
    return time.perf_counter() - start, levels, with_gap


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="?", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2558)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed passes over the units; the best pass is reported",
    )
    parser.add_argument("--to-dict", action="store_true", help="also build the JSON dicts")
    parser.add_argument("--profile", action="store_true", help="print a cProfile report")
    args = parser.parse_args(argv)

    fw = default_framework()
    units = random_units(fw, args.units, args.seed)
    evaluate(fw, *units[0])  # compile the framework outside the timed loop
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run(fw, units, args.to_dict)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    gc.collect()
    gc.freeze()  # the generated units are set-up data: keep them out of the collector's work
    timings = []
    for _ in range(max(1, args.repeat)):
        elapsed, levels, with_gap = run(fw, units, args.to_dict)
        timings.append(elapsed)
        print(f"pass: {elapsed:.3f} s = {args.units / elapsed:,.0f} units/s")
    elapsed = min(timings)
    print(f"levels: {json.dumps(levels, sort_keys=True)}; units with a gap: {with_gap}")
    print(f"best pass: {elapsed:.3f} s for {args.units} units")
    rate = args.units / elapsed if elapsed > 0 else float("inf")
    print(json.dumps({"units_per_second": round(rate, 1), "units": args.units}))


if __name__ == "__main__":
    main()
