"""Several servers, as a province-wide deployment runs: two gunicorn instances on different ports sharing one
PostgreSQL database, one Redis page cache, one S3-compatible object store (moto in server mode, on loopback)
and one ``db_worker``.

A reviewer publishes through instance A; as soon as the worker has rendered, instance B serves the new version
— its page, and its PDF as a redirect to the object store's signed URL. Then a worker is killed in the middle
of rendering a correction: the correction is never half-public (B keeps serving version 1, and /v2/ is 404)
until the next worker to start queues the render again and it becomes ready.

PostgreSQL pass of ``make test`` only. Redis: the one at 127.0.0.1:6379 (a database number of its own, flushed),
else a ``redis-server`` started here, else the test is skipped saying why.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from .servers import (
    ON_POSTGRES,
    PASSWORD,
    ROOT,
    SEED,
    Browser,
    drop_database,
    free_port,
    fresh_database_url,
    manage,
    production_env,
    start_gunicorn,
    stop,
)

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="several servers share one PostgreSQL database: runs in the PostgreSQL pass only"
)

BUCKET = "disclosure-test"
REPORT = "/reports/xiuzhou-education/2021"
# A correction of the published report, made as the editor and reviewer would, through the project's functions.
CORRECT_AND_PUBLISH = """
from disclosure.models import AnnualReport
from disclosure.publishing import publish_report, reopen_for_correction
report = AnnualReport.objects.get(organization__slug="xiuzhou-education", year=2021)
reopen_for_correction(report, None, "更正一处文字。")
version = publish_report(report, None, require_approved=False)
print("published", version.number, version.render_state)
"""


def _answers(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A Redis database of this test's own: 127.0.0.1:6379 when it runs, else a redis-server started here."""
    import redis

    process = None
    port = 6379
    if not _answers(port):
        if not shutil.which("redis-server"):
            pytest.skip("no Redis at 127.0.0.1:6379 and no redis-server to start (apt-get install redis-server)")
        port = free_port()
        process = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"])
        for _ in range(50):
            if _answers(port):
                break
            time.sleep(0.1)
    db = 8 + os.getpid() % 8  # apart from the databases other suites running here may use
    url = f"redis://127.0.0.1:{port}/{db}"
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()
    stop(process)


@pytest.fixture(scope="module")
def object_store():
    """moto's S3 in server mode on a loopback port, with an empty bucket; yields its endpoint URL."""
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line a request otherwise

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


class Site:
    """The shared database and environment, the two web servers and the worker processes."""

    def __init__(self, tmp, env, database_url):
        self.tmp, self.env, self.database_url = tmp, env, database_url
        self.worker = None

    def start_worker(self, **extra_env):
        log = open(self.tmp / f"worker-{time.monotonic_ns()}.log", "w+")
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        self.worker = subprocess.Popen(
            command, cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT
        )
        self.worker.log = log

    def worker_log(self):
        self.worker.log.seek(0)
        return self.worker.log.read()

    def version(self, number):
        """(render_state, render_started_at is set) of version ``number`` of the report, read directly."""
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(
                "SELECT v.render_state, v.render_started_at IS NOT NULL FROM disclosure_publishedversion v "
                "JOIN disclosure_annualreport r ON r.id = v.report_id WHERE v.number = %s",
                [number],
            ).fetchone()

    def generation(self):
        """The publication generation in the shared cache (``pagecache``): raised and announced by the worker
        right after a version's ready state commits."""
        import redis
        from django.core.cache.backends.base import default_key_func

        from disclosure.public.pagecache import GENERATION_KEY

        value = redis.Redis.from_url(self.env["CACHE_URL"]).get(default_key_func(GENERATION_KEY, "", 1))
        return int(value or 0)

    def wait_for_announcement(self, above, timeout=10):
        """Until the generation has risen above ``above``: a version is public from then on, on every server
        (the ready state is visible in the database a moment before — the raise follows the commit)."""
        deadline = time.monotonic() + timeout
        while self.generation() <= above:
            if time.monotonic() > deadline:
                pytest.fail(f"the publication generation did not rise above {above} in {timeout} s")
            time.sleep(0.05)

    def wait_for(self, number, condition, what, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.version(number)
            if row and condition(*row):
                return row
            if self.worker is not None and self.worker.poll() is not None:
                pytest.fail(f"the worker exited with {self.worker.returncode}:\n{self.worker_log()}")
            time.sleep(0.2)
        pytest.fail(f"version {number} not {what} after {timeout} s: {self.version(number)}\n{self.worker_log()}")


@pytest.fixture(scope="module")
def site(tmp_path_factory, collected_static, redis_url, object_store):
    tmp = tmp_path_factory.mktemp("several")
    database_url, admin, name = fresh_database_url("several")
    env = production_env(tmp, database_url, collected_static)
    env.update(
        TASKS_BACKEND="database",
        CACHE_URL=redis_url,
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=object_store,
        S3_ACCESS_KEY_ID="test",
        S3_SECRET_ACCESS_KEY="test",
        S3_REGION="us-east-1",
    )
    servers, logs = [], []
    site = Site(tmp, env, database_url)
    try:
        manage(env, "migrate", "--noinput", "-v0")
        assert "seeded submitted" in manage(env, "shell", "-c", SEED.replace("{password}", PASSWORD))
        for label in "AB":
            logs.append(open(tmp / f"gunicorn-{label}.log", "w+"))
            servers.append(start_gunicorn(env, logs[-1], workers=1))
        site.a, site.b = (base for _, base in servers)
        yield site
    finally:
        stop(site.worker)
        for process, _ in servers:
            stop(process)
        for log in logs:
            log.close()
        drop_database(admin, name)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers, response.read()


def public_pdf(base, path=REPORT + ".pdf"):
    """The PDF as a visitor gets it from ``base``: a redirect to the object store's signed URL, followed."""
    status, headers, _ = Browser(base).get(path)
    assert status == 302, f"{path}: {status}"
    location = headers["Location"]
    assert urllib.parse.urlsplit(location).netloc != urllib.parse.urlsplit(base).netloc  # the object store
    assert "X-Amz-Signature=" in location and "response-content-disposition=" in location
    status, object_headers, pdf = fetch(location)
    assert status == 200 and object_headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")
    assert headers["ETag"] == f'"{hashlib.sha256(pdf).hexdigest()}"'  # the hash the page shows
    return pdf


def test_publish_on_a_serve_on_b_and_a_killed_worker_never_makes_a_version_half_public(site):
    a, b = Browser(site.a), site.b
    # Nothing is public yet, on either server.
    assert Browser(b).get(REPORT + "/")[0] == 404

    # A: the reviewer approves and publishes; the request only freezes the version and queues its rendering.
    assert a.get("/workspace/login/")[0] == 200
    assert a.post("/workspace/login/", {"username": "reviewer", "password": PASSWORD})[0] == 302
    workspace = "/workspace/xiuzhou-education/2021/"
    assert a.post(workspace + "approve/", {"confirm": "yes"})[0] == 302
    started = time.monotonic()
    status, _, _ = a.post(workspace + "publish/", {"confirm": "publish", "version": "1"})
    print(f"publish request: {1000 * (time.monotonic() - started):.0f} ms")
    assert status == 302
    status, _, page = a.get(workspace)
    assert "已发布第1版，正在生成" in page.decode() and "生成中" in page.decode()
    assert Browser(b).get(REPORT + "/")[0] == 404  # no worker yet: not public

    # One worker renders it; B serves it at once: the page, and the PDF from the object store.
    generation = site.generation()
    site.start_worker()
    site.wait_for(1, lambda state, _: state == "ready", "ready")
    site.wait_for_announcement(above=generation)
    status, _, page = Browser(b).get(REPORT + "/")
    assert status == 200 and "第1版" in page.decode()
    assert Browser(b).get(REPORT + "/")[0] == 200  # now in the shared page cache
    first_pdf = public_pdf(b)
    assert "已完成" in a.get(workspace)[2].decode()

    # A correction is published while the only worker renders slowly; the worker is killed mid-render.
    stop(site.worker)
    site.start_worker(RENDER_DELAY_SECONDS="60")
    assert "published 2 rendering" in manage(site.env, "shell", "-c", CORRECT_AND_PUBLISH)
    site.wait_for(2, lambda state, started: state == "rendering" and started, "being rendered")
    site.worker.send_signal(signal.SIGKILL)
    site.worker.wait()
    assert site.version(2)[0] == "rendering"

    # Never half-public: B (and A) still serve version 1, its page from the shared cache and its PDF.
    for base in (site.a, b):
        status, _, page = Browser(base).get(REPORT + "/")
        assert status == 200 and "第1版" in page.decode() and "第2版" not in page.decode()
        assert Browser(base).get(REPORT + "/v2/")[0] == 404
        assert Browser(base).get(REPORT + "/v2.pdf")[0] == 404
    assert public_pdf(b) == first_pdf

    # The next worker to start queues the interrupted render again; B serves version 2 as soon as it is ready.
    generation = site.generation()
    site.start_worker(RENDER_STALE_SECONDS="0")
    site.wait_for(2, lambda state, _: state == "ready", "ready after the restart")
    site.wait_for_announcement(above=generation)
    assert "已重新排队 1 个中断的生成任务" in site.worker_log()
    status, _, page = Browser(b).get(REPORT + "/")
    assert status == 200 and "第2版" in page.decode() and "更正一处文字。" in page.decode()
    second_pdf = public_pdf(b)
    assert second_pdf != first_pdf
    assert public_pdf(b, REPORT + "/v1.pdf") == first_pdf
