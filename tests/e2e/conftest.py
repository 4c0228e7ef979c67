"""Browser tests: Playwright's sync API driving the Debian chromium against pytest-django's live server.

Skipped only when no chromium is installed (``make test`` installs it). Playwright's own browser download is
not used. The sync API runs an asyncio loop in the test's thread while the browser is open, so Django's
async-safety check is turned off for these tests only (the ORM calls are still plain synchronous ones).
"""

import shutil
import threading

import pytest
from django.db import connections

from tests.workspace.conftest import PASSWORD, make_people  # noqa: F401

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        # While Playwright's loop runs, Django keeps this thread's connections in a context-local store:
        # close them here, or PostgreSQL cannot drop the test database at the end of the run.
        connections.close_all()
        browser.close()
    wait_for_request_threads()


@pytest.fixture
def e2e_people(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_people()


def wait_for_request_threads(timeout=10):
    """Let the live server's request threads finish (each closes its database connection when done), so that
    PostgreSQL can drop the test database at the end of the run."""
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout)
