"""Between stored value columns (decimal strings) and the domain's ``IndicatorValue``."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from domain.framework import Framework
from domain.values import IndicatorValue
from persistence.repositories.reporting import ValueTuple


def to_domain(no: int, value: str | None, steps: int | None, score: str | None) -> IndicatorValue:
    return IndicatorValue(
        indicator_no=no,
        value=Decimal(value) if value is not None else None,
        steps=steps,
        score=Decimal(score) if score is not None else None,
    )


def to_columns(v: IndicatorValue) -> tuple[str | None, int | None, str | None]:
    return (
        str(v.value) if v.value is not None else None,
        v.steps,
        str(v.score) if v.score is not None else None,
    )


def merge_values(
    framework: Framework, own: Iterable[ValueTuple], central: Iterable[ValueTuple]
) -> dict[int, IndicatorValue]:
    """The values that count for scoring: each indicator from its own source.

    A unit-sourced indicator takes the unit's entry; a centrally sourced one takes the
    provider's value. A value in the wrong place is never used.
    """
    sources = _sources(framework)
    out: dict[int, IndicatorValue] = {}
    for no, value, steps, score in own:
        if sources.get(no) == "unit" and (value is not None or steps is not None or score is not None):
            out[no] = to_domain(no, value, steps, score)
    for no, value, steps, score in central:
        if sources.get(no, "unit") != "unit" and (value is not None or steps is not None or score is not None):
            out[no] = to_domain(no, value, steps, score)
    return out


def _sources(framework: Framework) -> dict[int, str]:
    return {i.indicator_no: i.source for i in framework.indicators}
