"""The building blocks of a format edition's description.

An edition (see ``edition2019`` and ``edition2021``) is plain data made of these classes. Everything else —
models, forms, checks, HTML, PDF, JSON, CSV and import — reads the description, so an official label is
written exactly once, in the edition's module.

A cell is addressed by ``CellKey(table, row, column)`` using the stable ASCII codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import NamedTuple


class CellKind(Enum):
    COUNT = "count"  # a whole number >= 0
    SIGNED = "signed"  # a whole number, may be negative (2019 本年增/减)
    MONEY = "money"  # a decimal >= 0


# The largest value a cell admits: far beyond any real figure, and it fits the database column.
MAX_CELL_VALUE = Decimal("999999999999.99")

NOT_APPLICABLE = "/"

# The longest narrative section a report may have: far beyond any real report's (the longest sections of
# published reports run to a few thousand characters), short enough that a report stays publishable.
MAX_SECTION_LENGTH = 20_000


class CellKey(NamedTuple):
    table: str
    row: str
    column: str

    def __str__(self):
        return f"{self.table}.{self.row}.{self.column}"


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    kind: CellKind = CellKind.COUNT
    derived: bool = False  # a total, computed from the other columns of its row


@dataclass(frozen=True)
class ColumnGroup:
    """A header cell spanning several columns (申请人情况, 法人或其他组织, 行政复议 …)."""

    label: str
    columns: tuple  # of Column or ColumnGroup


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    children: tuple = ()  # sub-rows; a row with children is a heading, its cells are its children's
    derived: bool = False  # a total row, computed from the leaf result rows
    short_label: str = ""  # how the rules' messages name the row, e.g. 本年新收

    @property
    def name(self):
        return self.short_label or self.label

    @property
    def is_leaf(self):
        return not self.children

    def walk(self, depth=0):
        """This row and its descendants, depth-first, with their nesting depth."""
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True)
class CellSpec:
    """One cell of a table: where it is, what it is called, what it admits."""

    key: CellKey
    row_label: str
    column_label: str
    kind: CellKind
    derived: bool
    allows_not_applicable: bool
    row_path: tuple = ()  # labels of the heading rows above the row (table 三)
    column_path: tuple = ()  # labels of the spanning column headers above the column
    # How many of the column path's first headers span every column (table 三's 申请人情况): they tell no
    # column from another, so the full name leaves them out.
    common_column_headers: int = 0

    @property
    def full_label(self):
        """The full accessible name of an input: every heading row above the row, the row, the spanning column
        headers and the column, e.g. "三、本年度办理结果 （三）不予公开 1.属于国家秘密 法人或其他组织 商业企业"."""
        columns = self.column_path[self.common_column_headers :]
        return " ".join(part for part in (*self.row_path, self.row_label, *columns, self.column_label) if part)

    @property
    def label(self):
        """The accessible name: the official row label plus the column label.

        Table 四 has no row labels, so its cells are named by their column headers instead.
        """
        if self.row_label:
            return f"{self.row_label} {self.column_label}"
        return " ".join((*self.column_path, self.column_label))


@dataclass(frozen=True)
class DisclosureGroup:
    """One block of table 二: a 第二十条 item, its own column headers and its rows."""

    code: str
    label: str
    columns: tuple  # of Column
    rows: tuple  # of Row (leaves)


@dataclass(frozen=True)
class Stock:
    """Table 二's stock of documents in force (2021): this year's 现行有效件数 = last year's + 本年制发件数 −
    本年废止件数, and the 现行有效件数 column is carried into next year's draft."""

    made: str
    repealed: str
    in_force: str


@dataclass(frozen=True)
class DisclosureTable:
    """Table 二 — 主动公开政府信息情况. Cells here may be "/" (not applicable)."""

    code: str
    label: str
    content_label: str  # 信息内容, the column-title cell of every group
    groups: tuple
    stock: Stock | None = None  # the columns of the stock rule (X-stock) and of carrying in, where there are
    kind: str = "disclosure"
    allows_not_applicable = True  # "/" (not applicable) may be entered in this table

    def derivations(self):
        return {}

    def stock_group(self):
        """The group whose columns hold the stock of documents in force, or None."""
        if self.stock is None:
            return None
        codes = {self.stock.made, self.stock.repealed, self.stock.in_force}
        return next(g for g in self.groups if codes <= {c.code for c in g.columns})

    def cells(self):
        for group in self.groups:
            for row in group.rows:
                for column in group.columns:
                    yield CellSpec(
                        CellKey(self.code, row.code, column.code),
                        row.label,
                        column.label,
                        column.kind,
                        False,
                        self.allows_not_applicable,
                        row_path=(group.label,),
                    )


@dataclass(frozen=True)
class ApplicationTable:
    """Table 三 — 收到和处理政府信息公开申请情况: a tree of rows against applicant columns."""

    code: str
    label: str
    corner_label: str  # the top-left cell, stating the balance rule
    column_header: ColumnGroup
    rows: tuple
    new_row: str  # 一、本年新收
    carried_in_row: str  # 二、上年结转
    results_row: str  # 三、本年度办理结果 (heading of the result rows)
    results_total_row: str  # （七）总计
    carried_forward_row: str  # 四、结转下年度继续办理
    # （六）2.申请人逾期未按收费通知要求缴纳费用 (2021 only): fee notices were sent, see the N-fee rule.
    fee_lapsed_row: str = ""
    kind: str = "applications"
    allows_not_applicable = False

    @property
    def columns(self):
        return tuple(column for column, _ in _flatten(self.column_header))

    @property
    def total_column(self):
        return next(c for c in self.columns if c.derived)

    @property
    def applicant_columns(self):
        return tuple(c for c in self.columns if not c.derived)

    def walk_rows(self):
        for row in self.rows:
            yield from row.walk()

    def leaf_rows(self):
        return [row for row, _ in self.walk_rows() if row.is_leaf]

    def result_leaf_rows(self):
        results = self.row(self.results_row)
        return [row for row, _ in results.walk() if row.is_leaf and not row.derived]

    def row(self, code):
        return next(row for row, _ in self.walk_rows() if row.code == code)

    def received_key(self):
        """一、本年新收 总计: the applications received in the year."""
        return self.key(self.new_row, self.total_column.code)

    def outcome_keys(self):
        """[(row, [the 总计 cells of its leaf rows])] of each result row that （七）总计 adds up (（一）…（六）),
        in the official order: the same leaves as the （七）总计 derivation, so the shares make up the total."""
        total = self.total_column.code
        found = []
        for row in self.row(self.results_row).children:
            if row.derived:
                continue  # （七）总计 itself
            found.append((row, [self.key(leaf.code, total) for leaf, _ in row.walk() if leaf.is_leaf]))
        return found

    def results_total_key(self):
        """（七）总计 总计: every application decided in the year."""
        return self.key(self.results_total_row, self.total_column.code)

    def key(self, row_code, column_code):
        return CellKey(self.code, row_code, column_code)

    def derivations(self):
        """Each derived cell and the cells it adds up: row totals first, then the （七）总计 row."""
        total, applicants = self.total_column, self.applicant_columns
        result_rows = self.result_leaf_rows()
        sums = {}
        for column in applicants:
            sums[self.key(self.results_total_row, column.code)] = tuple(
                self.key(row.code, column.code) for row in result_rows
            )
        for row in self.leaf_rows():
            sums[self.key(row.code, total.code)] = tuple(self.key(row.code, c.code) for c in applicants)
        return sums

    def cells(self):
        for row, row_path in self._leaf_rows_with_paths(self.rows, ()):
            for column, column_path in _flatten(self.column_header):
                yield CellSpec(
                    CellKey(self.code, row.code, column.code),
                    row.label,
                    column.label,
                    column.kind,
                    row.derived or column.derived,
                    self.allows_not_applicable,
                    row_path,
                    column_path,
                    common_column_headers=1,
                )

    def _leaf_rows_with_paths(self, rows, path):
        for row in rows:
            if row.is_leaf:
                yield row, path
            else:
                yield from self._leaf_rows_with_paths(row.children, (*path, row.label))


@dataclass(frozen=True)
class LitigationBlock:
    """One block of table 四 (行政复议, 未经复议直接起诉, 复议后起诉): outcomes and their total."""

    code: str
    label: str
    columns: tuple  # of Column; the last is the derived 总计


@dataclass(frozen=True)
class LitigationTable:
    """Table 四 — 政府信息公开行政复议、行政诉讼情况: one data row of 15 columns."""

    code: str
    label: str
    row: Row
    reconsideration: LitigationBlock
    litigation_label: str  # 行政诉讼, spanning the two litigation blocks
    lawsuits: tuple  # of LitigationBlock
    # The outcome that counts as the agency being corrected (结果纠正): its share of the block's 总计 is the
    # 纠错率 the supervising office follows.
    corrected_column: str = ""
    kind: str = "litigation"
    allows_not_applicable = False

    @property
    def blocks(self):
        return (self.reconsideration, *self.lawsuits)

    def key(self, block, column):
        return CellKey(self.code, self.row.code, f"{block.code}_{column.code}")

    def total_key(self, block):
        return self.key(block, block.columns[-1])

    def corrected_key(self, block):
        return self.key(block, next(c for c in block.columns if c.code == self.corrected_column))

    def derivations(self):
        sums = {}
        for block in self.blocks:
            *outcomes, total = block.columns
            sums[self.key(block, total)] = tuple(self.key(block, c) for c in outcomes)
        return sums

    def cells(self):
        for block in self.blocks:
            for column in block.columns:
                yield CellSpec(
                    self.key(block, column),
                    self.row.label,
                    column.label,
                    column.kind,
                    column.derived,
                    self.allows_not_applicable,
                    column_path=self.block_path(block),
                )

    def block_path(self, block):
        if block is self.reconsideration:
            return (block.label,)
        return (self.litigation_label, block.label)


def _flatten(header, path=()):
    """The leaf columns under a header, each with the labels of the spanning headers above it."""
    path = (*path, header.label)
    for item in header.columns:
        if isinstance(item, ColumnGroup):
            yield from _flatten(item, path)
        else:
            yield item, path


@dataclass(frozen=True)
class TextSection:
    """A narrative field of the report; ``code`` is also the model field that holds it."""

    code: str
    label: str
    heading: bool = True  # False: the text follows its part's heading without a heading of its own
    optional: bool = False  # a report may leave it empty (the blank rule does not ask for it)
    carried: bool = False  # a new draft starts with last year's text (it usually stays the same)
    help: str = ""  # shown under the field in the workspace
    max_length: int = MAX_SECTION_LENGTH


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    sections: tuple = ()  # of TextSection, for narrative parts
    table: object = None  # for table parts

    @property
    def is_table(self):
        return self.table is not None

    @classmethod
    def of_table(cls, table):
        return cls(table.code, table.label, table=table)

    @classmethod
    def of_text(cls, code, label, field, help=""):
        """A part that is one text, headed by the part's own label."""
        return cls(code, label, sections=(TextSection(field, label, heading=False, help=help),))


@dataclass(frozen=True)
class Edition:
    code: str
    name: str
    document: str  # the circular that published it
    first_year: int
    last_year: int | None
    preface: TextSection
    parts: tuple
    rules: tuple  # rule ids, see disclosure.checks
    overview_part: str  # 一、总体情况: its sections state the year (N-year); the preface is edited with it
    oversight_section: str  # （五）监督保障, where a government reports 考核、评议、责任追究 (N-oversight)
    fee_section: str  # 六、其他需要报告的事项, where the 信息处理费 is reported (N-fee)
    _cells: dict = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        cells = {spec.key: spec for part in self.parts if part.is_table for spec in part.table.cells()}
        object.__setattr__(self, "_cells", cells)

    def covers(self, year):
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def tables(self):
        return [part.table for part in self.parts if part.is_table]

    def table(self, code):
        return next(t for t in self.tables if t.code == code)

    def table_of_kind(self, kind):
        return next(t for t in self.tables if t.kind == kind)

    def part(self, code):
        return next(p for p in self.parts if p.code == code)

    def cell_specs(self):
        return list(self._cells.values())

    def cell(self, key):
        return self._cells.get(key)

    def derivations(self):
        """Derived cell -> the cells it sums, in the order they must be computed."""
        sums = {}
        for table in self.tables:
            sums.update(table.derivations())
        return sums

    def entered_cells(self):
        return [spec for spec in self._cells.values() if not spec.derived]

    def text_sections(self):
        yield self.preface
        for part in self.parts:
            yield from part.sections
