"""Publishing: freeze an immutable version; reopen it for a correction; retry a failed rendering.

``publish_report`` is what the reviewer's action, the admin, ``manage.py publish_report`` and ``load_demo``
call. It is one short transaction that renders nothing: lock the report, check it, take the next version
number, freeze the JSON document (``documents.export_document``) and the version's figures in relational
form, record the publication, and queue the ``render_version`` task (``disclosure/tasks.py``), which makes
the page body, the PDF and the Word file afterwards. The version is public once that task has made it
``ready``; until then the public keeps seeing the previous ready version (docs/product.md: permalinks).
"""

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .actions import ActionError, record, required_text
from .checks import BLOCKING
from .documents import dumps, export_document
from .formats import NOT_APPLICABLE
from .models import AnnualReport, PublishedFigure, PublishedVersion, ReportEvent
from .regions import add_version_to_totals
from .tasks import renders_in_process, schedule_render

logger = logging.getLogger(__name__)

State = PublishedVersion.RenderState


def publish_report(report, actor, *, require_approved=True, published_at=None, render=True):
    """Publish the report as version N+1 and queue its rendering. Returns the PublishedVersion.

    ``require_approved=False`` is for the demo data and the admin, which publish a report that has not
    gone through the review in the workspace; a report with blocking findings is never published. This is
    the one place where the report row is locked and its state checked for a publication (the workspace's
    ``workflow.publish`` checks the reviewer's role, then calls this). ``published_at`` defaults to now; an
    importer of historical reports gives the date they were first published. ``render=False`` (the demo's
    generated history) only freezes: the version stays 生成中 until ``render_reports`` or a restarted
    ``db_worker`` (``RENDER_STALE_SECONDS``) renders it.
    """
    return freeze_and_render(
        lambda: freeze(report, actor, require_approved, published_at or timezone.now()), render=render
    )


def freeze_and_render(make_version, render=True):
    """Run ``make_version`` (which freezes a PublishedVersion) in a transaction and queue the version's rendering:
    inside the transaction when a worker renders (its task row commits with the version), after it when the
    backend renders in process (no rendering under the lock). Shared by publications and historical imports."""
    in_process = renders_in_process()
    with transaction.atomic():
        version = make_version()
        if render and not in_process:
            schedule_render(version.pk)  # its row commits with the version
    if render and in_process:
        schedule_render(version.pk)
        version.refresh_from_db()
    return version


def freeze(report, actor, require_approved, published_at, imported=None):
    """Freeze the report as its next version. ``imported`` (the source of a historical report, see
    ``importing.historical``) is kept in the document: its findings are the original's problems, shown
    with it, and never block it."""
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    _check_publishable(report, require_approved)
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    from_status, number = report.status, last + 1
    report.status, report.version = AnnualReport.Status.PUBLISHED, number
    if number == 1:
        report.correction_note = ""
    document = export_document(report)
    if imported is not None:
        document["imported"] = imported
    blocking = [f["message"] for f in document["findings"] if f["severity"] == BLOCKING]
    if blocking and imported is None:
        raise ActionError("报告未通过勾稽关系检查，不能发布：" + "；".join(blocking))
    if isinstance(published_at, datetime.datetime) and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at)
    report.save(update_fields=["status", "version", "correction_note", "updated_at"])
    version = PublishedVersion.objects.create(
        report=report,
        number=number,
        content=document,
        content_json=dumps(document),
        correction_note=report.correction_note,
        published_at=published_at,
        published_by=actor,
        render_state=State.RENDERING,
    )
    PublishedFigure.objects.bulk_create(_figures(version, document))
    add_version_to_totals(version)  # the region's summed figures, in this same transaction
    message = f"第{number}版" + (f"；更正说明：{report.correction_note}" if number > 1 else "")
    if imported is not None:
        message += f"；由已发布的原文导入，原文发布日期 {imported['published_on']}"
    record(report, actor, ReportEvent.Action.PUBLISH, from_status=from_status, to_status=report.status, message=message)
    return version


def figures_of(document):
    """(table, row, column, value) of every figure in a frozen document, totals included; blanks left out.
    The tables are the parts with rows; a part's code is its table's code (disclosure/formats)."""
    for part in document["parts"]:
        for row in part.get("rows") or []:
            for cell in row["cells"]:
                if cell["value"] is not None:
                    yield part["code"], row["code"], cell["column"], cell["value"]


def _figures(version, document):
    for table, row, column, value in figures_of(document):
        not_applicable = value == NOT_APPLICABLE
        yield PublishedFigure(
            version=version,
            table=table,
            row=row,
            column=column,
            value=None if not_applicable else Decimal(str(value)),
            not_applicable=not_applicable,
        )


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


def latest_version(report):
    return report.versions.order_by("-number").first()


def retry_render(report, actor):
    """Render the report's newest version again after it failed (the reviewer's 重试). Recorded."""
    in_process = renders_in_process()
    with transaction.atomic():
        version = report.versions.select_for_update().order_by("-number").first()
        if version is None or version.render_state != State.FAILED:
            raise ActionError("该报告没有生成失败的版本，无需重试")
        PublishedVersion.objects.filter(pk=version.pk).update(
            render_state=State.RENDERING, render_error="", render_started_at=None
        )
        record(report, actor, ReportEvent.Action.RETRY_RENDER, message=f"第{version.number}版：{version.render_error}")
        if not in_process:
            schedule_render(version.pk)
    if in_process:
        schedule_render(version.pk)
    version.refresh_from_db()
    return version


def requeue_interrupted_renders(older_than=None):
    """Queue again every version whose rendering started more than ``older_than`` seconds ago
    (``RENDER_STALE_SECONDS``) and never finished: its worker was killed. Returns their ids.

    Called when a ``db_worker`` starts. Should the first render still be running after all, the two write
    the same files and the same row: rendering is idempotent.
    """
    seconds = settings.RENDER_STALE_SECONDS if older_than is None else older_than
    cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
    with transaction.atomic():
        stale = list(
            PublishedVersion.objects.select_for_update(skip_locked=True)
            .filter(render_state=State.RENDERING, render_started_at__lte=cutoff)
            .values_list("pk", flat=True)
        )
        PublishedVersion.objects.filter(pk__in=stale).update(render_started_at=None)
        for pk in stale:
            logger.warning("Rendering of version %s was interrupted; queued again", pk)
            schedule_render(pk)
    return stale
