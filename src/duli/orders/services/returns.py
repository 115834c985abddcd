"""Returns (RMA): the shopper asks inside the return window, the merchant approves or
rejects, receives the parcel (optionally restocking), and refunds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from duli.core.actors import Actor
from duli.core.errors import InvalidInput, NotFound
from duli.core.events import event_publish
from duli.core.idempotency import idempotency_claim
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.inventory.services import stock_restock
from duli.orders.errors import IllegalTransition, ReturnNotAllowed
from duli.orders.models import Order, OrderEvent, Return, ReturnLine
from duli.orders.services._core import event, locked, stock_reference
from duli.orders.services.refunds import order_refund
from duli.orders.states import RETURN, OrderStatus, ReturnStatus

RETURN_REASONS = {
    "wrong_size": gettext_lazy("Wrong size or fit"),
    "not_as_described": gettext_lazy("Not as described"),
    "damaged": gettext_lazy("Arrived damaged or faulty"),
    "wrong_item": gettext_lazy("Wrong item sent"),
    "changed_mind": gettext_lazy("Changed my mind"),
    "other": gettext_lazy("Other"),
}


def return_deadline(*, order: Order) -> datetime | None:
    """When the return window of an order closes: N days after its first parcel shipped
    (None: nothing shipped yet, or the shop takes no returns)."""
    days = shop_settings_get().return_window_days
    first = order.fulfillments.order_by("created_at").values_list("created_at", flat=True).first()
    if not days or first is None:
        return None
    return first + timedelta(days=days)


def returnable_quantities(*, order: Order) -> dict[int, int]:
    """Per order line: units shipped and not yet in a return (other than rejected ones)."""
    asked = dict(
        ReturnLine.objects.filter(return_request__order=order)
        .exclude(return_request__status=ReturnStatus.REJECTED)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_line_id", "n")
    )
    return {line.pk: line.quantity_fulfilled - asked.get(line.pk, 0) for line in order.lines.all()}


def return_request(
    *, order_id: int, lines: Mapping[int, int], reason: str, actor: Actor, note: str = ""
) -> Return:
    """A shopper asks to send items back. Refused outside the shop's return window, for
    items that have not shipped, and for more units than were shipped and not yet returned."""
    if reason not in RETURN_REASONS:
        raise InvalidInput(gettext("Tell us why you are returning the items."), field="reason")
    if len(note) > 2000:
        raise InvalidInput(gettext("Keep the note under 2,000 characters."), field="note")
    with transaction.atomic():
        order = locked(order_id)
        if order.status == OrderStatus.CANCELED:
            raise ReturnNotAllowed(gettext("This order was cancelled."))
        deadline = return_deadline(order=order)
        if deadline is None:
            raise ReturnNotAllowed(gettext("Nothing from this order can be returned yet."))
        if timezone.now() > deadline:
            raise ReturnNotAllowed(
                gettext("The return window for this order closed on %(d)s.")
                % {"d": deadline.date().isoformat()}
            )
        left = returnable_quantities(order=order)
        wanted = {lid: qty for lid, qty in lines.items() if qty}
        if not wanted:
            raise InvalidInput(gettext("Choose at least one item to return."), field="lines")
        for lid, qty in wanted.items():
            if lid not in left or not isinstance(qty, int) or qty < 0 or qty > left[lid]:
                raise InvalidInput(
                    gettext("You can return up to %(n)d of that item.") % {"n": left.get(lid, 0)},
                    field="lines",
                )
        sequence = (order.returns.aggregate(m=Max("sequence"))["m"] or 0) + 1
        rma = Return.objects.create(
            order=order,
            sequence=sequence,
            reason=reason,
            customer_note=note.strip(),
            refund_currency=order.currency,
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(return_request=rma, order_line_id=lid, quantity=q)
                for lid, q in wanted.items()
            ]
        )
        event(
            order,
            OrderEvent.Kind.RETURN,
            actor,
            {"return_id": rma.pk, "sequence": sequence, "status": rma.status},
        )
        event_publish("return.requested", order_id=order.pk, return_id=rma.pk)
    return rma


def return_approve(*, return_id: int, actor: Actor, note: str = "") -> Return:
    """Accept a return request; the shopper is told to send the items back."""
    return _move(return_id, ReturnStatus.APPROVED, actor, note, "return.approved")


def return_reject(*, return_id: int, actor: Actor, note: str = "") -> Return:
    """Turn a return request down, saying why."""
    if not note.strip():
        raise InvalidInput(gettext("Tell the shopper why the return is declined."), field="note")
    return _move(return_id, ReturnStatus.REJECTED, actor, note, "return.rejected")


def return_receive(*, return_id: int, actor: Actor, restock: bool) -> Return:
    """The parcel came back. With `restock`, its units go back on hand. Receiving it
    again (a double submit) changes nothing."""
    with transaction.atomic():
        locked(_return(return_id).order_id)
        if Return.objects.filter(pk=return_id, status=ReturnStatus.RECEIVED).exists():
            return Return.objects.get(pk=return_id)  # already counted and restocked
        rma = _move(return_id, ReturnStatus.RECEIVED, actor, "", "return.received")
        order = rma.order
        lines = list(rma.lines.select_related("order_line"))
        for rl in lines:
            line = rl.order_line
            line.quantity_returned += rl.quantity
            if restock:
                line.quantity_restocked = min(line.quantity, line.quantity_restocked + rl.quantity)
            line.save(update_fields=["quantity_returned", "quantity_restocked"])
        if restock:
            units = stock_restock(
                reference=stock_reference(order),
                lines=[
                    (rl.order_line.variant_id, rl.quantity)
                    for rl in lines
                    if rl.order_line.variant_id
                ],
                reason=gettext("Return %(n)s-R%(s)d") % {"n": order.number, "s": rma.sequence},
            )
            event(order, OrderEvent.Kind.RESTOCKED, actor, {"units": units, "return_id": rma.pk})
    return rma


def return_refund(*, return_id: int, amount: Money, actor: Actor, idempotency_key: str) -> Return:
    """Refund a received return (the amount defaults in the dashboard to the lines' value)."""
    with transaction.atomic():
        rma = _return(return_id)
        order = locked(rma.order_id)
        if idempotency_claim(scope=f"return:{return_id}:refund", key=idempotency_key) is not None:
            return Return.objects.get(pk=return_id)
        rma = Return.objects.select_for_update().get(pk=return_id)
        if rma.status != ReturnStatus.RECEIVED:
            raise IllegalTransition(gettext("Refund a return once its items are received."))
        order_refund(
            order_id=order.pk,
            amount=amount,
            restock={},
            actor=actor,
            idempotency_key=f"return:{return_id}:{idempotency_key}",
            reason=gettext("Return %(n)s-R%(s)d") % {"n": order.number, "s": rma.sequence},
        )
        rma.refund_amount = amount.amount
        rma.status = ReturnStatus.REFUNDED
        rma.save(update_fields=["refund_amount", "status", "updated_at"])
        event(
            order,
            OrderEvent.Kind.RETURN,
            actor,
            {"return_id": rma.pk, "sequence": rma.sequence, "status": rma.status},
        )
    return rma


def return_value(*, return_id: int) -> Money:
    """What the returned units were paid for (gross, after discounts): the suggested refund."""
    rma = _return(return_id)
    total = Money.zero(rma.order.currency)
    for rl in rma.lines.select_related("order_line"):
        line = rl.order_line
        total = total + line.gross * (Decimal(rl.quantity) / Decimal(line.quantity))
    return total.rounded()


def _return(return_id: int) -> Return:
    rma = Return.objects.select_related("order").filter(pk=return_id).first()
    if rma is None:
        raise NotFound(gettext("That return does not exist."))
    return rma


def _move(return_id: int, to: str, actor: Actor, note: str, event_name: str) -> Return:
    with transaction.atomic():
        rma = _return(return_id)
        order = locked(rma.order_id)
        rma = Return.objects.select_for_update().select_related("order").get(pk=return_id)
        if to not in RETURN[rma.status]:
            if rma.status == to:
                return rma  # the same step twice (a double click) changes nothing
            raise IllegalTransition(
                gettext("This return is “%(s)s” and cannot move to “%(t)s”.")
                % {"s": ReturnStatus(rma.status).label, "t": ReturnStatus(to).label}
            )
        rma.status = to
        if note:
            rma.merchant_note = note.strip()[:2000]
        rma.save(update_fields=["status", "merchant_note", "updated_at"])
        event(
            order,
            OrderEvent.Kind.RETURN,
            actor,
            {"return_id": rma.pk, "sequence": rma.sequence, "status": to, "note": note},
        )
        event_publish(event_name, order_id=order.pk, return_id=rma.pk)
    return rma
