"""Publishing: freeze an immutable version and make it the current public one; reopen it for a correction.

``publish_report`` is what the reviewer's action, the admin, ``manage.py publish_report`` and ``load_demo``
call. The version's content is the JSON document (``documents.export_document``) as of publication; its
HTML body and PDF are rendered once from that frozen document, before anything is written, so a rendering
failure leaves no trace but the error. Downloads never re-render; ``rerender_version`` (``render_reports``)
rebuilds the outputs from the frozen content after a template change, without touching the content.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from weasyprint.urls import FatalURLFetchingError

from .actions import ActionError, record, required_text
from .checks import BLOCKING
from .documents import dumps, export_document
from .models import AnnualReport, PublishedVersion, ReportEvent
from .pdf import render_pdf
from .public import pagecache
from .rendering import render_body, render_print_html

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outputs:
    html: str
    pdf: bytes

    @property
    def pdf_sha256(self):
        return hashlib.sha256(self.pdf).hexdigest()


def render_outputs(document, published_at, *, consequence="报告未发布"):
    """The HTML body and the PDF of a frozen document; ActionError (in Chinese) when rendering fails.

    WeasyPrint's ``FatalURLFetchingError`` is a BaseException: it is caught by name, so that it too
    reaches the reviewer as a message instead of a bare 500.
    """
    try:
        html = render_body(document)
        pdf = render_pdf(render_print_html(document, published_at))
    except (Exception, FatalURLFetchingError) as e:
        logger.exception("Rendering %s v%s failed", document.get("title"), document.get("version"))
        raise ActionError(f"生成网页或 PDF 失败，{consequence}：{type(e).__name__}: {e}") from e
    return Outputs(html, pdf)


def publish_report(report, actor, *, require_approved=True):
    """Publish the report as version N+1. Returns the PublishedVersion.

    ``require_approved=False`` is for the demo data and the admin, which publish a report that has not
    gone through the review in the workspace; a report with blocking findings is never published. This is
    the one place where the report row is locked and its state checked for a publication (the workspace's
    ``workflow.publish`` checks the reviewer's role, then calls this).
    """
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
        _check_publishable(report, require_approved)
        last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
        from_status, number = report.status, last + 1
        report.status, report.version = AnnualReport.Status.PUBLISHED, number
        if number == 1:
            report.correction_note = ""
        document = export_document(report)
        blocking = [f["message"] for f in document["findings"] if f["severity"] == BLOCKING]
        if blocking:
            raise ActionError("报告未通过勾稽关系检查，不能发布：" + "；".join(blocking))
        published_at = timezone.now()
        outputs = render_outputs(document, published_at)  # before any write: a failure leaves nothing

        report.save(update_fields=["status", "version", "correction_note", "updated_at"])
        version = PublishedVersion.objects.create(
            report=report,
            number=number,
            content=document,
            content_json=dumps(document),
            html=outputs.html,
            pdf=outputs.pdf,
            pdf_sha256=outputs.pdf_sha256,
            correction_note=report.correction_note,
            published_at=published_at,
            rendered_at=published_at,
            published_by=actor,
        )
        message = f"第{number}版" + (f"；更正说明：{report.correction_note}" if number > 1 else "")
        pagecache.invalidate()
        record(
            report, actor, ReportEvent.Action.PUBLISH, from_status=from_status, to_status=report.status, message=message
        )
    return version


def _check_publishable(report, require_approved):
    Status = AnnualReport.Status
    if require_approved and report.status != Status.APPROVED:
        raise ActionError(f"报告当前状态为“{report.get_status_display()}”，不能发布：只有已审核的报告可以发布")
    if report.status == Status.PUBLISHED:
        raise ActionError("报告已经发布；如需更正，请先“更正”重新打开报告")


@transaction.atomic
def reopen_for_correction(report, actor, note):
    """Reopen a published report as a draft for a correction; the public keeps seeing the current version
    until the correction is published as the next version, with ``note`` as its 更正说明."""
    note = required_text(note, "更正说明")
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnnualReport.Status.PUBLISHED:
        raise ActionError(f"报告当前状态为“{report.get_status_display()}”，不能更正：只有已发布的报告可以更正")
    report.status, report.correction_note, report.return_reason = AnnualReport.Status.DRAFT, note, ""
    report.save(update_fields=["status", "correction_note", "return_reason", "updated_at"])
    record(
        report,
        actor,
        ReportEvent.Action.REOPEN,
        from_status=AnnualReport.Status.PUBLISHED,
        to_status=report.status,
        message=note,
    )
    return report


def rerender_version(version_id):
    """Render a published version's HTML and PDF again from its frozen content. Returns True if they changed.

    The content, the JSON text, the number and the publication date stay as they are.
    """
    version = PublishedVersion.objects.only("id", "content", "published_at", "pdf_sha256", "html").get(pk=version_id)
    outputs = render_outputs(version.content, version.published_at, consequence="该版本保持原样")
    if outputs.pdf_sha256 == version.pdf_sha256 and outputs.html == version.html:
        return False
    PublishedVersion.objects.filter(pk=version.pk).update(
        html=outputs.html, pdf=outputs.pdf, pdf_sha256=outputs.pdf_sha256, rendered_at=timezone.now()
    )
    pagecache.invalidate()
    return True
