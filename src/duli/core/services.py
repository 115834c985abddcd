"""Writes of shop-level settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from duli.core.events import event_publish
from duli.core.models import ShopSettings
from duli.core.selectors import shop_settings_forget


def catalog_version_bump() -> None:
    """Invalidate every cached storefront page (their keys carry this version)."""
    ShopSettings.objects.filter(pk=1).update(catalog_version=F("catalog_version") + 1)


def shop_settings_update(*, language: str, **values: Any) -> ShopSettings:
    """Save merchant settings; the storefront shows them on the next request."""
    with transaction.atomic():
        shop, _ = ShopSettings.objects.select_for_update().get_or_create(pk=1)
        shop.set_current_language(language)
        for name, value in values.items():
            setattr(shop, name, value)
        shop.save()
        ShopSettings.objects.filter(pk=1).update(catalog_version=F("catalog_version") + 1)
        event_publish("shop.settings_changed")
    shop_settings_forget()
    shop.refresh_from_db()
    return shop
