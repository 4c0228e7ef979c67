"""The workbook sent up: read back with openpyxl and compared, number by number, with the pages."""

import csv
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from disclosure.workbook import TABLES_START

from .test_totals import EDITION, FIRST, SLASHABLE, YEAR, region, slashed  # noqa: F401

BASE = f"/workspace/oversight/{YEAR}/"


def page_numbers(html):
    """Every summed number of the page, in the order the tables show them."""
    return [Decimal(n) for n in re.findall(r'href="' + BASE + r'totals/[^"]+">([^<]+)</a>', html)]


def sheet_numbers(sheet):
    return [
        Decimal(str(v))
        for row in sheet.iter_rows(min_row=TABLES_START, values_only=True)
        for v in row
        if isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    ]


def test_the_summary_sheet_holds_the_numbers_of_the_page(region, as_user):  # noqa: F811
    client = as_user(region.reviewer_parent)
    for query in ("", "?include=pending"):
        response = client.get(BASE + "workbook.xlsx" + query)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["汇总", "填报情况", "明细"]
        summary = book["汇总"]
        expected = page_numbers(client.get(BASE + "totals/" + query).content.decode())
        assert len(expected) > 10 and sheet_numbers(summary) == expected
        assert summary["B2"].value == (3 if query else 2)
        assert ("仅已发布" in summary["A3"].value) == (not query)
        assert summary.merged_cells.ranges and summary.freeze_panes == "A4"
        for table in EDITION.tables:
            assert any(c.value == table.label for row in summary.iter_rows() for c in row)


def test_the_detail_has_one_row_per_agency_and_one_column_per_cell(region, as_user):  # noqa: F811
    client = as_user(region.reviewer_parent)
    book = load_workbook(io.BytesIO(client.get(BASE + "workbook.xlsx").content))
    detail = list(book["明细"].iter_rows(values_only=True))
    header, rows = detail[0], {r[0]: r for r in detail[1:]}
    assert len(header) == 1 + len(EDITION.cell_specs())
    first = next(i for i, s in enumerate(EDITION.cell_specs(), 1) if s.key == FIRST)
    slash = next(i for i, s in enumerate(EDITION.cell_specs(), 1) if s.key == SLASHABLE)
    assert EDITION.cell(FIRST).label in header[first]
    assert set(rows) == {"测试区甲局", "测试区丙局"}
    assert rows["测试区甲局"][first] == 7 and rows["测试区丙局"][first] == 5  # numbers, not text
    assert rows["测试区丙局"][slash] == "/"
    overview = list(book["填报情况"].iter_rows(values_only=True))
    assert len(overview) == 1 + 4  # the district and its three agencies


def test_the_detail_as_csv_matches_the_sheet(region, as_user):  # noqa: F811
    client = as_user(region.reviewer_parent)
    raw = client.get(BASE + "detail.csv").content
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(client.get(BASE + "workbook.xlsx").content))
    sheet = [["" if v is None else str(v) for v in row] for row in book["明细"].iter_rows(values_only=True)]
    assert lines == sheet


def test_the_summary_sheet_shows_a_slash_where_every_counted_report_does(slashed, as_user):  # noqa: F811
    client = as_user(slashed.reviewer_parent)
    book = load_workbook(io.BytesIO(client.get(BASE + "workbook.xlsx").content))
    values = [v for row in book["汇总"].iter_rows(min_row=TABLES_START, values_only=True) for v in row]
    assert values.count("/") == 1  # SLASHED; SLASHABLE has a number beside its "/"


def test_every_column_of_the_overview_sheet_is_wide_enough(region, as_user):  # noqa: F811
    from openpyxl.utils import get_column_letter

    from disclosure.workbook import OVERVIEW_HEADER

    client = as_user(region.reviewer_parent)
    sheet = load_workbook(io.BytesIO(client.get(BASE + "workbook.xlsx").content))["填报情况"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == OVERVIEW_HEADER
    for index, header in enumerate(OVERVIEW_HEADER, start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        assert width, header  # every column has its width set
        longest = max(_shown_length(row[index - 1]) for row in rows)
        assert width >= longest, header  # a date or a date and time never shows as ####


def _shown_length(cell):
    """How many character widths a cell's value takes as Excel shows it (a Chinese character: two)."""
    import datetime

    value = cell.value
    if isinstance(value, datetime.datetime):
        text = "2021-12-31 23:59:59" if value.time() != datetime.time(0) else "2021-12-31"
    elif isinstance(value, datetime.date):
        text = "2021-12-31"
    else:
        text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
