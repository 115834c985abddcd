"""Refusals of the cart and checkout services, each readable by a shopper."""

from __future__ import annotations

from django.utils.translation import gettext

from duli.core.errors import DomainError, InvalidInput


class CheckoutNotOpen(DomainError):
    """The checkout was already turned into an order, or never existed."""

    code = "checkout_not_open"
    status = 409

    def __init__(self) -> None:
        super().__init__(gettext("This checkout is closed. Your cart is empty now."))


class EmptyCheckout(InvalidInput):
    code = "empty_cart"

    def __init__(self) -> None:
        super().__init__(gettext("Your cart is empty. Add something first."))


class VariantUnavailable(InvalidInput):
    code = "unavailable"

    def __init__(self, *, name: str) -> None:
        super().__init__(gettext("%(name)s is no longer available.") % {"name": name}, name=name)


class QuantityInvalid(InvalidInput):
    code = "quantity_invalid"

    def __init__(self, *, maximum: int) -> None:
        super().__init__(
            gettext("Enter a quantity from 1 to %(max)d.") % {"max": maximum}, maximum=maximum
        )


class CheckoutIncomplete(InvalidInput):
    """A step is missing: the message says which one to finish."""

    code = "checkout_incomplete"

    def __init__(self, message: str, *, step: str) -> None:
        super().__init__(message, step=step)
        self.step = step
