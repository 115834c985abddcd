"""Reads of shop-level settings."""

from __future__ import annotations

from django.conf import settings

from duli.core.models import ShopSettings


def shop_settings_get() -> ShopSettings:
    """The shop's settings row, created with defaults on first use."""
    shop = ShopSettings.objects.prefetch_related("translations").filter(pk=1).first()
    if shop is None:
        shop, created = ShopSettings.objects.get_or_create(pk=1)
        if created:
            shop.set_current_language(settings.LANGUAGE_CODE)
            shop.name = "Duli Shop"
            shop.save()
    return shop


def shop_languages(shop: ShopSettings) -> list[tuple[str, str]]:
    """The languages the shop offers, in settings order."""
    enabled = set(shop.languages or [])
    return [(code, name) for code, name in settings.LANGUAGES if not enabled or code in enabled]


def shop_cache_state() -> tuple[int, str]:
    """(catalog_version, currency) in one narrow query: all a cached page needs to be served."""
    row = ShopSettings.objects.filter(pk=1).values_list("catalog_version", "currency").first()
    if row is None:
        shop = shop_settings_get()
        return shop.catalog_version, shop.currency
    return row
