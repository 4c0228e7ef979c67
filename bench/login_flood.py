"""A flood of logins with random user names from one IP against a visitor reading a public page, same server,
same run: gunicorn with 2 workers and DEBUG=0, first with the login flood limit off (as before it existed:
LOGIN_ATTEMPTS_PER_MINUTE=0), then with the default limit.

Each phase runs for $DURATION seconds (default 90: the limit is per minute, and the first minute's allowance
goes through): $FLOODERS threads (default 8) post logins as fast as the
server answers them, with a valid CSRF token (an attacker fetches one first), and one visitor thread reads
the public page in a loop. Reported: logins processed (the form came back: a password was hashed) and
refused (429) per second, and the visitor's page rate and latencies — over the whole phase and from the first
refusal on. With the default local-memory cache each gunicorn worker counts on its own (2 workers: up to 2 × 20
logins a minute get through); with a shared cache (Redis) the limit holds across workers and servers.

Measured on PostgreSQL, 2 busy cores shared with other jobs (load ~8), 8 flooders, 90 s per phase:
  limit off: 1.46 logins/s hashed; public page 0.2/s, median 4.7 s, p90 7.2 s
  limit 20:  0.89 logins/s hashed (2 workers x 20 a minute), 389 refused/s; page 49.6/s, median 8 ms,
             p90 21 ms (max 5.1 s: the start of a window, while its allowance is hashed)

Usage: .venv/bin/python bench/login_flood.py   (writes bench/output/login_flood.json)
On PostgreSQL, as in production (SQLite answers some concurrent lockout writes with "database is locked"):
BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/disclosure_bench .venv/bin/python bench/login_flood.py
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "output"
sys.path.insert(0, str(ROOT / "bench"))
import common  # noqa: E402

DURATION = float(os.environ.get("DURATION", 90))
FLOODERS = int(os.environ.get("FLOODERS", 8))
PAGE = os.environ.get("PAGE", "/reports/xiuzhou-hitech-zone/2020/")
LOGIN = "/workspace/login/"


def environment(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{common.DB}",
        STATIC_ROOT=str(OUTPUT / "static"),
        MEDIA_ROOT=str(OUTPUT / "media"),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def prepare():
    """The demo published in the scratch database, static files collected for DEBUG=0."""
    setup = "import sys; sys.path.insert(0, 'bench'); import common; common.setup_django(); common.ensure_demo()"
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env={**environment(), "DEBUG": "1"}, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment(), check=True
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(limit):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "reportsite.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(LOGIN_ATTEMPTS_PER_MINUTE=str(limit)),
        stderr=open(OUTPUT / f"login_flood-gunicorn-{limit}.log", "w"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", PAGE)[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer within 30 s")


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def csrf(port):
    """The token pair an attacker fetches once from the login form (the cookie is Secure, so sent by hand)."""
    _, headers, body = request(port, "GET", LOGIN)
    cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("csrftoken="))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def flood(port, cookie, token, until, counts, lock):
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    while time.monotonic() < until:
        body = f"csrfmiddlewaretoken={token}&username=nobody-{secrets.token_hex(6)}&password=guess"
        status = request(port, "POST", LOGIN, body, headers)[0]
        with lock:
            counts.append((time.monotonic(), status))


def visit(port, until, latencies):
    while time.monotonic() < until:
        started = time.monotonic()
        status = request(port, "GET", PAGE)[0]
        assert status == 200, status
        latencies.append((started, time.monotonic() - started))


def phase(limit):
    process, port = start_server(limit)
    try:
        cookie, token = csrf(port)
        counts, lock, latencies = [], threading.Lock(), []
        started = time.monotonic()
        until = started + DURATION
        threads = [
            threading.Thread(target=flood, args=(port, cookie, token, until, counts, lock)) for _ in range(FLOODERS)
        ]
        threads.append(threading.Thread(target=visit, args=(port, until, latencies)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stop_server(process)
    refused_at = min((t for t, status in counts if status == 429), default=None)
    result = {"login_limit_per_minute": limit, **figures(counts, latencies, started, started + elapsed)}
    if refused_at is not None:
        result["first_refusal_after_s"] = round(refused_at - started, 1)
        result["from_first_refusal"] = figures(counts, latencies, refused_at, started + elapsed)
    return result


def figures(counts, latencies, start, end):
    seconds = end - start
    statuses = [status for t, status in counts if t >= start]
    pages = [latency for t, latency in latencies if t >= start]
    return {
        "seconds": round(seconds, 1),
        "logins_processed_per_s": round(statuses.count(200) / seconds, 2),
        "logins_refused_per_s": round(statuses.count(429) / seconds, 1),
        "other_statuses": sorted({s for s in statuses if s not in (200, 429)}),
        "page_requests": len(pages),
        "page_per_s": round(len(pages) / seconds, 1),
        "page_median_s": round(statistics.median(pages), 3) if pages else None,
        "page_p90_s": round(statistics.quantiles(pages, n=10)[-1], 3) if len(pages) > 1 else None,
        "page_max_s": round(max(pages), 3) if pages else None,
    }


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    prepare()
    results = {"flooders": FLOODERS, "page": PAGE, "before": phase(0), "after": phase(20)}
    (OUTPUT / "login_flood.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
