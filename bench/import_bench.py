"""Importing published reports in bulk: 100 mixed files (HTML, DOCX, PDF) through ``importing.bulk.process``
with ``confirm`` — read, recognised, checked and stored as historical records, each its own organization.

The files are the demo reports (both editions) rendered as the public page body, our Word file and our PDF,
each under another organization's name (so no two files are the same, and every one is imported). The
rendering of the imported versions' own page/PDF/Word is the ``render_version`` task's (timed by
bench/publish_bench.py and bench/pdf_bench.py); here it is left queued, as a db_worker would take it.

    .venv/bin/python bench/import_bench.py [N]

Prints the median time per file by kind, the total, and the peak memory (the process's maximum resident
size; and Python's allocations while one file of each kind is read, by tracemalloc in a separate pass).
"""

import copy
import json
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.OUTPUT.mkdir(parents=True, exist_ok=True)
DB = common.OUTPUT / "import_bench.sqlite3"
DB.unlink(missing_ok=True)
common.setup_django(f"sqlite:///{DB}")

from django.core.management import call_command  # noqa: E402

KINDS = ("html", "docx", "pdf")


def files(n):
    """(kind, InputFile, organization) × n: the demo documents under n organizations' names."""
    from disclosure.documents import loads
    from disclosure.docx import render_docx
    from disclosure.importing.files import InputFile
    from disclosure.models import Organization
    from disclosure.pdf import render_pdf
    from disclosure.rendering import render_body, render_print_html

    demos = [loads(p.read_text()) for p in sorted((common.ROOT / "disclosure" / "demo").glob("*.json"))]
    out = []
    for i in range(n):
        kind = KINDS[i % 3]
        document = copy.deepcopy(demos[i % len(demos)])
        name = f"基准第{i}号机关"
        organization = Organization.objects.create(name=name, slug=f"bench-{i}")
        document["title"] = document["title"].replace(document["organization"]["name"], name)
        document["organization"]["name"] = name
        document["version"] = 1
        published = f"{document['year'] + 1}-01-20T10:00:00+08:00"
        if kind == "html":
            head = f'<html><head><meta name="PubDate" content="{published[:10]}"></head><body>'
            data = (head + render_body(document) + "</body></html>").encode()
        elif kind == "docx":
            data = render_docx(document, _dt(published))
        else:
            data = render_pdf(render_print_html(document, _dt(published)))
        out.append((kind, InputFile(f"{name}.{kind}", data), organization))
    return out


def _dt(text):
    import datetime

    return datetime.datetime.fromisoformat(text)


def _peak(item):
    """The peak of Python allocations while one file is read and recognised (tracemalloc slows the code it
    watches several times over, so it is kept out of the timed pass)."""
    from disclosure.importing import recognise_file

    tracemalloc.start()
    recognise_file(item.name, item.data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(n):
    call_command("migrate", verbosity=0)
    from disclosure import publishing
    from disclosure.importing.bulk import IMPORTED, process

    publishing.schedule_render = lambda version_id: None  # left queued: the worker renders afterwards
    start = time.perf_counter()
    inputs = files(n)
    print(
        f"{n} files made in {time.perf_counter() - start:.1f} s "
        f"({', '.join(f'{k}: {sum(len(f.data) for kk, f, _ in inputs if kk == k) // 1024} KB' for k in KINDS)})"
    )
    times = {k: [] for k in KINDS}
    outcomes = []
    total_start = time.perf_counter()
    for kind, item, organization in inputs:
        t = time.perf_counter()
        result = process(item, organization=organization, confirm=True, published_on=None)
        times[kind].append(time.perf_counter() - t)
        outcomes.append(result.status)
        if result.status != IMPORTED:
            print(f"  {item.name}: {result.line()}")
    total = time.perf_counter() - total_start
    peak = {kind: _peak(next(f for k, f, _ in inputs if k == kind)) for kind in KINDS}
    every = [t for ts in times.values() for t in ts]
    report = {
        "files": n,
        "imported": outcomes.count(IMPORTED),
        "median_ms": round(statistics.median(every) * 1000, 1),
        "median_ms_by_kind": {k: round(statistics.median(ts) * 1000, 1) for k, ts in times.items() if ts},
        "total_s": round(total, 2),
        "peak_python_mb_reading_one_file": {k: round(v / 1024 / 1024, 1) for k, v in peak.items()},
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    (common.OUTPUT / "import_bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
