"""The built wheel is complete: installed into a clean virtualenv, away from this checkout, it passes
``check`` and serves a report page with its templates, static files and demo data.

It builds and installs for real (pip resolves the dependencies from the package index, through pip's
cache), so it runs once per ``make test``: in the PostgreSQL pass. The installed site itself uses SQLite.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))
PACKAGE_DATA = ("templates", "static", "demo", "locale")  # folders of disclosure/ that hold no Python

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="builds and installs the wheel once per `make test`, in its PostgreSQL pass"
)

# Run by the virtualenv's Python in an empty folder: migrate, load the demo data, ask for pages.
SERVE = """
import os, sys
import django
django.setup()
import disclosure
from django.core.management import call_command
from django.test import Client
assert disclosure.__file__.startswith(sys.prefix), disclosure.__file__
call_command("migrate", verbosity=0)
call_command("load_demo", stdout=open(os.devnull, "w"))
client = Client()
page = client.get("/reports/xiuzhou-education/2021/")
css = client.get("/static/print/report-print.css")
print(page.status_code, css.status_code)
print(page.content.decode())
"""


def run(args, **kwargs):
    started = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    print(f"{Path(args[0]).name} {' '.join(map(str, args[1:3]))}: {time.monotonic() - started:.1f} s")
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built from a copy of the checkout (the build leaves build/ and *.egg-info behind)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            "media",
            "staticfiles",
            "test-output",
            "db.sqlite3",
            "var",
        ),
    )
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp / "dist")])
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def test_the_wheel_holds_every_template_static_file_and_demo_document(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(ROOT).as_posix()
        for folder in PACKAGE_DATA
        for path in (ROOT / "disclosure" / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected and not expected - names, sorted(expected - names)
    assert "reportsite/settings.py" in names and "disclosure/migrations/0001_initial.py" in names


def test_the_installed_wheel_passes_check_and_serves_a_report(wheel, tmp_path, cut_fonts):
    elsewhere = tmp_path / "site"
    elsewhere.mkdir()
    # Nothing of this checkout or of the test environment: no PYTHONPATH (pip would take this checkout
    # for the installed package), no settings of the test run.
    drop = ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "STATIC_ROOT", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="reportsite.settings",
        DATABASE_URL=f"sqlite:///{elsewhere / 'db.sqlite3'}",
        MEDIA_ROOT=str(elsewhere / "media"),
        FONT_CACHE_DIR=str(cut_fonts),  # made by `subset_fonts`, a deployment step like collectstatic
    )
    venv = tmp_path / "venv"
    # Without pip of its own (ensurepip costs seconds): this pip installs into it. No .pyc compiling either.
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=elsewhere, env=env)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", str(wheel)]
    run(install, cwd=elsewhere, env=env)

    check = [python, "-m", "django", "check", "--settings=reportsite.settings"]
    assert "no issues" in run(check, cwd=elsewhere, env=env)

    statuses, page = run([python, "-c", SERVE], cwd=elsewhere, env=env).split("\n", 1)
    assert statuses == "200 200"
    document = json.loads((ROOT / "disclosure" / "demo" / "xiuzhou-education-2021.json").read_text(encoding="utf-8"))
    assert document["title"] in page
    for part in document["parts"]:
        assert part["label"] in page, part["label"]
