"""``disclosure.formats.values`` beyond parsing: the range limits, derived totals, printing and JSON values.

Pure functions, no database: ``make mutation`` runs these against every mutant of values.py.
"""

from decimal import Decimal

import pytest

from disclosure.formats import NOT_APPLICABLE, CellKey, get_edition
from disclosure.formats.base import MAX_CELL_VALUE
from disclosure.formats.values import CellValueError, derive, format_value, parse_cell, sum_values, to_json_value

E2021 = get_edition("2021")
COUNT = E2021.cell(CellKey("applications", "new", "natural_person"))
MONEY = E2021.cell(CellKey("proactive", "fees", "fee_amount"))


def test_it_accepts_the_largest_value_a_cell_holds_and_refuses_one_more():
    assert parse_cell(MONEY, str(MAX_CELL_VALUE)) == MAX_CELL_VALUE
    largest_count = MAX_CELL_VALUE.to_integral_value(rounding="ROUND_FLOOR")
    assert parse_cell(COUNT, str(largest_count)) == largest_count
    with pytest.raises(CellValueError, match="^数值过大：最大为 999,999,999,999.99$"):
        parse_cell(MONEY, str(MAX_CELL_VALUE + Decimal("0.01")))


@pytest.mark.parametrize(
    "spec, raw, printed",
    [
        (MONEY, "100", "100"),
        (MONEY, "100.00", "100"),
        (MONEY, "100.50", "100.5"),
        (MONEY, "0.05", "0.05"),
        (COUNT, "100", "100"),
        (COUNT, "1000.0", "1000"),
    ],
)
def test_it_stores_a_value_as_people_write_it(spec, raw, printed):
    """Whole amounts keep no exponent (100, not 1E+2) and no trailing zeros."""
    assert str(parse_cell(spec, raw)) == printed


@pytest.mark.parametrize(
    "value, printed",
    [
        (None, ""),
        (NOT_APPLICABLE, "/"),
        (Decimal("0"), "0"),
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("100.00"), "100"),
        (Decimal("96171.60"), "96171.6"),
        (Decimal("0.0000001"), "0.0000001"),
        (Decimal("-8"), "-8"),
    ],
)
def test_it_prints_a_value_without_exponent_or_trailing_zeros(value, printed):
    assert format_value(value) == printed


@pytest.mark.parametrize(
    "value, json_value",
    [
        (None, None),
        (NOT_APPLICABLE, "/"),
        (Decimal("12"), 12),
        (Decimal("1E+2"), 100),
        (Decimal("96171.6"), 96171.6),
    ],
)
def test_it_writes_whole_numbers_as_json_integers_and_others_as_floats(value, json_value):
    got = to_json_value(value)
    assert got == json_value
    assert type(got) is type(json_value)


@pytest.mark.parametrize(
    "values, total",
    [
        ([], None),
        ([None, None], None),
        ([NOT_APPLICABLE, None], None),
        ([Decimal(2), None, Decimal(3)], Decimal(5)),
        ([Decimal(2), NOT_APPLICABLE], Decimal(2)),
        ([Decimal("0.5"), Decimal("0.25")], Decimal("0.75")),
    ],
)
def test_it_adds_the_numbers_and_leaves_a_total_of_nothing_blank(values, total):
    got = sum_values(values)
    assert got == total
    assert type(got) is type(total)


def test_it_derives_every_total_from_the_entered_cells():
    total, addends = next(iter(E2021.derivations().items()))
    entered = {addends[0]: Decimal(4), addends[-1]: Decimal(5)}
    values = derive(E2021, entered)
    assert values[total] == Decimal(9)
    assert values[addends[0]] == Decimal(4)
    assert set(values) == {spec.key for spec in E2021.cell_specs()}
    blank = derive(E2021, {})
    assert all(value is None for value in blank.values())
