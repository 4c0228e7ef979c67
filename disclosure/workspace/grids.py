"""The input grids: the official table layout (``formats.layout``) with a text input in every entered cell
and a live total in every derived one. The totals' ``data-sum`` lists the cells they add up, taken from the
edition's derivations, so ``disclosure/static/workspace/grid.js`` knows nothing about the format.

The grid's HTML is written here in one pass rather than by a template and a widget template per cell: table
三 has 144 inputs, and rendering a Django widget template for each took most of the page's time (bench/
grid_bench.py). Every text put into the markup goes through ``escape``; the inputs carry the same attributes
as ``TableForm``'s widgets, whose ``attrs`` they are built from.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..formats.layout import layout
from ..formats.values import derive, format_value
from .forms import cell_name


@dataclass
class InputCell:
    name: str
    input_id: str
    attrs: dict  # the <input>'s attributes, as TableForm's widget has them, plus the value
    errors: list = field(default_factory=list)
    carried: bool = False
    findings: list = field(default_factory=list)  # numbers of the findings touching the cell
    derived: bool = False
    mark: object = None  # a CellMark: how an import recognised the cell (the review page only)


@dataclass
class TotalCell:
    name: str
    label: str
    value: str
    sum: str  # space-separated names of the addends
    findings: list = field(default_factory=list)
    derived: bool = True
    mark: object = None


@dataclass
class CellMark:
    """How an import recognised a cell: ``status`` (a class suffix), the words a screen reader and the
    tooltip give (e.g. "存疑：按位置对应；原文“12”"), and the short sign shown in the cell."""

    status: str
    text: str
    sign: str


def input_grid(form, edition, values, carried_in=(), finding_marks=None, cell_marks=None):
    """The table's grid for ``form``; ``values`` are the entered values its totals are computed from;
    ``cell_marks`` ({CellKey: CellMark}) say how an import recognised each cell."""
    table, marks, recognised = form.table, finding_marks or {}, cell_marks or {}
    derivations = edition.derivations()
    totals = derive(edition, values)
    carried = set(carried_in)

    def fill(spec):
        name = cell_name(spec.key)
        if spec.derived:
            addends = " ".join(cell_name(k) for k in derivations[spec.key])
            value = format_value(totals.get(spec.key))
            total = TotalCell(name, spec.full_label, value, addends, marks.get(spec.key, []))
            total.mark = recognised.get(spec.key)
            return total
        cell = _input_cell(form[name], name, name in carried, marks.get(spec.key, []))
        cell.mark = recognised.get(spec.key)
        if cell.mark:
            cell.attrs["aria-label"] = f"{cell.attrs['aria-label']}（{cell.mark.text}）"
            cell.attrs["title"] = cell.mark.text
        return cell

    return layout(table, fill)


def _input_cell(bound, name, carried, findings):
    field_ = bound.field
    attrs = {"type": "text", "name": bound.html_name, "id": bound.auto_id, **field_.widget.attrs}
    value = bound.value()
    if value not in (None, ""):
        attrs["value"] = str(value)
    if field_.max_length:
        attrs["maxlength"] = str(field_.max_length)
    if field_.disabled:
        attrs["disabled"] = True
    errors = list(bound.errors)
    if errors:
        attrs.update({"aria-invalid": "true", "aria-describedby": f"err-{name}"})
        attrs["class"] += " is-invalid"
    return InputCell(name, bound.auto_id, attrs, errors, carried, findings)


# ---- HTML -------------------------------------------------------------------------------------------


def grid_html(grid):
    """The ``<table>`` of an input grid (the scrolling box around it is the template's)."""
    out = [f'<table class="table table-bordered table-sm report-grid grid-{escape(grid.code)}">']
    out.append(f'<caption class="visually-hidden">{escape(grid.caption)}</caption>')
    if grid.head:
        out.append("<thead>")
        for row in grid.head:
            out.append("<tr>" + "".join(_header(c) for c in row) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    labels = _label_columns(grid)
    for row in grid.body:
        level = _row_level(row, labels)
        groups = sum(1 for c in row if c.scope == "rowgroup")
        cells, group = [], level - groups
        for c in row:
            cells.append(_body_cell(c, group if c.scope == "rowgroup" else level))
            group += c.scope == "rowgroup"
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return mark_safe("\n".join(out))


def _label_columns(grid):
    """How many columns the row labels take (table 三: heading rows nested two deep, so three)."""
    widths = [sum(c.colspan for c in row if c.header) for row in grid.body if row and row[0].scope == "row"]
    return max(widths, default=0)


def _row_level(row, labels):
    """Heading levels above a row's own label; the row's label cell is then at that level, and each heading
    cell put before it (the first row of a group) one level above the next."""
    leaf = next((c for c in row if c.scope == "row"), None)
    if leaf is None or not labels:
        return 0
    return labels - leaf.colspan


def _spans(c):
    spans = ""
    if c.colspan > 1:
        spans += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        spans += f' rowspan="{c.rowspan}"'
    return spans


def _header(c, classes=""):
    classes = " ".join(x for x in (c.classes, classes) if x)
    scope = f' scope="{c.scope}"' if c.scope else ""
    css = f' class="{escape(classes)}"' if classes else ""
    label = escape(c.label)
    if c.scope == "rowgroup":  # the label keeps to the top of the box while its rows scroll by (workspace.css)
        label = f'<span class="group-label">{label}</span>'
    elif c.scope == "colgroup":  # and a column group's label beside the row labels while its columns scroll by
        label = f'<span class="colgroup-label">{label}</span>'
    return f"<th{scope}{_spans(c)}{css}>{label}</th>"


def _body_cell(c, level):
    if c.header:
        # lvN: the sticky left offset of a label N heading columns in (workspace.css)
        return _header(c, f"lv{level}" if c.scope in ("row", "rowgroup") else "")
    x = c.content
    classes = [c.classes] if c.classes else []
    if getattr(x, "carried", False):
        classes.append("carried")
    if getattr(x, "findings", None):
        classes.append("flagged")
    if getattr(x, "errors", None):
        classes.append("has-error")
    if getattr(x, "mark", None):
        classes.append(f"rec-{x.mark.status}")
    return f'<td{_spans(c)} class="{" ".join(classes)}">{_content(x)}</td>'


def _content(x):
    if isinstance(x, TotalCell):
        label = f"{x.label}（{x.mark.text}）" if x.mark else x.label
        inner = (
            f'<output id="out-{escape(x.name)}" data-sum="{escape(x.sum)}" aria-label="{escape(label)}"'
            f' aria-live="off">{escape(x.value)}</output>'
        )
    elif isinstance(x, InputCell):
        inner = _input(x.attrs) + "".join(
            f'<div class="cell-error" id="err-{escape(x.name)}">{escape(e)}</div>' for e in x.errors
        )
    else:
        return escape(x if x is not None else "")
    if x.mark:  # seen, not read: the input's or output's label already says it
        inner += f'<span class="rec-sign" aria-hidden="true" title="{escape(x.mark.text)}">{escape(x.mark.sign)}</span>'
    if x.findings:
        links = "".join(f'<a href="#finding-{n}" aria-label="见检查结果第{n}条">{n}</a>' for n in x.findings)
        inner += f'<span class="finding-ref">{links}</span>'
    return inner


def _input(attrs):
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(f" {key}")
        elif value not in (None, False):
            parts.append(f' {key}="{escape(value)}"')
    return f"<input{''.join(parts)}>"
