"""Order, payment, fulfilment and return statuses, and the transitions each allows (DESIGN
rule 6). Only `duli.orders.services` assigns a status, through `_transition`, which checks
these tables and writes a timeline event with the actor.

    status              pending ──► confirmed ──► completed
                           │            │
                           └──► canceled ◄┘
    payment_status      unpaid ──► paid ──► partially_refunded ──► refunded
                                      └──────────────────────────────┘
                        (a refund the provider refuses steps back towards paid)
    fulfillment_status  unfulfilled ──► partially_fulfilled ──► fulfilled
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELED = "canceled", _("Canceled")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class FulfillmentStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled", _("Unfulfilled")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("Partially fulfilled")
    FULFILLED = "fulfilled", _("Fulfilled")


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received")
    REFUNDED = "refunded", _("Refunded")


O, P, F, S, R = OrderStatus, PaymentStatus, FulfillmentStatus, ShipmentStatus, ReturnStatus  # noqa: E741

ORDER: Final[Mapping[str, frozenset[str]]] = {
    O.PENDING: frozenset({O.CONFIRMED, O.CANCELED}),
    O.CONFIRMED: frozenset({O.COMPLETED, O.CANCELED}),
    O.COMPLETED: frozenset(),
    O.CANCELED: frozenset(),
}
PAYMENT: Final[Mapping[str, frozenset[str]]] = {
    P.UNPAID: frozenset({P.PAID}),
    P.PAID: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    # Back to paid, or less refunded, only when a provider refuses a refund the shop sent.
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED, P.PAID}),
    P.REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.PAID}),
}
FULFILLMENT: Final[Mapping[str, frozenset[str]]] = {
    F.UNFULFILLED: frozenset({F.PARTIALLY_FULFILLED, F.FULFILLED}),
    F.PARTIALLY_FULFILLED: frozenset({F.PARTIALLY_FULFILLED, F.FULFILLED}),
    F.FULFILLED: frozenset(),
}
SHIPMENT: Final[Mapping[str, frozenset[str]]] = {
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
}
RETURN: Final[Mapping[str, frozenset[str]]] = {
    R.REQUESTED: frozenset({R.APPROVED, R.REJECTED}),
    R.APPROVED: frozenset({R.RECEIVED}),
    R.RECEIVED: frozenset({R.REFUNDED}),
    R.REJECTED: frozenset(),
    R.REFUNDED: frozenset(),
}

# Which table governs which Order field.
TABLES: Final[Mapping[str, Mapping[str, frozenset[str]]]] = {
    "status": ORDER,
    "payment_status": PAYMENT,
    "fulfillment_status": FULFILLMENT,
}
