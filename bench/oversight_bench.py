"""Summed tables of a region: median time over many published reports, and the region totals' rebuild.

One report is published through ``publishing.publish_report``; its version and figures are then copied, with
varied numbers, to N agencies (bulk inserts through the models: publishing each would take an hour), under
governments of 500 agencies each. The region totals are rebuilt (what the migration's backfill does), then
``sums.region_sums`` is timed for everything (a superuser) and for one 500-agency subtree.

Run on PostgreSQL (a throwaway database is created and dropped):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/disclosure_oversight_bench \
      .venv/bin/python bench/oversight_bench.py [N]
"""

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

SUBTREE = 500
YEAR = 2021


def median_ms(func, runs=5):
    return common.median_ms(func, runs)


def build(n):
    from disclosure import publishing, regions
    from disclosure.models import AnnualReport, Organization, PublishedFigure, PublishedVersion
    from tests import factories

    publishing.schedule_render = lambda version_id: None  # the files are not what is measured
    root = Organization.objects.create(name="基准省人民政府", slug="bench-root", kind=Organization.Kind.GOVERNMENT)
    governments = Organization.objects.bulk_create(
        Organization(name=f"基准市{g}", slug=f"bench-gov-{g}", kind=Organization.Kind.GOVERNMENT, parent=root)
        for g in range((n + SUBTREE - 1) // SUBTREE)
    )
    agencies = Organization.objects.bulk_create(
        Organization(name=f"基准机关{i}", slug=f"bench-{i}", parent=governments[i // SUBTREE]) for i in range(n)
    )
    template = publishing.publish_report(factories.complete_report(agencies[0], YEAR), None, require_approved=False)
    figures = list(template.figures.values_list("table", "row", "column", "value", "not_applicable"))
    reports = AnnualReport.objects.bulk_create(
        AnnualReport(organization=a, year=YEAR, edition=template.report.edition, status="published")
        for a in agencies[1:]
    )
    versions = PublishedVersion.objects.bulk_create(
        PublishedVersion(report=r, number=1, content={}, published_at=template.published_at, render_state="ready")
        for r in reports
    )
    batch = []
    for i, version in enumerate(versions):
        for table, row, column, value, na in figures:
            varied = None if value is None else value + Decimal(i % 7)
            batch.append(
                PublishedFigure(version=version, table=table, row=row, column=column, value=varied, not_applicable=na)
            )
        if len(batch) > 20000:
            PublishedFigure.objects.bulk_create(batch)
            batch = []
    PublishedFigure.objects.bulk_create(batch)
    start = time.perf_counter()
    rows = regions.rebuild()
    print(
        f"rebuild of the region totals ({n} reports, {len(figures)} figures each): "
        f"{time.perf_counter() - start:.1f} s, {rows} rows"
    )
    return root, governments[0]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    config = setup_databases(verbosity=0, interactive=False)
    try:
        from disclosure import regions, sums
        from disclosure.permissions import OversightScope

        root, city = build(n)
        parents = regions.parents_map()
        for label, top in (("all (a superuser)", root), (f"a subtree of {SUBTREE}", city)):
            ids = frozenset(regions.subtree_ids([top.pk], parents))
            scope = OversightScope(frozenset([top.pk]), ids, parents, everything=top is root)
            ms = median_ms(lambda s=scope: sums.region_sums(s, YEAR))
            print(f"summed tables, {label}: {ms:.1f} ms (median of 5), on {connection.vendor}")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
