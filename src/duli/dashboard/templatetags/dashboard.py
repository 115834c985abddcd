"""Template helpers for the dashboard: money, status badges, translated names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from duli.core.money import Money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "USD") -> str:
    """`{{ variant.price_amount|money:variant.currency }}` in the page's locale."""
    if amount is None:
        return "—"
    return Money(Decimal(amount), currency or "USD").format(get_language() or "en")


@register.filter
def price_range(product: Any) -> str:
    lo, hi = product.min_price_amount, product.max_price_amount
    if lo is None:
        return "—"
    if hi is None or lo == hi:
        return money(lo, product.currency)
    return f"{money(lo, product.currency)} – {money(hi, product.currency)}"


@register.filter
def first_image(product: Any) -> Any:
    """The main image from the prefetched images, or None."""
    images = list(product.images.all())
    return images[0] if images else None


@register.filter
def translation(obj: Any, arg: str) -> str:
    """`{{ category|translation:"zh-hans" }}`: the name in one language, "" when missing."""
    for t in obj.translations.all():
        if t.language_code == arg:
            return str(getattr(t, "name", "") or "")
    return ""


@register.filter
def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


@register.simple_tag
def lang_label(code: str) -> str:
    from django.conf import settings

    return dict(settings.LANGUAGES).get(code, code)
