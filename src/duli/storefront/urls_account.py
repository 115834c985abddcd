"""Storefront URLs for account pages (sign in, sign up, profile, addresses, orders), included in the language-prefixed shopper pages of `urls.py`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
