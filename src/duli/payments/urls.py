"""Endpoints providers call: one webhook URL per provider."""

from __future__ import annotations

from django.urls import path

from duli.payments import views

app_name = "payments"
urlpatterns = [
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
]
