"""Cell values: parsing what people type, and computing the derived totals.

A value is a ``Decimal``, ``None`` (blank: not yet filled) or ``NOT_APPLICABLE`` ("/").
"""

from decimal import Decimal, InvalidOperation

from .base import MAX_CELL_VALUE, NOT_APPLICABLE, CellKind


class CellValueError(ValueError):
    """A typed value the cell does not admit; the message is shown to the person who typed it."""


def parse_cell(spec, raw):
    """Turn what was typed (or read from a file) into a cell value, or raise CellValueError in Chinese."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellValueError("应为数字")
    if isinstance(raw, str):
        raw = raw.strip().replace(",", "").replace("，", "")
        if raw == "":
            return None
        if raw in (NOT_APPLICABLE, "／"):
            if not spec.allows_not_applicable:
                raise CellValueError("本表不能填“/”")
            return NOT_APPLICABLE
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise CellValueError(f"“{raw}”不是数字") from None
    if not value.is_finite():
        raise CellValueError(f"“{raw}”不是数字")
    return _check_range(spec, value)


def _check_range(spec, value):
    if spec.kind is not CellKind.SIGNED and value < 0:
        raise CellValueError("不能为负数")
    if abs(value) > MAX_CELL_VALUE:
        raise CellValueError("数值过大")
    if spec.kind is CellKind.MONEY:
        if value != value.quantize(Decimal("0.01")):
            raise CellValueError("金额最多保留两位小数")
        return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    if value != value.to_integral_value():
        raise CellValueError("应为整数")
    return value.quantize(Decimal(1))


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
