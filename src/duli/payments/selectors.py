"""Reads of payment methods and payments."""

from __future__ import annotations

from dataclasses import dataclass

from duli.payments.models import Payment, PaymentMethod
from duli.payments.providers.base import PaymentProvider
from duli.payments.providers.registry import installed


@dataclass(frozen=True, slots=True)
class PaymentMethodOption:
    provider: str
    label: str
    ships_before_payment: bool


def payment_provider(*, code: str) -> PaymentProvider | None:
    """An instance of an installed, enabled provider with its stored config, or None."""
    cls = installed().get(code)
    if cls is None:
        return None
    row = PaymentMethod.objects.filter(provider=code, is_enabled=True).first()
    if row is None:
        return None
    return cls(config=row.config)


def payment_methods_available() -> list[PaymentMethodOption]:
    """The methods a shopper can choose at checkout, in the merchant's order."""
    classes = installed()
    return [
        PaymentMethodOption(
            provider=row.provider,
            label=classes[row.provider](config=row.config).label(),
            ships_before_payment=classes[row.provider].ships_before_payment,
        )
        for row in PaymentMethod.objects.filter(is_enabled=True)
        if row.provider in classes
    ]


def payments_for_order(*, order_id: int) -> list[Payment]:
    return list(Payment.objects.filter(order_id=order_id).prefetch_related("transactions"))
