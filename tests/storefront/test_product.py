"""The product page tells shoppers whether its prices include tax."""

from __future__ import annotations

import pytest

from duli.core.services import shop_settings_update
from duli.testing.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("included", "note"),
    [(True, "Tax included."), (False, "Tax and shipping calculated at checkout.")],
)
def test_the_product_page_says_whether_prices_include_tax(client, shop, included, note):
    shop_settings_update(language="en", prices_include_tax=included)
    product = ProductFactory()
    assert note in client.get(product.get_absolute_url()).content.decode()
