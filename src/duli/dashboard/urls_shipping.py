"""Dashboard URLs for shipping, included from `urls.py` into the "dashboard" namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from duli.dashboard.views import shipping

urlpatterns: list[URLPattern | URLResolver] = [
    path("shipping/", shipping.shipping_zone_list, name="shipping_zone_list"),
    path("shipping/defaults/", shipping.shipping_defaults, name="shipping_defaults"),
    path("shipping/zones/new/", shipping.shipping_zone_edit, name="shipping_zone_create"),
    path("shipping/zones/<int:pk>/", shipping.shipping_zone_edit, name="shipping_zone_edit"),
    path(
        "shipping/zones/<int:pk>/delete/",
        shipping.shipping_zone_delete_view,
        name="shipping_zone_delete",
    ),
    path(
        "shipping/zones/<int:zone_pk>/methods/new/",
        shipping.shipping_method_edit,
        name="shipping_method_create",
    ),
    path("shipping/methods/<int:pk>/", shipping.shipping_method_edit, name="shipping_method_edit"),
    path(
        "shipping/methods/<int:pk>/delete/",
        shipping.shipping_method_delete_view,
        name="shipping_method_delete",
    ),
    path("shipping/carriers/", shipping.carrier_list, name="carrier_list"),
    path("shipping/carriers/new/", shipping.carrier_edit, name="carrier_create"),
    path("shipping/carriers/<int:pk>/", shipping.carrier_edit, name="carrier_edit"),
    path("shipping/carriers/<int:pk>/delete/", shipping.carrier_delete_view, name="carrier_delete"),
]
