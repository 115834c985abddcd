"""Factories for carts, checkouts and a shop that can sell (see `duli.testing.factories`).

`shop_ready()` sets a USD shop in the US with bank transfer and cash on delivery enabled;
`shipping_ready()` adds a zone with a flat "Standard" method; `checkout_ready((variant, 2))`
fills a checkout through the checkout services, as a shopper would, up to "Place order".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import cast

from duli.catalog.models import ProductVariant
from duli.checkout.models import Checkout
from duli.checkout.services import (
    checkout_address_set,
    checkout_create,
    checkout_line_add,
    checkout_payment_method_set,
    checkout_shipping_method_set,
)
from duli.core.models import ShopSettings
from duli.core.selectors import shop_settings_get
from duli.payments.services import payment_methods_ensure
from duli.shipping.models import ShippingMethod
from duli.testing.customers_factories import US_ADDRESS
from duli.testing.shipping_factories import ShippingMethodFactory

BANK_DETAILS = "Tea House Ltd · IBAN DE89 3704 0044 0532 0130 00"


def shop_ready(
    *,
    currency: str = "USD",
    country: str = "US",
    prices_include_tax: bool = False,
    bank_transfer_instructions: str = BANK_DETAILS,
    name: str = "Tea House",
    contact_email: str = "",
) -> ShopSettings:
    """The shop's settings for selling, with the manual payment methods enabled."""
    shop = shop_settings_get()
    shop.contact_email = contact_email
    shop.currency = currency
    shop.country = country
    shop.prices_include_tax = prices_include_tax
    shop.set_current_language("en")
    shop.name = name
    shop.bank_transfer_instructions = bank_transfer_instructions
    shop.save()
    payment_methods_ensure()
    return shop


def shipping_ready(
    *,
    countries: Iterable[str] = ("US",),
    price: str = "5.00",
    name: str = "Standard",
    delivery_estimate: str = "3–5 business days",
    kind: str = "flat",
    currency: str = "USD",
    pickup_address: str = "",
) -> ShippingMethod:
    """An active method in a zone covering `countries`."""
    return cast(
        ShippingMethod,
        ShippingMethodFactory(
            zone__countries=list(countries),
            name=name,
            delivery_estimate=delivery_estimate,
            kind=kind,
            currency=currency,
            price_amount=Decimal(price),
            pickup_address=pickup_address,
        ),
    )


def checkout_ready(
    *lines: tuple[ProductVariant, int],
    method: ShippingMethod,
    email: str = "ada@example.com",
    address: Mapping[str, str] = US_ADDRESS,
    payment: str = "bank_transfer",
    user_id: int | None = None,
) -> Checkout:
    """A checkout with `lines`, an address, `method` and a payment method: ready to place."""
    checkout = checkout_create(user_id=user_id)
    for variant, quantity in lines:
        checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=quantity)
    checkout_address_set(checkout_id=checkout.pk, email=email, shipping_address=dict(address))
    checkout_shipping_method_set(checkout_id=checkout.pk, method_id=method.pk)
    checkout_payment_method_set(checkout_id=checkout.pk, provider=payment)
    checkout.refresh_from_db()
    return checkout
