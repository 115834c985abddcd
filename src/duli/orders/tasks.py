"""Background work of orders: the emails that follow each order event."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task
def order_email_task(*, event_name: str, payload: dict[str, Any]) -> None:
    """Send the email for an order event (see `duli.orders.notifications`)."""
    from duli.orders.notifications import NOTIFIERS

    NOTIFIERS[event_name](**payload)
