"""The Django admin, in Chinese: organizations, accounts with their roles, reports.

Report content is edited in the workspace (where every save is checked and recorded); here the tables
are shown read-only, with the consistency findings, so the admin cannot bypass the history.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html_join

from . import actions
from .checks import check_report
from .models import AnnualReport, Cell, Membership, Organization, PublishedVersion, ReportEvent

User = get_user_model()


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


admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [MembershipInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CellInline(ReadOnlyInline):
    model = Cell
    fields = ["table", "row", "column", "label", "value", "not_applicable"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report")

    @admin.display(description="单元格")
    def label(self, cell):
        spec = cell.report.format.cell(cell.key)
        return spec.label if spec else ""


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "message"]
    readonly_fields = fields


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["organization", "year", "edition", "status", "version", "updated_at"]
    list_filter = ["status", "year", "edition"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["edition", "status", "version", "revision", "findings", "created_at", "updated_at"]
    fields = [
        "organization",
        "year",
        "edition",
        "status",
        "version",
        "revision",
        "findings",
        "preface",
        "overview_summary",
        "overview_proactive",
        "overview_on_request",
        "overview_management",
        "overview_platform",
        "overview_oversight",
        "problems",
        "other_matters",
        "return_reason",
        "correction_note",
        "created_at",
        "updated_at",
    ]
    inlines = [CellInline, ReportEventInline]

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

    @admin.display(description="勾稽关系检查")
    def findings(self, report):
        if report.pk is None:
            return "—"
        findings = check_report(report)
        if not findings:
            return "全部通过"
        return format_html_join(
            "", "<p>[{}] {}：{}</p>", (("错误" if f.blocking else "警告", f.rule, f.message) for f in findings)
        )


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "published_at", "published_by", "pdf_sha256"]
    readonly_fields = ["report", "number", "published_at", "published_by", "pdf_sha256", "correction_note"]
    exclude = ["content", "html", "pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
