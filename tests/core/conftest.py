"""A branded shop for the mail and document tests."""

from __future__ import annotations

import pytest

from duli.core.models import ShopSettings
from duli.core.selectors import shop_settings_get


@pytest.fixture
def shop(db) -> ShopSettings:
    shop = shop_settings_get()
    shop.primary_color = "#1f6f5c"
    shop.contact_email = "hello@teahouse.example"
    shop.country = "DE"
    shop.set_current_language("en")
    shop.name = "Tea House"
    shop.save()
    shop.set_current_language("zh-hans")
    shop.name = "茶馆"
    shop.save()
    shop.set_current_language("en")
    return shop
