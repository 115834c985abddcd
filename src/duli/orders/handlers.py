"""What orders do when payments report something (events from duli.payments)."""

from __future__ import annotations

from duli.core.events import subscribe
from duli.orders.services.paying import (
    order_payment_failed,
    order_payment_flagged,
    order_payments_sync,
    order_refund_failed,
)


@subscribe("payment.captured")
@subscribe("payment.refunded")
def payments_changed(*, order_id: int, **_: object) -> None:
    order_payments_sync(order_id=order_id)


@subscribe("payment.failed")
def payment_failed(*, order_id: int, message: str = "", **_: object) -> None:
    order_payment_failed(order_id=order_id, message=message)


@subscribe("payment.flagged")
def payment_flagged(*, order_id: int, reason: str = "", **_: object) -> None:
    order_payment_flagged(order_id=order_id, reason=reason)


@subscribe("payment.refund_failed")
def refund_failed(*, order_id: int, amount: str = "", message: str = "", **_: object) -> None:
    order_refund_failed(order_id=order_id, amount=amount, message=message)
