"""The official layout of each table as a grid of header and data cells with their spans.

One function per table kind turns the edition's description into rows of ``GridCell``; the public page,
the PDF and the workspace's input grid all draw their ``<table>`` from it, so the merged headers are worked
out in one place. ``fill(spec)`` attaches whatever a data cell should show: a value, or a form field.
"""

from dataclasses import dataclass, field

from .base import ColumnGroup


@dataclass
class GridCell:
    label: str = ""
    header: bool = False  # <th> rather than <td>
    scope: str = ""  # col, colgroup, row, rowgroup
    colspan: int = 1
    rowspan: int = 1
    spec: object = None  # CellSpec of a data cell
    content: object = None  # what fill() returned for it
    classes: str = ""


@dataclass
class Grid:
    code: str
    caption: str
    width: int  # columns in all
    head: list = field(default_factory=list)  # rows of header cells (<thead>)
    body: list = field(default_factory=list)  # rows of cells (<tbody>)


def layout(table, fill=lambda spec: None):
    return _LAYOUTS[table.kind](table, fill)


def _data(spec, fill, colspan=1):
    classes = "derived" if spec.derived else ""
    return GridCell(spec=spec, content=fill(spec), colspan=colspan, classes=classes)


# ---- headers from a tree of columns -----------------------------------------------------------------


def _depth(node):
    if not isinstance(node, ColumnGroup):
        return 1
    return 1 + max(_depth(child) for child in node.columns)


def _leaves(node):
    if not isinstance(node, ColumnGroup):
        return 1
    return sum(_leaves(child) for child in node.columns)


def _header_rows(groups, depth):
    """Header rows for a list of column trees, each group spanning its leaves and each leaf the rows below it."""
    rows = [[] for _ in range(depth)]

    def place(node, level):
        if isinstance(node, ColumnGroup):
            rows[level].append(GridCell(node.label, True, "colgroup", colspan=_leaves(node)))
            for child in node.columns:
                place(child, level + 1)
        else:
            rows[level].append(GridCell(node.label, True, "col", rowspan=depth - level))

    for node in groups:
        place(node, 0)
    return rows


# ---- table 二 ---------------------------------------------------------------------------------------


def _disclosure(table, fill):
    """Groups one under another: the 第二十条 row, the 信息内容 header row, then the group's rows."""
    width = 1 + max(len(g.columns) for g in table.groups)
    body = []
    for group in table.groups:
        body.append([GridCell(group.label, True, "colgroup", colspan=width, classes="group")])
        spans = _spans(len(group.columns), width - 1)
        body.append(
            [GridCell(table.content_label, True, "col")]
            + [GridCell(c.label, True, "col", colspan=s) for c, s in zip(group.columns, spans, strict=True)]
        )
        for row in group.rows:
            specs = [s for s in table.cells() if s.key.row == row.code]
            body.append(
                [GridCell(row.label, True, "row")] + [_data(s, fill, sp) for s, sp in zip(specs, spans, strict=True)]
            )
    return Grid(table.code, table.label, width, [], body)


def mark_label_levels(grid):
    """Add ``lvN`` to each row label and row-group label of the body: N heading columns lie to its left. The
    page keeps row labels in view on a phone (report.css), each level at its own sticky offset."""
    labels = max(
        (sum(c.colspan for c in row if c.header) for row in grid.body if row and row[0].scope == "row"), default=0
    )
    for row in grid.body:
        leaf = next((c for c in row if c.scope == "row"), None)
        level = labels - leaf.colspan if leaf is not None and labels else 0
        group = level - sum(1 for c in row if c.scope == "rowgroup")  # a group's label just left of its rows
        for c in row:
            if c.scope in ("row", "rowgroup"):
                c.classes = " ".join(x for x in (c.classes, f"lv{group if c.scope == 'rowgroup' else level}") if x)
            group += c.scope == "rowgroup"
    return grid


def _spans(count, width):
    """Columns of a group that has fewer than the widest: the last one takes the rest (as in the format)."""
    return [1] * (count - 1) + [width - count + 1]


# ---- table 三 ---------------------------------------------------------------------------------------


def _applications(table, fill):
    label_columns = max(depth for _, depth in table.walk_rows()) + 1
    depth = _depth(table.column_header)
    head = _header_rows([table.column_header], depth)
    head[0].insert(0, GridCell(table.corner_label, True, "", colspan=label_columns, rowspan=depth, classes="corner"))
    specs = {spec.key: spec for spec in table.cells()}
    body = []
    for top in table.rows:
        _application_rows(top, 0, label_columns, table, specs, fill, body, pending=[])
    width = label_columns + len(table.columns)
    return Grid(table.code, table.label, width, head, body)


def _leaf_count(row):
    return 1 if row.is_leaf else sum(_leaf_count(c) for c in row.children)


def _application_rows(row, level, label_columns, table, specs, fill, body, pending):
    """A heading row's label spans its leaves (rowspan) and is put at the start of its first leaf's row."""
    if not row.is_leaf:
        heading = GridCell(row.label, True, "rowgroup", rowspan=_leaf_count(row))
        for i, child in enumerate(row.children):
            first = [*pending, heading] if i == 0 else []
            _application_rows(child, level + 1, label_columns, table, specs, fill, body, first)
        return
    label = GridCell(row.label, True, "row", colspan=label_columns - level, classes="total" if row.derived else "")
    cells = [_data(specs[table.key(row.code, c.code)], fill) for c in table.columns]
    body.append([*pending, label, *cells])


# ---- table 四 ---------------------------------------------------------------------------------------


def _litigation(table, fill):
    reconsideration = ColumnGroup(table.reconsideration.label, table.reconsideration.columns)
    lawsuits = ColumnGroup(table.litigation_label, tuple(ColumnGroup(b.label, b.columns) for b in table.lawsuits))
    depth = max(_depth(reconsideration), _depth(lawsuits))
    head = _header_rows([reconsideration, lawsuits], depth)
    body = [[_data(spec, fill) for spec in table.cells()]]
    return Grid(table.code, table.label, len(body[0]), head, body)


_LAYOUTS = {"disclosure": _disclosure, "applications": _applications, "litigation": _litigation}
