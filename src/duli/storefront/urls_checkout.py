"""Storefront URLs for the cart, the checkout and the order confirmation, included in the language-prefixed shopper pages of `urls.py`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
