"""Fixtures shared by the order, checkout and payment tests (a pytest plugin, see
tests/conftest.py). A shop ready to sell: US shipping zone with a flat method, manual payment methods, a
helper that fills a checkout as a shopper would, and a recorder of domain events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest

from duli.catalog.models import ProductVariant
from duli.checkout.models import Checkout
from duli.checkout.services import (
    checkout_address_set,
    checkout_create,
    checkout_line_add,
    checkout_payment_method_set,
    checkout_shipping_method_set,
)
from duli.core.actors import Actor
from duli.orders.models import Order
from duli.orders.services import order_place
from duli.shipping.models import ShippingMethod
from duli.testing.checkout_factories import shipping_ready, shop_ready
from duli.testing.factories import StaffFactory, VariantFactory

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "country_area": "CA",
    "postal_code": "94043",
    "country": "US",
}

CUSTOMER = Actor.customer(email="ada@example.com")


@pytest.fixture
def shop(db):
    return shop_ready(
        name="Duli Shop",
        contact_email="owner@example.com",
        bank_transfer_instructions="IBAN DE00 1234",
    )


@pytest.fixture
def shipping_method(shop) -> ShippingMethod:
    return shipping_ready(delivery_estimate="3–5 days")


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_actor(staff) -> Actor:
    return Actor.of(staff)


@pytest.fixture
def variant(shop) -> ProductVariant:
    return VariantFactory(price_amount=Decimal("20.00"), stock=5)


FillCheckout = Callable[..., Checkout]


@pytest.fixture
def filled_checkout(shipping_method) -> FillCheckout:
    """A checkout with the given (variant, quantity) lines, ready to place."""

    def fill(
        *lines: tuple[ProductVariant, int],
        payment: str = "bank_transfer",
        email: str = "ada@example.com",
    ) -> Checkout:
        checkout = checkout_create()
        for v, qty in lines:
            checkout_line_add(checkout_id=checkout.pk, variant_id=v.pk, quantity=qty)
        checkout_address_set(checkout_id=checkout.pk, email=email, shipping_address=ADDRESS)
        checkout_shipping_method_set(checkout_id=checkout.pk, method_id=shipping_method.pk)
        checkout_payment_method_set(checkout_id=checkout.pk, provider=payment)
        checkout.refresh_from_db()
        return checkout

    return fill


PlaceOrder = Callable[..., Order]


@pytest.fixture
def placed(filled_checkout, django_capture_on_commit_callbacks) -> PlaceOrder:
    """Place an order for the given lines (after-commit handlers run)."""

    def place(*lines: tuple[ProductVariant, int], payment: str = "bank_transfer") -> Order:
        checkout = filled_checkout(*lines, payment=payment)
        with django_capture_on_commit_callbacks(execute=True):
            return order_place(checkout_id=checkout.pk, actor=CUSTOMER)

    return place


def key() -> str:
    return uuid.uuid4().hex
