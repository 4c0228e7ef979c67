"""Queue the rendering of published versions again, e.g. after a template change, or to retry failures.

Each selected version gets a ``render_version`` task (disclosure/tasks.py): with ``TASKS_BACKEND=database``
the ``db_worker`` processes render them, as many at once as there are workers; with the immediate backend
they are rendered here, one after the other. The content of every version (its JSON document, number and
publication date) stays as it is; only the rendered files (and so their hashes) may change. A ready version
stays public with its previous files until the new ones are written.
"""

from django.core.management.base import BaseCommand, CommandError

from disclosure.models import PublishedVersion
from disclosure.tasks import render_version, renders_in_process


class Command(BaseCommand):
    help = "Queue every (selected) published version for rendering (page, PDF, Word file); content unchanged."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="only this organization (slug)")
        parser.add_argument("--year", type=int, help="only this year")
        parser.add_argument("--failed", action="store_true", help="only versions whose rendering failed")
        parser.add_argument(
            "--unrendered", action="store_true", help="only versions not rendered yet (e.g. the demo district's)"
        )

    def handle(self, org=None, year=None, failed=False, unrendered=False, **options):
        versions = PublishedVersion.objects.order_by("id")
        if org:
            versions = versions.filter(report__organization__slug=org)
        if year:
            versions = versions.filter(report__year=year)
        if failed:
            versions = versions.filter(render_state=PublishedVersion.RenderState.FAILED)
        if unrendered:
            versions = versions.filter(render_state=PublishedVersion.RenderState.RENDERING)
        ids = list(versions.values_list("id", flat=True))
        results = [render_version.enqueue(pk) for pk in ids]
        if not renders_in_process():
            self.stdout.write(f"已将 {len(ids)} 个版本排队重新生成；由 db_worker 进程完成")
            return
        failed_results = [(pk, r) for pk, r in zip(ids, results, strict=True) if r.status == "FAILED"]
        changed = sum(1 for r in results if r.status != "FAILED" and r.return_value == "ready")
        for pk, result in failed_results:
            reason = result.errors[-1].traceback.strip().splitlines()[-1].split(": ", 1)[-1] if result.errors else ""
            self.stderr.write(f"版本 {pk}：{reason}；该版本保持原样（已发布的文件不变，未发布的版本标为生成失败）")
        summary = f"已重新生成 {len(ids)} 个版本（{changed} 个有变化，{len(failed_results)} 个失败）"
        self.stdout.write(summary)
        if failed_results:
            raise CommandError(f"{len(failed_results)} 个版本生成失败")
