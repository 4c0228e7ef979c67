"""What a cell admits, and the Chinese message when it doesn't."""

from decimal import Decimal

import pytest

from disclosure.formats import NOT_APPLICABLE, CellKey, get_edition
from disclosure.formats.values import CellValueError, format_value, parse_cell

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
    ],
)
def test_it_accepts(spec, raw, expected):
    assert parse_cell(spec, raw) == expected


@pytest.mark.parametrize(
    "spec, raw, message",
    [
        (COUNT, "abc", "“abc”不是数字"),
        (COUNT, "-1", "不能为负数"),
        (COUNT, "1.5", "应为整数"),
        (COUNT, "1e20", "数值过大"),
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


def test_values_print_as_people_write_them():
    assert format_value(Decimal("96171.60")) == "96171.6"
    assert format_value(Decimal("685389.00")) == "685389"
    assert format_value(None) == ""
    assert format_value(NOT_APPLICABLE) == "/"
