"""`manage.py render_reports --jobs 2` over N published versions (default 200): wall time.

The versions are the two demo reports and copies of the published 2021 one under scratch organizations,
so each one takes a full rendering. Usage: python bench/render_reports_bench.py [N] [jobs]"""

import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 200
JOBS = int(sys.argv[2]) if len(sys.argv) > 2 else 2


def make_versions(count):
    from disclosure.models import AnnualReport, Organization, PublishedVersion

    source = common.demo_version()
    existing = Organization.objects.filter(slug__startswith="bench-").count()
    orgs = Organization.objects.bulk_create(
        Organization(slug=f"bench-{i:03d}", name=f"基准测试机关{i:03d}") for i in range(existing, count)
    )
    reports = AnnualReport.objects.bulk_create(
        AnnualReport(organization=org, year=2021, edition="2021", status="published") for org in orgs
    )
    fields = ["content", "content_json", "html", "pdf", "pdf_sha256", "published_at", "rendered_at"]
    PublishedVersion.objects.bulk_create(
        PublishedVersion(report=report, number=1, **{f: getattr(source, f) for f in fields}) for report in reports
    )


def main():
    common.setup_django()
    common.ensure_demo()
    make_versions(COUNT - 2)  # with the two demo reports: COUNT versions in all
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "render_reports", "--jobs", str(JOBS)],
        cwd=common.ROOT,
        check=True,
    )
    wall = time.perf_counter() - started
    result = {"versions": COUNT, "jobs": JOBS, "wall_s": round(wall, 1), "per_version_s": round(wall / COUNT, 3)}
    print(json.dumps(result))
    (common.OUTPUT / "render_reports.json").write_text(json.dumps(result))


if __name__ == "__main__":
    main()
