"""Merchant actions: mark paid, cancel, fulfil, refund, notes, address edits, and the
unpaid-order job — each idempotent and each refusal leaving nothing behind."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from duli.core.errors import InvalidInput
from duli.core.money import Money
from duli.inventory.models import Reservation, Stock
from duli.orders.errors import IllegalTransition
from duli.orders.models import Fulfillment, OrderEvent
from duli.orders.services import (
    order_cancel,
    order_fulfill,
    order_mark_paid,
    order_note_add,
    order_refund,
    order_shipping_address_update,
    orders_unpaid_cancel,
)
from duli.orders.states import FulfillmentStatus, OrderStatus, PaymentStatus
from duli.payments.errors import AmountTooLarge
from duli.payments.models import PaymentTransaction
from duli.shipping.models import Carrier
from duli.testing.factories import VariantFactory
from tests.shop_fixtures import ADDRESS, key

pytestmark = pytest.mark.django_db


def stock(variant) -> tuple[int, int]:
    s = Stock.objects.get(variant=variant)
    return s.on_hand, s.reserved


def usd(v: str) -> Money:
    return Money(Decimal(v), "USD")


@pytest.fixture
def ups(db) -> Carrier:
    return Carrier.objects.create(
        name="UPS", code="ups", tracking_url_template="https://www.ups.com/track?tracknum={number}"
    )


def test_marking_paid_confirms_the_order_and_sells_its_stock(placed, variant, staff_actor):
    order = placed((variant, 2))

    order = order_mark_paid(
        order_id=order.pk, actor=staff_actor, idempotency_key=key(), reference="BANK-77"
    )

    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    assert order.paid == order.total
    assert order.expires_at is None
    assert stock(variant) == (3, 0)
    tx = PaymentTransaction.objects.get()
    assert (tx.kind, tx.amount, tx.reference) == ("capture", order.total, "BANK-77")
    assert tx.actor_id == staff_actor.user_id


def test_marking_paid_twice_with_the_same_key_records_one_payment(placed, variant, staff_actor):
    order = placed((variant, 1))
    k = key()
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=k)
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=k)

    assert PaymentTransaction.objects.count() == 1
    assert order.events.filter(kind=OrderEvent.Kind.PAID).count() == 1


def test_marking_paid_again_with_a_new_key_is_refused(placed, variant, staff_actor):
    order = placed((variant, 1))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    with pytest.raises(IllegalTransition, match="already paid"):
        order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    assert PaymentTransaction.objects.count() == 1


def test_a_cancelled_order_cannot_be_paid(placed, variant, staff_actor):
    order = placed((variant, 1))
    order_cancel(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    with pytest.raises(IllegalTransition, match="cancelled"):
        order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())


def test_cancelling_a_pending_order_releases_its_reservation(placed, variant, staff_actor):
    order = placed((variant, 2))

    order = order_cancel(
        order_id=order.pk, actor=staff_actor, idempotency_key=key(), reason="customer asked"
    )

    assert order.status == OrderStatus.CANCELED
    assert stock(variant) == (5, 0)
    assert Reservation.objects.get().status == Reservation.Status.RELEASED
    assert order.payments.get().status == "canceled"
    assert order.events.filter(
        kind=OrderEvent.Kind.CANCELED, data__reason="customer asked"
    ).exists()


def test_cancelling_a_paid_order_restocks_and_can_refund_in_full(placed, variant, staff_actor):
    order = placed((variant, 2))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    order = order_cancel(order_id=order.pk, actor=staff_actor, idempotency_key=key(), refund=True)

    assert stock(variant) == (5, 0)
    assert (order.status, order.payment_status) == (OrderStatus.CANCELED, PaymentStatus.REFUNDED)
    assert order.refunded == order.total


def test_an_order_with_a_shipped_parcel_cannot_be_cancelled(placed, variant, staff_actor):
    order = placed((variant, 2), payment="cod")
    line = order.lines.get()
    order_fulfill(order_id=order.pk, lines={line.pk: 1}, actor=staff_actor, idempotency_key=key())

    with pytest.raises(IllegalTransition, match="already shipped"):
        order_cancel(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_fulfilling_in_two_parcels_with_a_tracking_link(placed, variant, staff_actor, ups):
    order = placed((variant, 3))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    line = order.lines.get()

    first = order_fulfill(
        order_id=order.pk,
        lines={line.pk: 1},
        actor=staff_actor,
        idempotency_key=key(),
        carrier_code="ups",
        tracking_number="1Z 999",
    )
    order.refresh_from_db()
    assert order.fulfillment_status == FulfillmentStatus.PARTIALLY_FULFILLED
    assert first.tracking_url == "https://www.ups.com/track?tracknum=1Z%20999"

    order_fulfill(order_id=order.pk, lines={line.pk: 2}, actor=staff_actor, idempotency_key=key())
    order.refresh_from_db()
    assert order.fulfillment_status == FulfillmentStatus.FULFILLED
    assert order.status == OrderStatus.COMPLETED
    assert list(order.fulfillments.values_list("sequence", flat=True)) == [1, 2]


def test_fulfilling_twice_with_the_same_key_ships_one_parcel(placed, variant, staff_actor):
    order = placed((variant, 3), payment="cod")
    line = order.lines.get()
    k = key()
    a = order_fulfill(order_id=order.pk, lines={line.pk: 1}, actor=staff_actor, idempotency_key=k)
    b = order_fulfill(order_id=order.pk, lines={line.pk: 1}, actor=staff_actor, idempotency_key=k)

    assert a.pk == b.pk
    assert Fulfillment.objects.count() == 1
    line.refresh_from_db()
    assert line.quantity_fulfilled == 1


def test_an_unpaid_bank_transfer_order_does_not_ship(placed, variant, staff_actor):
    order = placed((variant, 1))
    line = order.lines.get()

    with pytest.raises(IllegalTransition, match="Mark this order paid first"):
        order_fulfill(
            order_id=order.pk, lines={line.pk: 1}, actor=staff_actor, idempotency_key=key()
        )
    assert Fulfillment.objects.count() == 0


def test_shipping_more_than_is_left_is_refused(placed, variant, staff_actor):
    order = placed((variant, 2), payment="cod")
    line = order.lines.get()

    with pytest.raises(InvalidInput, match="between 0 and 2"):
        order_fulfill(
            order_id=order.pk, lines={line.pk: 3}, actor=staff_actor, idempotency_key=key()
        )
    assert Fulfillment.objects.count() == 0


def test_a_partial_refund_with_restock(placed, variant, staff_actor):
    order = placed((variant, 2))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    line = order.lines.get()

    order = order_refund(
        order_id=order.pk,
        amount=usd("20.00"),
        restock={line.pk: 1},
        actor=staff_actor,
        idempotency_key=key(),
        reason="one damaged",
    )

    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert order.refunded == usd("20.00")
    assert stock(variant) == (4, 0)


def test_refunding_more_than_was_paid_is_refused_and_changes_nothing(placed, variant, staff_actor):
    order = placed((variant, 1))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    with pytest.raises(AmountTooLarge):
        order_refund(
            order_id=order.pk,
            amount=usd("25.01"),
            restock={},
            actor=staff_actor,
            idempotency_key=key(),
        )
    order.refresh_from_db()
    assert order.refunded == usd("0")
    assert PaymentTransaction.objects.filter(kind="refund").count() == 0


def test_refunding_twice_with_the_same_key_refunds_once(placed, variant, staff_actor):
    order = placed((variant, 1))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    k = key()
    for _ in range(2):
        order_refund(
            order_id=order.pk, amount=usd("5.00"), restock={}, actor=staff_actor, idempotency_key=k
        )

    order.refresh_from_db()
    assert order.refunded == usd("5.00")
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1


def test_the_last_partial_refund_makes_the_order_refunded(placed, variant, staff_actor):
    order = placed((variant, 1))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    order_refund(
        order_id=order.pk, amount=usd("5.00"), restock={}, actor=staff_actor, idempotency_key=key()
    )
    order = order_refund(
        order_id=order.pk, amount=usd("20.00"), restock={}, actor=staff_actor, idempotency_key=key()
    )

    assert order.payment_status == PaymentStatus.REFUNDED


def test_unpaid_orders_are_cancelled_after_the_deadline_and_release_stock(placed, variant, shop):
    order = placed((variant, 2))
    cod = placed((variant, 1), payment="cod")

    assert orders_unpaid_cancel() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=shop.unpaid_cancel_hours, minutes=1)):
        assert orders_unpaid_cancel() == 1

    order.refresh_from_db()
    cod.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert cod.status == OrderStatus.CONFIRMED
    assert stock(variant) == (4, 0)
    assert order.events.get(kind=OrderEvent.Kind.CANCELED).actor_kind == "system"


def test_a_note_is_internal(placed, variant, staff_actor):
    order = placed((variant, 1))
    note = order_note_add(order_id=order.pk, text="VIP, gift wrap", actor=staff_actor)
    assert note.is_internal and note.data == {"text": "VIP, gift wrap"}


def test_an_empty_note_is_refused(placed, variant, staff_actor):
    order = placed((variant, 1))
    with pytest.raises(InvalidInput):
        order_note_add(order_id=order.pk, text="  ", actor=staff_actor)


def test_the_shipping_address_can_change_until_a_parcel_ships(placed, variant, staff_actor):
    order = placed((variant, 2), payment="cod")
    order = order_shipping_address_update(
        order_id=order.pk,
        address={**ADDRESS, "street_address_1": "2 Infinite Loop"},
        actor=staff_actor,
    )
    assert order.shipping_address["street_address_1"] == "2 Infinite Loop"
    assert order.events.filter(kind=OrderEvent.Kind.ADDRESS_CHANGED).count() == 1

    line = order.lines.get()
    order_fulfill(order_id=order.pk, lines={line.pk: 1}, actor=staff_actor, idempotency_key=key())
    with pytest.raises(IllegalTransition, match="already shipped"):
        order_shipping_address_update(order_id=order.pk, address=ADDRESS, actor=staff_actor)


def test_every_status_change_is_on_the_timeline_with_its_actor(placed, variant, staff_actor):
    order = placed((variant, 1))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    changes = list(
        order.events.filter(kind__in=["status", "payment_status"]).values_list(
            "kind", "data__to", "actor_label"
        )
    )
    assert changes == [
        ("payment_status", "paid", staff_actor.label),
        ("status", "confirmed", staff_actor.label),
    ]


def test_a_second_product_order_keeps_its_own_stock_reference(placed, staff_actor):
    a = VariantFactory(price_amount=Decimal("3.00"), stock=4)
    b = VariantFactory(price_amount=Decimal("4.00"), stock=4)
    order = placed((a, 1), (b, 2))
    order_cancel(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    assert stock(a) == (4, 0) and stock(b) == (4, 0)


def test_two_refunds_cannot_restock_a_line_twice_over(placed, variant, staff_actor):
    order = placed((variant, 2))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    line = order.lines.get()
    order_refund(
        order_id=order.pk,
        amount=usd("5.00"),
        restock={line.pk: 2},
        actor=staff_actor,
        idempotency_key=key(),
    )

    with pytest.raises(InvalidInput, match="between 0 and 0"):
        order_refund(
            order_id=order.pk,
            amount=usd("5.00"),
            restock={line.pk: 1},
            actor=staff_actor,
            idempotency_key=key(),
        )
    assert stock(variant) == (5, 0)
