"""Refusals of the inventory services, each with a message a shopper or merchant can read."""

from __future__ import annotations

from django.utils.translation import gettext

from duli.core.errors import DomainError


class OutOfStock(DomainError):
    """Fewer units are available than asked for. Renders as "Only 2 left of Shirt (Blue / M)"
    or "Shirt (Blue / M) is sold out"."""

    code = "out_of_stock"
    status = 409

    def __init__(self, *, variant_id: int, name: str, available: int, requested: int) -> None:
        available = max(available, 0)
        if available == 0:
            message = gettext("%(name)s is sold out.") % {"name": name}
        else:
            message = gettext("Only %(count)d left of %(name)s.") % {
                "count": available,
                "name": name,
            }
        super().__init__(
            message, variant_id=variant_id, name=name, available=available, requested=requested
        )
        self.variant_id = variant_id
        self.name = name
        self.available = available
        self.requested = requested


class StockBelowReserved(DomainError):
    """A correction would leave fewer units on hand than are held for open checkouts."""

    code = "stock_below_reserved"
    status = 409

    def __init__(self, *, variant_id: int, name: str, on_hand: int, reserved: int) -> None:
        message = gettext(
            "Cannot set the stock of %(name)s to %(on_hand)d: %(reserved)d are reserved "
            "by shoppers checking out."
        ) % {"name": name, "on_hand": on_hand, "reserved": reserved}
        super().__init__(
            message, variant_id=variant_id, name=name, on_hand=on_hand, reserved=reserved
        )
        self.variant_id = variant_id
        self.on_hand = on_hand
        self.reserved = reserved
