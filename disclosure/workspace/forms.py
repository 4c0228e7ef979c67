"""Workspace forms. The table forms are built from the edition's description: one field per entered cell,
validated by ``formats.values.parse_cell`` so that the messages are the same as in import."""

from django import forms

from ..formats.values import CellValueError, format_value, parse_cell


class CellField(forms.CharField):
    def __init__(self, spec, **kwargs):
        self.spec = spec
        super().__init__(required=False, max_length=40, **kwargs)

    def clean(self, value):
        raw = super().clean(value)
        try:
            return parse_cell(self.spec, raw)
        except CellValueError as error:
            raise forms.ValidationError(str(error), code="cell") from None


def cell_name(key):
    """A form field name for a cell: its CellKey as text, e.g. ``applications.new.natural_person``."""
    return str(key)


class PartForm(forms.Form):
    """The base of both part forms: carries the report's revision and a fingerprint of the part as loaded, so
    that a save after someone else's is refused only when the other save touched this part."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    snapshot = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class TableForm(PartForm):
    def __init__(self, table, *args, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        self.specs = [spec for spec in table.cells() if not spec.derived]
        for spec in self.specs:
            attrs = {
                "class": "form-control form-control-sm cell-input",
                "inputmode": "text" if spec.allows_not_applicable else "decimal",
                "autocomplete": "off",
                "aria-label": spec.full_label,
            }
            if spec.allows_not_applicable:
                attrs["title"] = "不适用的填“/”"
            widget = forms.TextInput(attrs=attrs)
            self.fields[cell_name(spec.key)] = CellField(spec, widget=widget, disabled=disabled)

    @classmethod
    def initial_for(cls, table, entered, revision):
        initial = {cell_name(s.key): format_value(entered.get(s.key)) for s in table.cells() if not s.derived}
        return {**initial, "revision": revision}

    def cell_values(self):
        return {spec.key: self.cleaned_data[cell_name(spec.key)] for spec in self.specs}

    def typed_values(self):
        """What was typed, parsed where it parses (for live totals on a re-rendered form with errors)."""
        values = {}
        for spec in self.specs:
            try:
                values[spec.key] = parse_cell(spec, self.data.get(self.add_prefix(cell_name(spec.key))))
            except CellValueError:
                values[spec.key] = None
        return values

    def has_entries(self):
        """Whether any cell holds something (as shown: typed or stored), for the label of 空白处填 0 并保存."""
        return any(str(self[cell_name(spec.key)].value() or "").strip() for spec in self.specs)

    @staticmethod
    def with_blanks_as_zero(table, data):
        """本表无数据: the posted data with every blank entered cell set to 0."""
        data = data.copy()
        for spec in table.cells():
            name = cell_name(spec.key)
            if not spec.derived and not (data.get(name) or "").strip():
                data[name] = "0"
        return data


class TextPartForm(PartForm):
    def __init__(self, sections, *args, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[section.code] = section_field(section, disabled)

    @classmethod
    def initial_for(cls, sections, report):
        return {**{s.code: getattr(report, s.code) for s in sections}, "revision": report.revision}

    def texts(self):
        return {section.code: self.cleaned_data[section.code] for section in self.sections}


def section_field(section, disabled):
    """A narrative section's field, with its help text and its length limit from the edition's description.

    The browser is not told the limit as ``maxlength`` (it would cut a pasted text short without a word); the
    server refuses an over-long text with a message that says how long it may be.
    """
    field = forms.CharField(
        label=section.label,
        required=False,
        disabled=disabled,
        max_length=section.max_length,
        # data-max-length: part.js shows a live count against it, without cutting anything short.
        widget=forms.Textarea(attrs={"rows": 6 if section.heading else 4, "data-max-length": section.max_length}),
        help_text=section.help,
        error_messages={"max_length": section_too_long(section, "%(show_value)d")},
    )
    field.widget.attrs.pop("maxlength", None)
    return field


def section_too_long(section, length):
    # Shown under the field and, after the field's label, in the error summary: it does not name the field.
    return f"太长：共 {length} 字，最多 {section.max_length} 字"


# The length of reasons and explanations is checked by the workflow (actions.required_text), which says
# what is too long; the forms only carry the text.
class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label="更正说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="说明更正了什么、为什么更正；将随更正后的版本公开",
    )


class ExplanationForm(forms.Form):
    finding = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
