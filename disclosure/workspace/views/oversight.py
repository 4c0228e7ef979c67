"""The supervising office's pages under /workspace/oversight/<year>/: the year's overview of its subtree.

Only who oversees a subtree sees them (``permissions.oversight_scope_or_404``); anyone else gets 404."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ... import oversight
from ...models import Organization
from ...permissions import oversight_scope_or_404
from ..progress import reporting_year


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


@login_required
@require_safe
def start(request):
    oversight_scope_or_404(request)
    return redirect("workspace:oversight", reporting_year())


@login_required
@require_safe
def overview(request, year):
    scope = oversight_scope_or_404(request)
    rows = oversight.overview_rows(scope, year)
    form = OverviewFilter(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    shown = oversight.filter_rows(rows, **{k: v for k, v in chosen.items() if v not in (None, "")})
    context = {
        "year": year,
        "rows": shown,
        "total": len(rows),
        "counts": oversight.state_counts(rows),
        "overdue": sum(1 for r in rows if r.timeliness.overdue),
        "form": form,
        "oversees": True,
    }
    return render(request, "workspace/oversight/overview.html", context)
