"""Production settings: `check --deploy` is clean once SECRET_KEY and ALLOWED_HOSTS are given."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# ---- yes/no variables -------------------------------------------------------------------------------------


def test_a_misspelt_yes_no_value_stops_start_up_naming_the_variable_and_the_accepted_words():
    result = manage(
        "check",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-Zq8!x7pR2vLw9#tB4nM6cY1hD3jF5gS0aE",
        ALLOWED_HOSTS="reports.example.org",
        SECURE_SSL_REDIRECT="ture",
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='ture' is not a yes/no value" in result.stderr
    assert "1, true, yes, on" in result.stderr and "0, false, no, off" in result.stderr


@pytest.mark.parametrize(
    "value,expected",
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", True),
        (None, True),
    ],
)
def test_yes_no_words(monkeypatch, value, expected):
    from reportsite.settings import env_bool

    if value is None:
        monkeypatch.delenv("SOME_SWITCH", raising=False)
    else:
        monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", True) is expected


@pytest.mark.parametrize("value", ["ture", "2", "y", "enabled", "0n"])
def test_anything_else_is_refused(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from reportsite.settings import env_bool

    monkeypatch.setenv("SOME_SWITCH", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH"):
        env_bool("SOME_SWITCH", False)


def test_every_variable_the_settings_read_is_in_the_readme():
    import re

    settings_text = (ROOT / "reportsite" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", settings_text))
    assert {"DEBUG", "SECRET_KEY", "AXES_ENABLED", "SECURE_SSL_REDIRECT"} <= read
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m for m in re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M)}
    assert read <= table, f"settings read but not documented in README: {sorted(read - table)}"
