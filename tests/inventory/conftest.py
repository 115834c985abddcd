"""Fixtures for inventory tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from duli.core import events


class Published(list[tuple[str, dict[str, Any]]]):
    """Domain events delivered during a test, as (name, payload) in delivery order."""

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for event, payload in self if event == name]


@pytest.fixture
def published() -> Iterator[Published]:
    """Subscribe a recorder to every event for the length of one test."""
    seen = Published()
    recorders = {}
    for name in events.EVENTS:

        def record(_name: str = name, **payload: Any) -> None:
            seen.append((_name, payload))

        recorders[name] = events.subscribe(name)(record)
    yield seen
    for name, recorder in recorders.items():
        events._handlers[name].remove(recorder)
