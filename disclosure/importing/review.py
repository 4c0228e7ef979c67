"""The review of an uploaded report before anything is stored (issue 10, items 3 and 5).

A ``Review`` is rebuilt on every request from the file kept on the server (``uploads``) and what the page
posted: the details (organization, year, original publication date, source URL), the cells of the three
tables and the narrative texts, as the editor corrected them. It gives the forms the page shows, the
recognition status of every cell, and the consistency check's findings on the values as they now stand.
Nothing here writes to the database.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils import timezone

from ..checks import CheckInput, input_for, mismatched_totals, run_checks
from ..formats.values import derive, format_value
from ..models import AnnualReport, Organization
from ..workflow import FIRST_YEAR, ActionError, check_report_year
from ..workspace.forms import TableForm, section_field
from ..workspace.grids import CellMark
from .readers import read_file
from .recognition import DOUBTFUL, MATCHED, NOT_FOUND, STATUS_LABELS, recognise
from .text import key

SIGNS = {MATCHED: "✓", DOUBTFUL: "？", NOT_FOUND: "✕"}


def last_year(today=None):
    return (today or timezone.localdate()).year - 1


MISMATCH_LABEL = "原文标题与所选机关或年度不一致，我已核对，仍按所选内容导入"
MISMATCH_REQUIRED = "原文标题与所选机关或年度不一致：请核对后勾选此项，或改正所选的机关、年度"


class DetailsForm(forms.Form):
    """What the file does not settle by itself: whose report it is, its year, when and where it was published.
    ``edition`` is the edition the page's cells were drawn for: when the year changes the edition, the cells
    posted belong to the other edition and are read again from the file."""

    organization = forms.ModelChoiceField(
        label="机关", queryset=Organization.objects.none(), to_field_name="slug", empty_label="（请选择）"
    )
    year = forms.IntegerField(label="年度", help_text="报告所属年度（标题中的年份）")
    published_on = forms.DateField(
        label="原发布日期",
        required=False,
        help_text="报告在原网站上发布的日期；补录往年报告时必填，“是否按时发布”由它决定",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source_url = forms.URLField(
        label="原文网址", required=False, max_length=500, assume_scheme="https", help_text="可不填"
    )
    edition = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    # Shown only when the title names another organization or year than the ones chosen (``Review.mismatches``).
    confirm_mismatch = forms.BooleanField(label=MISMATCH_LABEL, required=False)

    def __init__(self, organizations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["year"].validators = [valid_report_year]

    def clean_published_on(self):
        date = self.cleaned_data["published_on"]
        if date and date > timezone.localdate():
            raise forms.ValidationError("原发布日期不能晚于今天")
        return date


def valid_report_year(year):
    try:
        check_report_year(year)
    except ActionError as error:
        raise forms.ValidationError(str(error)) from None


class ReviewTableForm(TableForm):
    """A table's cells on the review page: the part form's fields without the draft's revision."""

    def __init__(self, table, *args, **kwargs):
        super().__init__(table, *args, **kwargs)
        del self.fields["revision"], self.fields["snapshot"]


class ReviewTextForm(forms.Form):
    def __init__(self, sections, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[section.code] = section_field(section, disabled=False)

    def texts(self):
        return {s.code: self.cleaned_data[s.code] for s in self.sections}


@dataclass
class Review:
    name: str
    source: object
    recognition: object
    details: DetailsForm
    tables: list  # of (part, ReviewTableForm)
    texts: ReviewTextForm
    entered: dict  # CellKey -> value, as on the page now
    findings: list
    declared: dict  # total CellKey -> the figure the original declared, where it differs from the sum
    reread: bool = False  # the year posted takes another edition: the cells were read again from the file
    mismatches: list = None  # how the chosen organization and year differ from what the title says

    def require_mismatch_confirmed(self):
        """Confirming a report under another organization or year than its title names takes the explicit
        checkbox; without it the checkbox gets the error (the caller then refuses to store)."""
        if self.mismatches and not self.details.cleaned_data.get("confirm_mismatch"):
            self.details.add_error("confirm_mismatch", MISMATCH_REQUIRED)

    @property
    def edition(self):
        return self.recognition.edition

    def is_valid(self):
        return all([f.is_valid() for f in self.forms])  # a list, so every form shows its errors

    @property
    def forms(self):
        """Every form of the page, in the page's order (the error summary lists their errors in it)."""
        return [self.details, *(form for _, form in self.tables), self.texts]

    @property
    def error_count(self):
        return sum(len(f.errors) for f in self.forms if f.is_bound)

    def marks(self):
        return {key: cell_mark(result) for key, result in self.recognition.cells.items()}

    def cell_values(self):
        """Every cell to store: the page's entered values, and the totals the original declared differently
        from its cells where they still stand (as the page's findings showed them)."""
        return {**self.entered, **self.declared}

    def counts(self):
        return {s: self.recognition.count(s) for s in (MATCHED, DOUBTFUL, NOT_FOUND)}


def cell_mark(result):
    text = STATUS_LABELS[result.status]
    if result.note:
        text += f"：{result.note}"
    if result.source.strip() and result.status != NOT_FOUND:
        text += f"；原文“{result.source.strip()[:40]}”"
    return CellMark(result.status, text, SIGNS[result.status])


def build_review(upload, organizations, data=None, initial=None):
    """The review of ``upload`` for one of ``organizations``; ``data`` is what the page posted (None on the
    first view), ``initial`` details to propose over the recognised ones. Raises ImportRefused when the file
    cannot be read."""
    source = read_file(upload.name, upload.data)
    details = DetailsForm(organizations, data)
    year = _posted_year(details)
    recognition = recognise(source, year=year)
    edition = recognition.edition
    details.initial = {**_proposed(recognition, organizations, initial), "edition": edition.code}
    # Cells posted for another edition (the year was changed across 2020/2021) are read again from the file.
    posted = data is not None and data.get("edition") == edition.code
    if data is not None:
        details.data = data.copy()
        details.data["edition"] = edition.code
    cell_data = data if posted else None
    tables = []
    for part in edition.parts:
        if part.is_table:
            initial_cells = {str(s.key): format_value(recognition.values.get(s.key)) for s in part.table.cells()}
            tables.append((part, ReviewTableForm(part.table, cell_data, initial=initial_cells)))
    sections = list(edition.text_sections())
    texts = ReviewTextForm(sections, cell_data, initial={s.code: recognition.texts.get(s.code, "") for s in sections})
    entered = _entered(recognition, tables, posted)
    text_values = {s.code: texts[s.code].value() or "" for s in sections}
    organization = details.cleaned_data.get("organization") if details.is_valid() else None
    if organization is None and not details.is_bound:
        organization = details.initial.get("organization")
    declared = declared_totals(edition, recognition, entered)
    findings = _findings(recognition, year or recognition.year, entered, text_values, organization, declared)
    reread = data is not None and not posted
    chosen = details.cleaned_data if details.is_bound else details.initial  # partly valid details still count
    mismatches = title_mismatches(recognition, chosen.get("organization"), chosen.get("year"))
    review = Review(upload.name, source, recognition, details, tables, texts, entered, findings, declared, reread)
    review.mismatches = mismatches
    return review


def _posted_year(details):
    if not details.is_bound:
        return None
    try:
        year = int(details.data.get("year", ""))
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= timezone.localdate().year else None


def _proposed(recognition, organizations, hints):
    """The details first proposed: what the file's title says; the linking page's hints (?org=, ?year=) only
    where the title says nothing usable, so that a link for one year never relabels another year's report."""
    recognised = _initial_details(recognition, organizations)
    recognised["year"] = recognition.title_year
    proposed = {name: value for name, value in (hints or {}).items() if recognised.get(name) is None}
    proposed.update({name: value for name, value in recognised.items() if value is not None})
    return proposed


def title_mismatches(recognition, organization, year):
    """Warnings, one per detail, where the organization or year chosen is not the one the title names."""
    title, found = recognition.title, []
    if organization is not None and recognition.organization_name:
        if match_organization(recognition.organization_name, [organization]) is None:
            found.append(f"原文标题为“{title}”，与所选机关（{organization.name}）不一致")
    if year is not None and recognition.title_year is not None and year != recognition.title_year:
        found.append(f"原文标题为“{title}”，与所选年度（{year}年）不一致")
    return found


def _initial_details(recognition, organizations):
    return {
        "organization": match_organization(recognition.organization_name, organizations),
        "year": recognition.year,
        # A web page's metadata says when it was published; a Word file's only when it was written.
        "published_on": published_date(recognition.published) if recognition.kind == "html" else None,
    }


def match_organization(name, organizations):
    """The organization whose name (or short name) the recognised name is, among ``organizations``."""
    wanted = key(name)
    if not wanted:
        return None
    for organization in organizations:
        if wanted in {key(organization.name), key(organization.short_name or "") or None}:
            return organization
    return None


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def published_date(text):
    """A date read from the file's metadata (2024-01-20, 2024/1/20, 2024年1月20日 …), or None."""
    match = _DATE.search(text or "")
    if not match:
        return None
    try:
        date = datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return date if date <= timezone.localdate() else None


def _entered(recognition, tables, posted):
    entered = {}
    for _, form in tables:
        if posted:
            entered.update(form.cell_values() if form.is_valid() else form.typed_values())
        else:
            entered.update({s.key: recognition.values.get(s.key) for s in form.specs})
    return entered


def declared_totals(edition, recognition, entered):
    """The totals the original states differently from the sum of its own cells — as long as the editor has
    not changed any cell that total adds up (then the computed total is what they mean)."""
    derivations = edition.derivations()
    declared = {k: v for k, v in recognition.values.items() if k in derivations and isinstance(v, Decimal)}
    original = {s.key: recognition.values.get(s.key) for s in edition.entered_cells()}
    mismatched = mismatched_totals(edition, derive(edition, original), declared)
    changed = {k for k, v in entered.items() if v != original.get(k)}
    kept = {}
    for key_text, value in mismatched.items():
        total = next(k for k in declared if str(k) == key_text)
        if not changed & set(_leaves(derivations, total)):
            kept[total] = Decimal(value)
    return kept


def _leaves(derivations, total):
    for addend in derivations.get(total, ()):
        if addend in derivations:
            yield from _leaves(derivations, addend)
        else:
            yield addend


def findings_of(recognition, organization):
    """The consistency check's findings on a report as recognised (for the rows of a batch)."""
    entered = {s.key: recognition.values.get(s.key) for s in recognition.edition.entered_cells()}
    declared = declared_totals(recognition.edition, recognition, entered)
    return _findings(recognition, recognition.year, entered, recognition.texts, organization, declared)


def _findings(recognition, year, entered, texts, organization, declared):
    if year is None:
        return []
    edition = recognition.edition
    previous = None
    if organization is not None:
        stored = AnnualReport.objects.filter(organization=organization, year=year - 1).first()
        previous = input_for(stored) if stored is not None else None
    data = CheckInput(
        edition=edition,
        year=year,
        values=derive(edition, entered),
        texts={s.code: texts.get(s.code, "") for s in edition.text_sections()},
        is_government=bool(organization and organization.kind == Organization.Kind.GOVERNMENT),
        previous=previous,
        declared=declared,
    )
    return run_checks(data)
