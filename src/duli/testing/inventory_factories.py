"""Factories for stock data beyond the default warehouse (see `duli.testing.factories`).

`VariantFactory(stock=10)` already puts 10 units in the default warehouse; use these for a
second warehouse or for a variant with options ("Linen Shirt (Blue / M)").
"""

from __future__ import annotations

from typing import Any, cast

import factory

from duli.catalog.models import Product, ProductVariant
from duli.inventory.models import Stock, Warehouse
from duli.testing.factories import ProductFactory, VariantFactory, option_with_values


class WarehouseFactory(factory.django.DjangoModelFactory):
    """A non-default warehouse (the default one comes from `VariantFactory(stock=…)`)."""

    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"warehouse-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    is_default = False
    is_active = True


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    variant = factory.SubFactory(VariantFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    on_hand = 10
    reserved = 0


def variant_with_options(
    *, product_name: str = "Linen Shirt", values: dict[str, str] | None = None, **kwargs: Any
) -> ProductVariant:
    """A variant of a new product with one value per option, e.g. {"Colour": "Blue",
    "Size": "M"}; extra keyword arguments go to VariantFactory (stock=…, sku=…)."""
    product = cast(Product, ProductFactory(name=product_name, variants=0))
    variant = cast(ProductVariant, VariantFactory(product=product, **kwargs))
    for name, value in (values or {"Colour": "Blue", "Size": "M"}).items():
        (option_value,) = option_with_values(product, name.lower(), name, [value])
        variant.option_values.add(option_value)
    return variant
