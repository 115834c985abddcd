"""The shared core of the order services: locking, the one status-changing function, and
timeline rows. Nothing outside `duli.orders.services` calls these."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from duli.core.actors import Actor
from duli.orders.errors import IllegalTransition, OrderNotFound
from duli.orders.models import Order, OrderEvent
from duli.orders.states import TABLES, FulfillmentStatus, OrderStatus, PaymentStatus

_KIND_OF_FIELD = {
    "status": OrderEvent.Kind.STATUS,
    "payment_status": OrderEvent.Kind.PAYMENT_STATUS,
    "fulfillment_status": OrderEvent.Kind.FULFILLMENT_STATUS,
}


def locked(order_id: int) -> Order:
    """The order row, locked for the rest of the caller's transaction."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def event(
    order: Order,
    kind: str,
    actor: Actor,
    data: dict[str, Any] | None = None,
    *,
    internal: bool = False,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor_id=actor.user_id,
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        data=data or {},
        is_internal=internal,
    )


def transition(order: Order, field: str, to: str, actor: Actor, note: str = "") -> None:
    """The only code that assigns `status`, `payment_status` or `fulfillment_status`.

    Checks the transition table of `duli.orders.states`, saves the field and writes a
    timeline row with the actor. The caller holds the order's row lock.
    """
    current = getattr(order, field)
    if to not in TABLES[field][current]:
        raise IllegalTransition(
            gettext("This order cannot go from “%(current)s” to “%(to)s”.")
            % {"current": _label(field, current), "to": _label(field, to)},
            current=current,
            requested=to,
        )
    setattr(order, field, to)
    order.save(update_fields=[field, "updated_at"])
    if current != to:
        event(order, _KIND_OF_FIELD[field], actor, {"from": current, "to": to, "note": note})


def complete_if_done(order: Order, actor: Actor) -> None:
    """A confirmed order that is paid and fully shipped is complete."""
    if (
        order.status == OrderStatus.CONFIRMED
        and order.fulfillment_status == FulfillmentStatus.FULFILLED
        and order.payment_status != PaymentStatus.UNPAID
    ):
        transition(order, "status", OrderStatus.COMPLETED, actor)


def _label(field: str, value: str) -> str:
    choices = {
        "status": OrderStatus,
        "payment_status": PaymentStatus,
        "fulfillment_status": FulfillmentStatus,
    }[field]
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def stock_reference(order: Order) -> str:
    """The inventory reference under which an order's units are reserved and sold."""
    return f"order:{order.number}"
