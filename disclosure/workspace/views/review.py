"""The reviewer's pages: the review page (the report itself, its findings with the editors' explanations and
what changed), approval with a confirmation, and the publication's confirmation page.

Publishing makes a version public for good, so it is never one click: the report page and the review page
link to a confirmation page (GET) whose form carries ``confirm`` and the version number it showed; a POST
without them publishes nothing. Approval is confirmed by a checkbox on the review page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ... import rendering, review, workflow
from ...checks import check_report
from ...documents import export_document
from ...models import ReportEvent
from ...permissions import get_report_or_404
from ..forms import ReturnForm
from .report import _act, _published_message, explained_findings, kept_text, publication_state, report_context

PUBLISH_CONFIRMATION = "publish"


@login_required
@require_safe
def review_page(request, slug, year):
    report, access = get_report_or_404(request, slug, year)
    findings = check_report(report)
    document = export_document(report, findings)
    context = report_context(report, access, findings)
    context.update(
        items=explained_findings(report, findings),
        body=rendering.body_context(document),
        last_year=review.against_last_year(report, document),
        correction=review.against_replaced(report, document),
        approval=last_approval(report),
        own_work=access.can_review and workflow.is_own_work(report, request.user),
        publication=publication_state(report),
        return_form=ReturnForm(initial={"reason": kept_text(request, "reason")}),
    )
    return render(request, "workspace/review.html", context)


def last_approval(report):
    """The approval the report's current state rests on (approved or published), or None."""
    if report.status not in (report.Status.APPROVED, report.Status.PUBLISHED):
        return None
    events = report.events.filter(action=ReportEvent.Action.APPROVE).select_related("actor")
    return events.order_by("-at", "-id").first()


@login_required
@require_POST
def approve(request, slug, year):
    report, access = get_report_or_404(request, slug, year)
    if not access.can_review:
        raise PermissionDenied
    if not request.POST.get("confirm"):
        messages.error(request, "未审核通过：请先勾选“我已阅读报告全文、检查结果和变化情况”，再点“审核通过”")
        return redirect(reverse("workspace:review_report", args=(slug, year)) + "#decision")
    _act(request, lambda: workflow.approve_report(report, request.user), "已审核通过")
    return redirect("workspace:review_report", slug, year)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request, slug, year):
    """GET: what will be public (title, version, date, the 更正说明 of a correction) and that it is final.
    POST: publish, only with the confirmation field and the version number that page showed."""
    report, access = get_report_or_404(request, slug, year)
    if not access.can_review:
        raise PermissionDenied
    number = next_version_number(report)
    if request.method == "POST":
        return _publish_confirmed(request, report, number)
    if "publish" not in workflow.allowed_actions(report, access):
        messages.error(request, f"报告当前状态为“{report.get_status_display()}”，不能发布：只有已审核的报告可以发布")
        return redirect("workspace:report", slug, year)
    findings = check_report(report)
    context = report_context(report, access, findings)
    context.update(number=number, today=timezone.localdate(), approval=last_approval(report))
    return render(request, "workspace/publish_confirm.html", context)


def _publish_confirmed(request, report, number):
    slug, year = report.organization.slug, report.year
    if request.POST.get("confirm") != PUBLISH_CONFIRMATION:
        messages.error(request, "未发布：发布须在本页确认。请核对将要公开的内容后点“确认发布”")
        return redirect("workspace:publish", slug, year)
    # The number is checked only where a publication could happen: for a report published meanwhile (a
    # colleague's click, a double click) the state's own refusal below says what happened.
    if report.status == report.Status.APPROVED and request.POST.get("version") != str(number):
        messages.error(request, f"未发布：确认页面显示的版本已过时，现在将发布第{number}版，请重新核对")
        return redirect("workspace:publish", slug, year)
    published = []
    if _act(request, lambda: published.append(workflow.publish(report, request.user))):
        messages.success(request, _published_message(published[0]))
    return redirect("workspace:report", slug, year)


def next_version_number(report):
    """The number the next publication takes: one more than the newest version's."""
    newest = report.versions.order_by("-number").values_list("number", flat=True).first()
    return (newest or 0) + 1
