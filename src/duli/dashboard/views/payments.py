"""Payments: the methods shoppers can pay with (each with its settings form and webhook
address) and the payments report (summary, money per day, what needs attention)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from duli.core.crypto import SecretUnreadable
from duli.core.errors import DomainError
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.dashboard.forms_payments import PaymentMethodForm, ReportRangeForm
from duli.dashboard.selectors_payments import (
    payment_method_settings,
    payment_providers_overview,
    payments_by_day,
    payments_report,
)
from duli.dashboard.views.access import domain_error_message, staff_required
from duli.payments.services import payment_method_configure


@staff_required
def payment_method_list(request: HttpRequest) -> HttpResponse:
    shop = shop_settings_get()
    return render(
        request,
        "dashboard/payments/methods.html",
        {
            "providers": payment_providers_overview(shop_currency=shop.currency),
            "shop": shop,
            "nav": "payments",
        },
    )


@staff_required
def payment_method_edit(request: HttpRequest, code: str) -> HttpResponse:
    method = payment_method_settings(code=code)
    if method is None:
        raise Http404
    form = PaymentMethodForm(request.POST if request.method == "POST" else None, method=method)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                payment_method_configure(
                    provider=code,
                    values=form.config_values(),
                    is_enabled=form.cleaned_data["is_enabled"],
                )
            except DomainError as exc:
                field = exc.context.get("field")
                form.add_error(field if field in form.fields else None, domain_error_message(exc))
            except SecretUnreadable:
                form.add_error(None, _unreadable_message())
            else:
                if form.cleaned_data["is_enabled"]:
                    text = _("%(method)s saved. Shoppers can choose it at checkout.")
                else:
                    text = _("%(method)s saved. It is not offered at checkout.")
                messages.success(request, text % {"method": method.label})
                return redirect("dashboard:payment_methods")
        messages.error(request, _("Nothing was saved. Fix the marked fields and save again."))
    webhook_url = (
        ""
        if method.manual
        else request.build_absolute_uri(reverse("payments:webhook", kwargs={"provider": code}))
    )
    return render(
        request,
        "dashboard/payments/method_edit.html",
        {
            "method": method,
            "form": form,
            "webhook_url": webhook_url,
            "unreadable_message": _unreadable_message() if method.unreadable else "",
            "nav": "payments",
        },
        status=status,
    )


def _unreadable_message() -> str:
    return _(
        "The stored keys of this method cannot be read: the shop's secret key was changed "
        "without keeping the old one. Enter every key again, or put the old secret key back "
        "in DULI_SECRET_KEY_FALLBACKS."
    )


@staff_required
def payments_report_view(request: HttpRequest) -> HttpResponse:
    form = ReportRangeForm(request.GET or None)
    start, end = form.range()
    shop = shop_settings_get()
    report = payments_report(start=start, end=end, currency=shop.currency)
    return render(
        request,
        "dashboard/payments/report.html",
        {
            "form": form,
            "report": report,
            "query": f"date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}",
            "shop": shop,
            "nav": "payments",
        },
    )


@staff_required
def payments_report_export(request: HttpRequest) -> HttpResponse:
    """The report's money per day as CSV, for the same dates."""
    form = ReportRangeForm(request.GET or None)
    start, end = form.range()
    currency = shop_settings_get().currency
    days, _others = payments_by_day(start=start, end=end, currency=currency)
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark, so spreadsheets read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Date"),
            pgettext("money", "Received"),
            _("Refunded"),
            pgettext("money", "Net"),
            _("Currency"),
        ]
    )
    for d in days:
        amounts = [Money(a, currency).rounded().amount for a in (d.captured, d.refunded, d.net)]
        writer.writerow([d.day.isoformat(), *amounts, currency])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"payments-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
