"""Bringing in reports already published elsewhere (issue 10): upload a file, review what was recognised,
then store it as the historical record of its year or put it into the year's draft; a zip of many files for
supervising offices; and the 补录往年报告 page of an organization.

Who may: an organization's editors, and a supervising office (a reviewer of an organization with children)
for every organization below it; superusers for every organization. Anyone else gets 404. The uploaded file
stays on the server between the steps (``importing.uploads``); nothing is stored until the user confirms.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from ... import earlier, workflow
from ...actions import ActionError
from ...formats.values import NUMBER_PATTERN
from ...importing import ImportRefused, uploads
from ...importing.files import read_zip
from ...importing.historical import import_historical
from ...importing.review import build_review, last_year
from ...models import AnnualReport, EarlierReportFile, Organization
from ...permissions import get_organization_or_404, oversight_scope_or_404, roles_of
from ..grids import grid_html, input_grid
from ..progress import past_years
from .imports_batch import batch_rows

FILE_ERRORS = {"required": "请选择要上传的文件", "empty": "文件为空：请选择有内容的报告文件", "invalid": "没有收到文件"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="已发布的报告文件",
        error_messages=FILE_ERRORS,
        help_text="网页（.html/.htm）、Word（.docx）、PDF（有文字层）或文本（.txt），"
        f"不超过 {uploads.megabytes(uploads.MAX_UPLOAD_SIZE)}",
    )


class EarlierForm(forms.Form):
    """A report of a year before the national format, kept as its file (``disclosure.earlier``)."""

    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=[("", "请选择年度"), *((y, f"{y}年度") for y in earlier.YEARS)],
        error_messages={"required": "请选择报告所属年度", "invalid_choice": "请选择列出的年度"},
    )
    file = forms.FileField(
        label="报告原文件",
        error_messages=FILE_ERRORS,
        help_text="当年在网站上发布的原文：网页（.html/.htm）、PDF、Word（.doc/.docx）、WPS 或文本（.txt），"
        f"不超过 {uploads.megabytes(uploads.MAX_UPLOAD_SIZE)}",
    )
    published_on = forms.DateField(
        label="原发布日期",
        help_text="报告在原网站上发布的日期",
        error_messages={"required": "请填写原发布日期", "invalid": "请按“年-月-日”填写原发布日期"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source_url = forms.URLField(
        label="原文网址",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="可不填",
        error_messages={"invalid": "请填写有效的网址（http:// 或 https:// 开头）"},
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way): each is checked as a FileField checks one."""

    def __init__(self, **kwargs):
        super().__init__(widget=MultipleFileInput, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        return [one(d, initial) for d in data] if isinstance(data, list | tuple) else [one(data, initial)]


class BatchForm(forms.Form):
    files = MultipleFileField(
        label="压缩包或多个文件",
        error_messages=FILE_ERRORS,
        help_text=f".zip，或一次选择多个报告文件；合计不超过 {uploads.megabytes(uploads.MAX_BATCH_SIZE)}",
    )


def importable_ids(request):
    """The organizations the requester may import for, or None for all (superusers)."""
    roles = roles_of(request)
    if roles.is_admin:
        return None
    ids = set(roles.editor_ids)
    if roles.oversees:
        scope = oversight_scope_or_404(request)
        ids |= scope.ids - scope.root_ids  # below the office, not the office's own report
    return ids


def importable_or_404(request):
    ids = importable_ids(request)
    organizations = Organization.objects.order_by("name")
    if ids is not None:
        if not ids:
            raise Http404("没有找到该页面")
        organizations = organizations.filter(pk__in=ids)
    return organizations


def limited_upload(limit):
    """Refuse a POST whose body is larger than ``limit`` before anything of it is read: the CSRF check would
    otherwise parse (and spool to disk) the whole upload first. The body the server reads is never longer
    than its Content-Length, so this bounds it."""

    def decorate(view):
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            size = int(request.META.get("CONTENT_LENGTH") or 0)
            if request.method == "POST" and size > limit + 64 * 1024:
                megabytes = max(1, size // (1024 * 1024))
                request.upload_refused = f"上传的内容过大（{megabytes} MB），不能超过 {uploads.megabytes(limit)}"
                request.method = "GET"  # shown as the empty form with the message; nothing was read
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


# ---- one file: upload, review, confirm --------------------------------------------------------------


@login_required
@limited_upload(uploads.MAX_UPLOAD_SIZE)
def upload(request):
    organizations = importable_or_404(request)
    hints = _hints(request, organizations)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        item = form.cleaned_data["file"]
        try:
            uploads.refuse_too_big(item.size, uploads.MAX_UPLOAD_SIZE)
            token = uploads.keep(request, item.name, item.read())
        except ImportRefused as error:
            form.add_error("file", str(error))
        else:
            return redirect(_review_url(token, **hints))
    context = {"form": form, "hints": hints, "oversees": roles_of(request).oversees}
    context["refused"] = getattr(request, "upload_refused", "")
    context["organization"] = organizations.filter(slug=hints.get("org")).first()
    return render(request, "workspace/import_upload.html", context, status=413 if _was_refused(request) else 200)


def _was_refused(request):
    return bool(getattr(request, "upload_refused", ""))


def _hints(request, organizations):
    """?org= and ?year= proposed by the page that linked here (the 补录 page, a zip's result row)."""
    hints = {}
    org = request.GET.get("org", "")
    if org and organizations.filter(slug=org[:60]).exists():
        hints["org"] = org[:60]
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        hints["year"] = year
    return hints


def _review_url(token, **hints):
    return _with_hints(reverse("workspace:import_review", args=[token]), hints)


def _upload_url(**hints):
    return _with_hints(reverse("workspace:import"), hints)


def _with_hints(url, hints):
    return f"{url}?{urlencode(hints)}" if hints else url


@login_required
def review(request, token):
    organizations = importable_or_404(request)
    hints = _hints(request, organizations)
    kept = uploads.get(request, token)
    if kept is None:
        messages.error(request, "找不到上传的文件（上传后保留 3 小时，且只对上传它的登录会话有效），请重新上传")
        return redirect(_upload_url(**hints))
    initial = {}
    if "org" in hints:
        initial["organization"] = organizations.get(slug=hints["org"])
    if "year" in hints:
        initial["year"] = int(hints["year"])
    data = request.POST if request.method == "POST" else None
    try:
        result = build_review(kept, organizations, data, initial)
    except ImportRefused as error:
        uploads.discard(request, token)
        messages.error(request, f"文件“{kept.name}”无法识别：{error}")
        return redirect(_upload_url(**hints))  # the linking page's pre-selection stays for the next file
    if request.method == "POST":
        done = _confirm(request, kept, result)
        if done is not None:
            return done
    context = {**_review_context(request, kept, result), "upload_url": _upload_url(**hints)}
    return render(request, "workspace/import_review.html", context)


def _confirm(request, kept, result):
    """The page's buttons: 重新检查 only re-renders; 确认导入 stores the historical record; 导入草稿 fills the
    draft. Returns the redirect after a store, or None to show the page again (with what is wrong)."""
    action = request.POST.get("action", "check")
    if action not in ("historical", "draft"):
        return None
    if result.reread:
        # The cells posted belonged to the other edition: nothing is wrong, but nothing was reviewed either.
        year = result.details.data.get("year")
        messages.warning(request, f"年度改为{year}年后适用另一版格式，已按该格式重新识别原文，请核对后再确认导入。")
        return None
    result.require_mismatch_confirmed()
    if not result.is_valid():
        messages.error(request, f"有 {result.error_count} 处填写有误，尚未导入。请按页面顶部列出的提示修改。")
        return None
    details = result.details.cleaned_data
    organization, year = details["organization"], details["year"]
    try:
        if action == "historical":
            version = _store_historical(request, kept, result, details)
            report = version.report
            done = f"已导入{report.title}（原发布日期 {details['published_on']:%Y年%-m月%-d日}）"
        else:
            report, changes = _store_draft(request, kept, result, organization, year)
            done = f"已导入{year}年度报告草稿：修改了 {len(changes)} 处；请核对后提交审核"
    except workflow.NotAllowed:
        raise PermissionDenied from None
    except (ImportRefused, ActionError) as error:
        messages.error(request, f"尚未导入：{error}")
        return None
    uploads.discard(request, kept.token)
    messages.success(request, done)
    return redirect("workspace:report", organization.slug, year)


def _store_historical(request, kept, result, details):
    if details["published_on"] is None:
        result.details.add_error("published_on", "补录往年报告须填写原发布日期")
        raise ImportRefused("请填写原发布日期")
    recognition = result.recognition
    recognition.texts = result.texts.texts()
    return import_historical(
        recognition,
        organization=details["organization"],
        year=details["year"],
        published_on=details["published_on"],
        source_url=details["source_url"],
        original_name=kept.name,
        original_bytes=kept.data,
        user=request.user,
        values=result.cell_values(),
    )


def _store_draft(request, kept, result, organization, year):
    if not roles_of(request).access(organization.pk).can_edit:
        raise PermissionDenied
    return workflow.import_into_draft(
        organization,
        year,
        request.user,
        texts=result.texts.texts(),
        cells=result.entered,
        declared=result.declared,
        source_name=kept.name,
    )


def _review_context(request, kept, result):
    marks = result.marks()
    finding_marks = {}
    for number, finding in enumerate(result.findings, 1):
        for key in finding.cells:
            finding_marks.setdefault(key, []).append(number)
    grids = []
    for part, form in result.tables:
        grid = input_grid(form, result.edition, result.entered, (), finding_marks, marks)
        grids.append({"part": part, "form": form, "grid": grid, "html": grid_html(grid)})
    organization = result.details.cleaned_data.get("organization") if result.details.is_valid() else None
    organization = organization or result.details.initial.get("organization")
    return {
        "upload": kept,
        "review": result,
        "recognition": result.recognition,
        "counts": result.counts(),
        "grids": grids,
        "number_pattern": NUMBER_PATTERN,
        "blocking": [f for f in result.findings if f.blocking],
        "source_blocks": _source_blocks(result.source),
        "can_draft": _can_draft(request, organization, result),
        "last_year": last_year(),
        "oversees": roles_of(request).oversees,
    }


def _can_draft(request, organization, result):
    """Whether 导入草稿 is offered: to editors of the organization, for a year whose report is a draft or can be
    started (what ``workflow.import_into_draft`` accepts)."""
    if organization is None or not roles_of(request).access(organization.pk).can_edit:
        return False
    year = result.details.cleaned_data.get("year") if result.details.is_valid() else result.recognition.year
    try:
        workflow.check_report_year(year or 0)
    except ActionError:
        return False
    report = AnnualReport.objects.filter(organization=organization, year=year).first()
    return report is None or report.status == AnnualReport.Status.DRAFT


def _source_blocks(source):
    """The source as read, for the page beside the grid: paragraphs, and tables as rows of cell texts."""
    blocks = []
    for block in source.blocks[:2000]:
        if isinstance(block, str):
            blocks.append({"text": block})
        else:
            blocks.append({"rows": [[cell.text.strip() for cell in row] for row in block.rows]})
    return blocks


# ---- many files: a zip or several at once (supervising offices) ---------------------------------------


@login_required
@limited_upload(uploads.MAX_BATCH_SIZE)
def batch(request):
    organizations = _batch_organizations(request)
    form = BatchForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            items = _batch_items(form.cleaned_data["files"])
        except ImportRefused as error:
            form.add_error("files", str(error))
        else:
            rows = batch_rows(request, items, organizations)
    context = {"form": form, "rows": rows, "oversees": True, "refused": getattr(request, "upload_refused", "")}
    return render(request, "workspace/import_batch.html", context, status=413 if _was_refused(request) else 200)


def _batch_organizations(request):
    roles = roles_of(request)
    if not roles.oversees:
        raise Http404("没有找到该页面")
    return importable_or_404(request)


def _batch_items(files):
    """The uploaded files, the members of uploaded zips in their place; refused whole beyond the limits."""
    from ...importing.files import MAX_ZIP_MEMBERS, InputFile

    total = sum(f.size for f in files)
    uploads.refuse_too_big(total, uploads.MAX_BATCH_SIZE, "上传的文件合计")
    items = []
    for f in files:
        data = f.read()
        if f.name.lower().endswith(".zip"):
            items.extend(read_zip(f.name, data))
        else:
            items.append(InputFile(f.name, data))
        if len(items) > MAX_ZIP_MEMBERS:
            raise ImportRefused(f"文件过多：一次最多 {MAX_ZIP_MEMBERS} 个")
    if not items:
        raise ImportRefused("没有可导入的文件（压缩包内没有网页、Word、PDF 或文本文件）")
    return items


# ---- 补录往年报告 -------------------------------------------------------------------------------------


def _past_organization(request, slug):
    """The organization of a 补录往年报告 page, the requester's access there and whether they may import for it;
    404 for anyone who may neither edit nor import for it."""
    organization, access = get_organization_or_404(request, slug)
    ids = importable_ids(request)
    can_import = ids is None or organization.pk in ids
    if not (access.can_edit or can_import):
        raise Http404("没有找到该页面")
    return organization, access, can_import


@login_required
@require_safe
def past(request, slug):
    """The years before this one and last that an organization's report can still be brought in for."""
    organization, access, can_import = _past_organization(request, slug)
    return _render_past(request, organization, access, can_import, EarlierForm() if can_import else None)


def _render_past(request, organization, access, can_import, earlier_form, status=200):
    started = dict(AnnualReport.objects.filter(organization=organization).values_list("year", "status"))
    years = [{"year": y, "started": y in started} for y in past_years()]
    context = {"organization": organization, "access": access, "can_import": can_import, "years": years}
    context["first_year"] = workflow.FIRST_YEAR
    context["earlier_files"] = EarlierReportFile.objects.filter(organization=organization).order_by("-year")
    context["earlier_form"] = earlier_form
    context["refused"] = getattr(request, "upload_refused", "")
    return render(request, "workspace/import_past.html", context, status=status)


@login_required
@limited_upload(uploads.MAX_UPLOAD_SIZE)
def earlier_upload(request, slug):
    """Keep the file of a report of a year before the national format; the 补录往年报告 page shows the form."""
    organization, access, can_import = _past_organization(request, slug)
    if not can_import:
        raise Http404("没有找到该页面")
    if request.method != "POST" and not _was_refused(request):
        return redirect("workspace:past_years", organization.slug)
    form = EarlierForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            kept = earlier.store(
                organization,
                data["year"],
                name=data["file"].name,
                data=_read_limited(data["file"]),
                published_on=data["published_on"],
                source_url=data["source_url"],
                user=request.user,
            )
        except ImportRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"已保存{kept.year}年度报告原文“{kept.name}”，公众页面可下载")
            return redirect("workspace:past_years", organization.slug)
    status = 413 if _was_refused(request) else 200
    return _render_past(request, organization, access, can_import, form, status=status)


def _read_limited(item):
    """The upload's bytes, refused before reading when it is larger than one report file may be."""
    uploads.refuse_too_big(item.size, uploads.MAX_UPLOAD_SIZE)
    return item.read()


@login_required
@require_POST
def earlier_delete(request, slug, year):
    organization, _, can_import = _past_organization(request, slug)
    if not can_import:
        raise Http404("没有找到该页面")
    kept = EarlierReportFile.objects.filter(organization=organization, year=year).first()
    if kept is None:
        raise Http404("没有找到该文件")
    earlier.delete(kept, request.user)
    messages.success(request, f"已删除{year}年度报告原文“{kept.name}”")
    return redirect("workspace:past_years", organization.slug)
