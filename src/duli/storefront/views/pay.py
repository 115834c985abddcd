"""Paying an order online: the hand-over to the provider after "Place order", the page a
shopper comes back to, the QR code page that updates itself, and the retry path.

A failed or abandoned payment never costs the order: it stays reserved until its payment
deadline, and the pay page offers the same method again or another one.
"""

from __future__ import annotations

import json
from typing import Literal

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duli.core.actors import Actor
from duli.core.errors import DomainError
from duli.orders.models import Order
from duli.orders.services import order_payment_retry
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.gateway import payment_start
from duli.payments.models import Payment
from duli.payments.providers.base import Capability
from duli.payments.providers.registry import installed
from duli.payments.selectors import payment_methods_available
from duli.payments.webhooks import payment_refresh
from duli.storefront.cache import request_shop
from duli.storefront.order_presenters import order_view
from duli.storefront.private import private_page
from duli.storefront.views.orders import order_or_refusal

Device = Literal["desktop", "mobile", "wechat"]
_ICONS = {"bank_transfer": "bank", "cod": "cash", "alipay": "qr", "wechatpay": "qr"}


def is_online(provider: str) -> bool:
    """Paid through a provider's page or app (not by hand, like bank transfer or cash)."""
    cls = installed().get(provider)
    return cls is not None and Capability.MANUAL not in cls.capabilities


def pay_hand_over(request: HttpRequest, order: Order) -> HttpResponse:
    """Right after "Place order": send the shopper where the provider wants them. When the
    provider cannot be reached, the pay page says so and offers to try again."""
    payment = _pending(order)
    if payment is None:
        return redirect("storefront:order_pay", number=order.number)
    try:
        payment = _start(request, order, payment)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("storefront:order_pay", number=order.number)
    return _follow(request, order, payment)


@private_page
@require_http_methods(["GET", "POST"])
def order_pay(request: HttpRequest, number: str) -> HttpResponse:
    """Choose how to pay (again) and go to the provider."""
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    order = found
    if not _payable(order):
        return redirect("storefront:order_status", number=order.number)
    methods = [
        m
        for m in payment_methods_available(currency=order.currency, country=_country(order))
        if is_online(m.provider) or m.provider == order.payment_method
    ]
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("payment_method", "")
        if chosen not in {m.provider for m in methods}:
            error = _("Choose a payment method.")
        else:
            try:
                payment = order_payment_retry(
                    order_id=order.pk,
                    provider=chosen,
                    actor=Actor.of(request.user, email=order.email),
                )
                if not is_online(chosen):
                    return redirect("storefront:order_status", number=order.number)
                payment = _start(request, order, payment)
            except DomainError as exc:
                error = exc.message
            else:
                return _follow(request, order, payment)
    last = order.payments.order_by("-pk").first()
    return render(
        request,
        "storefront/orders/pay.html",
        {
            "view": order_view(order, full=False, shop=request_shop(request)),
            "methods": [(m, _ICONS.get(m.provider, "card")) for m in methods],
            "selected": order.payment_method,
            "failure": last.failure_message
            if last and last.status == Payment.Status.FAILED
            else "",
            "error": error,
            "page_title": _("Pay for order %(n)s") % {"n": order.number},
            "noindex": True,
        },
        status=400 if error else 200,
    )


@private_page
@require_GET
def order_pay_return(request: HttpRequest, number: str) -> HttpResponse:
    """Where providers send the shopper back. Ask the provider at once rather than wait for
    its webhook, then show the outcome."""
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return found
    order = found
    payment = order.payments.order_by("-pk").first()
    if payment is not None and payment.status == Payment.Status.PENDING:
        payment = payment_refresh(payment_id=payment.pk)
    order.refresh_from_db()
    if payment is not None and payment.status == Payment.Status.FAILED and _payable(order):
        messages.error(request, payment.failure_message or _("The payment did not go through."))
        return redirect("storefront:order_pay", number=order.number)
    return redirect("storefront:order_confirmation", number=order.number)


@private_page
@require_GET
def order_pay_status(request: HttpRequest, number: str) -> HttpResponse:
    """What the QR code page polls: has the money arrived?"""
    found = order_or_refusal(request, number)
    if isinstance(found, HttpResponse):
        return JsonResponse(
            {"code": "forbidden", "message": _("Open your order again.")}, status=403
        )
    order = found
    payment = order.payments.order_by("-pk").first()
    failed = payment is not None and payment.status == Payment.Status.FAILED
    return JsonResponse(
        {
            "paid": order.payment_status != PaymentStatus.UNPAID,
            "failed": failed,
            "message": payment.failure_message if failed and payment else "",
            "next": reverse(
                "storefront:order_pay" if failed else "storefront:order_confirmation",
                kwargs={"number": order.number},
            ),
        }
    )


# ---------------------------------------------------------------- helpers


def _payable(order: Order) -> bool:
    return order.status == OrderStatus.PENDING and order.payment_status == PaymentStatus.UNPAID


def _pending(order: Order) -> Payment | None:
    return order.payments.filter(status=Payment.Status.PENDING).order_by("-pk").first()


def _country(order: Order) -> str:
    return str((order.billing_address or order.shipping_address or {}).get("country", ""))


def _device(request: HttpRequest) -> Device:
    agent = request.headers.get("User-Agent", "")
    if "MicroMessenger" in agent:
        return "wechat"
    if "Mobi" in agent or "Android" in agent:
        return "mobile"
    return "desktop"


def _start(request: HttpRequest, order: Order, payment: Payment) -> Payment:
    number = order.number
    return payment_start(
        payment_id=payment.pk,
        return_url=request.build_absolute_uri(
            reverse("storefront:order_pay_return", kwargs={"number": number})
        ),
        cancel_url=request.build_absolute_uri(
            reverse("storefront:order_pay", kwargs={"number": number})
        ),
        notify_url=request.build_absolute_uri(
            reverse("payments:webhook", kwargs={"provider": payment.provider})
        ),
        locale=get_language() or "en",
        description=_("Order %(n)s") % {"n": number},
        order_number=number,
        email=order.email,
        country=_country(order),
        device=_device(request),
        client_ip=request.META.get("REMOTE_ADDR", ""),
        metadata={"openid": request.session.get("wechat_openid", "")},
    )


def _follow(request: HttpRequest, order: Order, payment: Payment) -> HttpResponse:
    """Do what the provider asked: redirect, show a QR code, or run its in-page script."""
    if payment.action == "redirect" and payment.action_value:
        return redirect(payment.action_value)
    if payment.action in ("qr_code", "client_secret"):
        qr = segno.make(payment.action_value, error="m") if payment.action == "qr_code" else None
        return render(
            request,
            "storefront/orders/pay_action.html",
            {
                "view": order_view(order, full=False, shop=request_shop(request)),
                "payment": payment,
                "qr_svg": qr.svg_inline(dark="#111", light="#fff", border=2, omitsize=True)
                if qr
                else "",
                "bridge_params": json.loads(payment.action_value)
                if payment.action == "client_secret" and payment.provider == "wechatpay"
                else None,
                "status_url": reverse(
                    "storefront:order_pay_status", kwargs={"number": order.number}
                ),
                "page_title": _("Scan to pay")
                if qr
                else _("Pay for order %(n)s") % {"n": order.number},
                "noindex": True,
            },
        )
    return redirect("storefront:order_confirmation", number=order.number)
