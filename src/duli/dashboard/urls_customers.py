"""Dashboard URLs for customers, included from `urls.py` into the "dashboard" namespace:
customer_list, customer_detail."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from duli.dashboard.views import customers

urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
]
