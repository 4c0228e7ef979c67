"""Browser tests: Playwright's sync API driving the Debian chromium against pytest-django's live server.

Skipped only when no chromium is installed (``make test`` installs it). Playwright's own browser download is
not used. The sync API runs an asyncio loop in the test's thread while the browser is open, so Django's
async-safety check is turned off for these tests only (the ORM calls are still plain synchronous ones).
"""

import shutil

import pytest

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
        browser.close()


@pytest.fixture
def e2e_people(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_people()
