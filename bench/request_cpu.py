"""CPU time per request of a cached public page and PDF download against a static file of the same size,
through the production WSGI application in this process (no HTTP server, no network).

wrk against gunicorn (bench/page_bench.sh) is the real measure, but on a shared 2-core machine its rate
swings with whatever else runs. CPU seconds of this process (``time.process_time``) barely do: they count
the work a worker does per request — the middleware, the cache lookup, opening the file — and not the time
spent waiting for Redis or the scheduler. A file is handed to ``wsgi.file_wrapper`` as under gunicorn, whose
sendfile() copies it in the kernel; here the wrapper only closes it, so neither side pays for copying bytes.

Usage: CACHE_URL=redis://127.0.0.1:6379/3 BENCH_DATABASE_URL=postgres://… python bench/request_cpu.py [N]
(after bench/page_bench.sh, which leaves bench-same-size.txt in STATIC_ROOT). Prints JSON: microseconds of
CPU per request, medians of 5 batches of N.
"""

import io
import json
import os
import statistics
import sys
import time

import common

os.environ.update(
    DEBUG="0",
    SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    ALLOWED_HOSTS="127.0.0.1",
    SECURE_SSL_REDIRECT="0",
)
common.setup_django()

from django.core.wsgi import get_wsgi_application  # noqa: E402

APP = get_wsgi_application()
PATHS = {
    "static": "/static/bench-same-size.txt",
    "pdf": "/reports/xiuzhou-hitech-zone/2020.pdf",
    "page": "/reports/xiuzhou-hitech-zone/2020/",
}


class SendfileWrapper:
    """Stands in for gunicorn's file wrapper: the kernel would send the file; nothing is read here."""

    def __init__(self, filelike, block_size=8192):
        self.filelike = filelike

    def __iter__(self):
        return iter(())

    def close(self):
        self.filelike.close()


def request(path):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.file_wrapper": SendfileWrapper,
    }
    status = []
    body = APP(environ, lambda s, headers, exc_info=None: status.append(s))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    assert status[0].startswith("200"), (path, status)


def cpu_us(path, n):
    start = time.process_time()
    for _ in range(n):
        request(path)
    return (time.process_time() - start) / n * 1e6


def main(n=500):
    for path in PATHS.values():
        for _ in range(50):  # warm: the page cache filled, connections open
            request(path)
    batches = {name: [] for name in PATHS}
    for _ in range(5):  # interleaved, so a change in the machine's load hits each alike
        for name, path in PATHS.items():
            batches[name].append(cpu_us(path, n))
    result = {f"{name}_cpu_us": round(statistics.median(times)) for name, times in batches.items()}
    result["pdf_vs_static"] = round(result["static_cpu_us"] / result["pdf_cpu_us"], 2)
    result["page_vs_static"] = round(result["static_cpu_us"] / result["page_cpu_us"], 2)
    result["cache"] = os.environ.get("CACHE_URL") or "local memory (generation in the database)"
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
