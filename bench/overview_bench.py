"""The supervising office's overview page and its XLSX workbook for a subtree of 3,000 agencies.

The agencies and their published reports are generated as in ``oversight_bench.py`` (one report published
through ``publish_report``, its figures copied with varied numbers). Then, as the root's reviewer through
Django's test client (server time: the whole request in process, no network):
- the overview page ``/workspace/oversight/<year>/`` — the first view (which checks every report and stores
  its counts) and the median of 5 views after it (the query bound is a test, tests/oversight/test_overview.py);
- the indicators page;
- the workbook (``workbook.build_workbook``): median of 5 wall times, and its peak memory — Python
  allocations (tracemalloc, one run) and the process's resident set before and after.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/disclosure_overview_bench \\
      .venv/bin/python bench/overview_bench.py [N]
"""

import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oversight_bench  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from oversight_bench import YEAR, build, median_ms  # noqa: E402


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_get(client, url):
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - start) * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    config = setup_databases(verbosity=0, interactive=False)
    try:
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from disclosure import workbook
        from disclosure.models import Membership, Organization
        from disclosure.permissions import OversightScope
        from disclosure.regions import parents_map, subtree_ids

        settings.ALLOWED_HOSTS = ["testserver"]
        root, _ = build(n)
        reviewer = get_user_model().objects.create_user("bench-reviewer", password="x")
        Membership.objects.create(user=reviewer, organization=root, role=Membership.Role.REVIEWER)
        client = Client()
        client.force_login(reviewer)
        size = Organization.objects.count()
        url = f"/workspace/oversight/{YEAR}/"
        first = timed_get(client, url)
        print(f"overview, {size} organizations, first view (checks and stores every count): {first:.0f} ms")
        ms = median_ms(lambda: timed_get(client, url))
        print(f"overview, {size} organizations: {ms:.0f} ms (median of 5), on {connection.vendor}")
        ms = median_ms(lambda: timed_get(client, url + "indicators/"))
        print(f"indicators page: {ms:.0f} ms (median of 5)")

        parents = parents_map()
        scope = OversightScope(frozenset([root.pk]), frozenset(subtree_ids([root.pk], parents)), parents)
        before = rss_mib()
        ms = median_ms(lambda: workbook.build_workbook(scope, YEAR))
        after = rss_mib()
        tracemalloc.start()
        content = workbook.build_workbook(scope, YEAR)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"workbook, {n} agencies: {ms / 1000:.2f} s (median of 5), {len(content) / 1e6:.1f} MB; "
            f"Python allocations peak {peak / 2**20:.0f} MiB (tracemalloc); "
            f"process peak RSS {before:.0f} MiB before, {after:.0f} MiB after"
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    oversight_bench.SUBTREE = 500
    main()
