"""Dashboard URLs for tax, included from `urls.py` into the "dashboard" namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
