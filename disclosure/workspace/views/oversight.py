"""The supervising office's pages under /workspace/oversight/<year>/: the year's overview of its subtree.

Only who oversees a subtree sees them (``permissions.oversight_scope_or_404``); anyone else gets 404."""

from decimal import Decimal
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from ... import charts, checks, indicators, oversight, reminders, sums, workbook
from ...formats import CellKey, UnknownEdition, edition_for_year
from ...formats.layout import layout
from ...formats.values import format_value
from ...models import Organization
from ...permissions import oversight_scope_or_404, roles_of
from ...rendering import grid_columns
from ..progress import reporting_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows of the overview a page shows: a province's thousands of agencies are read through the filters, the
# search and the pages (and the workbook), not as one table a browser struggles to draw.
OVERVIEW_PAGE_SIZE = 100


class OverviewFilter(forms.Form):
    q = forms.CharField(label="搜索名称或简称", required=False, max_length=100)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *oversight.STATES.items()])
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *Organization.Kind.choices])
    overdue = forms.BooleanField(label="只看已逾期未发布", required=False)
    findings = forms.ChoiceField(
        label="检查结果",
        required=False,
        choices=[("", "全部"), ("blocking", "有错误"), ("any", "有错误或警告")],
    )
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[(code, label) for code, (label, _) in oversight.SORTS.items()]
    )
    view = forms.ChoiceField(label="显示方式", required=False, choices=oversight.VIEWS.items())


@login_required
@require_safe
def start(request):
    oversight_scope_or_404(request)
    return redirect("workspace:oversight", reporting_year())


@login_required
@require_safe
def overview(request, year):
    scope = oversight_scope_or_404(request)
    rows = reminders.mark_rows(oversight.overview_rows(scope, year), year)
    form = OverviewFilter(request.GET or None)
    chosen = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v not in (None, "")}
    view = chosen.pop("view", oversight.TREE)
    if view == oversight.FLAT:
        chosen.setdefault("sort", "name")  # a flat list reads best by name
    shown = oversight.filter_rows(rows, **chosen)
    page = Paginator(shown, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "rows": page.object_list,
        "page": page,
        "shown": len(shown),
        "page_query": _query_without(request, "page"),
        "view": view,
        "views": oversight.VIEWS,
        "indented": view == oversight.TREE and chosen.get("sort", "tree") == "tree",
        "toggle_query": _query_without(request, "view"),
        "total": len(rows),
        "counts": oversight.state_counts(rows),
        "overdue": sum(1 for r in rows if r.timeliness.overdue),
        "form": form,
        "oversees": True,
        "remindable": sum(1 for r in shown if r.remindable),
        "remind_before": reminders.REMIND_BEFORE_DAYS,
    }
    return render(request, "workspace/oversight/overview.html", context)


@login_required
@require_POST
def remind(request, year):
    """Send the reminders ticked on the overview, then back to the overview with the same filters."""
    scope = oversight_scope_or_404(request)
    chosen = [int(v) for v in request.POST.getlist("organization")[: reminders.MAX_PER_REQUEST] if v.isdigit()]
    if not chosen:
        messages.warning(request, "请先勾选要提醒的机关")
    else:

        def link_for(org, report):
            if report is None:
                return request.build_absolute_uri(reverse("workspace:dashboard"))
            return request.build_absolute_uri(reverse("workspace:report", args=[org.slug, year]))

        outcome = reminders.send_reminders(scope, year, chosen, request.user, link_for)
        _say_outcome(request, outcome)
    query = QueryDict(request.POST.get("query", "")[:500]).urlencode()  # the overview's filters, re-encoded
    return redirect(reverse("workspace:oversight", args=[year]) + (f"?{query}" if query else ""))


def _names(organizations):
    return "、".join(o.name for o in organizations)


def _say_outcome(request, outcome):
    if outcome.sent:
        sent = "、".join(f"{org.name}（{len(to)} 人）" for org, to in outcome.sent)
        messages.success(request, f"已向 {len(outcome.sent)} 个机关的填报人发送提醒：{sent}")
    if outcome.already:
        messages.warning(
            request, f"今天已经提醒过，不再重复发送（每个机关每天最多提醒一次）：{_names(outcome.already)}"
        )
    if outcome.no_email:
        messages.warning(
            request,
            f"以下机关的填报人没有登记邮箱，无法发送提醒：{_names(outcome.no_email)}。请在管理后台为其填报人填写邮箱",
        )
    if outcome.not_due:
        messages.info(
            request,
            f"已发布、正等待审核或离截止日期还早（截止前 {reminders.REMIND_BEFORE_DAYS} 天起才可提醒），"
            f"未发送：{_names(outcome.not_due)}",
        )
    for org, reason in outcome.failed:
        messages.error(request, f"向{org.name}发送提醒失败：{reason}。请稍后重试")
    if outcome.outside:
        messages.error(request, f"{outcome.outside} 个所选机关不在您的辖区内（或不存在），已忽略")


def _query_without(request, name):
    """The page's query string less one parameter, ending in "&" when anything is left (for a toggle link)."""
    query = request.GET.copy()
    query.pop(name, None)
    encoded = query.urlencode()
    return encoded + "&" if encoded else ""


def _include_pending(request):
    """The switch of the summed pages: published reports only (default), or submitted and approved ones too."""
    return request.GET.get("include") == "pending"


def _edition_or_404(year):
    try:
        return edition_for_year(year)
    except UnknownEdition:
        raise Http404("该年度没有适用的报告格式") from None


@login_required
@require_safe
def totals(request, year):
    scope = oversight_scope_or_404(request)
    _edition_or_404(year)
    include = _include_pending(request)
    result = sums.region_sums(scope, year, include_pending=include)
    query = "?include=pending" if include else ""

    def fill(spec):
        value = result.values.get(spec.key)
        if not isinstance(value, Decimal):
            return format_value(value)  # blank, or "/": nothing to drill down to
        url = reverse("workspace:oversight_cell", args=[year, *spec.key]) + query
        return format_html('<a href="{}">{}</a>', url, format_value(value))

    grids = []
    for table in result.edition.tables:
        grid = layout(table, fill=fill)
        grids.append({"grid": grid, "columns": grid_columns(grid)})
    context = {"year": year, "sums": result, "grids": grids, "include": include, "oversees": True}
    return render(request, "workspace/oversight/totals.html", context)


@login_required
@require_safe
def cell(request, year, table, row, column):
    scope = oversight_scope_or_404(request)
    edition = _edition_or_404(year)
    spec = edition.cell(CellKey(table, row, column))
    if spec is None:
        raise Http404("没有这个单元格")
    include = _include_pending(request)
    items = sums.drill_down(scope, year, spec.key, include_pending=include)
    total = sum((i.value for i in items), Decimal(0))
    before, before_counted = sums.last_year(scope, year, spec.key, include_pending=include)
    context = {
        "last_year": "—" if before is None else format_value(before),
        "change": _signed(total - before) if isinstance(before, Decimal) else "—",
        # Years compare only as far as they count alike: each sum says how many reports it covers.
        "counted_note": indicators.reports_note(sums.counted_reports(scope, year, include)),
        "last_year_note": "" if before_counted is None else indicators.reports_note(before_counted),
        "year": year,
        "spec": spec,
        "table": edition.table(table),
        "items": items,
        "total": format_value(total),
        "include": include,
        "oversees": True,
    }
    return render(request, "workspace/oversight/cell.html", context)


@login_required
@require_safe
def findings(request, year):
    scope = oversight_scope_or_404(request)
    _edition_or_404(year)
    found = oversight.region_findings(scope, year)
    rules = {r.finding.rule: checks.rule_name(r.finding.rule) for r in found}  # {id: Chinese name}
    rule = request.GET.get("rule", "")
    error = ""
    if rule and rule not in rules:
        error = f"没有规则“{checks.rule_name(rule)}”的检查结果，已显示全部"
        rule = ""
    shown = [r for r in found if not rule or r.finding.rule == rule]
    roles = roles_of(request)
    for item in shown:  # a reviewer cannot edit: their link reads 查看, not 去修改
        item.editable = roles.access(item.organization.pk).can_edit and item.report.status == item.report.Status.DRAFT
    context = {
        "year": year,
        "items": shown,
        "total": len(found),
        "rules": sorted(rules.items(), key=lambda pair: pair[1]),
        "rule": rule,
        "error": error,
        "reports": len({r.organization.pk for r in found}),
        "oversees": True,
    }
    return render(request, "workspace/oversight/findings.html", context)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_safe
def workbook_xlsx(request, year):
    scope = oversight_scope_or_404(request)
    _edition_or_404(year)
    content = workbook.build_workbook(scope, year, include_pending=_include_pending(request))
    return _download(content, XLSX, f"{year}年度辖区汇总.xlsx")


@login_required
@require_safe
def detail_csv(request, year):
    scope = oversight_scope_or_404(request)
    _edition_or_404(year)
    content = workbook.detail_csv(scope, year, include_pending=_include_pending(request))
    return _download(content, "text/csv; charset=utf-8", f"{year}年度辖区明细.csv")


def _signed(value):
    return ("+" if value > 0 else "") + format_value(value)


# ---- indicators and prompts (item 3) ----------------------------------------------------------------------


def _charts(found, prefix):
    """The SVG geometry of an Indicators, and the ids its text alternatives are referred to by."""
    points = [(str(v.year), v.value, v.printed) for v in found.received]
    # A subtree's years are not all complete: each bar says how many reports it covers.
    notes = [f"{v.reports} 份报告" for v in found.received] if found.received[0].reports is not None else None
    return {
        "id": prefix,
        "received": charts.bar_chart(points, notes=notes),
        "shares": charts.share_bar(found.shares),
        "received_text": "；".join(f"{v.year}年 {v.printed}{v.coverage}" for v in found.received),
        "shares_text": "；".join(f"{s.label} {s.printed}（{s.percent}）" for s in found.shares),
    }


@login_required
@require_safe
def region_indicators(request, year):
    scope = oversight_scope_or_404(request)
    _edition_or_404(year)
    found = indicators.region_indicators(scope, year)
    context = {
        "year": year,
        "ind": found,
        "charts": _charts(found, "region"),
        "prompts": indicators.region_prompts(scope, year),
        "oversees": True,
    }
    return render(request, "workspace/oversight/indicators.html", context)


@login_required
@require_safe
def agency_indicators(request, year, slug):
    scope = oversight_scope_or_404(request)
    _edition_or_404(year)
    organization = scope.within(Organization.objects.filter(slug=slug), "pk").first()
    if organization is None:
        raise Http404("没有找到该机关")
    found = indicators.agency_indicators(organization, year)
    context = {
        "year": year,
        "organization": organization,
        "ind": found,
        "charts": _charts(found, "agency"),
        "prompts": indicators.region_prompts(scope, year, organization=organization),
        "oversees": True,
    }
    return render(request, "workspace/oversight/agency.html", context)
