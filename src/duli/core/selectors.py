"""Reads of shop-level settings."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

from duli.core.models import ShopSettings

# One read of the settings per request: a checkout step asks for them a dozen times (prices,
# tax mode, currency, return window…). Set by `duli.core.middleware.RequestMemoMiddleware`;
# outside a request (tasks, commands) every call reads the database.
_request_shop: ContextVar[list[ShopSettings] | None] = ContextVar("duli_request_shop", default=None)


def shop_settings_get() -> ShopSettings:
    """The shop's settings row, created with defaults on first use."""
    memo = _request_shop.get()
    if memo:
        return memo[0]
    shop = _shop_settings_read()
    if memo is not None:
        memo.append(shop)
    return shop


def shop_settings_forget() -> None:
    """Drop this request's copy of the settings (after they were changed)."""
    memo = _request_shop.get()
    if memo:
        memo.clear()


def _shop_settings_read() -> ShopSettings:
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
