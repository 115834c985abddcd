"""Template helpers for the order and customer pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(rate: Decimal | None) -> str:
    """A tax rate stored as a fraction (0.080000) as "8 %" ("8.25 %"), in the page's locale."""
    if rate is None:
        return "—"
    value = (Decimal(rate) * 100).normalize()
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    return f"{number_format(value, decimal_pos=places)} %"
