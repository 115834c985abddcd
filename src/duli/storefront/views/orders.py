"""A shopper's orders: the confirmation after placing, the status page (parcels, returns,
timeline), "Find your order" for guests, the account's order history and "Buy again".

Who may see an order page:
  - whoever holds its signed link (`?token=…`, from the emails; see `links.order_status_url`),
  - the browser that placed it or found it through "Find your order" (the session
    remembers the number),
  - the signed-in shopper who placed it, or whose verified email a guest order was placed
    with.
Anyone else is sent to "Find your order" (signed out) or gets a 404 (signed in), so an
order number alone reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duli.checkout.services import checkout_line_add
from duli.core.actors import Actor
from duli.core.errors import DomainError
from duli.customers.selectors import user_emails_verified
from duli.inventory.errors import OutOfStock
from duli.orders.documents import order_invoice_pdf
from duli.orders.links import order_access_token_valid
from duli.orders.models import Order
from duli.orders.selectors import order_detail, order_for_guest, orders_for_customer
from duli.orders.services import (
    RETURN_REASONS,
    return_deadline,
    return_request,
    returnable_quantities,
)
from duli.orders.states import OrderStatus
from duli.storefront.cache import request_shop
from duli.storefront.cart_session import cart_get_or_create, order_remember, order_remembered
from duli.storefront.forms_checkout import LookupForm, ReturnForm
from duli.storefront.links import order_status_url
from duli.storefront.order_presenters import order_rows, order_view
from duli.storefront.private import private_page

__all__ = ["order_status_url"]  # for emails: the signed link to an order's page

LOOKUP_LIMIT = 10  # tries of "Find your order" …
LOOKUP_WINDOW = 10 * 60  # … per IP address in this many seconds
HISTORY_LIMIT = 100


# ---------------------------------------------------------------- access


def _verified_emails(request: HttpRequest) -> list[str]:
    emails = getattr(request, "_duli_verified_emails", None)
    if emails is None:
        emails = (
            user_emails_verified(user_id=request.user.pk) if request.user.is_authenticated else []
        )
        request._duli_verified_emails = emails  # type: ignore[attr-defined]
    return emails


def _owns(request: HttpRequest, order: Order) -> bool:
    if not request.user.is_authenticated:
        return False
    if order.user_id is not None:
        return order.user_id == request.user.pk
    return order.email.lower() in _verified_emails(request)


def order_or_refusal(request: HttpRequest, number: str) -> Order | HttpResponse:
    """The order when this visitor may see it; else where to send them."""
    order = order_detail(number=number)
    if order is not None:
        token = request.GET.get("token", "")
        if token and order_access_token_valid(number=order.number, token=token):
            order_remember(request, order.number)
            return order
        if order_remembered(request, order.number) or _owns(request, order):
            return order
    if request.user.is_authenticated:
        raise Http404("no such order for this shopper")
    return redirect(f"{reverse('storefront:order_lookup')}?{urlencode({'number': number.upper()})}")


def _login_redirect(request: HttpRequest) -> HttpResponse:
    try:
        login_url = reverse("account_login")
    except NoReverseMatch:  # shopper accounts not installed: guests look orders up
        return redirect("storefront:order_lookup")
    return redirect_to_login(request.get_full_path(), login_url=login_url)


# ---------------------------------------------------------------- confirmation and status


@private_page
@require_GET
def order_confirmation(request: HttpRequest, number: str) -> HttpResponse:
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    view = order_view(found, full=False, shop=request_shop(request))
    return render(
        request,
        "storefront/orders/confirmation.html",
        {
            "view": view,
            "status_url": reverse("storefront:order_status", kwargs={"number": found.number}),
            "page_title": _("Thank you for your order"),
            "noindex": True,
        },
    )


def _return_state(order: Order) -> dict[str, Any]:
    if order.status == OrderStatus.CANCELED:
        return {"deadline": None, "returns_open": False, "returnable": {}}
    deadline = return_deadline(order=order)
    returnable = {lid: n for lid, n in returnable_quantities(order=order).items() if n > 0}
    is_open = deadline is not None and timezone.now() <= deadline and bool(returnable)
    return {"deadline": deadline, "returns_open": is_open, "returnable": returnable}


def _reasons() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in RETURN_REASONS.items()]


def _status_page(
    request: HttpRequest,
    order: Order,
    *,
    account: bool,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    state = _return_state(order)
    if return_form is None and state["returns_open"]:
        return_form = ReturnForm(returnable=state["returnable"], reasons=_reasons())
    view = order_view(order, return_reasons=dict(_reasons()), shop=request_shop(request))
    returnable_lines = [
        (line, return_form.line_field(line.line_id), state["returnable"][line.line_id])
        for line in view.lines
        if return_form is not None and line.line_id in state["returnable"]
    ]
    return render(
        request,
        "storefront/orders/status.html",
        {
            "view": view,
            "account": account,
            "return_form": return_form if state["returns_open"] else None,
            "returnable_lines": returnable_lines,
            "return_deadline": state["deadline"],
            "returns_open": state["returns_open"],
            "page_title": _("Order %(number)s") % {"number": order.number},
            "noindex": True,
        },
        status=status,
    )


@private_page
@require_GET
def order_invoice(request: HttpRequest, number: str) -> HttpResponse:
    """The invoice PDF, for whoever may see the order."""
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    response = HttpResponse(order_invoice_pdf(order=found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{found.number}.pdf"'
    return response


@private_page
@require_GET
def order_status(request: HttpRequest, number: str) -> HttpResponse:
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    return _status_page(request, found, account=False)


@private_page
@require_POST
def order_return(request: HttpRequest, number: str) -> HttpResponse:
    """Ask to send items back, inside the shop's return window."""
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    state = _return_state(found)
    back = reverse("storefront:order_status", kwargs={"number": found.number})
    if not state["returns_open"]:
        messages.error(request, _("Nothing from this order can be returned now."))
        return redirect(back)
    form = ReturnForm(request.POST, returnable=state["returnable"], reasons=_reasons())
    if form.is_valid():
        try:
            return_request(
                order_id=found.pk,
                lines=form.quantities(),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                actor=Actor.of(request.user, email=found.email),
            )
        except DomainError as exc:
            field = exc.context.get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("We received your return request and will email you about it soon.")
            )
            return redirect(f"{back}#returns")
    return _status_page(request, found, account=False, return_form=form, status=400)


@private_page
@require_POST
def order_buy_again(request: HttpRequest, number: str) -> HttpResponse:
    """Put the order's items in the cart again, as many as can still be bought."""
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    checkout = cart_get_or_create(request)
    added = 0
    missed: list[str] = []
    for line in found.lines.all():
        name = (
            f"{line.product_name} ({line.variant_name})" if line.variant_name else line.product_name
        )
        if line.variant_id is None:
            missed.append(_("%(name)s: no longer sold") % {"name": name})
            continue
        added += _add_what_is_left(checkout.pk, line.variant_id, line.quantity, name, missed)
    if added:
        messages.success(
            request,
            ngettext("Added %(n)d item to your cart.", "Added %(n)d items to your cart.", added)
            % {"n": added},
        )
    if missed:
        messages.warning(
            request, _("Could not add everything: %(items)s.") % {"items": "; ".join(missed)}
        )
    return redirect("storefront:cart")


def _add_what_is_left(
    checkout_id: Any, variant_id: int, quantity: int, name: str, missed: list[str]
) -> int:
    try:
        checkout_line_add(checkout_id=checkout_id, variant_id=variant_id, quantity=quantity)
        return quantity
    except OutOfStock as exc:
        in_cart = exc.requested - quantity
        room = exc.available - in_cart
        if room <= 0:
            missed.append(_("%(name)s: sold out") % {"name": name})
            return 0
        try:
            checkout_line_add(checkout_id=checkout_id, variant_id=variant_id, quantity=room)
        except DomainError as again:
            missed.append(f"{name}: {again.message}")
            return 0
        missed.append(_("%(name)s: only %(n)d added") % {"name": name, "n": room})
        return room
    except DomainError as exc:
        missed.append(f"{name}: {exc.message}")
        return 0


# ---------------------------------------------------------------- find your order


def _client_ip(request: HttpRequest) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except Exception:  # no address at all: count every such visitor together
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def _lookup_allowed(request: HttpRequest) -> bool:
    """Count one try of this IP; False after LOOKUP_LIMIT tries in the current window.

    Windows are fixed slices of the clock (not a TTL started by the first try), so the
    count resets at the same moment on every cache backend, Redis included."""
    window = int(timezone.now().timestamp() // LOOKUP_WINDOW)
    key = f"duli:order-lookup:{_client_ip(request)}:{window}"
    cache.add(key, 0, LOOKUP_WINDOW)
    try:
        tries = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LOOKUP_WINDOW)
        tries = 1
    return tries <= LOOKUP_LIMIT


@private_page
@require_http_methods(["GET", "POST"])
def order_lookup(request: HttpRequest) -> HttpResponse:
    """Guests find an order by its number and their email; one message for any wrong pair."""
    form = LookupForm(request.POST or None, initial={"number": request.GET.get("number", "")[:20]})
    status = 200
    if request.method == "POST":
        if not _lookup_allowed(request):
            form.is_valid()
            form.add_error(None, _("Too many tries. Wait 10 minutes, then try again."))
            status = 429
        elif form.is_valid():
            order = order_for_guest(
                number=form.cleaned_data["number"], email=form.cleaned_data["email"]
            )
            if order is not None:
                order_remember(request, order.number)
                return redirect("storefront:order_status", number=order.number)
            form.add_error(
                None,
                _(
                    "We could not find an order with that number and email. Check both and try again."
                ),
            )
            status = 400
        else:
            status = 400
    return render(
        request,
        "storefront/orders/lookup.html",
        {"form": form, "page_title": _("Find your order"), "noindex": True},
        status=status,
    )


# ---------------------------------------------------------------- account


@private_page
@require_GET
def account_orders(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    orders = list(
        orders_for_customer(
            user_id=request.user.pk, emails=_verified_emails(request)
        ).prefetch_related("lines", "fulfillments")[:HISTORY_LIMIT]
    )
    return render(
        request,
        "storefront/orders/history.html",
        {"rows": order_rows(orders), "page_title": _("Your orders"), "noindex": True},
    )


@private_page
@require_GET
def account_order(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    order = order_detail(number=number)
    if order is None or not _owns(request, order):
        raise Http404("no such order for this shopper")
    return _status_page(request, order, account=True)
