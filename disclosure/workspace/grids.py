"""The input grids: the official table layout (``formats.layout``) with a form field in every entered cell
and a live total in every derived one. The totals' ``data-sum`` lists the cells they add up, taken from the
edition's derivations, so ``disclosure/static/workspace/grid.js`` knows nothing about the format."""

from dataclasses import dataclass, field

from ..formats.layout import layout
from ..formats.values import derive, format_value
from .forms import cell_name


@dataclass
class InputCell:
    html: str  # the rendered <input>
    name: str
    errors: list = field(default_factory=list)
    carried: bool = False
    findings: list = field(default_factory=list)  # numbers of the findings touching the cell


@dataclass
class TotalCell:
    name: str
    label: str
    value: str
    sum: str  # space-separated names of the addends
    findings: list = field(default_factory=list)
    derived: bool = True


def input_grid(form, edition, values, carried_in=(), finding_marks=None):
    """The table's grid for ``form``; ``values`` are the entered values its totals are computed from."""
    table, marks = form.table, finding_marks or {}
    derivations = edition.derivations()
    totals = derive(edition, values)
    carried = set(carried_in)

    def fill(spec):
        name = cell_name(spec.key)
        if spec.derived:
            addends = " ".join(cell_name(k) for k in derivations[spec.key])
            value = format_value(totals.get(spec.key))
            return TotalCell(name, spec.label, value, addends, marks.get(spec.key, []))
        bound = form[name]
        attrs = {}
        if bound.errors:
            attrs = {
                "aria-invalid": "true",
                "aria-describedby": f"err-{name}",
                "class": "form-control form-control-sm cell-input is-invalid",
            }
        return InputCell(
            bound.as_widget(attrs=attrs), name, list(bound.errors), name in carried, marks.get(spec.key, [])
        )

    return layout(table, fill)
