"""Between stored value columns (decimal strings) and the domain's ``IndicatorValue``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from domain.framework import Framework
from domain.numbers import canonical_text
from domain.values import IndicatorValue
from persistence.caches import ValueMemo


def to_domain(
    memo: ValueMemo, no: int, value: str | None, steps: int | None, score: str | None
) -> IndicatorValue:
    """The domain value of stored columns; memoised (``ReadCaches.values``), as the same
    stored values recur on every read of a round (the scoreboard converts 100,000 of them for
    10,000 units)."""
    key = (no, value, steps, score)
    found: IndicatorValue | None = memo.get(key)
    if found is None:
        found = IndicatorValue(
            indicator_no=no,
            value=Decimal(value) if value is not None else None,
            steps=steps,
            score=Decimal(score) if score is not None else None,
        )
        memo.put(key, found)
    return found


def _text(d: Decimal | None) -> str | None:
    """The canonical stored text: -0 is 0, no exponent, ASCII digits (domain.numbers)."""
    if d is None:
        return None
    return canonical_text(d)


def to_columns(v: IndicatorValue) -> tuple[str | None, int | None, str | None]:
    return (_text(v.value), v.steps, _text(v.score))


def sources(framework: Framework) -> dict[int, str]:
    """Who supplies each indicator's value: ``"unit"`` or a provider code."""
    return {i.indicator_no: i.source for i in framework.indicators}


def merge_values(
    memo: ValueMemo,
    source_of: Mapping[int, str] | Framework,
    own: Iterable[tuple[Any, ...]],
    central: Iterable[tuple[Any, ...]],
    *,
    with_unit: bool = False,
) -> dict[int, IndicatorValue]:
    """The values that count for scoring: each indicator from its own source.

    A unit-sourced indicator takes the unit's entry; a centrally sourced one takes the
    provider's value. A value in the wrong place is never used. Rows are
    (indicator_no, value, steps, score), or with a leading unit id when ``with_unit``. Pass
    ``sources(framework)`` when merging for many units, so it is computed once. (The scoreboard
    calls this 10,000 times per round: one slice and one memo lookup per row.) ``memo``
    keeps the domain values of stored columns (``ReadCaches.values``).
    """
    if isinstance(source_of, Framework):
        source_of = sources(source_of)
    out: dict[int, IndicatorValue] = {}
    memo_get = memo.data.get
    source = source_of.get
    for rows, want_unit in ((own, True), (central, False)):
        for row in rows:
            key = row[1:] if with_unit else row
            src = source(key[0])
            if src is None or (src == "unit") is not want_unit:
                continue  # an unknown indicator, or a value from the wrong source
            value = memo_get(key)
            if value is None:
                if key[1] is None and key[2] is None and key[3] is None:
                    continue  # a row without a value: still missing
                value = to_domain(memo, *key)
            out[key[0]] = value
    return out
