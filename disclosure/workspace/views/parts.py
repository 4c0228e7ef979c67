"""Editing one part of a report: the narrative parts as text fields, the tables as grids.

Saving with invalid cells saves nothing and shows every message beside its cell. A save that comes after
someone else's save of the same part (the report's revision moved on and the part is no longer as it was
loaded) saves nothing either: the page keeps what was typed, says so, shows what differs from the stored
version and carries the new revision, so saving again overwrites deliberately. A save after someone else's
save of another part goes through: nothing of theirs is overwritten.
"""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from ... import workflow
from ...actions import ActionError, EditConflict
from ...checks import by_severity, check_report
from ...formats.values import NUMBER_PATTERN, format_value
from ...permissions import get_report_or_404
from ..forms import TableForm, TextPartForm, cell_name
from ..grids import grid_html, input_grid
from ..progress import findings_of_part, part_sections
from .report import report_context


@login_required
def edit_part(request, slug, year, code):
    report, access = get_report_or_404(request, slug, year)
    part = next((p for p in report.format.parts if p.code == code), None)
    if part is None:
        raise Http404("没有这一部分")
    if request.method == "POST" and not access.can_edit:
        raise PermissionDenied
    editable = access.can_edit and report.status == report.Status.DRAFT
    entered = report.entered_values()
    form = _form(part, report, entered, request, disabled=not editable)
    conflict = []
    if request.method == "POST":
        if form.is_valid():
            try:
                _save(part, report, form, request.user)
            except EditConflict as error:
                form, conflict = _conflict(part, report, form, request, error.report)
            except workflow.NotAllowed:
                raise PermissionDenied from None
            except ActionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"“{part.label}”已保存")
                return redirect("workspace:part", slug, year, code)
        else:
            messages.error(request, f"有 {len(form.errors)} 处填写有误，尚未保存。请按提示修改后再保存。")
    findings = by_severity(check_report(report))
    context = report_context(report, access, findings)
    # Shown again after a POST, the form holds what was typed but not saved (a save redirects): leaving warns.
    context.update(part=part, form=form, conflict=conflict, editable=editable, unsaved=request.method == "POST")
    context["part_findings"] = findings_of_part(report, part, findings)
    if part.is_table:
        context["number_pattern"] = NUMBER_PATTERN
        context["has_entries"] = form.has_entries()
        context["grid"] = _grid(report, part, form, entered, context["part_findings"], request.method == "POST")
        context["grid_html"] = grid_html(context["grid"])
        return render(request, "workspace/part_table.html", context)
    return render(request, "workspace/part_text.html", context)


def _form(part, report, entered, request, disabled=False):
    data = None
    if request.method == "POST":
        data = request.POST
        if part.is_table and "fill_zero" in data:
            data = TableForm.with_blanks_as_zero(part.table, data)
    if part.is_table:
        initial = TableForm.initial_for(part.table, entered, report.revision)
        initial["snapshot"] = fingerprint(part, report, entered)
        return TableForm(part.table, data, initial=initial, disabled=disabled)
    sections = part_sections(report, part)
    initial = {**TextPartForm.initial_for(sections, report), "snapshot": fingerprint(part, report, entered)}
    form = TextPartForm(sections, data, initial=initial, disabled=disabled)
    for section in sections:
        if section.code in report.carried_in:
            form.fields[section.code].help_text += "（本项从上年报告带入，请核对。）"
    return form


def fingerprint(part, report, entered):
    """A digest of the part's stored content: equal digests mean nobody changed the part in between."""
    if part.is_table:
        items = [(str(s.key), format_value(entered.get(s.key))) for s in part.table.cells() if not s.derived]
    else:
        items = [(s.code, getattr(report, s.code)) for s in part_sections(report, part)]
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()[:32]


def _save(part, report, form, actor):
    try:
        _write(part, report, form, actor, form.cleaned_data["revision"])
    except EditConflict as conflict:
        stored = conflict.report
        if form.cleaned_data["snapshot"] != fingerprint(part, stored, stored.entered_values()):
            raise
        # Someone saved another part meanwhile; this one is as the editor loaded it, so nothing is overwritten.
        _write(part, report, form, actor, stored.revision)


def _write(part, report, form, actor, revision):
    if part.is_table:
        workflow.save_part(report, actor, cells=form.cell_values(), expected_revision=revision)
    else:
        workflow.save_part(report, actor, texts=form.texts(), expected_revision=revision)


def _conflict(part, report, form, request, stored):
    """Re-bind what was typed to the stored revision, and list what differs from what is stored."""
    messages.error(
        request, "在您编辑期间，其他人已保存了这份报告。您填写的内容没有保存，仍保留在下方；请核对差异后再保存。"
    )
    if part.is_table:
        theirs = stored.entered_values()
        mine = form.cell_values()
        differences = [
            {
                "label": spec.label,
                "name": cell_name(spec.key),
                "mine": format_value(mine[spec.key]),
                "theirs": format_value(theirs.get(spec.key)),
            }
            for spec in form.specs
            if mine[spec.key] != theirs.get(spec.key)
        ]
    else:
        differences = [
            {"label": s.label, "name": s.code, "mine": form.cleaned_data[s.code], "theirs": getattr(stored, s.code)}
            for s in form.sections
            if form.cleaned_data[s.code] != getattr(stored, s.code)
        ]
    data = form.data.copy()
    data["revision"] = stored.revision
    data["snapshot"] = fingerprint(part, stored, stored.entered_values())
    rebound = type(form)(part.table if part.is_table else form.sections, data, initial=form.initial)
    rebound.is_valid()
    return rebound, differences


def _grid(report, part, form, entered, findings, posted):
    marks = {}
    for number, finding in enumerate(findings, 1):
        if finding.incomplete:
            continue
        for key in finding.cells:
            marks.setdefault(key, []).append(number)
    values = {**entered, **form.typed_values()} if posted else entered
    return input_grid(form, report.format, values, report.carried_in, marks)
