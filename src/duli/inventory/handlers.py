"""Reactions of the inventory to domain events (imported by InventoryConfig.ready)."""

from __future__ import annotations

from typing import Any

from duli.core.events import subscribe
from duli.inventory.tasks import low_stock_alert_email


@subscribe("stock.low")
def stock_low_email_merchant(*, alert_id: int, **_payload: Any) -> None:
    """Events are delivered after commit, so the alert row exists when the task runs."""
    low_stock_alert_email.enqueue(alert_id=alert_id)
