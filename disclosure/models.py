"""The annual report and the people and organizations around it.

The official format is not spelled out here: tables are stored cell by cell, addressed by the stable codes
of the edition's description (``disclosure.formats``), and the narrative fields are named by the codes of
its text sections. Totals are derived, never stored.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .formats import EDITIONS, NOT_APPLICABLE, CellKey, CellKind, UnknownEdition, edition_for_year
from .formats.values import derive


def _all_cell_specs():
    return [spec for edition in EDITIONS.values() for spec in edition.cell_specs()]


def _section_label(code):
    """A narrative field's verbose name, taken from the format description."""
    edition = next(iter(EDITIONS.values()))
    return next(s.label for s in edition.text_sections() if s.code == code)


# Read from the descriptions so that the database constraints follow the format.
SIGNED_COLUMNS = sorted({spec.key.column for spec in _all_cell_specs() if spec.kind is CellKind.SIGNED})
NOT_APPLICABLE_TABLES = sorted({spec.key.table for spec in _all_cell_specs() if spec.allows_not_applicable})


class Organization(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "人民政府"
        DEPARTMENT = "department", "部门/机构"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    slug = models.SlugField("网址标识", max_length=60, unique=True, help_text="用于网址，只能包含字母、数字和连字符")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name="上级机关", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = verbose_name_plural = "机关"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    def deadline(self, year):
        """第四十九条: departments publish by 1月31日, governments by 3月31日 of the following year."""
        if self.kind == self.Kind.GOVERNMENT:
            return datetime.date(year + 1, 3, 31)
        return datetime.date(year + 1, 1, 31)


class Membership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", "填报人"
        REVIEWER = "reviewer", "审核人"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="机关", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "成员角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


def _edition_matches_year():
    """The database refuses a report whose edition is not the one its year takes."""
    conditions = Q()
    for edition in EDITIONS.values():
        covers = Q(edition=edition.code, year__gte=edition.first_year)
        if edition.last_year is not None:
            covers &= Q(year__lte=edition.last_year)
        conditions |= covers
    return conditions


class ReportQuerySet(models.QuerySet):
    def with_publication(self):
        """Annotate ``ever_published``: whether a version is public, and ``first_published_at``: when the first
        version was (for an imported report, its original's date). Subqueries, not a query per report."""
        versions = PublishedVersion.objects.filter(report=models.OuterRef("pk"))
        first = versions.order_by("number").values("published_at")[:1]
        return self.annotate(ever_published=models.Exists(versions), first_published_at=models.Subquery(first))


class AnnualReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已审核"
        PUBLISHED = "published", "已发布"

    organization = models.ForeignKey(
        Organization, verbose_name="机关", on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    edition = models.CharField("格式版本", max_length=10, choices=[(e.code, e.name) for e in EDITIONS.values()])
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("版本", default=1, help_text="发布后更正时加一：第 N 次发布即第 N 版")
    revision = models.PositiveIntegerField(
        "修改序号", default=0, editable=False, help_text="每次保存加一，用于发现两人同时修改"
    )
    # The supervising office's overview shows every report's counts of errors and warnings; checking thousands of
    # reports on each view is too slow, so the counts are kept here with the state they were found for
    # (``oversight.check_key``), and checked again only when that state has changed.
    findings_key = models.CharField("检查结果对应的内容", max_length=120, blank=True, editable=False)
    blocking_count = models.PositiveIntegerField("错误数", null=True, blank=True, editable=False)
    warning_count = models.PositiveIntegerField("警告数", null=True, blank=True, editable=False)
    # Of blocking_count, the findings of what is not filled in yet (未填写): shown apart from errors.
    incomplete_count = models.PositiveIntegerField("未填写数", null=True, blank=True, editable=False)

    # The narrative: field names are the codes of the edition's text sections.
    preface = models.TextField(_section_label("preface"), blank=True)
    overview_summary = models.TextField(_section_label("overview_summary"), blank=True)
    overview_proactive = models.TextField(_section_label("overview_proactive"), blank=True)
    overview_on_request = models.TextField(_section_label("overview_on_request"), blank=True)
    overview_management = models.TextField(_section_label("overview_management"), blank=True)
    overview_platform = models.TextField(_section_label("overview_platform"), blank=True)
    overview_oversight = models.TextField(_section_label("overview_oversight"), blank=True)
    problems = models.TextField(_section_label("problems"), blank=True)
    other_matters = models.TextField(_section_label("other_matters"), blank=True)

    return_reason = models.TextField("退回原因", blank=True)
    correction_note = models.TextField("更正说明", blank=True)
    carried_in = models.JSONField(
        "从上年带入", default=list, blank=True, help_text="从上年报告带入、尚未被修改的单元格和字段"
    )
    # An imported document's totals that disagreed with its own cells: {"table.row.column": "12"}. They stay
    # findings of the report until the cells they add up are changed (see checks.declared_totals_after_save).
    declared_totals = models.JSONField(
        "导入文件声明的合计",
        default=dict,
        blank=True,
        help_text="导入文件中与各项之和不符的合计数，修改相关单元格后清除",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        ordering = ["-year", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_report_per_organization_year"),
            models.CheckConstraint(condition=_edition_matches_year(), name="edition_matches_year"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.edition and self.year:
            self.edition = edition_for_year(self.year).code
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:report", args=[self.organization.slug, self.year])

    @property
    def shown_status(self):
        """(code, label) of the status as the workspace shows it: a draft sent back is 已退回, a published report
        reopened for a correction 更正中 until it is submitted again — the names of the supervising office's
        overview (``oversight.STATES``), so that one report is called the same everywhere."""
        from .oversight import CORRECTING, RETURNED, STATES

        if self.status == self.Status.DRAFT:
            if self.return_reason:
                return RETURNED, STATES[RETURNED]
            ever_published = getattr(self, "ever_published", None)  # annotated by with_publication()
            if ever_published is None:
                ever_published = self.versions.exists()
            if ever_published:
                return CORRECTING, STATES[CORRECTING]
        return self.status, self.get_status_display()

    def clean(self):
        if self.year is not None:
            try:
                edition_for_year(self.year)
            except UnknownEdition as e:
                raise ValidationError({"year": str(e)}) from None

    @property
    def format(self):
        return EDITIONS[self.edition]

    @property
    def title(self):
        return f"{self.organization.name}{self.year}年度政府信息公开工作年度报告"

    @property
    def deadline(self):
        return self.organization.deadline(self.year)

    def texts(self):
        return {section.code: getattr(self, section.code) for section in self.format.text_sections()}

    def entered_values(self):
        """The typed cells as {CellKey: value}; a cell with no row is blank."""
        return {cell.key: cell.value_or_na for cell in self.cells.all()}

    def values(self):
        """Every cell, totals included."""
        return derive(self.format, self.entered_values())

    def previous(self):
        return AnnualReport.objects.filter(organization_id=self.organization_id, year=self.year - 1).first()


class Cell(models.Model):
    """One entered cell of one of the three tables. No row means the cell is blank."""

    report = models.ForeignKey(AnnualReport, verbose_name="报告", on_delete=models.CASCADE, related_name="cells")
    table = models.CharField("表", max_length=40)
    row = models.CharField("行", max_length=60)
    column = models.CharField("列", max_length=60)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField("不适用（/）", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "表格单元格"
        constraints = [
            models.UniqueConstraint(fields=["report", "table", "row", "column"], name="one_value_per_cell"),
            # Counts and money are never negative; only 2019's 本年增/减 column may be.
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(value__isnull=True) | Q(column__in=SIGNED_COLUMNS),
                name="cell_not_negative",
            ),
            # A cell holds a number or "/", never both and never neither.
            models.CheckConstraint(
                condition=Q(not_applicable=True, value__isnull=True) | Q(not_applicable=False, value__isnull=False),
                name="cell_number_or_not_applicable",
            ),
            # "/" (not applicable) exists in table 二 only.
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(table__in=NOT_APPLICABLE_TABLES),
                name="not_applicable_only_in_table_2",
            ),
        ]

    def __str__(self):
        return str(self.key)

    @property
    def key(self):
        return CellKey(self.table, self.row, self.column)

    @property
    def value_or_na(self):
        return NOT_APPLICABLE if self.not_applicable else self.value


class ReportEvent(models.Model):
    """The history of a report: who did what, when. Written by the actions, never edited."""

    class Action(models.TextChoices):
        CREATE = "create", "创建"
        SAVE = "save", "保存"
        IMPORT = "import", "导入"
        SUBMIT = "submit", "提交审核"
        WITHDRAW = "withdraw", "撤回"
        RETURN = "return", "退回"
        APPROVE = "approve", "审核通过"
        PUBLISH = "publish", "发布"
        REOPEN = "reopen", "更正"
        EXPLAIN = "explain", "说明警告"
        RETRY_RENDER = "retry_render", "重新生成"

    report = models.ForeignKey(AnnualReport, verbose_name="报告", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    message = models.TextField("说明", blank=True)
    changes = models.JSONField("修改内容", default=list, blank=True, help_text="[{field|cell, label, before, after}]")
    # An approval by someone who also wrote or submitted the report (a small office's editor and reviewer):
    # allowed, and shown as 本人审核 wherever the approval is.
    self_review = models.BooleanField("本人审核", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class WarningExplanation(models.Model):
    """A written explanation of a consistency warning, required before submission.

    It covers the finding it was written for: ``fingerprint`` is that finding's (its place, message and so
    its numbers). When the numbers change the explanation no longer counts; it is shown as the previous one,
    to be confirmed or rewritten.
    """

    report = models.ForeignKey(AnnualReport, verbose_name="报告", on_delete=models.CASCADE, related_name="explanations")
    finding_key = models.CharField("警告标识", max_length=200)
    fingerprint = models.CharField("警告内容指纹", max_length=64, blank=True)
    finding_message = models.TextField("说明针对的警告", blank=True)
    text = models.TextField("说明")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "警告说明"
        constraints = [
            models.UniqueConstraint(fields=["report", "finding_key"], name="one_explanation_per_warning"),
        ]

    def __str__(self):
        return self.finding_key

    def covers(self, finding):
        return self.fingerprint == finding.fingerprint


def _output_path(version, filename):
    """Where a rendered file goes in storage. ``filename`` is already the whole deterministic name
    (``publishing.output_name``): the version's id and a hash of the bytes, so a re-render that changes
    nothing writes nothing, and a changed file never overwrites the one a visitor may be downloading."""
    return filename


class PublishedVersion(models.Model):
    """An immutable published version: its content frozen as the JSON document at publication; its outputs
    (page body, PDF, Word file) rendered afterwards by the ``render_version`` task into storage.

    Only a ``ready`` version is public; while a new version is ``rendering`` (or has ``failed``) the public
    keeps seeing the previous ready one.
    """

    class RenderState(models.TextChoices):
        RENDERING = "rendering", "生成中"
        READY = "ready", "已完成"
        FAILED = "failed", "失败"

    report = models.ForeignKey(AnnualReport, verbose_name="报告", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    content = models.JSONField("内容（JSON 文档）")
    # The document exactly as export_report writes it: PostgreSQL's jsonb does not keep the key order.
    content_json = models.TextField("JSON 文档原文", blank=True)
    correction_note = models.TextField("更正说明", blank=True)
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL
    )

    render_state = models.CharField(
        "生成状态", max_length=20, choices=RenderState.choices, default=RenderState.RENDERING, db_index=True
    )
    render_error = models.TextField("生成失败原因", blank=True)
    render_started_at = models.DateTimeField("开始生成时间", null=True, blank=True)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True, help_text="网页和 PDF 最近一次生成的时间")
    body = models.FileField("网页正文", upload_to=_output_path, max_length=255, blank=True)
    body_sha256 = models.CharField("网页正文 SHA-256", max_length=64, blank=True)
    pdf = models.FileField("PDF", upload_to=_output_path, max_length=255, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField("PDF 字节数", null=True, blank=True)
    # Counted when the PDF is made, for the download link ("PDF，452 KB，5 页"); empty for a version rendered
    # before it was counted, until `render_reports` renders it again.
    pdf_pages = models.PositiveIntegerField("PDF 页数", null=True, blank=True)
    docx = models.FileField("Word 文件", upload_to=_output_path, max_length=255, blank=True)
    docx_sha256 = models.CharField("Word 文件 SHA-256", max_length=64, blank=True)
    docx_size = models.PositiveBigIntegerField("Word 文件字节数", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发布版本"
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_published_version_number"),
        ]
        indexes = [models.Index(fields=["report", "render_state", "-number"], name="version_ready_newest")]

    def __str__(self):
        return f"{self.report} 第{self.number}版"

    @property
    def is_ready(self):
        return self.render_state == self.RenderState.READY


class PublishedFigure(models.Model):
    """One figure of a published version (entered or derived), frozen with it: the relational form of the
    version's tables, for sums across reports (e.g. every agency's 收到申请数 of a year, current versions)."""

    version = models.ForeignKey(PublishedVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="figures")
    table = models.CharField("表", max_length=40)
    row = models.CharField("行", max_length=60)
    column = models.CharField("列", max_length=60)
    value = models.DecimalField("数值", max_digits=16, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField("不适用（/）", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "已发布数字"
        constraints = [
            models.UniqueConstraint(fields=["version", "table", "row", "column"], name="one_figure_per_cell"),
        ]
        # Sums across reports select one cell of many versions.
        indexes = [models.Index(fields=["table", "row", "column"], name="figure_by_cell")]

    def __str__(self):
        return f"{self.version} {self.table}.{self.row}.{self.column}"


class PublicationGeneration(models.Model):
    """One row: a counter raised each time a version becomes ready (or is re-rendered). Every cached public
    page is keyed by it, so all processes of all servers drop their pages at once (``public/pagecache.py``).
    Kept in the database, not the cache, so that it is shared whatever cache backend is configured."""

    value = models.PositiveBigIntegerField("代数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "发布代数"

    def __str__(self):
        return str(self.value)


class RegionTotal(models.Model):
    """The sum of one figure of a year's current published versions over an organization's subtree (itself
    included), kept for the supervising office's summed tables: a sum is read from here, not added up from
    every agency's cells (issue 9, "fast sums"). Maintained in the publication's own transaction by
    ``disclosure.regions``; ``manage.py rebuild_region_totals --check`` compares it with the figures."""

    organization = models.ForeignKey(
        Organization, verbose_name="机关", on_delete=models.CASCADE, related_name="region_totals"
    )
    year = models.PositiveSmallIntegerField("年度")
    table = models.CharField("表", max_length=40)
    row = models.CharField("行", max_length=60)
    column = models.CharField("列", max_length=60)
    value = models.DecimalField("合计", max_digits=20, decimal_places=2)
    reports = models.PositiveIntegerField("报告数", help_text="为该单元格填了数字的已发布报告数")

    class Meta:
        verbose_name = verbose_name_plural = "辖区合计"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "table", "row", "column"], name="one_region_total_per_cell"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year} {self.table}.{self.row}.{self.column}"


class Reminder(models.Model):
    """A reminder e-mail a supervising office sent to an agency's editors about its report of a year: who sent
    it, when, to whom. At most one per agency, year and day (``disclosure.reminders``)."""

    organization = models.ForeignKey(
        Organization, verbose_name="机关", on_delete=models.CASCADE, related_name="reminders"
    )
    year = models.PositiveSmallIntegerField("年度")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发送人", null=True, blank=True, on_delete=models.SET_NULL
    )
    sent_at = models.DateTimeField("发送时间")
    sent_on = models.DateField("发送日期", help_text="本地日期：同一机关同一年度每天最多提醒一次")
    recipients = models.TextField("收件人", help_text="以逗号分隔的邮箱地址")

    class Meta:
        verbose_name = verbose_name_plural = "催报提醒"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "sent_on"], name="one_reminder_per_day"),
        ]

    def __str__(self):
        return f"{self.organization} {self.year} {self.sent_at:%Y-%m-%d %H:%M}"


def _original_path(original, filename):
    """originals/<org>/<year>/<sha256>.<ext>: the bytes' hash, never the uploaded name (which is kept in
    ``name`` for the download and may hold anything)."""
    return filename


class OriginalDocument(models.Model):
    """The file a historical report was imported from, kept as it was published elsewhere (issue 10, item 4):
    the report's first version was frozen from what was recognised in it, and the public page offers this
    file for download beside the rendered ones. Its hash makes a second import of the same file a no-op."""

    version = models.OneToOneField(
        PublishedVersion, verbose_name="版本", on_delete=models.PROTECT, related_name="original"
    )
    file = models.FileField("原文件", upload_to=_original_path, max_length=255)
    name = models.CharField("原文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveBigIntegerField("字节数")
    content_type = models.CharField("文件类型", max_length=100)
    source_url = models.URLField("原文网址", max_length=1000, blank=True)
    published_on = models.DateField("原文发布日期")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "导入的原文"

    def __str__(self):
        return self.name


# 政府信息公开条例 took effect on 2008-05-01: the first annual reports are of 2008.
FIRST_REPORT_YEAR = 2008
FIRST_EDITION_YEAR = min(edition.first_year for edition in EDITIONS.values())


class EarlierReportFile(models.Model):
    """An annual report of a year before the national format (2008–2018), kept only as the file the agency
    published: those reports were free-form, so there are no tables to store. One per organization and year;
    uploaded on the 补录往年报告 page (``disclosure.earlier``), downloadable from the organization's public page."""

    organization = models.ForeignKey(
        Organization, verbose_name="机关", on_delete=models.PROTECT, related_name="earlier_reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    file = models.FileField("原文件", upload_to=_original_path, max_length=255)
    name = models.CharField("原文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("字节数")
    published_on = models.DateField("原文发布日期")
    source_url = models.URLField("原文网址", max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "2019年度以前的报告原文"
        ordering = ["organization__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_earlier_report_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_REPORT_YEAR, year__lt=FIRST_EDITION_YEAR), name="earlier_report_year"
            ),
        ]

    def __str__(self):
        return f"{self.organization}{self.year}年度报告原文"

    def clean(self):
        if self.year is not None and not FIRST_REPORT_YEAR <= self.year < FIRST_EDITION_YEAR:
            years = f"{FIRST_REPORT_YEAR}—{FIRST_EDITION_YEAR - 1}"
            raise ValidationError({"year": f"只能保存{years}年度的报告原文；此后的报告按统一格式补录"})
