"""The official table layouts: every row of every grid fills the table's width exactly, spans included."""

import pytest

from disclosure.formats import EDITIONS
from disclosure.formats.layout import layout


def occupancy(rows, width):
    """Place the cells as a browser would; fail on overlap, and return how full each row is."""
    taken = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    assert (r + dr, c + dc) not in taken
                    taken[(r + dr, c + dc)] = cell
            c += cell.colspan
    return [sum(1 for (rr, _) in taken if rr == r) for r in range(len(rows))]


@pytest.mark.parametrize("code", EDITIONS)
@pytest.mark.parametrize("table_code", ["proactive", "applications", "litigation"])
def test_every_row_fills_the_width(code, table_code):
    grid = layout(EDITIONS[code].table(table_code))
    assert occupancy(grid.head, grid.width) == [grid.width] * len(grid.head)
    assert occupancy(grid.body, grid.width) == [grid.width] * len(grid.body)


@pytest.mark.parametrize("code", EDITIONS)
def test_every_cell_of_the_table_appears_once(code):
    for table in EDITIONS[code].tables:
        grid = layout(table)
        keys = [cell.spec.key for row in grid.body for cell in row if cell.spec]
        assert keys == [spec.key for spec in table.cells()]


def test_table_three_has_the_official_merged_headers():
    grid = layout(EDITIONS["2021"].table("applications"))
    corner, applicants = grid.head[0]
    assert (corner.colspan, corner.rowspan) == (3, 3)
    assert (applicants.label, applicants.colspan) == ("申请人情况", 7)
    assert [(c.label, c.colspan, c.rowspan) for c in grid.head[1]] == [
        ("自然人", 1, 2),
        ("法人或其他组织", 5, 1),
        ("总计", 1, 2),
    ]
    results = grid.body[2][0]
    assert (results.label, results.rowspan) == ("三、本年度办理结果", 22)
    assert grid.width == 10


def test_table_four_has_fifteen_columns_under_two_headings():
    grid = layout(EDITIONS["2021"].table("litigation"))
    assert [(c.label, c.colspan) for c in grid.head[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert grid.width == 15
