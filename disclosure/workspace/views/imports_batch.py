"""One result row per file of a zip (or of several files) uploaded by a supervising office (issue 10, item 6).

A file recognised completely — organization (one below the office), year (a past one), every cell found and
placed by its labels, the original publication date — is imported at once as its year's historical record.
Any other is kept for review (``importing.uploads``) and its row links to the single-file review. A file that
cannot be read is a failure with the reason; nothing of it is shown as data.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode

from ...importing import ImportRefused, read_file, uploads
from ...importing.historical import already_imported, import_historical, parse_date
from ...importing.recognition import DOUBTFUL, MATCHED, NOT_FOUND, recognise
from ...importing.review import findings_of, last_year, match_organization
from ...workflow import FIRST_YEAR

IMPORTED, NEEDS_REVIEW, FAILED, SKIPPED = "imported", "needs_review", "failed", "skipped"
OUTCOME_LABELS = {IMPORTED: "已导入", NEEDS_REVIEW: "需要核对", FAILED: "失败", SKIPPED: "已导入过，跳过"}


@dataclass
class BatchRow:
    name: str
    outcome: str
    reasons: list = field(default_factory=list)
    organization: object = None
    organization_name: str = ""
    year: int | None = None
    matched: int = 0
    total: int = 0
    findings: list = field(default_factory=list)
    link: str = ""

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome]

    @property
    def errors(self):
        return sum(1 for f in self.findings if f.blocking)

    @property
    def warnings(self):
        return sum(1 for f in self.findings if not f.blocking)


def batch_rows(request, items, organizations):
    return [batch_row(request, item, organizations) for item in items]


def batch_row(request, item, organizations):
    version = already_imported(item.sha256)
    if version is not None:
        report = version.report
        link = reverse("workspace:report", args=[report.organization.slug, report.year])
        reasons = [f"与{report.title}的原文相同"]
        return BatchRow(item.name, SKIPPED, reasons, report.organization, year=report.year, link=link)
    try:
        recognition = recognise(read_file(item.name, item.data))
    except ImportRefused as error:
        return BatchRow(item.name, FAILED, [str(error)])
    organization = match_organization(recognition.organization_name, organizations)
    row = BatchRow(
        item.name,
        NEEDS_REVIEW,
        organization=organization,
        organization_name=recognition.organization_name,
        year=recognition.year,
        matched=recognition.count(MATCHED),
        total=recognition.total,
        findings=findings_of(recognition, organization),
    )
    published_on = parse_date(recognition.published)
    row.reasons = _review_reasons(recognition, organization, published_on)
    if not row.reasons:
        try:
            version = import_historical(
                recognition,
                organization=organization,
                published_on=published_on,
                original_name=item.name.rsplit(" › ", 1)[-1],
                original_bytes=item.data,
                user=request.user,
            )
        except ImportRefused as error:
            row.reasons = [str(error)]
        else:
            row.outcome = IMPORTED
            row.link = reverse("workspace:report", args=[organization.slug, version.report.year])
            return row
    try:
        token = uploads.keep(request, item.name.rsplit(" › ", 1)[-1], item.data)
    except ImportRefused as error:
        return BatchRow(item.name, FAILED, [str(error)])
    hints = {"org": organization.slug} if organization else {}
    url = reverse("workspace:import_review", args=[token])
    row.link = f"{url}?{urlencode(hints)}" if hints else url
    return row


def _review_reasons(recognition, organization, published_on):
    """Why a file can't be imported without a look: what was not recognised, or is doubtful."""
    reasons = []
    if organization is None:
        name = recognition.organization_name or "（标题中没有）"
        reasons.append(f"机关“{name}”不在您管辖的机关中，或名称不一致")
    if recognition.year is None:
        reasons.append("没有识别出年度")
    elif not FIRST_YEAR <= recognition.year <= last_year():
        reasons.append(f"{recognition.year}年度不能作为往年报告导入")
    if recognition.count(DOUBTFUL):
        reasons.append(f"{recognition.count(DOUBTFUL)} 个单元格存疑")
    if recognition.count(NOT_FOUND):
        reasons.append(f"{recognition.count(NOT_FOUND)} 个单元格未找到")
    if published_on is None:
        reasons.append("文件中没有原发布日期")
    return reasons
