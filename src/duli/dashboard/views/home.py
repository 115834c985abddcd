"""The dashboard's first page: counts and what needs attention."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duli.dashboard.selectors import dashboard_counts
from duli.dashboard.selectors_orders import orders_to_handle
from duli.dashboard.views.access import staff_required
from duli.inventory.selectors import open_low_stock_alerts


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/home.html",
        {
            "counts": dashboard_counts(),
            "alerts": list(open_low_stock_alerts()[:8]),
            "to_handle": orders_to_handle(),
            "nav": "home",
        },
    )
