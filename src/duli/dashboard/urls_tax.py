"""Dashboard URLs for tax, included from `urls.py` into the "dashboard" namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from duli.dashboard.views import tax

urlpatterns: list[URLPattern | URLResolver] = [
    path("tax/", tax.tax_overview, name="tax_overview"),
    path("tax/examples/", tax.tax_examples, name="tax_examples"),
    path("tax/regions/", tax.tax_regions, name="tax_regions"),
    path("tax/classes/new/", tax.tax_class_edit, name="tax_class_create"),
    path("tax/classes/<int:pk>/", tax.tax_class_edit, name="tax_class_edit"),
    path("tax/classes/<int:pk>/delete/", tax.tax_class_delete_view, name="tax_class_delete"),
    path("tax/rates/new/", tax.tax_rate_edit, name="tax_rate_create"),
    path("tax/rates/<int:pk>/", tax.tax_rate_edit, name="tax_rate_edit"),
    path("tax/rates/<int:pk>/delete/", tax.tax_rate_delete_view, name="tax_rate_delete"),
]
