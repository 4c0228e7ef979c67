"""Production settings: `check --deploy` is clean once SECRET_KEY and ALLOWED_HOSTS are given."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_debug_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-Zq8!x7pR2vLw9#tB4nM6cY1hD3jF5gS0aE",
        ALLOWED_HOSTS="reports.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="reports.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_collectstatic_works_with_the_production_storage(tmp_path):
    """The manifest storage refuses a file that names a missing one (e.g. a source map): catch it here."""
    result = manage(
        "collectstatic",
        "--noinput",
        "-v0",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-Zq8!x7pR2vLw9#tB4nM6cY1hD3jF5gS0aE",
        ALLOWED_HOSTS="reports.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
