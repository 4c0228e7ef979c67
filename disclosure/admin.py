"""The Django admin, in Chinese: organizations, accounts with their roles, reports.

Report content is edited in the workspace (where every save is checked and recorded); here the tables
are shown read-only, with the consistency findings, so the admin cannot bypass the history.
"""

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from . import actions, orgimport
from .actions import ActionError
from .checks import check_report, rule_name
from .formats import EDITIONS
from .formats.layout import layout
from .formats.values import format_value
from .models import (
    AnnualReport,
    EarlierReportFile,
    Membership,
    Organization,
    PublishedVersion,
    Reminder,
    ReportEvent,
)
from .publishing import publish_report

User = get_user_model()
# The narrative fields, in the order of the format (the same in every edition).
TEXT_FIELDS = [section.code for section in next(iter(EDITIONS.values())).text_sections()]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    autocomplete_fields = ["parent"]
    change_list_template = "admin/disclosure/organization/change_list.html"

    def get_urls(self):
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="disclosure_organization_import")
        return [upload, *super().get_urls()]

    def import_view(self, request):
        """Upload a CSV/XLSX file → preview of what will change (or every bad row) → confirm: the same
        ``disclosure.orgimport`` as ``manage.py import_organizations``."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "批量导入机关和账号"}
        context["limits"] = {"kb": orgimport.MAX_BYTES // 1024, "rows": orgimport.MAX_ROWS}
        if request.method != "POST":
            context["form"] = OrganizationUploadForm()
            return TemplateResponse(request, "admin/disclosure/organization/import.html", context)
        confirming = "content" in request.POST
        form = (OrganizationConfirmForm if confirming else OrganizationUploadForm)(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            context["form"] = OrganizationUploadForm() if confirming else form
            context["refused"] = "；".join(e for errors in form.errors.values() for e in errors)
            return TemplateResponse(request, "admin/disclosure/organization/import.html", context)
        data, filename = form.cleaned_data["data"], form.cleaned_data["filename"]
        try:
            plan = orgimport.plan_import(orgimport.read_rows(data, filename))
        except orgimport.RefusedFile as error:
            context.update(form=OrganizationUploadForm(), refused=str(error))
            return TemplateResponse(request, "admin/disclosure/organization/import.html", context)
        context.update(plan=plan, filename=filename)
        if not plan.ok or not confirming:
            content = base64.b64encode(data).decode("ascii")
            context["confirm"] = OrganizationConfirmForm(initial={"content": content, "filename": filename})
            return TemplateResponse(request, "admin/disclosure/organization/import_preview.html", context)
        return self._import(request, plan, form.cleaned_data["send_email"], context)

    def _import(self, request, plan, send_email, context):
        result = orgimport.apply_plan(plan)
        for change in plan.organizations:
            org = Organization.objects.get(name=change.name)
            if change.created:
                self.log_addition(request, org, [{"added": {}}])
            elif change.changes:
                self.log_change(request, org, "批量导入：" + "；".join(change.changes))
        accounts = []
        for user in result.new_users:
            link = request.build_absolute_uri(orgimport.set_password_path(user))
            if send_email:
                orgimport.send_set_password_email(user, link)
            accounts.append({"user": user, "link": None if send_email else link})
        context.update(accounts=accounts, sent=send_email)
        self.message_user(request, f"已导入：{plan.summary()}", messages.SUCCESS)
        return TemplateResponse(request, "admin/disclosure/organization/import_done.html", context)


class OrganizationUploadForm(forms.Form):
    file = forms.FileField(label="文件（CSV 或 XLSX）")

    def clean(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return self.cleaned_data
        if upload.size > orgimport.MAX_BYTES:
            raise forms.ValidationError(f"文件过大（{upload.size // 1024} KB），最大 {orgimport.MAX_BYTES // 1024} KB")
        self.cleaned_data.update(data=upload.read(), filename=upload.name, send_email=False)
        return self.cleaned_data


class OrganizationConfirmForm(forms.Form):
    """The previewed file again, carried in the page (checked anew on confirmation: nothing is trusted)."""

    content = forms.CharField(widget=forms.HiddenInput, max_length=(orgimport.MAX_BYTES * 4) // 3 + 4)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)
    send_email = forms.BooleanField(label="通过邮件把设置密码的链接发给新账号（否则在下一页显示链接）", required=False)

    def clean(self):
        try:
            self.cleaned_data["data"] = base64.b64decode(self.cleaned_data.get("content", ""), validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError("文件内容已损坏，请重新上传") from None
        return self.cleaned_data


admin.site.unregister(User)


class ChinesePasswordChangeForm(AdminPasswordChangeForm):
    """Django 5.1 glues an English warning to the help text outside any translatable string."""

    usable_password_help_text = SetUnusablePasswordMixin.usable_password_help_text + (
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "停用后，该用户当前的密码将作废。</li></ul>"
    )


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [MembershipInline]
    change_password_form = ChinesePasswordChangeForm


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["at", "actor", "action", "status_change", "self_review", "message"]
    readonly_fields = fields

    @admin.display(description="状态变化")
    def status_change(self, event):
        """In Chinese, as in the workspace's history (never the stored codes)."""
        from .workspace.history import Entry

        return Entry(event).status_change or "—"


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "edition", "status", "version", "updated_at"]
    list_filter = ["status", "year", "edition"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["edition", "status", "version", "revision", "findings", "tables", "created_at", "updated_at"]
    fields = [
        *["organization", "year", "edition", "status", "version", "revision", "findings", "tables"],
        *TEXT_FIELDS,
        *["return_reason", "correction_note", "created_at", "updated_at"],
    ]
    inlines = [ReportEventInline]
    actions = ["publish_selected"]

    @admin.action(description="发布所选的已审核报告")
    def publish_selected(self, request, queryset):
        for report in queryset.select_related("organization"):
            try:
                version = publish_report(report, request.user)
            except ActionError as e:
                self.message_user(request, f"{report.title}：{e}", messages.ERROR)
                continue
            if version.render_state == version.RenderState.FAILED:
                failed = f"已发布：{report.title} 第{version.number}版，但生成失败：{version.render_error}"
                self.message_user(request, failed, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"已发布：{report.title} 第{version.number}版（{version.get_render_state_display()}）",
                    messages.SUCCESS,
                )

    class Media:
        css = {"all": ["report/report.css"]}

    def get_fields(self, request, obj=None):
        # A new report needs only its organization and year; the rest follows from create_report.
        return self.fields if obj else ["organization", "year"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new report goes through the same action as the workspace: edition, carry-in, history.
        obj.pk = actions.create_report(obj.organization, obj.year, request.user).pk
        obj.refresh_from_db()

    def get_readonly_fields(self, request, obj=None):
        # Once created, the content belongs to the workspace, where it is checked and recorded.
        if obj is None:
            return self.readonly_fields
        return [f for f in self.fields]

    @admin.display(description="表格")
    def tables(self, report):
        """The three tables in the official layout, as the public will see them."""
        if report.pk is None:
            return "—"
        values = {key: format_value(v) for key, v in report.values().items()}
        grids = "".join(
            render_to_string("report/grid.html", {"grid": layout(table, fill=lambda spec: values[spec.key])})
            for table in report.format.tables
        )
        # The admin's form rows hide what overflows them: the wide tables scroll in a box of their own.
        return mark_safe(f'<div class="admin-report-tables" tabindex="0">{grids}</div>')  # noqa: S308 — escaped by the templates

    @admin.display(description="勾稽关系检查")
    def findings(self, report):
        if report.pk is None:
            return "—"
        findings = check_report(report)
        if not findings:
            return "全部通过"
        return format_html_join(
            "", "<p>[{}] {}：{}</p>", ((severity_label(f), rule_name(f.rule), f.message) for f in findings)
        )


def severity_label(finding):
    """As the workspace names it: what is not filled in yet is not an error."""
    if finding.incomplete:
        return "未填写"
    return "错误" if finding.blocking else "警告"


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "published_at", "published_by", "render_state", "pdf_sha256"]
    list_filter = ["render_state"]
    readonly_fields = [
        *["report", "number", "published_at", "published_by", "correction_note"],
        *["render_state", "render_error", "rendered_at", "pdf_sha256", "pdf_size", "docx_sha256", "docx_size"],
    ]
    exclude = ["content", "content_json", "body", "body_sha256", "pdf", "docx", "render_started_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminders sent from the supervising office's overview: a record, never edited."""

    list_display = ["organization", "year", "sent_at", "sent_by", "recipients"]
    list_filter = ["year"]
    search_fields = ["organization__name", "recipients"]
    list_select_related = ["organization", "sent_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EarlierReportFile)
class EarlierReportFileAdmin(admin.ModelAdmin):
    """The kept files of reports before the national format: uploaded and deleted on the workspace's 补录往年报告
    page (which also removes the file from storage and refreshes the public pages), only listed here."""

    list_display = ["organization", "year", "name", "size", "published_on", "uploaded_by", "uploaded_at"]
    list_filter = ["year"]
    search_fields = ["organization__name", "name", "sha256"]
    list_select_related = ["organization", "uploaded_by"]
    # The read-only page still builds its form: a URL field without a scheme is read as https (Django 6's).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
