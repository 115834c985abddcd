"""Customers: registered shoppers with their order count and spend, and one shopper's page
(profile, address book, orders including guest orders under their email, lifetime value)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from duli.core.selectors import shop_settings_get
from duli.customers.selectors import addresses_for
from duli.dashboard.forms_orders import CustomerFilterForm
from duli.dashboard.selectors_orders import (
    customer_get,
    customer_orders,
    customer_stats,
    customers_for_dashboard,
)
from duli.dashboard.views.access import staff_required
from duli.dashboard.views.order_page import customer_name

PAGE_SIZE = 25
ORDERS_PAGE_SIZE = 20


@staff_required
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    currency = shop_settings_get().currency
    page = Paginator(customers_for_dashboard(q=q, currency=currency), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/customers/list.html",
        {
            "form": form,
            "q": q,
            "page": page,
            "customers": list(page.object_list),
            "currency": currency,
            "query": query.urlencode(),
            "nav": "customers",
        },
    )


@staff_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = customer_get(user_id=pk)
    if user is None:
        raise Http404
    orders = Paginator(customer_orders(user=user), ORDERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(o, customer_name(o)) for o in orders.object_list]
    return render(
        request,
        "dashboard/customers/detail.html",
        {
            "customer": user,
            "stats": customer_stats(user=user),
            "addresses": [(a, a.as_data().lines()) for a in addresses_for(user_id=user.pk)],
            "orders": orders,
            "rows": rows,
            "nav": "customers",
        },
    )
