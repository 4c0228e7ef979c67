"""Shared by the benchmarks: a scratch database with the demo published, and the HTML to render."""

import copy
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "output"
DB = OUTPUT / "bench.sqlite3"


def median_ms(func, runs):
    """The median wall time of ``runs`` calls of ``func``, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def setup_django(database=None):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
    os.environ["DATABASE_URL"] = database or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DB}"
    import django

    django.setup()


def ensure_demo():
    """Migrate the scratch database and load (and so publish) the demo reports."""
    from django.core.management import call_command

    OUTPUT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))


def demo_version(slug="xiuzhou-education", year=2021):
    from disclosure.models import PublishedVersion

    return PublishedVersion.objects.get(report__organization__slug=slug, report__year=year, number=1)


def long_document(document, repeat):
    """The document with every narrative section written ``repeat`` times over (a long report)."""
    doc = copy.deepcopy(document)
    for part in doc["parts"]:
        for section in part.get("sections", []):
            section["text"] = "\n".join([section["text"]] * repeat)
    return doc
