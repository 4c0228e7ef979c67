"""The workspace's table 三 page: server time of GET (render the grid) and of a valid POST (save), median of N.

Runs Django's test client in-process on a scratch SQLite database (bench/output/grid_bench.sqlite3), so the
figures are the server's own time without a network or a browser. Targets (issue 11): page ≤ 100 ms,
save ≤ 150 ms. Usage: python bench/grid_bench.py [N]"""

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
DB = common.OUTPUT / "grid_bench.sqlite3"


def setup():
    common.OUTPUT.mkdir(parents=True, exist_ok=True)
    DB.unlink(missing_ok=True)
    common.setup_django(f"sqlite:///{DB}")
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.AXES_ENABLED = False


def editor_and_report():
    from django.contrib.auth import get_user_model

    from disclosure import workflow
    from disclosure.models import Membership, Organization

    org = Organization.objects.create(slug="bench-grid", name="基准测试局")
    user = get_user_model().objects.create_user("bench_editor", password="x-bench-password-1")
    Membership.objects.create(user=user, organization=org, role=Membership.Role.EDITOR)
    report = workflow.start_report(org, 2021, user)
    return user, report


def table_part(report):
    return next(p for p in report.format.parts if p.is_table and p.table.kind == "applications")


def timed(call):
    started = time.perf_counter()
    response = call()
    return (time.perf_counter() - started) * 1000, response


def main():
    setup()
    from django.test import Client

    from disclosure.workspace.forms import TableForm

    user, report = editor_and_report()
    part = table_part(report)
    client = Client()
    client.force_login(user)
    url = f"/workspace/{report.organization.slug}/{report.year}/part/{part.code}/"
    pages, saves = [], []
    for i in range(RUNS):
        ms, response = timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        pages.append(ms)
        report.refresh_from_db()
        data = {name: str(i % 3) for name in TableForm(part.table).fields if name not in ("revision", "snapshot")}
        data["revision"] = report.revision
        ms, response = timed(lambda data=data: client.post(url, data))
        assert response.status_code == 302, response.content.decode()[:2000]
        saves.append(ms)
    figures = {
        "runs": RUNS,
        "page_ms_median": round(statistics.median(pages), 1),
        "save_ms_median": round(statistics.median(saves), 1),
        "inputs": len(data) - 1,
    }
    print(json.dumps(figures))
    (common.OUTPUT / "grid_bench.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
