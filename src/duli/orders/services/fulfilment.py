"""Shipping an order, in one parcel or several, and marking parcels delivered."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from duli.core.actors import Actor
from duli.core.errors import InvalidInput, NotFound
from duli.core.events import event_publish
from duli.core.idempotency import idempotency_claim, idempotency_store
from duli.orders.errors import IllegalTransition
from duli.orders.models import Fulfillment, FulfillmentLine, OrderEvent
from duli.orders.services._core import complete_if_done, event, locked, transition
from duli.orders.states import FulfillmentStatus, OrderStatus, ShipmentStatus


def order_fulfill(
    *,
    order_id: int,
    lines: Mapping[int, int],
    actor: Actor,
    idempotency_key: str,
    carrier_code: str = "",
    tracking_number: str = "",
) -> Fulfillment:
    """Ship `lines` ({order line id: quantity}) in one parcel.

    Refused unless the order is confirmed (paid, or cash on delivery); quantities must be
    whole, positive and within what is left to ship. The tracking link comes from the
    carrier's template. The same key twice returns the first parcel.
    """
    from duli.shipping.selectors import carrier_choices, carrier_tracking_url

    tracking_number = (tracking_number or "").strip()
    carriers = dict(carrier_choices())
    if carrier_code and carrier_code not in carriers:
        raise InvalidInput(gettext("Choose a carrier from the list."), field="carrier")
    if len(tracking_number) > 80:
        raise InvalidInput(gettext("The tracking number is too long."), field="tracking_number")
    with transaction.atomic():
        order = locked(order_id)
        done = idempotency_claim(scope=f"order:{order_id}:fulfil", key=idempotency_key)
        if done is not None:
            return Fulfillment.objects.get(pk=done["fulfillment_id"])
        if order.status != OrderStatus.CONFIRMED:
            raise IllegalTransition(
                gettext("Only confirmed orders ship. Mark this order paid first.")
                if order.status == OrderStatus.PENDING
                else gettext("This order can no longer ship.")
            )
        by_id = {line.pk: line for line in order.lines.all()}
        wanted = {lid: qty for lid, qty in lines.items() if qty}
        if not wanted:
            raise InvalidInput(gettext("Choose at least one item to ship."), field="lines")
        for lid, qty in wanted.items():
            line = by_id.get(lid)
            if line is None:
                raise InvalidInput(gettext("That item is not in this order."), field="lines")
            if not isinstance(qty, int) or qty < 0 or qty > line.quantity_unfulfilled:
                raise InvalidInput(
                    gettext("Ship between 0 and %(n)d of %(sku)s.")
                    % {"n": line.quantity_unfulfilled, "sku": line.sku},
                    field="lines",
                )
        sequence = (order.fulfillments.aggregate(m=Max("sequence"))["m"] or 0) + 1
        fulfillment = Fulfillment.objects.create(
            order=order,
            sequence=sequence,
            carrier_code=carrier_code,
            carrier_name=carriers.get(carrier_code, ""),
            tracking_number=tracking_number,
            tracking_url=(
                carrier_tracking_url(carrier_code=carrier_code, number=tracking_number)
                if carrier_code and tracking_number
                else ""
            ),
        )
        FulfillmentLine.objects.bulk_create(
            [
                FulfillmentLine(fulfillment=fulfillment, order_line_id=lid, quantity=q)
                for lid, q in wanted.items()
            ]
        )
        for lid, qty in wanted.items():
            line = by_id[lid]
            line.quantity_fulfilled += qty
            line.save(update_fields=["quantity_fulfilled"])
        everything = all(line.quantity_unfulfilled == 0 for line in by_id.values())
        transition(
            order,
            "fulfillment_status",
            FulfillmentStatus.FULFILLED if everything else FulfillmentStatus.PARTIALLY_FULFILLED,
            actor,
        )
        event(
            order,
            OrderEvent.Kind.FULFILLED,
            actor,
            {
                "fulfillment_id": fulfillment.pk,
                "sequence": sequence,
                "carrier": fulfillment.carrier_name,
                "tracking_number": tracking_number,
                "tracking_url": fulfillment.tracking_url,
                "units": sum(wanted.values()),
            },
        )
        complete_if_done(order, actor)
        idempotency_store(
            scope=f"order:{order_id}:fulfil",
            key=idempotency_key,
            result={"fulfillment_id": fulfillment.pk},
        )
        event_publish("order.fulfilled", order_id=order.pk, fulfillment_id=fulfillment.pk)
    return fulfillment


def fulfillment_deliver(*, fulfillment_id: int, actor: Actor) -> Fulfillment:
    """Mark a parcel delivered. Marking it again changes nothing."""
    with transaction.atomic():
        row = (
            Fulfillment.objects.filter(pk=fulfillment_id).values_list("order_id", flat=True).first()
        )
        if row is None:
            raise NotFound(gettext("That shipment does not exist."))
        order = locked(row)
        fulfillment = Fulfillment.objects.get(pk=fulfillment_id)
        if fulfillment.status == ShipmentStatus.DELIVERED:
            return fulfillment
        fulfillment.status = ShipmentStatus.DELIVERED
        fulfillment.delivered_at = timezone.now()
        fulfillment.save(update_fields=["status", "delivered_at", "updated_at"])
        event(
            order,
            OrderEvent.Kind.DELIVERED,
            actor,
            {"fulfillment_id": fulfillment.pk, "sequence": fulfillment.sequence},
        )
        event_publish("order.delivered", order_id=order.pk, fulfillment_id=fulfillment.pk)
    return fulfillment
