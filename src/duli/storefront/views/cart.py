"""The cart: its page, adding from the product page, changing and removing lines.

Every write is a POST that works as a plain form (redirect back to the cart with a
message) and, for cart.js and product.js, as a fetch: `Accept: application/json` gets
{count, message} or a 4xx {code, message}; `X-Duli-Fragment: 1` gets the cart's body
re-rendered (template partial `storefront/cart/cart.html#cart-body`) with the new count in
the `X-Cart-Count` header. The client sends a variant and a quantity, never a price.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from duli.checkout.selectors import checkout_cart
from duli.checkout.services import checkout_line_add, checkout_line_remove, checkout_line_update
from duli.core.errors import DomainError, InvalidInput
from duli.storefront.cart_presenters import CartView, cart_view
from duli.storefront.cart_session import cart_count, cart_get, cart_get_or_create
from duli.storefront.private import (
    error_json,
    invalid_json,
    private_page,
    wants_fragment,
    wants_json,
)

CART_TEMPLATE = "storefront/cart/cart.html"


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _cart_view(request: HttpRequest) -> CartView | None:
    checkout = cart_get(request)
    return cart_view(checkout_cart(checkout=checkout)) if checkout is not None else None


def _context(request: HttpRequest, line_errors: dict[int, str] | None = None) -> dict[str, Any]:
    return {
        "cart": _cart_view(request),
        "line_errors": line_errors or {},
        "page_title": _("Your cart"),
        "noindex": True,
    }


@private_page
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    get_token(request)  # even an empty cart hands out the CSRF cookie the page's script needs
    return render(request, CART_TEMPLATE, _context(request))


def _fragment(
    request: HttpRequest, line_errors: dict[int, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _context(request, line_errors)
    response = render(request, f"{CART_TEMPLATE}#cart-body", context, status=status)
    view = context["cart"]
    response["X-Cart-Count"] = str(view.totals.count if view is not None else 0)
    return response


@private_page
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Put a variant in the cart (the product page's button)."""
    variant_id = _int(request.POST.get("variant"))
    quantity = _int(request.POST.get("quantity") or "1")
    if variant_id is None or quantity is None:
        message = _("Choose an option first.") if variant_id is None else _("Enter a quantity.")
        if wants_json(request):
            return invalid_json(message, field="variant" if variant_id is None else "quantity")
        messages.error(request, message)
        return redirect("storefront:cart")
    try:
        checkout = cart_get_or_create(request)
        checkout_line_add(checkout_id=checkout.pk, variant_id=variant_id, quantity=quantity)
    except DomainError as exc:
        if wants_json(request):
            return error_json(exc)
        messages.error(request, exc.message)
        return redirect("storefront:cart")
    message = ngettext(
        "Added %(n)d item to your cart.", "Added %(n)d items to your cart.", quantity
    ) % {"n": quantity}
    if wants_json(request):
        return JsonResponse(
            {
                "count": cart_count(request),
                "message": message,
                "cart_url": reverse("storefront:cart"),
            }
        )
    messages.success(request, message)
    return redirect("storefront:cart")


def _after_change(request: HttpRequest, error: DomainError | None, line_id: int) -> HttpResponse:
    if wants_fragment(request):
        errors = {line_id: error.message} if error is not None else {}
        return _fragment(request, errors, status=error.status if error is not None else 200)
    if wants_json(request):
        if error is not None:
            return error_json(error)
        return JsonResponse({"count": cart_count(request)})
    if error is not None:
        messages.error(request, error.message)
    return redirect("storefront:cart")


@private_page
@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    """Set a line's quantity. `set` (the +/− buttons) wins over the typed `quantity`."""
    quantity = _int(request.POST.get("set") or request.POST.get("quantity"))
    checkout = cart_get(request)
    if checkout is None:
        return redirect("storefront:cart")
    error: DomainError | None = None
    if quantity is None:
        error = InvalidInput(_("Enter a quantity from 0 to 99."), field="quantity")
    else:
        try:
            checkout_line_update(checkout_id=checkout.pk, line_id=line_id, quantity=quantity)
        except DomainError as exc:
            error = exc
    return _after_change(request, error, line_id)


@private_page
@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    checkout = cart_get(request)
    if checkout is None:
        return redirect("storefront:cart")
    error: DomainError | None = None
    try:
        checkout_line_remove(checkout_id=checkout.pk, line_id=line_id)
    except DomainError as exc:
        error = exc
    return _after_change(request, error, line_id)
