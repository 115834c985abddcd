"""The shop's look in messages and documents: logo, colours, address, absolute links.

Emails and PDFs are read away from the shop (a mail client, a printer), so every link in
them is absolute and every colour is checked for readable text on top of it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation

from duli.core.models import ShopSettings


def site_url() -> str:
    """The shop's public origin (DULI_SITE_URL) without a trailing slash."""
    return str(settings.DULI_SITE_URL).rstrip("/")


def absolute_url(url: str) -> str:
    """`/media/x.png` -> `https://shop.example.com/media/x.png`; absolute URLs stay as they are."""
    if urlsplit(url).scheme:
        return url
    return f"{site_url()}/{url.lstrip('/')}"


def shop_logo_url(shop: ShopSettings) -> str:
    """Absolute URL of the shop's logo, or "" when it has none."""
    return absolute_url(shop.logo.url) if shop.logo else ""


def shop_address_lines(shop: ShopSettings) -> list[str]:
    """The shop's business address as lines (as the merchant typed it), then its country
    in the active language: every email footer and document header shows them."""
    lines = [line.strip() for line in (shop.address or "").splitlines() if line.strip()]
    country = _country_name(shop.country, translation.get_language() or settings.LANGUAGE_CODE)
    if country:
        lines.append(country)
    return lines


def _country_name(code: str, language: str) -> str:
    try:
        locale = Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code.upper(), code.upper())) if code else ""


def text_color_on(background: str) -> str:
    """Dark or white text, whichever reads better on `background` (#rrggbb)."""
    try:
        red, green, blue = (int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return "#ffffff"

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    # Contrast against white is (1.05)/(L+0.05), against #1b1b1b about (L+0.05)/0.061.
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.061 else "#1b1b1b"
