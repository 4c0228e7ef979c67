"""A report's overview, preview, findings and history pages, and the POST endpoints that move it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ... import rendering, workflow
from ...actions import ActionError
from ...checks import by_severity, check_report
from ...documents import export_document
from ...formats import UnknownEdition
from ...models import AnnualReport, OriginalDocument
from ...permissions import get_organization_or_404, get_report_or_404
from .. import history as history_labels
from ..forms import CorrectionForm, ExplanationForm, ReturnForm
from ..progress import deadline_of, part_states


def report_context(report, access, findings):
    """What every page of a report shows around its content: status, deadline, navigator."""
    findings = by_severity(findings)
    return {
        "report": report,
        "organization": report.organization,
        "access": access,
        "edition": report.format,
        "findings": findings,
        "blocking": [f for f in findings if f.blocking],
        "warnings": [f for f in findings if not f.blocking],
        "states": part_states(report, report.entered_values(), findings),
        "due": deadline_of(report.organization, report.year, report.first_published_at),
        "editable": access.can_edit and report.status == report.Status.DRAFT,
        "transitions": workflow.allowed_actions(report, access),
        "original": OriginalDocument.objects.filter(version__report=report)
        .only("name", "published_on", "source_url")
        .first(),
    }


@login_required
@require_safe
def overview(request, slug, year):
    report, access = get_report_or_404(request, slug, year)
    findings = check_report(report)
    context = report_context(report, access, findings)
    context["items"] = explained_findings(report, findings)
    context["problems"] = workflow.submission_problems(report, findings) if "submit" in context["transitions"] else []
    context["year_ongoing"] = report.year >= timezone.localdate().year
    context["return_form"] = ReturnForm(initial={"reason": kept_text(request, "reason")})
    context["correction_form"] = CorrectionForm(initial={"note": kept_text(request, "note")})
    context["publication"] = publication_state(report)
    context["own_work"] = "approve" in context["transitions"] and workflow.is_own_work(report, request.user)
    return render(request, "workspace/report.html", context)


def publication_state(report):
    """The newest version's rendering (生成中 / 已完成 / 失败), the number the public sees meanwhile, and
    whether the report is public at all (its page, PDF, Word file and data then have links). One query."""
    versions = list(
        report.versions.order_by("-number").only("number", "render_state", "render_error", "rendered_at", "pdf_size")
    )
    if not versions:
        return None
    public = next((v.number for v in versions if v.is_ready), None)
    return {"version": versions[0], "state": versions[0].render_state, "public_number": public}


@login_required
@require_POST
def start(request, slug, year):
    organization, _ = get_organization_or_404(request, slug)
    try:
        report = workflow.start_report(organization, year, request.user)
    except workflow.NotAllowed:
        raise PermissionDenied from None
    except workflow.ReportExists as error:
        # A double-click, or a colleague was quicker: the report the editor wanted is there, so go to it.
        messages.info(request, f"{error}，已为您打开")
        return redirect("workspace:report", slug, year)
    except (ActionError, UnknownEdition) as error:
        messages.error(request, str(error))
        return redirect("workspace:dashboard")
    messages.success(request, f"已开始填报{year}年度报告；{_carried_note(report)}")
    return redirect("workspace:report", slug, year)


def _carried_note(report):
    previous = report.previous()
    if previous is None:
        return f"没有{report.year - 1}年度报告，没有可带入的数据"
    if previous.status != AnnualReport.Status.PUBLISHED:
        state = previous.shown_status[1]
        return f"能带入的数据已从{previous.year}年度报告带入，但该报告尚未发布（{state}），请务必核对"
    return f"能从{previous.year}年度报告带入的数据已带入"


@login_required
@require_safe
def preview(request, slug, year):
    """The report exactly as the public will see it: the shared report body, from the same JSON document."""
    report, access = get_report_or_404(request, slug, year)
    findings = check_report(report)
    context = report_context(report, access, findings)
    context["body"] = rendering.body_context(export_document(report, findings))
    return render(request, "workspace/preview.html", context)


@login_required
def findings(request, slug, year):
    report, access = get_report_or_404(request, slug, year)
    found = check_report(report)
    if request.method == "POST":
        if not access.can_edit:
            raise PermissionDenied
        if "accept_total" in request.POST:
            cell = request.POST["accept_total"][:100]
            _act(request, lambda: workflow.accept_computed_total(report, request.user, cell), "已采用计算的合计")
        elif not _explain(request, report, found, ExplanationForm(request.POST)):
            keep_text(
                request, "explanation", f"{request.POST.get('finding', '')[:200]}\n{request.POST.get('text', '')}"
            )
        return redirect("workspace:findings", slug, year)
    context = report_context(report, access, found)
    context["kept_explanation"] = kept_text(request, "explanation").partition("\n")[::2]  # (finding key, text)
    context["items"] = [(*item, declared_total_of(report, item[0])) for item in explained_findings(report, found)]
    return render(request, "workspace/findings.html", context)


def explained_findings(report, findings):
    """Each finding with its explanation, if any, and whether that explanation covers the finding's numbers
    (an explanation written for other numbers is shown as the previous one, to be confirmed again)."""
    explained = {e.finding_key: e for e in report.explanations.select_related("author")}
    items = []
    for f in by_severity(findings):
        explanation = explained.get(f.key)
        items.append((f, explanation, bool(explanation and explanation.covers(f))))
    return items


def declared_total_of(report, finding):
    """The cell key of the imported declared total a sum finding is about, or "" (the total comes first)."""
    key = str(finding.cells[0]) if finding.cells else ""
    return key if key in report.declared_totals else ""


def _explain(request, report, findings, form):
    """Save an explanation for the finding the page showed, if it still says the same (the page sends the
    fingerprint of the finding it showed; a client that sends none explains the finding as it is now).
    Returns whether it was saved."""
    finding = next((f for f in findings if form.is_valid() and f.key == form.cleaned_data["finding"]), None)
    if finding is None:
        messages.error(request, "说明未保存：该警告已不存在（数据可能已修改）")
        return False
    if form.cleaned_data["fingerprint"] not in ("", finding.fingerprint):
        messages.error(request, f"说明未保存：该警告的内容已变化，现为“{finding.message}”，请核对后重新说明")
        return False
    return _act(request, lambda: workflow.explain_warning(report, request.user, finding, form.cleaned_data["text"]))


@login_required
@require_safe
def history(request, slug, year):
    """The report's history, newest first, 50 events a page, grouped by day and by person."""
    report, access = get_report_or_404(request, slug, year)
    events = report.events.select_related("actor").order_by("-at", "-id")
    page = Paginator(events, history_labels.EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"report": report, "access": access, "page": page, "days": history_labels.grouped(page.object_list)}
    return render(request, "workspace/history.html", context)


def _act(request, do, done=""):
    """Run one workflow function; a refusal becomes a message (403 when the role is wrong)."""
    try:
        do()
    except workflow.NotAllowed:
        raise PermissionDenied from None
    except ActionError as error:
        messages.error(request, str(error))
        return False
    if done:
        messages.success(request, done)
    return True


def _transition(request, slug, year, do, done):
    report, _ = get_report_or_404(request, slug, year)
    _act(request, lambda: do(report), done)
    return redirect("workspace:report", slug, year)


@login_required
@require_POST
def submit(request, slug, year):
    return _transition(request, slug, year, lambda r: workflow.submit_report(r, request.user), "已提交审核")


@login_required
@require_POST
def withdraw(request, slug, year):
    done = "已撤回：报告回到草稿，可以继续修改，改好后再提交审核"
    return _transition(request, slug, year, lambda r: workflow.withdraw_report(r, request.user), done)


# A refused reason or note comes back in its box on the page the redirect shows: nothing typed is lost.
KEPT_TEXT = "workspace_kept_text"
KEPT_TEXT_LIMIT = 20_000  # beyond every text limit of the workspace: kept whole, and the session stays small


def keep_text(request, field, text):
    request.session[KEPT_TEXT] = {field: (text or "")[:KEPT_TEXT_LIMIT]}


def kept_text(request, field):
    """The text refused a moment ago for ``field`` (once), or ""."""
    kept = request.session.get(KEPT_TEXT)
    if not kept or field not in kept:
        return ""
    del request.session[KEPT_TEXT]
    return kept[field]


def _transition_keeping(request, slug, year, field, do, done, back_to=None):
    """A transition that takes a text: when refused, the text is kept for the page shown next (``back_to``:
    that page's URL, e.g. the review page the form was on; the report page otherwise)."""
    report, _ = get_report_or_404(request, slug, year)
    text = request.POST.get(field, "")
    if _act(request, lambda: do(report, text), done):
        return redirect("workspace:report", slug, year)
    keep_text(request, field, text)
    return redirect(back_to or reverse("workspace:report", args=(slug, year)))


@login_required
@require_POST
def return_(request, slug, year):
    back_to = None
    if request.POST.get("from") == "review":
        back_to = reverse("workspace:review_report", args=(slug, year)) + "#decision"
    return _transition_keeping(
        request,
        slug,
        year,
        "reason",
        lambda report, reason: workflow.return_report(report, request.user, reason),
        "已退回填报人",
        back_to,
    )


def _published_message(version):
    State = version.RenderState
    if version.render_state == State.READY:
        return f"已发布第{version.number}版"
    if version.render_state == State.FAILED:
        return f"已发布第{version.number}版，但生成失败：{version.render_error}。可在本页重试"
    return f"已发布第{version.number}版，正在生成网页、PDF 和 Word 文件，完成后公众即可看到"


@login_required
@require_POST
def retry_render(request, slug, year):
    return _transition(
        request, slug, year, lambda r: workflow.retry_render(r, request.user), "已重新开始生成；请稍候查看结果"
    )


@login_required
@require_POST
def correct(request, slug, year):
    done = "已重新打开报告进行更正；公众仍看到当前版本，直到更正后的版本发布"
    return _transition_keeping(
        request, slug, year, "note", lambda report, note: workflow.correct_report(report, request.user, note), done
    )
