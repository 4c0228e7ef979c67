#!/usr/bin/env bash
# All publication benchmarks in one run; figures in bench/output/*.json (see README "Publication").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -f bench/output/bench.sqlite3
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "== PDF rendering (WeasyPrint vs LibreOffice and Chromium), 5 runs each"
${PYTHON:-.venv/bin/python} bench/pdf_bench.py 5
echo "== public report page vs a static file of the same size, gunicorn 2 workers, wrk 20 s each"
bash bench/page_bench.sh
PAGE=/reports/xiuzhou-hitech-zone/2020.pdf NAME=pdf bash bench/page_bench.sh
echo "== publishing 1,000 versions through db_worker with 2 workers (PostgreSQL)"
.venv/bin/python bench/publish_bench.py 1000 2
echo "== workspace table 三: page and save server time (median of 20)"
.venv/bin/python bench/grid_bench.py 20
echo "== importing 100 published files (HTML, DOCX, PDF)"
${PYTHON:-.venv/bin/python} bench/import_bench.py 100
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
