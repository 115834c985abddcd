"""The product list with search, filters and bulk actions (confirmed on a second page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from duli.catalog.models import Product, ProductStatus
from duli.catalog.services import products_delete, products_set_status
from duli.core.errors import DomainError
from duli.dashboard.forms import BulkProductsForm
from duli.dashboard.selectors import categories_all, products_for_dashboard
from duli.dashboard.views.access import domain_error_message, staff_required

PAGE_SIZE = 25


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@staff_required
def product_list(request: HttpRequest) -> HttpResponse:
    q = request.GET
    filters: dict[str, Any] = {
        "search": q.get("q", "").strip(),
        "status": q.get("status", ""),
        "category_id": _int_or_none(q.get("category")),
        "low_stock": q.get("low_stock") == "1",
    }
    page = Paginator(products_for_dashboard(**filters), PAGE_SIZE).get_page(q.get("page"))
    query = q.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/products/list.html",
        {
            "page": page,
            "products": list(page.object_list),
            "filters": filters,
            "statuses": ProductStatus.choices,
            "categories": categories_all(),
            "query": query.urlencode(),
            "bulk_actions": [(k, v[0]) for k, v in BulkProductsForm.ACTIONS.items()],
            "nav": "products",
        },
    )


@staff_required
@require_POST
def product_bulk(request: HttpRequest) -> HttpResponse:
    """First POST shows what will change; the POST with `confirm` does it."""
    form = BulkProductsForm(request.POST)
    back = request.POST.get("next") or ""
    if not back.startswith("/dashboard/"):
        back = ""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back or "dashboard:product_list")
    action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
    label, status = BulkProductsForm.ACTIONS[action]
    if not form.cleaned_data["confirm"]:
        products = Product.objects.filter(pk__in=ids).prefetch_related("translations")
        return render(
            request,
            "dashboard/products/bulk_confirm.html",
            {
                "action": action,
                "label": label,
                "products": products,
                "next": back,
                "nav": "products",
            },
        )
    try:
        if status is None:
            count = products_delete(product_ids=ids)
            note = ngettext("Deleted %(n)d product.", "Deleted %(n)d products.", count)
        else:
            count = products_set_status(product_ids=ids, status=status)
            note = ngettext(
                "%(label)s: %(n)d product changed.", "%(label)s: %(n)d products changed.", count
            )
    except DomainError as exc:
        messages.error(request, domain_error_message(exc))
    else:
        messages.success(request, note % {"n": count, "label": label})
    return redirect(back or "dashboard:product_list")


@staff_required
@require_POST
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    count = products_delete(product_ids=[pk])
    if count:
        messages.success(request, _("The product was deleted."))
    return redirect("dashboard:product_list")
