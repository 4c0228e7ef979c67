"""Importing published reports in bulk (issue 10, item 6): one result per file, for ``manage.py
import_published`` and the workspace's zip upload.

A file is imported without review only when its recognition is complete: the organization and the year are
known, each of the three tables was found, and no cell is doubtful or missing; a year whose report is
already in the system is never overwritten. Anything else "needs review" (the upload page shows why). A file
already imported (the same SHA-256) is skipped. A file that could not be read "failed": its row says why and
shows nothing of it as data.
"""

from dataclasses import dataclass

from django.db.models import Q

from ..checks import CheckInput, input_for, mismatched_totals, run_checks
from ..formats.values import derive
from ..models import AnnualReport, Organization
from .historical import already_imported, import_historical, original_date
from .readers import ImportRefused, read_file
from .recognition import DOUBTFUL, NOT_FOUND, recognise

IMPORTED, SKIPPED, READY, NEEDS_REVIEW, FAILED = "imported", "skipped", "ready", "needs_review", "failed"
STATUS_LABELS = {
    IMPORTED: "已导入",
    SKIPPED: "已导入，跳过",
    READY: "可导入",
    NEEDS_REVIEW: "需要核对",
    FAILED: "失败",
}
SUCCESS = {IMPORTED, SKIPPED, READY}


@dataclass
class FileResult:
    name: str
    status: str
    reasons: tuple = ()
    organization: str = ""
    year: int | None = None
    matched: int = 0
    doubtful: int = 0
    not_found: int = 0
    total: int = 0
    findings: int = 0
    version: object = None
    recognition: object = None

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def ok(self):
        return self.status in SUCCESS

    def line(self):
        """The result as one line of the command's output."""
        if self.status == FAILED:
            return f"{self.name}：失败：{'；'.join(self.reasons)}"
        who = self.organization or "（未识别机关）"
        year = f"{self.year}年度" if self.year else "（未识别年度）"
        cells = f"单元格 {self.matched}/{self.total} 已识别，{self.doubtful} 存疑，{self.not_found} 未找到"
        outcome = self.label + (f"：{'；'.join(self.reasons)}" if self.reasons else "")
        return f"{self.name}：{who} {year}；{cells}；发现问题 {self.findings} 条；{outcome}"


def match_organization(name):
    """The one organization whose full or short name is ``name``; None when none or several."""
    if not name:
        return None
    found = list(Organization.objects.filter(Q(name=name) | Q(short_name=name))[:2])
    return found[0] if len(found) == 1 else None


def findings_of(recognition, organization=None):
    """The consistency findings of what was recognised, as the report would have them once stored."""
    if recognition.year is None:
        return []
    edition = recognition.edition
    entered = {spec.key: recognition.values.get(spec.key) for spec in edition.entered_cells()}
    values = derive(edition, entered)
    declared_raw = {k: v for k, v in recognition.values.items() if k in edition.derivations() and v not in (None, "/")}
    declared = {k: v for k, v in declared_raw.items() if str(k) in mismatched_totals(edition, values, declared_raw)}
    previous = None
    if organization is not None:
        last = AnnualReport.objects.filter(organization=organization, year=recognition.year - 1).first()
        previous = input_for(last) if last else None
    data = CheckInput(
        edition=edition,
        year=recognition.year,
        values=values,
        texts=dict(recognition.texts),
        is_government=organization is not None and organization.kind == Organization.Kind.GOVERNMENT,
        previous=previous,
        declared=declared,
    )
    return run_checks(data)


def missing_tables(recognition):
    """The labels of the tables of which not one cell was found."""
    found = {key.table for key, cell in recognition.cells.items() if cell.status != NOT_FOUND}
    return [t.label for t in recognition.edition.tables if t.code not in found]


def review_reasons(recognition, organization, published_on=None, confirm=False):
    """Why a recognised file cannot be imported without review; empty when it can."""
    reasons = []
    if organization is None:
        name = recognition.organization_name
        reasons.append(f"系统中没有名为“{name}”的机关（用 --org 指定）" if name else "没有识别出机关（用 --org 指定）")
    if recognition.year is None:
        reasons.append("没有识别出年度（用 --year 指定）")
    missing = missing_tables(recognition)
    if missing:
        reasons.append("没有找到表格：" + "、".join(missing))
    doubtful, not_found = recognition.count(DOUBTFUL), recognition.count(NOT_FOUND)
    if doubtful:
        reasons.append(f"{doubtful} 个单元格存疑")
    if not_found and not missing:
        reasons.append(f"{not_found} 个单元格未找到")
    if organization is not None and recognition.year is not None:
        existing = AnnualReport.objects.filter(organization=organization, year=recognition.year).first()
        if existing is not None and (existing.status != AnnualReport.Status.DRAFT or existing.versions.exists()):
            reasons.append(f"{recognition.year}年度报告已在系统中（{existing.get_status_display()}），不覆盖")
    if confirm and published_on is None and original_date(recognition) is None:
        reasons.append("缺少原文发布日期（原文中没有，用 --published-on 指定）")
    return reasons


def process(item, *, organization=None, year=None, confirm=False, published_on=None, source_url="", user=None):
    """Recognise one InputFile (files.InputFile) and, with ``confirm``, import it when it is complete."""
    done = already_imported(item.sha256)
    if done is not None:
        report = done.report
        return FileResult(item.name, SKIPPED, (report.title,), report.organization.name, report.year)
    try:
        recognition = recognise(read_file(item.name, item.data), year=year)
    except ImportRefused as e:
        return FileResult(item.name, FAILED, (str(e),))
    organization = organization or match_organization(recognition.organization_name)
    result = FileResult(
        item.name,
        READY,
        organization=organization.name if organization else recognition.organization_name,
        year=recognition.year,
        matched=recognition.count("matched"),
        doubtful=recognition.count(DOUBTFUL),
        not_found=recognition.count(NOT_FOUND),
        total=recognition.total,
        findings=len(findings_of(recognition, organization)),
        recognition=recognition,
    )
    result.reasons = tuple(review_reasons(recognition, organization, published_on, confirm))
    if result.reasons:
        result.status = NEEDS_REVIEW
    elif confirm:
        try:
            result.version = import_historical(
                recognition,
                organization=organization,
                year=year,
                published_on=published_on,
                source_url=source_url,
                original_name=item.name.rsplit("›", 1)[-1].strip(),
                original_bytes=item.data,
                user=user,
            )
            result.status = IMPORTED
        except ImportRefused as e:
            result.status, result.reasons = FAILED, (str(e),)
    return result
