"""The same webhook delivered several times at the same moment (providers retry, load
balancers duplicate): one inbox row, one capture, one order paid, nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from duli.orders.models import Order, OrderEvent
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import Payment, PaymentTransaction, WebhookMessage
from duli.testing.payment_factories import (
    stripe_enabled,
    stripe_event,
    stripe_session,
    stripe_signature,
)
from tests.concurrency.test_stock_reserve_race import _race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]
SESSION = "cs_test_race0000000000000000000000"


def test_four_identical_webhooks_at_once_capture_one_payment(placed, variant):
    stripe_enabled()
    order = placed((variant, 1), payment="stripe")
    payment = Payment.objects.get(order=order)
    Payment.objects.filter(pk=payment.pk).update(provider_ref=SESSION)
    body = stripe_event(
        "checkout.session.completed",
        stripe_session(
            session_id=SESSION,
            reference=payment.reference or "",
            amount_minor=payment.amount.to_minor(),
        ),
        event_id="evt_race_1",
    )
    signature = stripe_signature(body)

    def deliver(i: int) -> str:
        response = Client().post(
            "/payments/webhooks/stripe/",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature,
        )
        return str(response.status_code)

    outcomes = _race(4, deliver)

    assert outcomes == {"200": 4}
    assert WebhookMessage.objects.count() == 1
    assert PaymentTransaction.objects.filter(kind="capture").count() == 1
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    assert order.paid == order.total
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAID).count() == 1
