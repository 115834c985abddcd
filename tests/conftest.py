"""Suite-wide test set-up."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import cache

pytest_plugins = ["duli.testing.pytest_smtp", "tests.shop_fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


# ---------------------------------------------------------------- browser tests
# Playwright drives Debian's system Chromium (its own browser download cannot work offline).
# Its sync API runs an event loop in the test thread; the ORM calls tests make to arrange
# data are still plain synchronous calls, so Django's async guard is lifted for them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: install Debian's 'chromium' package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
