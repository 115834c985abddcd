"""Reads of payment methods and payments."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from duli.core.crypto import SecretUnreadable, secret_decrypt
from duli.payments.models import Payment, PaymentMethod
from duli.payments.providers.base import PaymentProvider
from duli.payments.providers.registry import installed

log = logging.getLogger(__name__)


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
    return _instance(cls, row)


def payment_provider_configured(*, code: str) -> PaymentProvider | None:
    """The provider as configured, enabled or not: payments started before the merchant
    turned a method off still receive webhooks, refunds and status queries."""
    cls = installed().get(code)
    row = PaymentMethod.objects.filter(provider=code).first()
    if cls is None or row is None:
        return None
    return _instance(cls, row)


def method_config(row: PaymentMethod) -> dict[str, object]:
    """Plain settings and decrypted secrets together, as the provider reads them."""
    return {**row.config, **secret_decrypt(row.secrets)}


def _instance(cls: type[PaymentProvider], row: PaymentMethod) -> PaymentProvider | None:
    """The provider with its settings; None (and an error in the log for the operator)
    when its secrets can no longer be read, so the method is unavailable rather than a
    server error at checkout or on a webhook."""
    try:
        return cls(config=method_config(row))
    except SecretUnreadable:
        log.error("the secrets of payment method %s cannot be decrypted", row.provider)
        return None


def payment_methods_available(
    *, currency: str = "", country: str = ""
) -> list[PaymentMethodOption]:
    """The methods a shopper can choose at checkout, in the merchant's order: enabled, and
    serving the order's currency and the shopper's country."""
    classes = installed()
    options = []
    for row in PaymentMethod.objects.filter(is_enabled=True):
        cls = classes.get(row.provider)
        if cls is None:
            continue
        if currency and cls.currencies and currency not in cls.currencies:
            continue
        if country and cls.countries and country not in cls.countries:
            continue
        options.append(
            PaymentMethodOption(
                provider=row.provider,
                label=cls(config=row.config).label(),
                ships_before_payment=cls.ships_before_payment,
            )
        )
    return options


def payments_for_order(*, order_id: int) -> list[Payment]:
    return list(Payment.objects.filter(order_id=order_id).prefetch_related("transactions"))
