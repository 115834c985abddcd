"""Order emails (HTML + text, in the shopper's language), sent by a task after commit.

A domain event (docs/events.md) enqueues `duli.orders.tasks.order_email_task`; in the
worker, the notifier for that event builds a JSON-safe context, sends the email and records
on the timeline that it went out. The checkout request itself does none of this work.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from duli.core.actors import Actor
from duli.core.events import subscribe
from duli.core.mail import mail_enqueue
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.orders.links import order_status_url
from duli.orders.models import Fulfillment, Order, OrderEvent, Return
from duli.orders.services._core import event
from duli.payments.providers.registry import installed


def address_lines(address: dict[str, Any]) -> list[str]:
    """An address snapshot as lines, the way the country writes it."""
    from duli.customers.addresses import AddressData

    if not address:
        return []
    return AddressData.from_dict(address).lines()


def order_context(order: Order) -> dict[str, Any]:
    """What every order email shows, formatted in the order's language; JSON-safe."""
    lang = order.language

    def fmt(m: Money) -> str:
        return m.format(lang)

    with translation.override(lang):
        provider = installed().get(order.payment_method)
        shop = shop_settings_get()
        shop.set_current_language(lang)
        return {
            "number": order.number,
            "placed_at": order.created_at.date().isoformat(),
            "status_url": order_status_url(number=order.number, language=lang),
            "email": order.email,
            "lines": [
                {
                    "name": line.product_name,
                    "variant": line.variant_name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "total": fmt(
                        line.gross if not order.prices_include_tax else line.amount - line.discount
                    ),
                }
                for line in order.lines.all()
            ],
            "subtotal": fmt(order.subtotal),
            "discount": fmt(order.discount) if order.discount else "",
            "shipping": fmt(order.shipping),
            "shipping_method": order.shipping_method_name,
            "tax": fmt(order.tax),
            "total": fmt(order.total),
            "prices_include_tax": order.prices_include_tax,
            "shipping_address": address_lines(order.shipping_address),
            "payment_method": str(provider(config={}).label())
            if provider
            else order.payment_method,
            "is_bank_transfer": order.payment_method == "bank_transfer",
            "is_cod": order.payment_method == "cod",
            "bank_instructions": str(
                shop.safe_translation_getter("bank_transfer_instructions", any_language=True) or ""
            ),
        }


def _send(order: Order, template: str, extra: dict[str, Any] | None = None) -> None:
    mail_enqueue(
        to=[order.email],
        template=f"email/orders/{template}",
        context={**order_context(order), **(extra or {})},
        language=order.language,
    )
    event(
        order, OrderEvent.Kind.EMAIL_SENT, Actor.system(), {"template": template, "to": order.email}
    )


def _order(order_id: int) -> Order | None:
    return Order.objects.prefetch_related("lines").filter(pk=order_id).first()


def order_placed_notify(*, order_id: int, **_: Any) -> None:
    order = _order(order_id)
    if order is None:
        return
    _send(order, "placed")
    shop = shop_settings_get()
    alert_to = shop.order_alert_email or shop.contact_email
    if alert_to:
        mail_enqueue(
            to=[alert_to],
            template="email/orders/merchant_new_order",
            context={**order_context(order), "dashboard_url": _dashboard_url(order)},
            language=settings.LANGUAGE_CODE,
        )


def order_paid_notify(*, order_id: int, **_: Any) -> None:
    order = _order(order_id)
    if order is not None:
        _send(order, "paid")


def order_fulfilled_notify(*, order_id: int, fulfillment_id: int, **_: Any) -> None:
    order = _order(order_id)
    parcel = Fulfillment.objects.prefetch_related("lines").filter(pk=fulfillment_id).first()
    if order is None or parcel is None:
        return
    names = {line.pk: line for line in order.lines.all()}
    _send(
        order,
        "shipped",
        {
            "carrier": parcel.carrier_name,
            "tracking_number": parcel.tracking_number,
            "tracking_url": parcel.tracking_url,
            "parcel_lines": [
                {
                    "name": names[fl.order_line_id].product_name,
                    "variant": names[fl.order_line_id].variant_name,
                    "quantity": fl.quantity,
                }
                for fl in parcel.lines.all()
                if fl.order_line_id in names
            ],
        },
    )


def order_canceled_notify(*, order_id: int, **_: Any) -> None:
    order = _order(order_id)
    if order is not None:
        _send(order, "canceled")


def order_refunded_notify(*, order_id: int, amount: str, **_: Any) -> None:
    order = _order(order_id)
    if order is not None:
        _send(
            order,
            "refunded",
            {"amount": Money(Decimal(amount), order.currency).format(order.language)},
        )


def _return_notify(order_id: int, return_id: int) -> None:
    order = _order(order_id)
    rma = Return.objects.filter(pk=return_id).first()
    if order is None or rma is None:
        return
    with translation.override(order.language):
        status_label = str(rma.get_status_display())
    _send(
        order,
        "return_update",
        {
            "return_number": f"{order.number}-R{rma.sequence}",
            "return_status": rma.status,
            "return_status_label": status_label,
            "merchant_note": rma.merchant_note,
        },
    )


def return_requested_notify(*, order_id: int, return_id: int, **_: Any) -> None:
    _return_notify(order_id, return_id)


def return_approved_notify(*, order_id: int, return_id: int, **_: Any) -> None:
    _return_notify(order_id, return_id)


def return_rejected_notify(*, order_id: int, return_id: int, **_: Any) -> None:
    _return_notify(order_id, return_id)


def return_received_notify(*, order_id: int, return_id: int, **_: Any) -> None:
    _return_notify(order_id, return_id)


def _dashboard_url(order: Order) -> str:
    from django.urls import NoReverseMatch, reverse

    from duli.core.branding import site_url

    try:
        return site_url() + reverse("dashboard:order_detail", kwargs={"pk": order.pk})
    except NoReverseMatch:
        return site_url() + "/dashboard/"


NOTIFIERS: dict[str, Callable[..., None]] = {
    "order.placed": order_placed_notify,
    "order.paid": order_paid_notify,
    "order.fulfilled": order_fulfilled_notify,
    "order.canceled": order_canceled_notify,
    "order.refunded": order_refunded_notify,
    "return.requested": return_requested_notify,
    "return.approved": return_approved_notify,
    "return.rejected": return_rejected_notify,
    "return.received": return_received_notify,
}


def _queue(event_name: str) -> Callable[..., None]:
    def handler(**payload: Any) -> None:
        from duli.orders.tasks import order_email_task

        order_email_task.enqueue(event_name=event_name, payload=payload)

    return handler


for _name in NOTIFIERS:
    subscribe(_name)(_queue(_name))
