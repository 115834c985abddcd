"""Fixtures shared by the cart, checkout and order page tests (imported by name there)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from duli.catalog.models import ProductVariant
from duli.checkout.models import Checkout
from duli.shipping.models import ShippingMethod
from duli.storefront.cart_session import SESSION_KEY
from duli.testing.checkout_factories import shipping_ready, shop_ready
from duli.testing.factories import ProductFactory, VariantFactory

__all__ = ["add", "cart_of", "method", "second_variant", "selling", "variant"]


@pytest.fixture
def selling(shop):  # type: ignore[no-untyped-def]
    """The storefront's "Tea House" shop, set up to sell in USD to the US."""
    return shop_ready()


@pytest.fixture
def method(selling) -> ShippingMethod:  # type: ignore[no-untyped-def]
    return shipping_ready()


@pytest.fixture
def variant(selling) -> ProductVariant:  # type: ignore[no-untyped-def]
    product = ProductFactory(name="Oolong", variants=0)
    return VariantFactory(product=product, price_amount=Decimal("20.00"), stock=5)


@pytest.fixture
def second_variant(selling) -> ProductVariant:  # type: ignore[no-untyped-def]
    product = ProductFactory(name="Green tea", variants=0)
    return VariantFactory(product=product, price_amount=Decimal("8.50"), stock=20)


def add(
    client: Client,
    variant: ProductVariant,
    quantity: int = 1,
    path: str = "/cart/add/",
    **headers: Any,
) -> Any:
    """Press "Add to cart" (as product.js does, unless headers say otherwise)."""
    headers.setdefault("HTTP_ACCEPT", "application/json")
    return client.post(path, {"variant": variant.pk, "quantity": quantity}, **headers)


def cart_of(client: Client) -> Checkout:
    return Checkout.objects.get(pk=client.session[SESSION_KEY])
