"""What a cell admits, and the Chinese message when it doesn't."""

from decimal import Decimal

import pytest

from disclosure.formats import NOT_APPLICABLE, CellKey, get_edition
from disclosure.formats.values import NUMBER, NUMBER_PATTERN, CellValueError, format_value, parse_cell

E2019, E2021 = get_edition("2019"), get_edition("2021")
COUNT = E2021.cell(CellKey("applications", "new", "natural_person"))
MONEY = E2021.cell(CellKey("proactive", "fees", "fee_amount"))
SIGNED = E2019.cell(CellKey("proactive", "licensing", "change"))
TABLE2_COUNT = E2021.cell(CellKey("proactive", "rules", "made"))


@pytest.mark.parametrize(
    "spec, raw, expected",
    [
        (COUNT, "12", Decimal(12)),
        (COUNT, " 1,234 ", Decimal(1234)),
        (COUNT, "", None),
        (COUNT, None, None),
        (COUNT, 0, Decimal(0)),
        (MONEY, "96171.6", Decimal("96171.6")),
        (MONEY, "685389", Decimal(685389)),
        (SIGNED, "-8", Decimal(-8)),
        (TABLE2_COUNT, "/", NOT_APPLICABLE),
        (TABLE2_COUNT, "／", NOT_APPLICABLE),
        (TABLE2_COUNT, " / ", NOT_APPLICABLE),
        (COUNT, "１２", Decimal(12)),
        (COUNT, "１，２３４", Decimal(1234)),
        (COUNT, "1，234,567", Decimal(1234567)),
        (COUNT, "\u30007\u3000", Decimal(7)),
        (COUNT, "0", Decimal(0)),
        (COUNT, "-0", Decimal(0)),
        (COUNT, "007", Decimal(7)),
        (COUNT, "1.0", Decimal(1)),
        (MONEY, "0.01", Decimal("0.01")),
        (MONEY, "１２.５", Decimal("12.5")),
        (MONEY, "999999999999.99", Decimal("999999999999.99")),
        (SIGNED, "-1,234", Decimal(-1234)),
        (COUNT, 7, Decimal(7)),
        (MONEY, Decimal("1.5"), Decimal("1.5")),
        (MONEY, 2.25, Decimal("2.25")),
        (COUNT, 10**12 - 1, Decimal(10**12 - 1)),
    ],
)
def test_it_accepts(spec, raw, expected):
    assert parse_cell(spec, raw) == expected


@pytest.mark.parametrize(
    "spec, raw, message",
    [
        (COUNT, "abc", "“abc”不是数字"),
        (COUNT, "X", "“X”不是数字"),  # only spaces are stripped, never letters
        (COUNT, "X5X", "“X5X”不是数字"),
        (COUNT, "-1", "不能为负数"),
        (COUNT, "-０.5", "不能为负数"),
        (TABLE2_COUNT, "-1", "不能为负数"),
        (COUNT, "1.5", "应为整数"),
        (COUNT, "1e20", "“1e20”不是数字"),
        (COUNT, "1e3", "“1e3”不是数字"),
        (MONEY, ".5e1", "“.5e1”不是数字"),
        (MONEY, ".5", "“.5”不是数字"),
        (MONEY, "5.", "“5.”不是数字"),
        (COUNT, "1_000", "“1_000”不是数字"),
        (COUNT, "+5", "“+5”不是数字"),
        (COUNT, "٣", "“٣”不是数字"),
        (COUNT, "۳", "“۳”不是数字"),
        (COUNT, "1,23", "“1,23”不是数字"),
        (COUNT, "12,34", "“12,34”不是数字"),
        (COUNT, "1234,567", "“1234,567”不是数字"),
        (COUNT, ",123", "“,123”不是数字"),
        (COUNT, "1,,234", "“1,,234”不是数字"),
        (COUNT, "1 234", "“1 234”不是数字"),
        (COUNT, "--1", "“--1”不是数字"),
        (COUNT, "1.2.3", "“1.2.3”不是数字"),
        (COUNT, "Infinity", "“Infinity”不是数字"),
        (COUNT, "0x10", "“0x10”不是数字"),
        (COUNT, "\t5", "“\t5”不是数字"),
        (COUNT, 10**12, "数值过大：最大为 999,999,999,999"),
        (COUNT, 10**20, "数值过大：最大为 999,999,999,999"),
        (COUNT, 10**21, "数值过大：最大为 999,999,999,999"),
        (COUNT, float("nan"), "“nan”不是数字"),
        (COUNT, float("inf"), "“inf”不是数字"),
        (COUNT, Decimal("NaN"), "“NaN”不是数字"),
        (COUNT, Decimal("1e999999"), "数值过大：最大为 999,999,999,999"),
        (COUNT, False, "应为数字"),
        (COUNT, [1], "应为数字"),
        (COUNT, "1000000000000", "数值过大：最大为 999,999,999,999"),
        (MONEY, "1000000000000", "数值过大：最大为 999,999,999,999.99"),
        (SIGNED, "-1000000000000", "数值过大：最大为 999,999,999,999"),
        (COUNT, "/", "本表不能填“/”"),
        (COUNT, True, "应为数字"),
        (COUNT, "NaN", "“NaN”不是数字"),
        (MONEY, "1.234", "金额最多保留两位小数"),
        (MONEY, "-5", "不能为负数"),
        (SIGNED, "-1.5", "应为整数"),
    ],
)
def test_it_refuses_with_a_message(spec, raw, message):
    with pytest.raises(CellValueError) as e:
        parse_cell(spec, raw)
    assert str(e.value) == message


def test_minus_zero_is_zero():
    assert format_value(parse_cell(COUNT, "-0")) == "0"
    assert format_value(parse_cell(MONEY, "-0.00")) == "0"


def test_values_print_as_people_write_them():
    assert format_value(Decimal("96171.60")) == "96171.6"
    assert format_value(Decimal("685389.00")) == "685389"
    assert format_value(None) == ""
    assert format_value(NOT_APPLICABLE) == "/"


# What is a number, the grammar only (whether the cell admits a minus or decimals comes after). The browser's
# parser in grid.js reads the same table (tests/e2e/test_number_grammar.py).
NUMBER_CASES = [
    ("12", True),
    ("1,234", True),
    ("1，234", True),
    ("１２３", True),
    ("１，２３４", True),
    (" 7 ", True),
    ("\u30007", True),
    ("-8", True),
    ("96171.6", True),
    ("１２.５", True),
    ("1,234,567.25", True),
    ("1e3", False),
    (".5e1", False),
    (".5", False),
    ("5.", False),
    ("1_000", False),
    ("+5", False),
    ("٣", False),
    ("۳", False),
    ("1,23", False),
    ("12,34", False),
    ("1 234", False),
    ("abc", False),
    ("Infinity", False),
    ("NaN", False),
    ("0x10", False),
    ("--1", False),
    ("1.2.3", False),
    ("1．5", False),
]


@pytest.mark.parametrize("text, is_number", NUMBER_CASES)
def test_the_grammar_of_numbers(text, is_number):
    assert bool(NUMBER.match(text)) is is_number


def test_the_grammar_is_written_for_both_python_and_javascript():
    # No \d (it matches Arabic-Indic digits in Python), no Python-only syntax: grid.js compiles it as is.
    assert "\\d" not in NUMBER_PATTERN and "(?P" not in NUMBER_PATTERN
    assert NUMBER_PATTERN.startswith("^") and NUMBER_PATTERN.endswith("$")
