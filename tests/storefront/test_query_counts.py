"""No N+1: a page costs the same number of queries with 3 products as with 30."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duli.catalog.services import (
    OptionInput,
    VariantInput,
    collection_products_set,
    collection_save,
    product_image_add,
    product_options_set,
    variant_save,
)
from duli.testing.factories import CategoryFactory, ProductFactory

from .conftest import png

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_home_queries_do_not_grow_with_products(client, make_products):
    collection = collection_save(translations={"en": {"name": "Picks"}}, featured_on_home=True)
    few = make_products(3, images=True)
    collection_products_set(collection_id=collection.pk, product_ids=[p.pk for p in few])
    with_three = _queries(client, "/")

    more = make_products(27, images=True)
    collection_products_set(collection_id=collection.pk, product_ids=[p.pk for p in [*few, *more]])
    with_thirty = _queries(client, "/")

    assert with_three == with_thirty


def test_category_page_queries_do_not_grow_with_products(client, make_products):
    small, big = CategoryFactory(), CategoryFactory()
    make_products(3, category=small, images=True)
    make_products(30, category=big, images=True)

    assert _queries(client, small.get_absolute_url()) == _queries(client, big.get_absolute_url())


def _product_with_variants(n_sizes: int, n_images: int) -> str:
    product = ProductFactory(variants=0)
    (option,) = product_options_set(
        product_id=product.pk,
        options=[
            OptionInput(
                code="size",
                names={"en": "Size"},
                values=[{"code": f"s{i}", "en": f"S{i}"} for i in range(n_sizes)],
            )
        ],
    )
    for value in option.values.all():
        variant_save(
            product_id=product.pk,
            data=VariantInput(
                sku=f"{product.slug}-{value.code}", price=Decimal(9), option_value_ids=[value.pk]
            ),
        )
    for _ in range(n_images):
        product_image_add(product_id=product.pk, file=png(), alt="")
    return product.get_absolute_url()


def test_product_page_queries_do_not_grow_with_variants_or_images(client, shop):
    small = _product_with_variants(2, 1)
    big = _product_with_variants(12, 6)

    assert _queries(client, small) == _queries(client, big)
