"""Rendering a published version: the ``render_version`` task (Django's tasks API, django-tasks backport).

A published version is frozen by ``publishing.publish_report`` in one short transaction; this task makes its
outputs afterwards — the page body (HTML), the PDF and, when ``disclosure.docx`` is present, the Word file —
from the frozen JSON document alone, and writes them to the default storage (the local MEDIA_ROOT or S3).

It is idempotent: the file names are deterministic (version id and a hash of the bytes), a file already in
storage under its name is not written again, and the version's row is switched to ``ready`` in one UPDATE
after every file is written. So a version is never half-public, a retry (or a second worker running the same
task) is harmless, and a worker killed in the middle leaves the version ``rendering`` until a retry.

With ``TASKS_BACKEND=immediate`` the task runs in the publishing process; with ``database`` it is run by
``manage.py db_worker`` (see README, Deployment).
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from weasyprint.urls import FatalURLFetchingError

from .actions import ActionError
from .models import PublishedVersion
from .pdf import page_count, render_pdf
from .public import pagecache
from .rendering import render_body, render_print_html

try:  # the Word file is a third output once disclosure/docx.py exists (issue 8, item 6)
    from .docx import render_docx
except ImportError:  # pragma: no cover - until that module is merged
    render_docx = None

logger = logging.getLogger(__name__)

State = PublishedVersion.RenderState


@dataclass(frozen=True)
class Output:
    """One rendered file: its extension, its bytes, the version field it is stored in."""

    field: str
    ext: str
    data: bytes

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def render_outputs(document, published_at):
    """The outputs of a frozen document; ActionError (in Chinese, with the cause) when rendering fails.

    WeasyPrint's ``FatalURLFetchingError`` is a BaseException: it is caught by name, so that it too becomes
    the reason shown to the reviewer instead of a crashed worker.
    """
    try:
        outputs = [
            Output("body", "html", render_body(document).encode("utf-8")),
            Output("pdf", "pdf", render_pdf(render_print_html(document, published_at))),
        ]
        if render_docx is not None:
            outputs.append(Output("docx", "docx", render_docx(document, published_at)))
    except (Exception, FatalURLFetchingError) as e:
        logger.exception("Rendering %s v%s failed", document.get("title"), document.get("version"))
        raise ActionError(f"生成网页、PDF 或 Word 文件失败：{type(e).__name__}: {e}") from e
    return outputs


def output_name(version, output):
    """reports/<org>/<year>/v<N>-<version id>-<sha256[:16]>.<ext> (the same scheme as migration 0006)."""
    report = version.report
    folder = f"reports/{report.organization.slug}/{report.year}"
    return f"{folder}/v{version.number}-{version.pk}-{output.sha256[:16]}.{output.ext}"


def _store(name, data):
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another writer won a race on a local disk: the same bytes under another name
            default_storage.delete(saved)
    return name


@task()
def render_version(version_id):
    """Render one published version into storage and make it ready. Returns "ready" or "unchanged".

    A failure marks a version that is not public yet ``failed`` with the reason (and re-raises, so the
    task's own result says failed too); a version already ready stays ready with its previous files.
    """
    version = PublishedVersion.objects.select_related("report__organization").get(pk=version_id)
    was_ready = version.is_ready
    if not was_ready:
        PublishedVersion.objects.filter(pk=version_id).exclude(render_state=State.READY).update(
            render_state=State.RENDERING, render_started_at=timezone.now(), render_error=""
        )
    if settings.RENDER_DELAY_SECONDS:
        time.sleep(settings.RENDER_DELAY_SECONDS)
    try:
        outputs = render_outputs(version.content, version.published_at)
    except ActionError as e:
        if not was_ready:
            PublishedVersion.objects.filter(pk=version_id).exclude(render_state=State.READY).update(
                render_state=State.FAILED, render_error=str(e)
            )
        raise
    fields = {}
    for output in outputs:
        fields[output.field] = _store(output_name(version, output), output.data)
        fields[f"{output.field}_sha256"] = output.sha256
        if output.field != "body":
            fields[f"{output.field}_size"] = len(output.data)
        if output.field == "pdf":
            fields["pdf_pages"] = page_count(output.data)
    unchanged = was_ready and all(getattr(version, k) == v for k, v in fields.items())
    if unchanged:
        return "unchanged"
    replaced = _replaced_files(version, outputs, fields)
    with transaction.atomic():
        PublishedVersion.objects.filter(pk=version_id).update(
            **fields, render_state=State.READY, render_error="", rendered_at=timezone.now()
        )
        pagecache.invalidate()
        transaction.on_commit(lambda: _delete_files(replaced))
    return "ready"


def _replaced_files(version, outputs, fields):
    """The names of a re-rendered version's earlier files that the new ones replace (each file name holds
    the version's id, so no other version shares them)."""
    earlier = (getattr(version, output.field).name for output in outputs)
    return [name for name in earlier if name and name not in fields.values()]


def _delete_files(names):
    """Delete replaced files once the version points at the new ones. A download that already holds one
    open finishes (local disk), and the page cache stopped naming them when the generation rose."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # gone already, or the store is briefly unreachable: an orphan, not an error
            logger.warning("Could not delete the replaced file %s", name, exc_info=True)


def renders_in_process():
    """Whether the task backend runs tasks in the calling process (immediate) instead of a worker."""
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(render_version.get_backend(), ImmediateBackend)


def schedule_render(version_id):
    """Queue the rendering of a version. Call it inside the transaction that froze (or reset) the version
    when a worker renders (the task's row then commits with the version: no version is ever left without its
    task), and after that transaction when the backend renders in process (no rendering under the lock)."""
    return render_version.enqueue(version_id)
