"""Refunds, full or partial, with or without putting units back in stock."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext

from duli.core.actors import Actor
from duli.core.errors import InvalidInput
from duli.core.events import event_publish
from duli.core.idempotency import idempotency_claim
from duli.core.money import Money
from duli.inventory.services import stock_restock
from duli.orders.errors import IllegalTransition
from duli.orders.models import Order, OrderEvent
from duli.orders.services._core import event, locked, stock_reference, transition
from duli.orders.states import PaymentStatus
from duli.payments.errors import AmountTooLarge
from duli.payments.models import Payment
from duli.payments.services import payment_refund


def order_refund(
    *,
    order_id: int,
    amount: Money,
    restock: Mapping[int, int],
    actor: Actor,
    idempotency_key: str,
    reason: str = "",
) -> Order:
    """Pay back `amount` of what the order was paid, and put `restock` units
    ({order line id: quantity}) back on hand.

    Guarantees: never more than was paid and not yet refunded; restocked units never exceed
    a line's quantity; the same key twice refunds once.
    """
    with transaction.atomic():
        order = locked(order_id)
        if idempotency_claim(scope=f"order:{order_id}:refund", key=idempotency_key) is not None:
            return order
        if order.payment_status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
            raise IllegalTransition(gettext("Only paid orders can be refunded."))
        if amount.currency != order.currency:
            raise InvalidInput(
                gettext("The amount must be in %(c)s.") % {"c": order.currency}, field="amount"
            )
        if amount.amount <= 0 or amount.rounded() != amount:
            raise InvalidInput(gettext("Enter an amount above zero, to the cent."), field="amount")
        refundable = order.paid - order.refunded
        if amount > refundable:
            raise AmountTooLarge(limit=refundable, what=gettext("amount that can be refunded"))
        restock_lines = _restock_lines(order, restock)
        left = amount
        for payment in order.payments.filter(
            status__in=[Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED]
        ).order_by("pk"):
            room = payment.captured - payment.refunded
            part = left if left <= room else room
            if part.amount <= 0:
                continue
            payment_refund(
                payment_id=payment.pk,
                amount=part,
                actor=actor,
                idempotency_key=f"order:{order.pk}:refund:{idempotency_key}:{payment.pk}",
                reference=reason,
            )
            left = left - part
            if not left:
                break
        order.refunded_amount = order.refunded.amount + amount.amount
        order.save(update_fields=["refunded_amount", "updated_at"])
        full = order.refunded >= order.paid
        transition(
            order,
            "payment_status",
            PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED,
            actor,
        )
        event(
            order, OrderEvent.Kind.REFUNDED, actor, {"amount": str(amount.amount), "reason": reason}
        )
        if restock_lines:
            units = stock_restock(
                reference=stock_reference(order),
                lines=restock_lines,
                reason=gettext("Refund of order %(n)s") % {"n": order.number},
            )
            event(order, OrderEvent.Kind.RESTOCKED, actor, {"units": units})
        event_publish("order.refunded", order_id=order.pk, amount=str(amount.amount))
    return order


def _restock_lines(order: Order, restock: Mapping[int, int]) -> list[tuple[int, int]]:
    by_id = {line.pk: line for line in order.lines.all()}
    out: list[tuple[int, int]] = []
    for lid, qty in restock.items():
        if not qty:
            continue
        line = by_id.get(lid)
        if line is None:
            raise InvalidInput(gettext("That item is not in this order."), field="restock")
        left = line.quantity - line.quantity_restocked
        if not isinstance(qty, int) or qty < 0 or qty > left:
            raise InvalidInput(
                gettext("Restock between 0 and %(n)d of %(sku)s.") % {"n": left, "sku": line.sku},
                field="restock",
            )
        line.quantity_restocked += qty
        line.save(update_fields=["quantity_restocked"])
        if line.variant_id:
            out.append((line.variant_id, qty))
    return out
