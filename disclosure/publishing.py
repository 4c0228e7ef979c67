"""Publishing: freeze an immutable version and make it the current public one.

Placeholder until the publication work lands: it freezes the JSON content and changes the state, but
renders no HTML or PDF yet.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from .actions import ActionError, record
from .documents import export_document
from .models import AnnualReport, PublishedVersion, ReportEvent


@transaction.atomic
def publish_report(report, actor):
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnnualReport.Status.APPROVED:
        raise ActionError("只有已审核的报告可以发布")
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    report.status, report.version = AnnualReport.Status.PUBLISHED, number
    report.save(update_fields=["status", "version", "updated_at"])
    content = export_document(report)
    PublishedVersion.objects.create(
        report=report,
        number=number,
        content=content,
        html="",
        pdf=b"",
        pdf_sha256=hashlib.sha256(b"").hexdigest(),
        correction_note=report.correction_note,
        published_at=timezone.now(),
        published_by=actor,
    )
    record(report, actor, ReportEvent.Action.PUBLISH, from_status=AnnualReport.Status.APPROVED, to_status=report.status)
    return report
