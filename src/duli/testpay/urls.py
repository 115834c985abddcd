"""The processor's own pages: the hosted card page and the 3-D Secure challenge."""

from __future__ import annotations

from django.urls import URLPattern, path

from duli.testpay import views

app_name = "testpay"
urlpatterns: list[URLPattern] = [
    path("pay/<str:charge_id>/", views.pay, name="pay"),
    path("pay/<str:charge_id>/retry/", views.retry, name="retry"),
    path("3ds/<str:charge_id>/", views.authenticate, name="authenticate"),
]
