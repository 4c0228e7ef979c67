"""Render the stored page bodies and PDFs of published versions again, e.g. after a template change.

The content of every version (its JSON document, number and publication date) stays as it is; only the
HTML and the PDF (and so the PDF's hash) may change. ``--jobs N`` renders in N processes.
"""

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from disclosure.actions import ActionError
from disclosure.models import PublishedVersion
from disclosure.publishing import rerender_version


def _rerender(version_id):
    try:
        return version_id, rerender_version(version_id), ""
    except ActionError as e:
        return version_id, False, str(e)


def _child_init():
    # A forked process must not share its parent's database connections.
    for conn in connections.all(initialized_only=True):
        conn.inc_thread_sharing()
        conn.close()
        conn.dec_thread_sharing()


class Command(BaseCommand):
    help = "Re-render the stored HTML and PDF of published versions (content unchanged), in parallel processes."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="only this organization (slug)")
        parser.add_argument("--year", type=int, help="only this year")
        parser.add_argument("--jobs", type=int, default=1, help="processes to render in (default 1)")

    def handle(self, org=None, year=None, jobs=1, **options):
        if jobs < 1:
            raise CommandError("--jobs 至少为 1")
        versions = PublishedVersion.objects.order_by("id")
        if org:
            versions = versions.filter(report__organization__slug=org)
        if year:
            versions = versions.filter(report__year=year)
        ids = list(versions.values_list("id", flat=True))
        started = time.monotonic()
        results = self.render(ids, jobs)
        changed = sum(1 for _, did_change, _ in results if did_change)
        failed = [(pk, error) for pk, _, error in results if error]
        for pk, error in failed:
            self.stderr.write(f"版本 {pk}：{error}")
        elapsed = time.monotonic() - started
        summary = f"已重新生成 {len(ids)} 个版本（{changed} 个有变化，{len(failed)} 个失败）"
        self.stdout.write(f"{summary}，用时 {elapsed:.1f} 秒，{jobs} 个进程")
        if failed:
            raise CommandError(f"{len(failed)} 个版本生成失败")

    def render(self, ids, jobs):
        if jobs == 1 or len(ids) < 2:
            return [_rerender(pk) for pk in ids]
        connections.close_all()
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=_child_init) as pool:
            return list(pool.map(_rerender, ids, chunksize=4))
