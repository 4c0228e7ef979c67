"""PDF rendering: WeasyPrint (as publish_report does it) against `libreoffice --headless --convert-to pdf` and
Chromium `--headless --print-to-pdf` of the same HTML, in the same run. Each run is a fresh process, so that
its peak memory (ru_maxrss) is its own; WeasyPrint's time is measured inside the process, for the first
render (cold: fonts loaded), a second one (warm, as in a long-running server process) and a third without
PDF/UA-1 tagging (what tagging costs); "cold_process_s" is the whole process, Python and Django included.
"rerender_2proc" renders in two processes at once (as `render_reports --jobs 2` or two workers do): seconds
per report of the pair. The load average before and after goes into the output: the machine is shared.
Usage: python bench/pdf_bench.py [runs]"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
LONG_REPEAT = 6  # narrative sections written six times over: about ten pages of narrative

CHILD = """
import sys, time, json
sys.path.insert(0, {root!r})
import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
import django; django.setup()
from disclosure.pdf import render_pdf
html = open({html!r}, encoding="utf-8").read()
times = []
for variant in ("pdf/ua-1", "pdf/ua-1", None):
    t = time.perf_counter(); out = render_pdf(html, variant=variant); times.append(time.perf_counter() - t)
    if variant:
        tagged = out
open({pdf!r}, "wb").write(tagged)
print(json.dumps(times))
"""


RATE_CHILD = """
import sys, time, json
sys.path.insert(0, {root!r})
import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
import django; django.setup()
from disclosure.pdf import render_pdf
html = open({html!r}, encoding="utf-8").read()
render_pdf(html)  # warm-up: a worker process renders many
t = time.perf_counter()
for _ in range({n}):
    render_pdf(html)
print(json.dumps([time.perf_counter() - t]))
"""

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]  # fmt: skip


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def run_measured(args):
    """Run a process under GNU time; return (wall seconds, peak RSS in MiB, stdout).

    GNU time, not os.wait4 here: a child's ru_maxrss starts from its parent's, and this parent is large."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *args], capture_output=True)
        wall = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr[-500:]!r}")
        return wall, int(report.read().split()[-1]) / 1024, done.stdout


def pages(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))


def weasyprint(name, html_path, workdir):
    pdf = workdir / f"{name}.pdf"
    script = CHILD.format(root=str(common.ROOT), html=str(html_path), pdf=str(pdf))
    cold, warm, untagged, memory, process = [], [], [], [], []
    for _ in range(RUNS):
        wall, rss, out = run_measured([sys.executable, "-c", script])
        first, second, third = json.loads(out)
        cold.append(first), warm.append(second), untagged.append(third), memory.append(rss), process.append(wall)
    return {
        "pages": pages(pdf),
        "bytes": pdf.stat().st_size,
        "cold_s": statistics.median(cold),
        "cold_process_s": statistics.median(process),
        "warm_s": statistics.median(warm),
        "warm_untagged_s": statistics.median(untagged),  # the same without PDF/UA-1: what tagging costs
        "peak_mib": statistics.median(memory),
        "rerender_2proc_s_per_report": rerender_rate(html_path),
    }


def rerender_rate(html_path, processes=2, each=RUNS):
    """Seconds per report when ``processes`` warm processes render ``each`` reports at the same time."""
    script = RATE_CHILD.format(root=str(common.ROOT), html=str(html_path), n=each)
    children = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) for _ in range(processes)]
    walls = [json.loads(child.communicate()[0])[0] for child in children]
    return max(walls) / (processes * each)


def chromium(name, html_path, workdir):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        return None
    pdf = workdir / f"{name}-chromium.pdf"
    args = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={workdir / 'chromium-profile'}", f"--print-to-pdf={pdf}",
            html_path.as_uri()]  # fmt: skip
    run_measured(args)  # first start creates the profile: not counted
    walls, memory = [], []
    for _ in range(RUNS):
        wall, rss, _ = run_measured(args)
        walls.append(wall), memory.append(rss)
    return {"pages": pages(pdf), "bytes": pdf.stat().st_size, "wall_s": statistics.median(walls),
            "peak_mib": statistics.median(memory)}  # fmt: skip


def libreoffice(name, html_path, workdir):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if not soffice:
        return None
    profile = workdir / "lo-profile"
    out = workdir / "lo"
    args = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
            "--outdir", str(out), str(html_path)]  # fmt: skip
    run_measured(args)  # first start creates the profile: not counted
    walls, memory = [], []
    for _ in range(RUNS):
        wall, rss, _ = run_measured(args)
        walls.append(wall), memory.append(rss)
    pdf = out / f"{html_path.stem}.pdf"
    return {"pages": pages(pdf), "bytes": pdf.stat().st_size, "wall_s": statistics.median(walls),
            "peak_mib": statistics.median(memory)}  # fmt: skip


def main():
    common.setup_django()
    common.ensure_demo()
    from django.contrib.staticfiles import finders

    from disclosure.rendering import render_print_html

    version = common.demo_version()
    css = finders.find("print/report-print.css")
    workdir = Path(tempfile.mkdtemp(prefix="pdfbench-"))
    results = {}
    documents = {"demo-2021": version.content, "long-narrative": common.long_document(version.content, LONG_REPEAT)}
    for name, document in documents.items():
        html = render_print_html(document, version.published_at)
        path = workdir / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        # LibreOffice gets the same HTML with the stylesheet as a local file (it fetches nothing else).
        lo_path = workdir / f"{name}-lo.html"
        lo_path.write_text(html.replace("https://static.invalid/static/print/report-print.css", f"file://{css}")
                           .replace('href="/static/print/report-print.css"', f'href="file://{css}"'),
                           encoding="utf-8")  # fmt: skip
        results[name] = {
            "load_before": load(),
            "weasyprint": weasyprint(name, path, workdir),
            "libreoffice": libreoffice(name, lo_path, workdir),
            "chromium": chromium(name, lo_path, workdir),
            "load_after": load(),
        }
        print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
        print(summary(results[name]), flush=True)
    common.OUTPUT.mkdir(exist_ok=True)
    (common.OUTPUT / "pdf.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


def summary(result):
    """One line of medians side by side, and how much faster WeasyPrint (warm) is than the others."""
    w = result["weasyprint"]
    line = (f"  weasyprint warm {w['warm_s']:.2f} s, cold {w['cold_s']:.2f} s (process {w['cold_process_s']:.2f} s), "
            f"2 processes {w['rerender_2proc_s_per_report']:.2f} s/report, "
            f"{w['peak_mib']:.0f} MiB, {w['bytes'] // 1024} KB")  # fmt: skip
    for other in ("libreoffice", "chromium"):
        if result[other]:
            o = result[other]
            line += (f"; {other} {o['wall_s']:.2f} s ({o['wall_s'] / w['warm_s']:.1f}x warm, "
                     f"{o['wall_s'] / w['cold_process_s']:.1f}x cold process), "
                     f"{o['peak_mib']:.0f} MiB, {o['bytes'] // 1024} KB")  # fmt: skip
    return line + f"; load {result['load_before']} -> {result['load_after']}"


if __name__ == "__main__":
    main()
