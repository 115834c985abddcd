"""Shop settings for every template, read once per request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from duli.core.selectors import shop_languages, shop_settings_get


def shop(request: HttpRequest) -> dict[str, Any]:
    shop = getattr(request, "_duli_shop", None)
    if shop is None:
        shop = shop_settings_get()
        request._duli_shop = shop  # type: ignore[attr-defined]
    return {"shop": shop, "shop_languages": shop_languages(shop)}
