"""Refusals of the payment services."""

from __future__ import annotations

from django.utils.translation import gettext

from duli.core.errors import DomainError, InvalidInput
from duli.core.money import Money


class PaymentMethodUnavailable(InvalidInput):
    code = "payment_method_unavailable"

    def __init__(self, *, provider: str) -> None:
        super().__init__(
            gettext("That payment method is not available. Choose another one."),
            provider=provider,
        )


class AmountTooLarge(DomainError):
    code = "amount_too_large"
    status = 409

    def __init__(self, *, limit: Money, what: str) -> None:
        super().__init__(
            gettext("The amount is more than the %(what)s (%(limit)s).")
            % {"what": what, "limit": limit.format()},
            limit=str(limit.amount),
        )


class PaymentNotWaiting(DomainError):
    code = "payment_not_waiting"
    status = 409

    def __init__(self) -> None:
        super().__init__(gettext("This payment is no longer waiting to be paid."))
