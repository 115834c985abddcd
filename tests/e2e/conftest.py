"""Browser tests: Playwright against pytest-django's live server (`browser` is in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """`new_page(width)`: a page in a fresh browser context (its own cookies) of that width."""
    contexts = []

    def open_(width: int):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()
