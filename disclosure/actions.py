"""The writes that matter. Each runs in a transaction and records who did what in ReportEvent.

Views, the admin and the management commands call these; nothing else changes a report's content.
"""

from django.db import transaction

from .checks import declared_totals_after_save
from .formats import NOT_APPLICABLE, CellKey, edition_for_year
from .formats.values import format_value
from .models import AnnualReport, Cell, ReportEvent


class ActionError(Exception):
    """A refused action; the message is shown to the user as it is."""


class EditConflict(ActionError):
    """Somebody else saved the report since the editor loaded it; the part's page says so and shows the
    differences (``workspace.views.parts``), so the exception carries the stored report, not a message."""

    def __init__(self, report):
        super().__init__()
        self.report = report


# The longest return reason and warning explanation: a few paragraphs, not a document.
MAX_NOTE_LENGTH = 2000


def required_text(text, name, limit=MAX_NOTE_LENGTH):
    """The text, stripped; refused when empty or longer than ``limit`` characters, saying which."""
    text = (text or "").strip()
    if not text:
        raise ActionError(f"请填写{name}")
    if len(text) > limit:
        raise ActionError(f"{name}太长：最多 {limit} 字，现为 {len(text)} 字")
    return text


def record(report, actor, action, *, from_status="", to_status="", message="", changes=()):
    return ReportEvent.objects.create(
        report=report,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
        changes=list(changes),
    )


@transaction.atomic
def create_report(organization, year, actor=None):
    """Start a draft in the edition its year takes, carrying in what last year's report allows."""
    report = AnnualReport.objects.create(organization=organization, year=year, edition=edition_for_year(year).code)
    previous = report.previous()
    carried = carry_in(report, previous) if previous else []
    record(report, actor, ReportEvent.Action.CREATE, to_status=report.status, changes=carried)
    return report


def carry_in(report, previous):
    """上年结转 from last year's 结转下年度继续办理, 现行有效件数, the preface's contact details."""
    edition, last_values = report.format, previous.values()
    table, last_table = edition.table_of_kind("applications"), previous.format.table_of_kind("applications")
    pairs = [
        (table.key(table.carried_in_row, c.code), last_table.key(last_table.carried_forward_row, c.code))
        for c in table.applicant_columns
    ]
    pairs += [(key, key) for key in _stock_in_force(edition)]
    cells = {key: last_values.get(source) for key, source in pairs if last_values.get(source) is not None}
    carried_texts = [s.code for s in edition.text_sections() if s.carried]
    texts = {code: getattr(previous, code) for code in carried_texts if getattr(previous, code)}
    changes = write_content(report, texts, cells)
    report.carried_in = [c["field"] for c in changes]
    # The carried-in texts are fields of the report row: save them too, not only the list.
    report.save(update_fields=["carried_in", *texts])
    return changes


def _stock_in_force(edition):
    """Table 二's 现行有效件数 cells, where the edition has a stock of documents in force."""
    table = edition.table_of_kind("disclosure")
    group = table.stock_group()
    return [CellKey(table.code, row.code, table.stock.in_force) for row in group.rows] if group else []


def write_content(report, texts, cells):
    """Store the given narrative texts and cells; return what changed, field by field and cell by cell."""
    changes = _text_changes(report, texts) + _cell_changes(report, cells)
    for code, text in texts.items():
        setattr(report, code, text)
    _write_cells(report, cells)
    return changes


def _text_changes(report, texts):
    labels = {s.code: s.label for s in report.format.text_sections()}
    return [
        {"field": code, "label": labels[code], "before": getattr(report, code), "after": text}
        for code, text in texts.items()
        if getattr(report, code) != text
    ]


def _cell_changes(report, cells):
    before = report.entered_values()
    changes = []
    for key, value in cells.items():
        if before.get(key) != value:
            changes.append(
                {
                    "field": str(key),
                    "label": report.format.cell(key).full_label,
                    "before": format_value(before.get(key)),
                    "after": format_value(value),
                }
            )
    return changes


def _write_cells(report, cells):
    existing = {cell.key: cell for cell in report.cells.all()}
    to_create, to_update, to_delete = [], [], []
    for key, value in cells.items():
        cell = existing.get(key)
        if value is None:
            if cell:
                to_delete.append(cell.pk)
            continue
        if cell is None:
            cell = Cell(report=report, table=key.table, row=key.row, column=key.column)
            to_create.append(cell)
        elif cell.value_or_na != value:
            to_update.append(cell)
        cell.not_applicable = value == NOT_APPLICABLE
        cell.value = None if cell.not_applicable else value
    Cell.objects.filter(pk__in=to_delete).delete()
    Cell.objects.bulk_create(to_create)
    Cell.objects.bulk_update(to_update, ["value", "not_applicable"])


@transaction.atomic
def save_content(report, actor, *, texts=None, cells=None, expected_revision=None, action=None):
    """Save an editor's changes to a draft. Refuses when someone else saved since ``expected_revision``."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnnualReport.Status.DRAFT:
        raise ActionError(f"报告当前状态为“{report.get_status_display()}”，只有草稿可以修改")
    if expected_revision is not None and report.revision != expected_revision:
        raise EditConflict(report)
    changes = write_content(report, texts or {}, cells or {})
    if changes:
        touched = {c["field"] for c in changes}
        report.carried_in = [f for f in report.carried_in if f not in touched]
        if report.declared_totals:
            report.declared_totals = declared_totals_after_save(report, touched)
        report.revision += 1
        report.save()
        record(report, actor, action or ReportEvent.Action.SAVE, changes=changes)
    return report, changes
