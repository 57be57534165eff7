"""Exact number handling shared by the domain: parsing decimals and 4-decimal half-up rounding.

WHY: SPEC §2 "All arithmetic is exact: decimal.Decimal (or fractions.Fraction for weights),
never binary floats. Scores are shown with 4 decimals, rounded half-up." Scores are carried
internally as integers counting ten-thousandths (``q`` = score × 10 000), which makes the
rounding and the aggregation exact integer arithmetic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from types import MappingProxyType

SCORE_SCALE = 10_000
"""Scores are integers in units of 0.0001 internally."""

EXACT = Context(
    prec=200,
    rounding=ROUND_HALF_UP,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
"""The context of every ``Decimal`` operation in the domain that could round.

WHY: ``Decimal`` arithmetic uses the *thread's* context; another layer lowering
``getcontext().prec`` must never change a score. Values are limited to 28 digits, so 200
digits are exact, and ``Inexact`` is trapped to prove it."""

FOUR_PLACES = Decimal("0.0001")

_ROUNDING = Context(prec=200, rounding=ROUND_HALF_UP, Emin=-999_999, Emax=999_999)
"""Like :data:`EXACT` but rounding is the point (quantize to 4 decimals), so no Inexact trap."""

_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

MAX_ADJUSTED_EXPONENT = 15
"""Values are limited to |x| < 10**16 so that exact integer arithmetic stays cheap."""

MAX_FRACTION_DIGITS = 12
"""At most 12 significant decimals after the point (after removing trailing zeros)."""

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
"""Thai digits (U+0E50–U+0E59) read as the ASCII digits they are: officers type ``๙๒.๕``."""


class NotADecimal(ValueError):
    """Raised by :func:`to_decimal` with a short reason (``rule``) for the caller's problem.

    ``message`` is an English sentence about the text given (shown as typed, never as a
    Python repr); ``rule`` is stable and keys the translated message (domain.messages).
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def shown(raw: object) -> str:
    """The caller's input as a person reads it: text as typed (shortened), numbers as written,
    anything else as JSON writes it (``true``, ``null``, ``["a"]``), never as Python would."""
    text = raw if isinstance(raw, str | int | float | Decimal) else None
    if isinstance(raw, bool) or text is None:
        text = json.dumps(raw, ensure_ascii=False, default=str)
    text = str(text)
    return text if len(text) <= 40 else text[:37] + "..."


def to_decimal(raw: object) -> Decimal:
    """Convert a decimal string, int, Decimal or JSON float to an exact finite ``Decimal``.

    WHY: SPEC §5 "numbers as decimal strings (plain JSON numbers accepted too)". A JSON float
    is taken by its shortest repr (``92.5`` → ``Decimal("92.5")``), never by its binary value.
    NaN and infinities are rejected; booleans are not numbers.
    """
    if isinstance(raw, bool):
        raise NotADecimal("not_a_number", f"{shown(raw)} is not a number")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise NotADecimal("not_finite", f"{shown(raw)} is not a finite number")
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip().translate(THAI_DIGITS)
        if "," in text:
            raise NotADecimal(
                "comma",
                f"“{shown(raw)}” has a comma: use a point for decimals (92.5) "
                "and no thousands separators (1000)",
            )
        if not _DECIMAL_TEXT.match(text):
            raise NotADecimal("not_a_number", f"“{shown(raw)}” is not a number")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already guards
            raise NotADecimal("not_a_number", f"“{shown(raw)}” is not a number") from exc
    else:
        raise NotADecimal("not_a_number", "a number is required here")
    if not value.is_finite():
        raise NotADecimal("not_finite", f"“{shown(raw)}” is not a finite number")
    if value and value.adjusted() > MAX_ADJUSTED_EXPONENT:
        raise NotADecimal("out_of_range", f"{shown(raw)} is too large")
    if value and _fraction_digits(value) > MAX_FRACTION_DIGITS:
        raise NotADecimal(
            "too_precise", f"{shown(raw)} has more than {MAX_FRACTION_DIGITS} decimals"
        )
    return value


def fraction_digits(value: Decimal) -> int:
    """Significant digits after the point: ``92.50`` has 1, ``100`` and ``1E+2`` have 0."""
    return _fraction_digits(value) if value else 0


def canonical_text(value: Decimal) -> str:
    """The stored text of a value: ASCII digits, no exponent, no sign on zero, the decimals
    as given (``92.50`` stays ``92.50``; ``1e2`` becomes ``100``; ``-0`` becomes ``0``)."""
    if value.is_zero():
        value = value.copy_abs()
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_ROUNDING)
    return format(value, "f")


def _fraction_digits(value: Decimal) -> int:
    """Significant digits after the decimal point (trailing zeros do not count)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    end = len(digits)
    while exponent < 0 and end > 1 and digits[end - 1] == 0:
        end -= 1
        exponent += 1
    return max(0, -exponent)


def q_of_fraction(num: int, den: int) -> int:
    """Round ``num/den`` (≥ 0, ``den`` > 0) half-up to 4 decimals; result in units of 0.0001.

    round_half_up(x) = floor(x·10⁴ + ½), computed with integers only.
    """
    return (2 * SCORE_SCALE * num + den) // (2 * den)


def q_of_decimal(value: Decimal) -> int:
    """Round a non-negative ``Decimal`` half-up to 4 decimals, as an integer of 0.0001 units."""
    num, den = value.as_integer_ratio()
    return (2 * SCORE_SCALE * num + den) // (2 * den)


def q_ceil(value: Decimal) -> int:
    """Smallest integer ``q`` with ``q / 10⁴ ≥ value`` (thresholds with more than 4 decimals)."""
    num, den = value.as_integer_ratio()
    return -((-num * SCORE_SCALE) // den)


def dec4(q: int) -> Decimal:
    """The ``Decimal`` with exactly 4 decimals for ``q`` ten-thousandths."""
    if 0 <= q < len(DEC4_TABLE):
        return DEC4_TABLE[q]
    return scaled(q, -4)


def scaled(n: int, exponent: int) -> Decimal:
    """``n × 10**exponent`` as a ``Decimal``, exactly (``scaled(35000, -4)`` → ``3.5000``)."""
    return Decimal(n).scaleb(exponent, EXACT)


DEC4_TABLE: tuple[Decimal, ...] = tuple([scaled(q, -4) for q in range(5 * SCORE_SCALE + 1)])
"""``DEC4_TABLE[q]`` is the 4-decimal ``Decimal`` of ``q`` for 0 ≤ q ≤ 50 000: every possible
rounded score, built once at import (size and time in docs/benchmarks.md, "Domain throughput").

WHY: turning an integer score into its ``Decimal`` is then one tuple index on the hot path."""


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Σ of decimals in the exact context (independent of the thread's context)."""
    total = Decimal(0)
    for v in values:
        total = EXACT.add(total, v)
    return total


def round4(value: Decimal | Fraction | int) -> Decimal:
    """Round to 4 decimals half-up (away from zero on a tie), exactly."""
    if isinstance(value, Fraction):
        mag = abs(value)
        q = q_of_fraction(mag.numerator, mag.denominator)
        return scaled(-q if value < 0 else q, -4)
    return Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP, context=_ROUNDING)


_DEC4_TEXT: MappingProxyType[Decimal, str] = MappingProxyType({d: str(d) for d in DEC4_TABLE if d})
"""fmt4's answers for every possible rounded score, built once at import (read-only).

WHY: scores repeat (a 0-5 scale in ten-thousandths) and a score document formats about forty
of them, so a lookup replaces a quantize and a ``str()`` each time. Zero is left out
(``Decimal("-0") == Decimal("0")`` but prints with its sign); any other value is formatted."""


def fmt4(value: Decimal | None) -> str | None:
    """A score as a string with exactly 4 decimals (SPEC §5 "Scores travel as strings")."""
    if value is None:
        return None
    text = _DEC4_TEXT.get(value) if value else None
    if text is None:
        text = str(value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP, context=_ROUNDING))
    return text


def fraction_text(value: Fraction) -> str:
    """``Fraction(1, 3)`` → ``"1/3"``; whole numbers without a denominator."""
    return str(value)


def decimal_text(value: Decimal) -> str:
    """A decimal as plain text without exponent notation (``Decimal("1E+2")`` → ``"100"``)."""
    text = format(value, "f")
    return text
