"""The processor's own pages: the hosted card page and the 3-D Secure challenge."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "testpay"
urlpatterns: list[URLPattern] = []
