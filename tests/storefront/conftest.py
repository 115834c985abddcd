"""Shared set-up for storefront tests: a shop, and a way to build an indexed catalogue."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from duli.catalog.models import Category, Product
from duli.catalog.search import search_reindex_all
from duli.catalog.services import product_image_add
from duli.core.models import ShopSettings
from duli.core.selectors import shop_settings_get
from duli.testing.factories import CategoryFactory, ProductFactory


@pytest.fixture
def shop(db) -> ShopSettings:
    shop = shop_settings_get()
    shop.set_current_language("en")
    shop.name = "Tea House"
    shop.hero_title = "Fresh leaves, every week"
    shop.shipping_policy = "<p>We ship within two days.</p>"
    shop.save()
    return shop


def png(width: int = 400, height: int = 300) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (40, 120, 90)).save(buffer, "PNG")
    return SimpleUploadedFile("leaf.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def make_products(shop) -> Callable[..., list[Product]]:
    """`make_products(n, category=…, images=True)`: n visible products, indexed for search."""

    def make(
        n: int, *, category: Category | None = None, images: bool = False, **kwargs: object
    ) -> list[Product]:
        category = category or CategoryFactory()
        products = [
            ProductFactory(category=category, variants__price=Decimal(10 + i), **kwargs)
            for i in range(n)
        ]
        if images:
            for product in products:
                product_image_add(product_id=product.pk, file=png(), alt="")
        search_reindex_all()
        return products

    return make
