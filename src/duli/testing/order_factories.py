"""Real orders for tests and demos, made the way a shopper makes them: a checkout filled
through the checkout services and placed with `order_place`, then moved on with the merchant
services (paid, shipped, returned). Nothing is written behind the services' back, so the
data has every row a real order has (lines, payment, reservations, timeline).

    shop_ready()                                  # currency, payment methods, a shipping zone
    order = order_placed((variant, 2))            # bank transfer, awaiting payment
    order = order_placed(payment="cod")           # cash on delivery: confirmed at once
    order = order_paid((variant, 1))              # marked paid by staff
    order = order_shipped((variant, 1))           # paid and shipped in full
    rma = return_requested(order_shipped(...))    # the shopper asks to return everything
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from duli.catalog.models import ProductVariant
from duli.checkout.services import (
    checkout_address_set,
    checkout_create,
    checkout_line_add,
    checkout_payment_method_set,
    checkout_shipping_method_set,
)
from duli.core.actors import Actor
from duli.core.selectors import shop_settings_get
from duli.customers.models import User
from duli.orders.models import Order, Return
from duli.orders.services import order_fulfill, order_mark_paid, order_place, return_request
from duli.payments.services import payment_methods_ensure
from duli.shipping.models import ShippingMethod
from duli.testing.factories import VariantFactory
from duli.testing.shipping_factories import ShippingMethodFactory

ADDRESS_US: Mapping[str, str] = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "country_area": "CA",
    "postal_code": "94043",
    "country": "US",
    "phone": "+1 650 253 0000",
}
ADDRESS_CN: Mapping[str, str] = {
    "first_name": "小明",
    "last_name": "王",
    "street_address_1": "世纪大道100号",
    "city": "上海市",
    "city_area": "浦东新区",
    "country_area": "上海市",
    "postal_code": "200120",
    "country": "CN",
    "phone": "+86 21 5888 0000",
}


def key() -> str:
    return uuid.uuid4().hex


def shop_ready(
    *, currency: str = "USD", countries: tuple[str, ...] = ("US", "CN", "GB")
) -> ShippingMethod:
    """A shop that can take orders: its currency, bank transfer and cash on delivery, and a
    flat 5.00 shipping method to `countries` (created once, returned after)."""
    shop = shop_settings_get()
    if shop.currency != currency:
        shop.currency = currency
        shop.save()
    payment_methods_ensure()
    method = ShippingMethod.objects.filter(zone__name="Test delivery", is_active=True).first()
    if method is None:
        method = cast(
            ShippingMethod,
            ShippingMethodFactory(
                zone__name="Test delivery",
                zone__countries=list(countries),
                name="Standard",
                currency=currency,
                price_amount=Decimal("5.00"),
            ),
        )
    return method


def _default_lines() -> tuple[tuple[ProductVariant, int], ...]:
    variant = cast(ProductVariant, VariantFactory(price_amount=Decimal("20.00"), stock=50))
    return ((variant, 1),)


def order_placed(
    *lines: tuple[ProductVariant, int],
    payment: str = "bank_transfer",
    email: str = "ada@example.com",
    address: Mapping[str, str] | None = None,
    billing_address: Mapping[str, str] | None = None,
    user: User | None = None,
    note: str = "",
) -> Order:
    """A placed order for `lines` ((variant, quantity) pairs; default one 20.00 item),
    through checkout and `order_place`. Bank transfer orders await payment; "cod" ones
    are confirmed at once."""
    method = shop_ready()
    checkout = checkout_create(user_id=user.pk if user else None)
    for variant, quantity in lines or _default_lines():
        checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=quantity)
    checkout_address_set(
        checkout_id=checkout.pk,
        email=user.email if user else email,
        shipping_address=dict(address or ADDRESS_US),
        billing_address=dict(billing_address) if billing_address else None,
    )
    checkout_shipping_method_set(checkout_id=checkout.pk, method_id=method.pk)
    checkout_payment_method_set(checkout_id=checkout.pk, provider=payment, note=note)
    actor = Actor.of(user) if user else Actor.customer(email=email)
    return order_place(checkout_id=checkout.pk, actor=actor)


def _staff() -> Actor:
    staff, _ = User.objects.get_or_create(
        email="factory-staff@example.com", defaults={"is_staff": True}
    )
    return Actor.of(staff)


def order_paid(*lines: tuple[ProductVariant, int], **kwargs: Any) -> Order:
    """A bank transfer order marked paid by staff (confirmed, stock sold)."""
    order = order_placed(*lines, **kwargs)
    return order_mark_paid(order_id=order.pk, actor=_staff(), idempotency_key=key())


def order_shipped(*lines: tuple[ProductVariant, int], **kwargs: Any) -> Order:
    """A paid order shipped in full, in one parcel without tracking."""
    order = order_paid(*lines, **kwargs)
    order_fulfill(
        order_id=order.pk,
        lines={line.pk: line.quantity for line in order.lines.all()},
        actor=_staff(),
        idempotency_key=key(),
    )
    order.refresh_from_db()
    return order


def return_requested(order: Order, *, reason: str = "wrong_size", note: str = "") -> Return:
    """The shopper asks to return every shipped unit of `order`."""
    return return_request(
        order_id=order.pk,
        lines={line.pk: line.quantity_fulfilled for line in order.lines.all()},
        reason=reason,
        actor=Actor.customer(email=order.email),
        note=note,
    )
