"""Dashboard URLs for payments, included from `urls.py` into the "dashboard" namespace.

payment_methods (every installed provider), payment_method (one provider's settings),
payments_report and payments_report_export (its money per day as CSV).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from duli.dashboard.views import payments

urlpatterns: list[URLPattern | URLResolver] = [
    path("payments/", payments.payment_method_list, name="payment_methods"),
    path("payments/report/", payments.payments_report_view, name="payments_report"),
    path(
        "payments/report/export.csv",
        payments.payments_report_export,
        name="payments_report_export",
    ),
    path("payments/<slug:code>/", payments.payment_method_edit, name="payment_method"),
]
