"""Cell values: parsing what people type, and computing the derived totals.

A value is a ``Decimal``, ``None`` (blank: not yet filled) or ``NOT_APPLICABLE`` ("/").

What counts as a number is one grammar, ``NUMBER_PATTERN``, written so that Python's ``re`` and the
browser's ``RegExp`` read it alike: the workspace renders it into the page and ``grid.js`` parses the live
totals with it, so the browser and the server cannot disagree on what is a number. A number is:
surrounding spaces (half- or full-width), an optional leading minus, digits (half- or full-width), either
plain (1234) or grouped in threes by commas (1,234 / 1，234), and optionally a decimal point with digits.
Whether the cell admits a minus (2019's 本年增/减 only) or decimals (money only) is the cell's kind, checked
after the grammar, so that the message can say which. Everything else — 1e3, .5, 1_000, +5, Arabic-Indic
digits — is not a number.
"""

import math
import re
from decimal import Decimal

from .base import MAX_CELL_VALUE, NOT_APPLICABLE, CellKind

_DIGIT = "[0-9０-９]"
_SPACE = "[ \u3000]*"
NUMBER_PATTERN = f"^{_SPACE}-?(?:{_DIGIT}{{1,3}}(?:[,，]{_DIGIT}{{3}})+|{_DIGIT}+)(?:\\.{_DIGIT}+)?{_SPACE}$"
NUMBER = re.compile(NUMBER_PATTERN)
NOT_APPLICABLE_SPELLINGS = (NOT_APPLICABLE, "／")
_HALF_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789", ",，")


class CellValueError(ValueError):
    """A typed value the cell does not admit; the message is shown to the person who typed it."""


def parse_cell(spec, raw):
    """Turn what was typed (or read from a file) into a cell value, or raise CellValueError in Chinese.

    ``raw`` is text (a form field, a string in a JSON file) or a genuine JSON number (int, or the Decimal
    or float a JSON parser makes of a fraction); ``None`` and an empty text are blank.
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        return _parse_text(spec, raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise CellValueError("应为数字")
    return _check_range(spec, _from_number(raw))


def _parse_text(spec, raw):
    text = raw.strip(" \u3000")
    if text == "":
        return None
    if text in NOT_APPLICABLE_SPELLINGS:
        if not spec.allows_not_applicable:
            raise CellValueError("本表不能填“/”")
        return NOT_APPLICABLE
    if NUMBER.match(raw) is None:
        raise CellValueError(f"“{text}”不是数字")
    return _check_range(spec, Decimal(text.translate(_HALF_WIDTH)))


def _from_number(raw):
    if isinstance(raw, int):
        return Decimal(raw)  # exact, however long; the range check refuses what is too large
    if isinstance(raw, float) and not math.isfinite(raw):
        raise CellValueError(f"“{raw}”不是数字")
    value = Decimal(str(raw)) if isinstance(raw, float) else raw
    if not value.is_finite():
        raise CellValueError(f"“{raw}”不是数字")
    return value


def _check_range(spec, value):
    if value == 0:
        value = abs(value)  # "-0" is 0
    if spec.kind is not CellKind.SIGNED and value < 0:
        raise CellValueError("不能为负数")
    if abs(value) > MAX_CELL_VALUE:
        raise CellValueError(f"数值过大：最大为 {largest(spec)}")
    if spec.kind is CellKind.MONEY:
        if value != value.quantize(Decimal("0.01")):
            raise CellValueError("金额最多保留两位小数")
        return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    if value != value.to_integral_value():
        raise CellValueError("应为整数")
    return value.quantize(Decimal(1))


def largest(spec):
    """The largest value the cell admits, grouped in threes as people write it: 999,999,999,999 for a count
    (a count has no decimals), 999,999,999,999.99 for money."""
    if spec.kind is CellKind.MONEY:
        return f"{MAX_CELL_VALUE:,}"
    return f"{MAX_CELL_VALUE.to_integral_value(rounding='ROUND_FLOOR'):,}"


def derive(edition, entered):
    """All cell values of a report: the entered ones (missing = blank) plus the computed totals.

    A total is blank only when everything it adds up is blank; otherwise blanks count as 0, so a
    half-filled table still shows running totals.
    """
    values = {spec.key: entered.get(spec.key) for spec in edition.cell_specs()}
    for key, addends in edition.derivations().items():
        values[key] = sum_values(values[a] for a in addends)
    return values


def sum_values(values):
    numbers = [v for v in values if isinstance(v, Decimal)]
    if not numbers:
        return None
    return sum(numbers, Decimal(0))


def format_value(value):
    """How a value is printed: 12, 96171.6, "/", or "" for blank."""
    if value is None:
        return ""
    if value == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def to_json_value(value):
    if value is None or value == NOT_APPLICABLE:
        return value
    if value == value.to_integral_value():
        return int(value)
    # At most 14 significant digits, so the float prints back as exactly the same decimal.
    return float(value)
