"""Running the site as it is deployed, for the tests that start real servers (test_production.py,
test_several_servers.py): fresh PostgreSQL databases, the production environment, manage.py, gunicorn, and a
small HTTP client that keeps cookies by hand."""

import http.cookies
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))
SECRET_KEY = "prod-test-" + "k" * 20 + "-Zq8!x7pR2vLw9#tB4nM6cY1hD3jF5gS0aE"
PASSWORD = "prod-test-password-9"

# Made through the project's own functions, in the server's fresh database: a government, one agency, its
# editor and the government's reviewer, and the agency's 2021 demo report submitted for review.
SEED = """
from pathlib import Path
import disclosure
from django.contrib.auth import get_user_model
from disclosure import workflow
from disclosure.documents import import_document, loads
from disclosure.models import Membership, Organization
gov = Organization.objects.create(slug="xiuzhou", name="嘉兴市秀洲区人民政府", kind=Organization.Kind.GOVERNMENT)
Organization.objects.create(
    slug="xiuzhou-education", name="嘉兴市秀洲区教育局", kind=Organization.Kind.DEPARTMENT, parent=gov
)
demo = Path(disclosure.__file__).parent / "demo" / "xiuzhou-education-2021.json"
report = import_document(loads(demo.read_text(encoding="utf-8")))[0]
User = get_user_model()
editor = User.objects.create_user("editor", password="{password}")
reviewer = User.objects.create_user("reviewer", password="{password}")
Membership.objects.create(user=editor, organization=report.organization, role=Membership.Role.EDITOR)
Membership.objects.create(user=reviewer, organization=gov, role=Membership.Role.REVIEWER)
report = workflow.submit_report(report, editor)
print("seeded", report.status)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database_url(suffix="gunicorn"):
    """A new, empty PostgreSQL database next to the test database; dropped by the caller."""
    import psycopg

    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/') or 'disclosure'}_{suffix}_{os.getpid()}"
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url._replace(path=f"/{name}").geturl(), admin, name


def drop_database(admin, name):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(tmp, database_url, static_root=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # plain http on the loopback; behind a proxy in real life
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root or tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        # This checkout's code, even when another copy of the package is installed in the environment.
        PYTHONPATH=python_path(),
    )
    return env


def python_path():
    paths = (str(ROOT), *os.environ.get("PYTHONPATH", "").split(os.pathsep))
    return os.pathsep.join(dict.fromkeys(p for p in paths if p))


def manage(env, *args):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    print(f"manage.py {args[0]}: {time.monotonic() - started:.1f} s")
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def wait_until_serving(base, process, log):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read()}")
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    pytest.fail(f"gunicorn did not answer within 20 s:\n{log.read()}")


class Browser:
    """Cookies and CSRF tokens by hand: the production cookies are Secure, which a cookie jar would not send
    back over the plain http of this test (a TLS-terminating proxy stands in front in real life)."""

    def __init__(self, base):
        self.base, self.cookies = base, {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as e:
            response = e
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, response.read()

    def get(self, path):
        return self.request(path)

    def post(self, path, data=None):
        """A form's POST with the CSRF token, as the page that holds the form sends it."""
        return self.request(path, {"csrfmiddlewaretoken": self.cookies["csrftoken"], **(data or {})})

    def follow(self, status, headers, body):
        while status in (301, 302, 303):
            status, headers, body = self.get(urllib.parse.urlsplit(headers["Location"]).path)
        return status, headers, body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_gunicorn(env, log, workers=2):
    """gunicorn on a free loopback port; returns (process, base URL) once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "reportsite.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--timeout", "60", "--chdir", str(ROOT)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, process, log)
    return process, base


def stop(process, sig=signal.SIGTERM):
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
