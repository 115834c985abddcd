"""Merchant actions on an order: mark paid, cancel, notes, address edits; and the job that
cancels unpaid orders. Each action takes an idempotency key, so a double submit or a
retried request does the work once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from duli.catalog.services import product_sales_record
from duli.core.actors import Actor
from duli.core.errors import InvalidInput
from duli.core.events import event_publish
from duli.core.idempotency import idempotency_claim, idempotency_store
from duli.customers.addresses import address_validate
from duli.inventory.services import stock_release, stock_restock
from duli.orders.errors import IllegalTransition
from duli.orders.models import Order, OrderEvent
from duli.orders.services._core import event, locked, stock_reference, transition
from duli.orders.services.paying import order_paid_apply, order_payments_sync
from duli.orders.states import FulfillmentStatus, OrderStatus, PaymentStatus
from duli.payments.models import Payment
from duli.payments.services import payment_cancel, payment_capture_record


def order_mark_paid(
    *, order_id: int, actor: Actor, idempotency_key: str, reference: str = ""
) -> Order:
    """Record that the whole total arrived (bank transfer received, cash collected).

    A pending order becomes confirmed and its reserved stock is sold. Refused for a
    cancelled order and for one already paid (unless it is the same request again).
    """
    with transaction.atomic():
        order = locked(order_id)
        if idempotency_claim(scope=f"order:{order_id}:paid", key=idempotency_key) is not None:
            return order
        if order.status == OrderStatus.CANCELED:
            raise IllegalTransition(
                gettext("This order was cancelled and its stock released; it cannot be paid.")
            )
        if order.payment_status != PaymentStatus.UNPAID:
            raise IllegalTransition(gettext("This order is already paid."))
        payment = order.payments.filter(status=Payment.Status.PENDING).order_by("pk").first()
        if payment is None:
            raise IllegalTransition(gettext("This order has no payment waiting."))
        outstanding = payment.amount - payment.captured
        payment_capture_record(
            payment_id=payment.pk,
            amount=outstanding,
            actor=actor,
            idempotency_key=f"order:{order.pk}:paid:{idempotency_key}",
            reference=reference,
        )
        order.paid_amount = order.paid.amount + outstanding.amount
        order.expires_at = None
        order.save(update_fields=["paid_amount", "expires_at", "updated_at"])
        event(
            order,
            OrderEvent.Kind.PAID,
            actor,
            {"amount": str(outstanding.amount), "reference": reference},
        )
        order_paid_apply(order, actor)
    return order


def order_cancel(
    *, order_id: int, actor: Actor, idempotency_key: str, reason: str = "", refund: bool = False
) -> Order:
    """Cancel an order nothing of which has shipped.

    Reserved stock is released; stock already sold (paid or cash-on-delivery orders) is put
    back. A paid order is refunded in full when `refund` is true (for manual methods, that
    records a refund the merchant makes themselves); otherwise refund it separately.
    """
    from duli.orders.services.refunds import order_refund

    with transaction.atomic():
        order = locked(order_id)
        if idempotency_claim(scope=f"order:{order_id}:cancel", key=idempotency_key) is not None:
            return order
        if order.status == OrderStatus.CANCELED:
            return order  # cancelling twice is harmless
        if order.fulfillment_status != FulfillmentStatus.UNFULFILLED:
            raise IllegalTransition(
                gettext("Some items have already shipped. Refund or take a return instead.")
            )
        _cancel(order, actor, reason)
        if refund and order.payment_status == PaymentStatus.PAID:
            order_refund(
                order_id=order.pk,
                amount=order.paid - order.refunded,
                restock={},
                actor=actor,
                idempotency_key=f"cancel:{idempotency_key}",
                reason=reason or gettext("Order cancelled"),
            )
            order.refresh_from_db()
    return order


def _cancel(order: Order, actor: Actor, reason: str) -> None:
    was_confirmed = order.status == OrderStatus.CONFIRMED
    transition(order, "status", OrderStatus.CANCELED, actor, reason)
    order.canceled_at = timezone.now()
    order.expires_at = None
    order.save(update_fields=["canceled_at", "expires_at", "updated_at"])
    reference = stock_reference(order)
    stock_release(reference=reference)
    lines = list(order.lines.all())
    if was_confirmed:
        for line in lines:
            line.quantity_restocked = line.quantity
            line.save(update_fields=["quantity_restocked"])
        restocked = stock_restock(
            reference=reference,
            lines=[(line.variant_id, line.quantity) for line in lines if line.variant_id],
            reason=gettext("Order %(n)s cancelled") % {"n": order.number},
        )
        if restocked:
            event(order, OrderEvent.Kind.RESTOCKED, actor, {"units": restocked})
    for payment in order.payments.filter(status=Payment.Status.PENDING):
        payment_cancel(payment_id=payment.pk)
    sold: dict[int, int] = {}
    for line in lines:
        if line.product_id_snapshot:
            sold[line.product_id_snapshot] = sold.get(line.product_id_snapshot, 0) - line.quantity
    product_sales_record(quantities=sold)
    event(order, OrderEvent.Kind.CANCELED, actor, {"reason": reason})
    event_publish("order.canceled", order_id=order.pk)


def orders_unpaid_cancel(*, now: datetime | None = None) -> int:
    """Cancel every pending order whose payment deadline has passed, releasing its stock.

    Safe to run often and in several processes: each order is re-checked under its lock.
    An order whose payment was captured meanwhile is brought up to date instead.
    Returns the number of orders cancelled.
    """
    now = now or timezone.now()
    due = list(
        Order.objects.filter(status=OrderStatus.PENDING, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    cancelled = 0
    paid_late: list[int] = []
    for order_id in due:
        with transaction.atomic():
            order = locked(order_id)
            if (
                order.status != OrderStatus.PENDING
                or not order.expires_at
                or order.expires_at > now
            ):
                continue
            if order.payments.filter(captured_amount__gt=0).exists():
                paid_late.append(order_id)  # money arrived; the order learns it below
                continue
            _cancel(order, Actor.system(), gettext("Not paid in time"))
            cancelled += 1
    for order_id in paid_late:
        order_payments_sync(order_id=order_id)
    return cancelled


def order_note_add(
    *, order_id: int, text: str, actor: Actor, idempotency_key: str = ""
) -> OrderEvent:
    """An internal note on the timeline, seen by staff only. With `idempotency_key`, the
    same key twice (a double submit) adds the note once and returns it."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(gettext("Write the note first."), field="text")
    if len(text) > 2000:
        raise InvalidInput(gettext("Keep the note under 2,000 characters."), field="text")
    scope = f"order:{order_id}:note"
    with transaction.atomic():
        order = locked(order_id)
        if idempotency_key:
            done = idempotency_claim(scope=scope, key=idempotency_key)
            if done is not None:
                return OrderEvent.objects.get(pk=done["event_id"])
        note = event(order, OrderEvent.Kind.NOTE, actor, {"text": text}, internal=True)
        if idempotency_key:
            idempotency_store(scope=scope, key=idempotency_key, result={"event_id": note.pk})
        return note


def order_shipping_address_update(
    *, order_id: int, address: Mapping[str, Any], actor: Actor
) -> Order:
    """Change where an order goes, until the first parcel ships."""
    cleaned = address_validate(data=address).as_dict()
    with transaction.atomic():
        order = locked(order_id)
        if order.status == OrderStatus.CANCELED:
            raise IllegalTransition(gettext("This order was cancelled."))
        if order.fulfillment_status != FulfillmentStatus.UNFULFILLED:
            raise IllegalTransition(
                gettext("A parcel has already shipped; the address can no longer change.")
            )
        if cleaned == order.shipping_address:
            return order
        before = order.shipping_address
        order.shipping_address = cleaned
        order.save(update_fields=["shipping_address", "updated_at"])
        event(order, OrderEvent.Kind.ADDRESS_CHANGED, actor, {"from": before, "to": cleaned})
        event_publish("order.updated", order_id=order.pk)
    return order


__all__ = [
    "order_cancel",
    "order_mark_paid",
    "order_note_add",
    "order_shipping_address_update",
    "orders_unpaid_cancel",
]
