"""Returns: asked inside the window, approved, received (restocked) and refunded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from duli.core.errors import InvalidInput
from duli.core.money import Money
from duli.inventory.models import Stock
from duli.orders.errors import IllegalTransition, ReturnNotAllowed
from duli.orders.models import Return
from duli.orders.services import (
    order_fulfill,
    return_approve,
    return_receive,
    return_refund,
    return_reject,
    return_request,
    return_value,
)
from duli.orders.states import PaymentStatus, ReturnStatus
from tests.shop_fixtures import CUSTOMER, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(placed, variant, staff_actor):
    from duli.orders.services import order_mark_paid

    order = placed((variant, 2))
    order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    line = order.lines.get()
    order_fulfill(order_id=order.pk, lines={line.pk: 2}, actor=staff_actor, idempotency_key=key())
    return order


def test_a_shopper_asks_for_a_return_inside_the_window(shipped):
    line = shipped.lines.get()
    rma = return_request(
        order_id=shipped.pk,
        lines={line.pk: 1},
        reason="wrong_size",
        actor=CUSTOMER,
        note="Too small",
    )
    assert (rma.status, rma.sequence, rma.lines.get().quantity) == (ReturnStatus.REQUESTED, 1, 1)


def test_a_return_after_the_window_is_refused(shipped, shop):
    line = shipped.lines.get()
    later = timezone.now() + timedelta(days=shop.return_window_days, hours=1)
    with time_machine.travel(later), pytest.raises(ReturnNotAllowed, match="closed"):
        return_request(order_id=shipped.pk, lines={line.pk: 1}, reason="wrong_size", actor=CUSTOMER)
    assert Return.objects.count() == 0


def test_nothing_unshipped_can_be_returned(placed, variant):
    order = placed((variant, 1), payment="cod")
    line = order.lines.get()
    with pytest.raises(ReturnNotAllowed):
        return_request(order_id=order.pk, lines={line.pk: 1}, reason="other", actor=CUSTOMER)


def test_more_units_than_were_shipped_cannot_be_returned(shipped):
    line = shipped.lines.get()
    return_request(order_id=shipped.pk, lines={line.pk: 2}, reason="damaged", actor=CUSTOMER)
    with pytest.raises(InvalidInput, match="up to 0"):
        return_request(order_id=shipped.pk, lines={line.pk: 1}, reason="damaged", actor=CUSTOMER)


def test_approve_receive_with_restock_and_refund(shipped, variant, staff_actor):
    line = shipped.lines.get()
    rma = return_request(order_id=shipped.pk, lines={line.pk: 1}, reason="damaged", actor=CUSTOMER)

    return_approve(return_id=rma.pk, actor=staff_actor, note="Send it to our warehouse")
    return_receive(return_id=rma.pk, actor=staff_actor, restock=True)
    value = return_value(return_id=rma.pk)
    rma = return_refund(return_id=rma.pk, amount=value, actor=staff_actor, idempotency_key=key())

    assert value == Money(Decimal("20.00"), "USD")
    assert rma.status == ReturnStatus.REFUNDED
    shipped.refresh_from_db()
    assert shipped.refunded == value
    assert shipped.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    s = Stock.objects.get(variant=variant)
    assert s.on_hand == 4  # 5 − 2 sold + 1 back
    line.refresh_from_db()
    assert line.quantity_returned == 1


def test_a_rejection_needs_a_reason_for_the_shopper(shipped, staff_actor):
    line = shipped.lines.get()
    rma = return_request(
        order_id=shipped.pk, lines={line.pk: 1}, reason="changed_mind", actor=CUSTOMER
    )
    with pytest.raises(InvalidInput):
        return_reject(return_id=rma.pk, actor=staff_actor, note="")
    assert (
        return_reject(return_id=rma.pk, actor=staff_actor, note="Worn").status
        == ReturnStatus.REJECTED
    )


def test_a_return_is_refunded_only_once_received(shipped, staff_actor):
    line = shipped.lines.get()
    rma = return_request(order_id=shipped.pk, lines={line.pk: 1}, reason="damaged", actor=CUSTOMER)
    return_approve(return_id=rma.pk, actor=staff_actor)
    with pytest.raises(IllegalTransition):
        return_refund(
            return_id=rma.pk,
            amount=Money(Decimal("1"), "USD"),
            actor=staff_actor,
            idempotency_key=key(),
        )


def test_approving_twice_is_harmless(shipped, staff_actor):
    line = shipped.lines.get()
    rma = return_request(order_id=shipped.pk, lines={line.pk: 1}, reason="damaged", actor=CUSTOMER)
    return_approve(return_id=rma.pk, actor=staff_actor)
    assert return_approve(return_id=rma.pk, actor=staff_actor).status == ReturnStatus.APPROVED
