#!/usr/bin/env bash
# A public URL under gunicorn (2 workers) against a static file of the same size served by the same server
# (WhiteNoise), each for $DURATION seconds with wrk over loopback, alternately twice, in the same run.
# Usage: bench/page_bench.sh                       the report page
#        PAGE=/reports/xiuzhou-hitech-zone/2020.pdf NAME=pdf bench/page_bench.sh    the PDF download
# (after bench/pdf_bench.py or any run that created bench/output/bench.sqlite3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-20}
PORT=${PORT:-8799}
OUT=bench/output
PY=.venv/bin/python
mkdir -p "$OUT"

export DATABASE_URL=${BENCH_DATABASE_URL:-sqlite:///$PWD/$OUT/bench.sqlite3}
# Production-like settings: DEBUG off (cached templates, WhiteNoise from collected files).
export DEBUG=0 SECRET_KEY=bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export DJANGO_SETTINGS_MODULE=reportsite.settings
DEBUG=1 DJANGO_SETTINGS_MODULE=reportsite.settings $PY - <<'PY'
import sys; sys.path.insert(0, "bench")
import common; common.setup_django(); common.ensure_demo()
PY
$PY manage.py collectstatic --noinput -v0

PAGE=${PAGE:-/reports/xiuzhou-hitech-zone/2020/}
NAME=${NAME:-page}
.venv/bin/gunicorn reportsite.wsgi --bind 127.0.0.1:$PORT --workers 2 --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT$PAGE" && break; sleep 0.2; done

size=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT$PAGE")
# A static file of exactly the page's size, served by WhiteNoise from STATIC_ROOT (found at startup, so restart).
# (In Python: a shell pipe ending in `head -c` dies of SIGPIPE under pipefail once the file is large.)
$PY -c "import base64, os; print(base64.b64encode(os.urandom($size)).decode()[:$size], end='')" > staticfiles/bench-same-size.txt
kill $GUNICORN; wait $GUNICORN 2>/dev/null || true
.venv/bin/gunicorn reportsite.wsgi --bind 127.0.0.1:$PORT --workers 2 --log-level warning &
GUNICORN=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/static/bench-same-size.txt" && break; sleep 0.2; done

run() {
  wrk -t2 -c16 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$1" > "$OUT/wrk-$2.txt"
  awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$2.txt"
}
# Alternately, twice each, so that a change in the machine's load hits both alike; the mean of the two.
page1=$(run "$PAGE" $NAME-1); static1=$(run /static/bench-same-size.txt $NAME-static-1)
page2=$(run "$PAGE" $NAME-2); static2=$(run /static/bench-same-size.txt $NAME-static-2)
page_rps=$(awk -v a="$page1" -v b="$page2" 'BEGIN {printf "%.0f", (a + b) / 2}')
static_rps=$(awk -v a="$static1" -v b="$static2" 'BEGIN {printf "%.0f", (a + b) / 2}')
ratio=$(awk -v a="$page_rps" -v b="$static_rps" 'BEGIN {printf "%.2f", a / b}')
printf '{"page_bytes": %s, "page_rps": %s, "static_rps": %s, "ratio": %s, "runs": [%s, %s, %s, %s]}\n' \
  "$size" "$page_rps" "$static_rps" "$ratio" "$page1" "$static1" "$page2" "$static2" | tee "$OUT/$NAME.json"
