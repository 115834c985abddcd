"""Links to an order's page that work without signing in (emails, the confirmation page).

The token is a signature over the order number, so it cannot be guessed or moved to
another order; it does not expire, like the links in any shop's order emails.
"""

from __future__ import annotations

from django.core import signing
from django.urls import NoReverseMatch, reverse

from duli.core.branding import site_url

_SALT = "duli.orders.access"


def order_access_token(*, number: str) -> str:
    return signing.Signer(salt=_SALT).sign(number).split(":", 1)[1]


def order_access_token_valid(*, number: str, token: str) -> bool:
    try:
        return signing.Signer(salt=_SALT).unsign(f"{number}:{token}") == number
    except signing.BadSignature:
        return False


def order_status_url(*, number: str, language: str = "en", absolute: bool = True) -> str:
    """The shopper's order page with its access token, e.g. for emails."""
    from django.utils import translation

    with translation.override(language):
        try:
            path = reverse("storefront:order_status", kwargs={"number": number})
        except NoReverseMatch:  # storefront order pages not installed
            path = "/"
    url = f"{path}?token={order_access_token(number=number)}"
    return f"{site_url()}{url}" if absolute else url
