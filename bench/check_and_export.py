"""Median time of the consistency check, the JSON export and the import of the 2021 demo report.

Run: .venv/bin/python bench/check_and_export.py   (uses a throwaway SQLite database; no setup needed)
"""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from disclosure.checks import check_report  # noqa: E402
from disclosure.documents import dumps, export_document, import_document, loads  # noqa: E402
from disclosure.models import AnnualReport  # noqa: E402


def median_ms(func, runs=30):
    return common.median_ms(func, runs)


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    report = AnnualReport.objects.get(organization__slug="xiuzhou-education", year=2021)
    text = dumps(export_document(report))
    print(f"check_report       {median_ms(lambda: check_report(report)):7.2f} ms (median of 30)")
    print(f"export_document    {median_ms(lambda: export_document(report)):7.2f} ms")
    print(f"import (no change) {median_ms(lambda: import_document(loads(text))):7.2f} ms")
    print(f"document size      {len(text.encode()) / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
