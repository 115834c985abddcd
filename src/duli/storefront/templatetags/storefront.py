"""Template helpers for storefront themes: `{% load storefront %}`."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from duli.catalog.models import Category
from duli.core.models import ShopSettings
from duli.core.selectors import shop_languages
from duli.storefront.context import request_categories
from duli.storefront.i18n import Alternate, page_alternates
from duli.storefront.seo import json_script_block

register = template.Library()
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@register.simple_tag(takes_context=True)
def shop_categories(context: dict[str, Any]) -> list[Category]:
    """Top-level categories for the header menu (read once per request)."""
    request: HttpRequest | None = context.get("request")
    return [c for c in request_categories(request) if c.depth == 0] if request else []


@register.simple_tag(takes_context=True)
def language_alternates(context: dict[str, Any]) -> list[Alternate]:
    """This page in every shop language: for hreflang links and the language switcher."""
    request = context.get("request")
    shop = context.get("shop")
    if request is None or shop is None:
        return []
    return page_alternates(request, shop_languages(shop))


@register.simple_tag
def theme_variables(shop: ShopSettings | None) -> str:
    """The merchant's colours as CSS custom properties (only well-formed hex values)."""
    if shop is None:
        return ""
    rules = []
    for name, value in (("primary", shop.primary_color), ("accent", shop.accent_color)):
        if value and _HEX.match(value):
            rules.append(f"--color-{name}:{value};")
    return "".join(rules)


@register.simple_tag(takes_context=True)
def json_ld(context: dict[str, Any], data: Any) -> SafeString:
    """A JSON-LD block carrying this response's CSP nonce."""
    return json_script_block(data, nonce=context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def json_data(context: dict[str, Any], data: Any, element_id: str) -> SafeString:
    """Data for a page script, as `<script type="application/json" id=… nonce=…>`."""
    return json_script_block(
        data, nonce=context.get("csp_nonce"), kind="application/json", element_id=element_id
    )


@register.simple_tag(takes_context=True)
def absolute(context: dict[str, Any], path: str) -> str:
    request: HttpRequest | None = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    """An icon from the sprite; decorative unless given a label."""
    from django.templatetags.static import static

    href = f"{static('storefront/icons/sprite.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="icon" role="img" aria-label="{}"><use href="{}"></use></svg>', label, href
        )
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href
    )


def swatch_class(colour: str) -> str:
    return f"sw-{colour[1:].lower()}" if _HEX.match(colour or "") else ""


register.filter("swatch_class", swatch_class)


@register.simple_tag(takes_context=True)
def swatch_styles(context: dict[str, Any], colours: Any) -> SafeString:
    """A nonce'd <style> giving each swatch class its colour (the CSP bans style="")."""
    found = sorted({c.lower() for c in colours if c and _HEX.match(c)})
    if not found:
        return SafeString("")
    rules = "".join(f".sw-{c[1:]}{{background-color:{c}}}" for c in found)
    return format_html('<style nonce="{}">{}</style>', context.get("csp_nonce") or "", rules)


@register.filter
def safe_href(url: str) -> str:
    """A merchant-typed link if it is a local path or http(s) URL, else "" (no javascript:)."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if url.lower().startswith(("https://", "http://")) else ""
