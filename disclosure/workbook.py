"""The workbook a supervising office sends up (issue 9, item 5): XLSX with three sheets, and the detail as CSV.

- 汇总: the summed tables in the official layout (the same ``formats.layout`` grids as the page: merged
  headers, borders), with the number of reports counted and what was counted;
- 填报情况: the year's overview, one row per organization;
- 明细: one row per counted agency, one column per cell (official row and column labels as the header).

Every figure is written as a number, never as text; "/" stays "/".
"""

import csv
import io
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from . import oversight, sums
from .formats import NOT_APPLICABLE
from .formats.layout import layout
from .models import AnnualReport, PublishedFigure

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_FONT = Font(bold=True)
TABLES_START = 5  # the row where the first summed table begins on 汇总


def number(value):
    """A figure as the spreadsheet should hold it: an int, a Decimal for money, "/" or None."""
    if value is None or value == NOT_APPLICABLE:
        return value
    return int(value) if value == value.to_integral_value() else Decimal(value).normalize()


def counted_note(include_pending):
    return "计入：已发布、已审核和待审核的报告" if include_pending else "计入：仅已发布的报告"


# ---- 汇总 -----------------------------------------------------------------------------------------------


class Cells:
    """The cells of a sheet gathered by position, then written row by row: a write-only worksheet (what keeps
    the workbook of thousands of agencies small in memory) takes rows in order and nothing else."""

    def __init__(self):
        self.cells = {}  # (row, column) -> (value, font, alignment, border)
        self.merged = []

    def put(self, row, column, value=None, font=None, alignment=None, border=None):
        before = self.cells.get((row, column), (None, None, None, None))
        self.cells[(row, column)] = (
            value if value is not None else before[0],
            font or before[1],
            alignment or before[2],
            border or before[3],
        )

    def write(self, sheet):
        last_row = max((r for r, _ in self.cells), default=0)
        last_column = max((c for _, c in self.cells), default=0)
        for r in range(1, last_row + 1):
            sheet.append([self._cell(sheet, r, c) for c in range(1, last_column + 1)])
        for merged in self.merged:
            sheet.merged_cells.add(merged)

    def _cell(self, sheet, r, c):
        if (r, c) not in self.cells:
            return None
        value, font, alignment, border = self.cells[(r, c)]
        cell = WriteOnlyCell(sheet, value=value)
        if font:
            cell.font = font
        if alignment:
            cell.alignment = alignment
        if border:
            cell.border = border
        return cell


def _write_grid(cells, grid, top, values):
    """Write a layout grid from row ``top``; returns the row after it. Spans become merged cells."""
    taken = set()
    row_number = top
    for grid_row in [*grid.head, *grid.body]:
        column = 1
        for cell in grid_row:
            while (row_number, column) in taken:
                column += 1
            if cell.spec is None:
                font = Font(bold=cell.scope in ("col", "colgroup"))
                cells.put(row_number, column, cell.label, font=font, alignment=CENTER)
            else:
                cells.put(row_number, column, number(values.get(cell.spec.key)))
            for r in range(row_number, row_number + cell.rowspan):
                for c in range(column, column + cell.colspan):
                    taken.add((r, c))
                    cells.put(r, c, border=BORDER)
            if cell.rowspan > 1 or cell.colspan > 1:
                cells.merged.append(
                    f"{get_column_letter(column)}{row_number}:"
                    f"{get_column_letter(column + cell.colspan - 1)}{row_number + cell.rowspan - 1}"
                )
            column += cell.colspan
        row_number += 1
    return row_number


def _summary_sheet(book, year, result, include_pending):
    sheet = book.create_sheet("汇总")
    cells = Cells()
    cells.put(1, 1, f"{year}年度政府信息公开工作年度报告 辖区汇总", font=Font(bold=True, size=14))
    cells.put(2, 1, "计入报告数")
    cells.put(2, 2, result.counted)
    cells.put(2, 3, "未计入机关数")
    cells.put(2, 4, len(result.missing))
    cells.put(3, 1, counted_note(include_pending) + "；合计数由各项汇总后计算，“/”不计入")
    row = TABLES_START
    for table in result.edition.tables:
        cells.put(row, 1, table.label, font=Font(bold=True))
        row = _write_grid(cells, layout(table), row + 1, result.values) + 1
    sheet.freeze_panes = "A4"  # the title, the counts and the note stay in view
    sheet.column_dimensions["A"].width = 28
    for index in range(2, max(c for _, c in cells.cells) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    cells.write(sheet)


# ---- 填报情况 -------------------------------------------------------------------------------------------

# Each column of 填报情况 with its width (in characters; a Chinese character takes two): wide enough for a
# date or a date and time not to show as "####".
OVERVIEW_COLUMNS = (
    ("机关", 28),
    ("简称", 12),
    ("类型", 10),
    ("状态", 8),
    ("截止日期", 12),
    ("期限", 16),
    ("发布日期", 12),
    ("最近操作", 20),
    ("错误", 6),
    ("未填写", 8),
    ("警告", 6),
)
OVERVIEW_HEADER = [label for label, _ in OVERVIEW_COLUMNS]
OVERVIEW_WIDTHS = tuple(width for _, width in OVERVIEW_COLUMNS)


def overview_table(rows):
    yield OVERVIEW_HEADER
    for r in rows:
        activity = timezone.localtime(r.last_activity).replace(tzinfo=None) if r.last_activity else None
        yield [
            r.organization.name,
            r.organization.short_name,
            r.organization.get_kind_display(),
            r.state_label,
            r.timeliness.deadline,
            r.timeliness.text,
            r.timeliness.published_on,
            activity,
            r.blocking if r.report else None,
            r.incomplete if r.report else None,
            r.warnings if r.report else None,
        ]


# ---- 明细 -----------------------------------------------------------------------------------------------


DETAIL_BATCH = 250  # reports whose figures are read at a time: the 明细 of thousands never sits in memory whole


def detail_values(scope, year, include_pending=False):
    """(organization, {CellKey: value}) of every counted report, by name, as a generator: current published
    versions' figures, or (switch on) the current cells of submitted and approved reports, totals derived."""
    pending = {}
    if include_pending:
        pending = {r.pk: r for r in sums._pending(scope, year).select_related("organization").prefetch_related("cells")}
    reports = scope.within(
        AnnualReport.objects.with_publication()
        .filter(year=year, ever_published=True)
        .exclude(pk__in=list(pending))
        .select_related("organization")
        .only("organization__name", "organization__short_name", "organization__slug")
    )
    organizations = {r.pk: r.organization for r in reports}
    for report in pending.values():
        organizations[report.pk] = report.organization
    ordered = sorted(organizations, key=lambda pk: organizations[pk].name)
    for start in range(0, len(ordered), DETAIL_BATCH):
        batch = ordered[start : start + DETAIL_BATCH]
        values = _published_values([pk for pk in batch if pk not in pending])
        for pk in batch:
            yield organizations[pk], pending[pk].values() if pk in pending else values.get(pk, {})


def _published_values(report_ids):
    """{report id: {CellKey: value}} of the reports' current published versions."""
    figures = PublishedFigure.objects.filter(
        version__report_id__in=report_ids, version__number=F("version__report__version")
    ).values_list("version__report_id", "table", "row", "column", "value", "not_applicable")
    found = {}
    for report_id, table, row, column, value, not_applicable in figures.iterator(chunk_size=10_000):
        # a plain tuple: equal to the CellKey the detail looks it up by, and cheaper to make 600,000 times
        found.setdefault(report_id, {})[(table, row, column)] = NOT_APPLICABLE if not_applicable else value
    return found


def detail_table(edition, details):
    specs = edition.cell_specs()
    yield ["机关", *[f"{_table_label(edition, s)} {s.label}" for s in specs]]
    for organization, values in details:
        yield [organization.name, *[number(values.get(s.key)) for s in specs]]


def _table_label(edition, spec):
    return edition.table(spec.key.table).label


def _plain_sheet(book, title, rows, widths=(28,)):
    """A sheet of rows under a bold header row, written as they come (write-only: the 明细 of thousands of
    agencies is never held as cell objects)."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "B2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    rows = iter(rows)
    header = []
    for value in next(rows):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font, cell.alignment, cell.border = HEADER_FONT, CENTER, BORDER
        header.append(cell)
    sheet.append(header)
    for values in rows:
        sheet.append(values)


def build_workbook(scope, year, include_pending=False):
    """The workbook as bytes."""
    result = sums.region_sums(scope, year, include_pending=include_pending)
    book = Workbook(write_only=True)
    _summary_sheet(book, year, result, include_pending)
    _plain_sheet(book, "填报情况", overview_table(oversight.overview_rows(scope, year)), OVERVIEW_WIDTHS)
    details = detail_values(scope, year, include_pending)
    _plain_sheet(book, "明细", detail_table(result.edition, details))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def detail_csv(scope, year, include_pending=False):
    """明细 as CSV: UTF-8 with a BOM, so that Excel opens the Chinese headers right."""
    edition = sums.edition_for_year(year)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in detail_table(edition, detail_values(scope, year, include_pending)):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")
