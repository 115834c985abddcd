"""Domain events published after commit (DESIGN rule 3).

`event_publish("stock.low", variant_id=3)` runs every subscribed handler once the current
transaction commits (at once when there is none). Handlers are plain callables registered
with `@subscribe("stock.low")`, usually in an app's `handlers.py`, imported by its AppConfig;
slow handlers enqueue a task. The catalogue of names lives in docs/events.md.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)

EVENTS: frozenset[str] = frozenset(
    {
        "product.created",
        "product.updated",
        "product.deleted",
        "catalog.changed",
        "stock.changed",
        "stock.low",
        "shop.settings_changed",
        "checkout.updated",
        "order.placed",
        "order.confirmed",
        "order.paid",
        "order.fulfilled",
        "order.delivered",
        "order.canceled",
        "order.refunded",
        "order.updated",
        "return.requested",
        "return.approved",
        "return.rejected",
        "return.received",
        "payment.captured",
        "payment.refunded",
        "payment.failed",
        "payment.flagged",
        "payment.refund_failed",
    }
)


def subscribe(name: str) -> Callable[[Handler], Handler]:
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}; add it to duli.core.events.EVENTS")

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[name]:
            _handlers[name].append(handler)
        return handler

    return register


def event_publish(name: str, **payload: Any) -> None:
    """Deliver `name` to its handlers after the surrounding transaction commits."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    transaction.on_commit(partial(_deliver, name, payload))


def _deliver(name: str, payload: dict[str, Any]) -> None:
    for handler in list(_handlers[name]):
        try:
            handler(**payload)
        except Exception:  # one failing subscriber must not stop the others
            log.exception("event handler %s failed for %s", handler, name)
