from __future__ import annotations

import pytest

from duli.catalog.search import search_reindex_all


@pytest.fixture
def reindex():
    """Factories write rows directly (no events), so tests index what they built."""

    def run() -> None:
        search_reindex_all()

    return run
