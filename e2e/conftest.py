"""Playwright in real Chromium against pytest-django's live server.

The browser is Debian's /usr/bin/chromium; the suite never downloads one (no
``playwright install``). Without it the browser tests are skipped with the reason, except under
CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parent.parent / "var" / "test-results"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API drives the browser from an asyncio event loop that it keeps in the
    # main thread. Django sees that loop and refuses ORM calls there (SynchronousOnlyOperation)
    # although nothing runs concurrently: the test code (fixtures building data, the
    # transactional flush after each test) runs between Playwright calls, never inside one.
    # The variable is Django's documented switch for exactly this; it is restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile per test, set to English: Kefu must still start in Chinese."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def results_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS


@pytest.fixture
def log_in(page: Page, live_server: LiveServer) -> Callable[[str, str], None]:
    """log_in(工号, name): sign in on the login page with the demo password, and wait until the
    user menu shows that person."""
    from kefu.org.demo import DEMO_PASSWORD

    def sign_in(employee_no: str, name: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.locator("input[name=username]").fill(employee_no)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("input[name=password]").press("Enter")
        expect(page.get_by_test_id("user-menu")).to_contain_text(name)

    return sign_in
