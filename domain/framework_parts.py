"""The parts of a framework: its dimensions, indicators, round requirements, level rules and
the enums of its policies.

WHY: ``domain.framework`` (the :class:`~domain.framework.Framework` itself, which reads and
writes its JSON form) and the modules that read that JSON both build these parts; keeping them
here lets the readers depend on the parts without depending back on the framework, so the
imports run one way. Import them from ``domain.framework``, which re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

UNIT_SOURCE = "unit"
"""Source of an indicator whose value the service unit reports itself."""


MAX_STEPS = 5
"""Milestone steps run 0..5 and a direct score 0..5 unless the framework narrows them."""


class IndicatorKind(str, Enum):  # noqa: UP042 - pinned interface: (str, Enum)
    """How an indicator's score is obtained (SPEC §2 "Indicator kinds and their score")."""

    QUANTITATIVE = "quantitative"
    MILESTONE = "milestone"
    DIRECT = "direct"


class Direction(str, Enum):  # noqa: UP042
    """Which way a quantitative indicator improves; must agree with the criteria order."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class MissingValuePolicy(str, Enum):  # noqa: UP042
    """What a closed round does with a value that never arrived (SPEC §2 "Missing data")."""

    INCOMPLETE = "incomplete"
    SCORE_AS = "score_as"


class OverallBasis(str, Enum):  # noqa: UP042
    """Which number the level rules' ``min_overall`` is compared against.

    SPEC §2: "Whether 'overall average' means the weighted overall (default) or the plain mean
    of indicator scores is a framework setting, because the seed does not say."
    """

    WEIGHTED = "weighted"
    PLAIN_MEAN = "plain_mean"


@dataclass(frozen=True, slots=True)
class Provider:
    """A central provider that supplies values for its indicators (e.g. BLSD, FIN)."""

    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Dimension:
    """A weighted dimension (มิติ); the weights of all dimensions sum to 100."""

    code: str
    name_th: str
    name_en: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator (ตัวชี้วัด) of one dimension.

    ``criteria`` are L1…L5 for ``quantitative`` indicators, ``None`` for the other kinds.
    ``source`` is ``"unit"`` or a provider code. ``value_decimals`` is the grid on which
    values are reported (a value with more decimals is refused); the gap computation rounds
    required values onto it.

    ``min_value`` / ``max_value`` (``min`` / ``max`` in the JSON form) are the plausible range
    of what is reported: a physical limit such as 0–100 for a percentage, not a scoring rule.
    WHY: a typo (150 %, -5 minutes) would otherwise be scored 5 and become a level and a
    reward. ``None`` is "no limit" for a quantitative value; steps and direct scores are always
    bounded (see :attr:`lower` and :attr:`upper`).
    """

    indicator_no: int
    code: str
    name_th: str
    name_en: str
    dimension: str
    kind: IndicatorKind
    direction: Direction | None
    criteria: tuple[Decimal, ...] | None
    unit: str
    source: str
    relative_weight: Decimal = Decimal(1)
    value_decimals: int = 2
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @property
    def lower(self) -> Decimal | None:
        """The smallest value taken: the declared ``min``, else 0 for steps and scores."""
        if self.min_value is not None or self.kind is IndicatorKind.QUANTITATIVE:
            return self.min_value
        return Decimal(0)

    @property
    def upper(self) -> Decimal | None:
        """The largest value taken: the declared ``max``, else 5 for steps and scores."""
        if self.max_value is not None or self.kind is IndicatorKind.QUANTITATIVE:
            return self.max_value
        return Decimal(MAX_STEPS)


class Comparison(str, Enum):  # noqa: UP042
    """How a cross-indicator rule compares two reported values."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    def holds(self, left: Decimal, right: Decimal) -> bool:
        """True when ``left <op> right``."""
        if self is Comparison.LT:
            return left < right
        if self is Comparison.LE:
            return left <= right
        if self is Comparison.GT:
            return left > right
        return left >= right


@dataclass(frozen=True, slots=True)
class ValueRule:
    """A cross-indicator plausibility rule, e.g. indicator 3 ≤ indicator 1.

    WHY: some reported numbers bound each other (cases handled on time cannot exceed cases
    received). Checked on submit with the other unmet requirements; never a scoring rule.
    """

    left: int
    comparison: Comparison
    right: int


@dataclass(frozen=True, slots=True)
class RoundRequirement:
    """What units must send in the round of ``months`` (SPEC §1 reporting calendar)."""

    months: int
    reported_indicators: tuple[int, ...]
    min_evidence_per_indicator: int
    working_group_order_required: bool


@dataclass(frozen=True, slots=True)
class LevelRule:
    """A level of the standard: a minimum per indicator and/or a minimum overall.

    Rules are listed highest first; the first rule a unit satisfies is its level.
    """

    code: str
    name_th: str
    name_en: str
    min_each: Decimal | None
    min_overall: Decimal | None
