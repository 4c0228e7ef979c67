"""Publishing N versions through `db_worker` with W workers (default 1,000 and 2), on PostgreSQL.

W `manage.py db_worker` processes are started; then a reviewer publishes N approved reports one after the
other through the workspace (`POST /workspace/<org>/<year>/publish/`, Django's test client: the whole request
with sessions, CSRF and messages, no network) while the workers render. Measured: the reviewer's request time
for one publish (median, 95th percentile, max — it only freezes the version and queues its rendering), and the
wall time from the first publish until every version is ready.

The reports are the 2021 demo report copied (texts and cells) to N agencies. Uses a scratch database
(BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/disclosure_bench_publish, dropped and created) and
bench/output/media-publish/ as local storage.

Usage: python bench/publish_bench.py [N] [W]
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
WORKERS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
DATABASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/disclosure_bench_publish")
MEDIA = common.OUTPUT / "media-publish"


def fresh_database(url):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_reports(count):
    """N approved copies of the 2021 demo report under agencies of one government; a reviewer there."""
    from django.contrib.auth import get_user_model

    from disclosure.documents import import_document, loads
    from disclosure.models import AnnualReport, Cell, Membership, Organization

    gov = Organization.objects.create(slug="bench-gov", name="基准测试区人民政府", kind=Organization.Kind.GOVERNMENT)
    demo = common.ROOT / "disclosure" / "demo" / "xiuzhou-education-2021.json"
    Organization.objects.create(slug="xiuzhou-education", name="嘉兴市秀洲区教育局", parent=gov)
    source = import_document(loads(demo.read_text(encoding="utf-8")))[0]
    orgs = Organization.objects.bulk_create(
        Organization(slug=f"bench-{i:04d}", name=f"基准测试机关{i:04d}", parent=gov) for i in range(count)
    )
    texts = source.texts()
    reports = AnnualReport.objects.bulk_create(
        AnnualReport(organization=org, year=2021, edition=source.edition, status="approved", **texts) for org in orgs
    )
    cells = list(source.cells.all())
    Cell.objects.bulk_create(
        Cell(report=r, table=c.table, row=c.row, column=c.column, value=c.value, not_applicable=c.not_applicable)
        for r in reports
        for c in cells
    )
    reviewer = get_user_model().objects.create_user("bench-reviewer")
    Membership.objects.create(user=reviewer, organization=gov, role=Membership.Role.REVIEWER)
    return reviewer, [org.slug for org in orgs]


def start_workers(env, count):
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5", "--worker-id", f"bench-{i}"],
            cwd=common.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]


def main():
    shutil.rmtree(MEDIA, ignore_errors=True)
    os.environ.update(TASKS_BACKEND="database", MEDIA_ROOT=str(MEDIA), AXES_ENABLED="0")
    fresh_database(DATABASE)
    common.setup_django(DATABASE)
    from django.core.management import call_command
    from django.test import Client

    from disclosure.models import PublishedVersion

    call_command("migrate", verbosity=0)
    reviewer, slugs = make_reports(COUNT)
    client = Client()
    client.force_login(reviewer)

    workers = start_workers({**os.environ, "DATABASE_URL": DATABASE}, WORKERS)
    try:
        times, cpu = [], []
        started = time.perf_counter()
        for slug in slugs:
            t, c = time.perf_counter(), time.process_time()
            response = client.post(f"/workspace/{slug}/2021/publish/", {"confirm": "publish", "version": "1"})
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert response.status_code == 302, response.status_code
        published = time.perf_counter() - started
        print(
            f"published {COUNT} in {published:.1f} s; request median {1000 * statistics.median(times):.0f} ms, "
            f"CPU of this process median {1000 * statistics.median(cpu):.0f} ms",
            flush=True,
        )
        ready = PublishedVersion.objects.filter(render_state="ready")
        while ready.count() < COUNT:
            failed = PublishedVersion.objects.filter(render_state="failed").first()
            if failed:
                raise SystemExit(f"a render failed: {failed.render_error}")
            time.sleep(1)
        wall = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
    ms = sorted(1000 * t for t in times)
    result = {
        "versions": COUNT,
        "workers": WORKERS,
        "wall_s": round(wall, 1),
        "per_version_s": round(wall / COUNT, 3),
        "publishing_phase_s": round(published, 1),
        "publish_request_cpu_ms_median": round(1000 * statistics.median(cpu), 1),
        "publish_request_ms": {
            "median": round(statistics.median(ms), 1),
            "p95": round(ms[int(0.95 * (len(ms) - 1))], 1),
            "max": round(ms[-1], 1),
        },
    }
    print(json.dumps(result))
    (common.OUTPUT / "publish.json").write_text(json.dumps(result))


if __name__ == "__main__":
    main()
