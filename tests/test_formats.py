"""Every label of both editions, checked against the national format as written in docs/official-format.md."""

import re
from pathlib import Path

import pytest

from disclosure.formats import EDITIONS, UnknownEdition, edition_for_year
from disclosure.formats.base import CellKind

SPEC = Path(__file__).resolve().parents[1] / "docs" / "official-format.md"


@pytest.fixture(scope="module")
def spec():
    assert SPEC.exists(), f"the format spec is expected in the repository at {SPEC}"
    return SPEC.read_text(encoding="utf-8")


def code_block_after(spec, heading):
    start = spec.index(heading)
    block = spec[spec.index("```", start) + 3 :]
    return block[block.index("\n") + 1 : block.index("```")]


def spec_table3_rows(spec):
    """The row labels of table 三 in order, as the spec's code block lists them (2021 edition)."""
    labels = []
    for line in code_block_after(spec, "Rows, in order").splitlines():
        label = re.split(r"\s{2,}", line.strip())[0]  # drop the notes after the label
        if label:
            labels.append(label)
    return labels


def spec_table2(spec, edition):
    """[(group label, [row labels], [column labels])] from the spec's markdown table of that edition."""
    section = spec[spec.index(f"### {edition} edition") :]
    section = section[: section.index("\n#")]
    groups = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("第二十条"):
            columns = [re.sub(r"\s*\(spans.*|\s+—.*", "", c).strip() for c in cells[2].split(" / ")]
            groups.append((cells[0], cells[1].split("; "), columns))
    return groups


def table_row_labels(table):
    return [row.label for row, _ in table.walk_rows()]


def test_it_picks_the_edition_by_year():
    assert edition_for_year(2019).code == "2019"
    assert edition_for_year(2020).code == "2019"
    assert edition_for_year(2021).code == "2021"
    assert edition_for_year(2030).code == "2021"
    with pytest.raises(UnknownEdition):
        edition_for_year(2018)


@pytest.mark.parametrize("code", EDITIONS)
def test_it_has_the_six_parts_in_order(spec, code):
    parts_block = code_block_after(spec, "Both editions have the same six parts")
    expected = [line.split()[0] for line in parts_block.splitlines() if line.strip()]
    assert [p.label for p in EDITIONS[code].parts] == expected


@pytest.mark.parametrize("code", EDITIONS)
def test_it_has_the_five_overview_topics(spec, code):
    line = next(line for line in spec.splitlines() if line.startswith("（一）主动公开"))
    expected = re.findall(r"（[一二三四五]）\S+", line.rstrip("."))
    overview = EDITIONS[code].part("overview")
    assert [s.label for s in overview.sections if s.heading] == expected


def test_table_three_2021_has_every_row_of_the_spec_in_order(spec):
    table = EDITIONS["2021"].table("applications")
    assert table_row_labels(table) == spec_table3_rows(spec)
    assert len(table.leaf_rows()) == 25


def test_table_three_2019_has_one_other_handling_row(spec):
    table = EDITIONS["2019"].table("applications")
    sub_rows_2021 = [r.label for r in EDITIONS["2021"].table("applications").row("other_handling").children]
    expected = [label for label in spec_table3_rows(spec) if label not in sub_rows_2021]
    assert table_row_labels(table) == expected
    assert table.row("other_handling").is_leaf


@pytest.mark.parametrize("code", EDITIONS)
def test_table_three_headers_match_the_spec(spec, code):
    table = EDITIONS[code].table("applications")
    assert f"**{table.corner_label}**" in spec
    assert table.column_header.label == "申请人情况"
    columns_line = next(line for line in spec.splitlines() if line.startswith("法律服务机构 | 其他. Data columns"))
    expected = columns_line.split("Data columns in order: ")[1].rstrip(".").split(", ")
    assert [c.label for c in table.columns] == expected
    assert [c.derived for c in table.columns] == [False] * 6 + [True]


@pytest.mark.parametrize("code", EDITIONS)
def test_table_two_matches_the_spec(spec, code):
    table = EDITIONS[code].table("proactive")
    actual = [(g.label, [r.label for r in g.rows], [c.label for c in g.columns]) for g in table.groups]
    assert actual == spec_table2(spec, code)
    assert table.content_label == "信息内容"


def test_only_2019_change_may_be_negative_and_money_is_decimal():
    kinds = {e: {str(s.key): s.kind for s in EDITIONS[e].cell_specs()} for e in EDITIONS}
    signed = {e: sorted(k for k, v in kinds[e].items() if v is CellKind.SIGNED) for e in EDITIONS}
    assert signed["2021"] == []
    assert signed["2019"] == [
        "proactive.coercion.change",
        "proactive.fees.change",
        "proactive.licensing.change",
        "proactive.other_management_services.change",
        "proactive.penalties.change",
    ]
    assert kinds["2021"]["proactive.fees.fee_amount"] is CellKind.MONEY
    assert kinds["2019"]["proactive.procurement.procurement_amount"] is CellKind.MONEY


@pytest.mark.parametrize("code", EDITIONS)
def test_table_four_has_fifteen_columns_in_three_blocks(spec, code):
    table = EDITIONS[code].table("litigation")
    block = code_block_after(spec, "15 data columns, one data row")
    for label in (table.reconsideration.label, table.litigation_label, *(b.label for b in table.lawsuits)):
        assert label in block
    outcome_line = block.splitlines()[-1].split("|")[0].split()
    for b in table.blocks:
        assert [c.label for c in b.columns] == outcome_line
    assert len(list(table.cells())) == 15


@pytest.mark.parametrize("code", EDITIONS)
def test_every_cell_code_is_unique_ascii_and_every_label_is_in_the_spec(spec, code):
    specs = EDITIONS[code].cell_specs()
    keys = [str(s.key) for s in specs]
    assert len(keys) == len(set(keys))
    assert all(k.isascii() for k in keys)
    for s in specs:
        for label in (s.row_label, s.column_label, *s.row_path, *s.column_path):
            assert label in spec, label


def test_accessible_names_join_row_and_column_labels():
    edition = EDITIONS["2021"]
    names = {s.label for s in edition.cell_specs()}
    assert "一、本年新收政府信息公开申请数量 自然人" in names
    assert "行政诉讼 复议后起诉 尚未审结" in names
    assert "规章 本年制发件数" in names
