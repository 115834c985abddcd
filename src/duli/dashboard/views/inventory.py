"""Inventory: stock per variant with a low-stock filter, adjustments and the ledger."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from duli.catalog.models import ProductVariant
from duli.core.errors import DomainError
from duli.dashboard.forms import StockAdjustForm
from duli.dashboard.selectors import variants_for_inventory
from duli.dashboard.views.access import domain_error_message, staff_required
from duli.inventory.models import Warehouse
from duli.inventory.selectors import movements_for_variant, stock_for_variant, variant_display_name
from duli.inventory.services import stock_adjust

PAGE_SIZE = 50


@staff_required
def inventory_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    low_only = request.GET.get("low") == "1"
    page = Paginator(variants_for_inventory(search=search, low_only=low_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/inventory/list.html",
        {
            "page": page,
            "variants": list(page.object_list),
            "search": search,
            "low_only": low_only,
            "query": query.urlencode(),
            "nav": "inventory",
        },
    )


@staff_required
def inventory_variant(request: HttpRequest, pk: int) -> HttpResponse:
    """One variant's stock per warehouse, the adjust form and the movement ledger."""
    variant = ProductVariant.objects.select_related("product").filter(pk=pk).first()
    if variant is None:
        raise Http404
    warehouses = list(Warehouse.objects.filter(is_active=True))
    form = StockAdjustForm(
        request.POST if request.method == "POST" else None, warehouses=warehouses
    )
    if request.method == "POST" and form.is_valid():
        try:
            stock_adjust(variant_id=pk, actor=request.user, **form.service_kwargs())  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(None, domain_error_message(exc))
        else:
            messages.success(request, _("Stock updated."))
            return redirect("dashboard:inventory_variant", pk=pk)
    movements = Paginator(movements_for_variant(variant_id=pk), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dashboard/inventory/variant.html",
        {
            "variant": variant,
            "name": variant_display_name(variant_id=pk),
            "stocks": list(stock_for_variant(variant_id=pk)),
            "form": form,
            "movements": movements,
            "nav": "inventory",
        },
    )
