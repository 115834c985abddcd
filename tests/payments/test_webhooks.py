"""The webhook inbox end to end, with Stripe as the provider: real signatures checked by
Stripe's SDK, posted to the shop's webhook URL, processed by the task after commit.

Forged, replayed, wrong-amount, late and out-of-order events each leave exactly the right
state: one payment captured once, one order paid, nothing else.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import responses

from duli.core.actors import Actor
from duli.inventory.models import Stock
from duli.orders.models import Order, OrderEvent
from duli.orders.services import order_cancel, order_payment_retry, order_refund
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import Payment, PaymentTransaction, WebhookMessage
from duli.payments.webhooks import payments_reconcile
from duli.testing.payment_factories import (
    stripe_enabled,
    stripe_event,
    stripe_session,
    stripe_signature,
)
from tests.shop_fixtures import key

pytestmark = pytest.mark.django_db
URL = "/payments/webhooks/stripe/"
API = "https://api.stripe.com/v1"
SESSION = "cs_test_a1Q7nCkR2yVw8ZLx0PpT3bGd9HsE4uJf6MoN5iKq"


@pytest.fixture
def order(placed, variant) -> Order:
    """An order of 2 units placed for Stripe, its session started at Stripe."""
    stripe_enabled()
    order = placed((variant, 2), payment="stripe")
    Payment.objects.filter(order=order).update(provider_ref=SESSION, action="redirect")
    return order


def payment_of(order: Order) -> Payment:
    return Payment.objects.filter(order=order).order_by("pk").first()


def post(client, body: bytes, *, signature: str | None = None, capture=None):
    headers = {
        "HTTP_STRIPE_SIGNATURE": signature if signature is not None else stripe_signature(body)
    }
    return client.post(URL, body, content_type="application/json", **headers)


def completed(
    order: Order, *, amount_minor: int | None = None, currency: str = "usd", event_id: str = ""
) -> bytes:
    payment = payment_of(order)
    return stripe_event(
        "checkout.session.completed",
        stripe_session(
            session_id=SESSION,
            reference=payment.reference or "",
            amount_minor=payment.amount.to_minor() if amount_minor is None else amount_minor,
            currency=currency,
        ),
        event_id=event_id,
    )


def stock(order: Order) -> tuple[int, int]:
    s = Stock.objects.get(variant_id=order.lines.get().variant_id)
    return s.on_hand, s.reserved


def test_a_signed_capture_webhook_marks_the_order_paid_and_sells_its_stock(
    client, order, django_capture_on_commit_callbacks
):
    before = stock(order)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, completed(order))

    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    assert order.paid == order.total
    assert stock(order) == (before[0] - 2, before[1] - 2)
    assert payment_of(order).transactions.filter(kind="capture").count() == 1


def test_a_forged_webhook_is_refused_and_changes_nothing(client, order):
    body = completed(order)
    response = post(client, body, signature=stripe_signature(body, secret="whsec_guessed"))

    assert response.status_code == 400
    assert WebhookMessage.objects.count() == 0
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.UNPAID


def test_a_webhook_whose_body_was_changed_after_signing_is_refused(client, order):
    body = completed(order)
    signature = stripe_signature(body)
    response = post(
        client, body.replace(b'"amount_total": ', b'"amount_total": 1'), signature=signature
    )

    assert response.status_code == 400
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID


def test_a_replayed_webhook_is_stored_once_and_applied_once(
    client, order, django_capture_on_commit_callbacks
):
    body = completed(order, event_id="evt_replayed_1")
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, body)
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert WebhookMessage.objects.count() == 1
    assert PaymentTransaction.objects.filter(kind="capture").count() == 1
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAID).count() == 1


def test_two_different_events_for_one_payment_capture_it_once(
    client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, completed(order, event_id="evt_a"))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, completed(order, event_id="evt_b"))

    assert WebhookMessage.objects.count() == 2
    assert PaymentTransaction.objects.filter(kind="capture").count() == 1
    assert Order.objects.get(pk=order.pk).paid == order.total


def test_a_webhook_for_the_wrong_amount_is_flagged_never_paid(
    client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, completed(order, amount_minor=100))

    assert response.status_code == 200  # received; the provider must not retry it
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.UNPAID
    assert payment_of(order).flag
    assert WebhookMessage.objects.get().status == WebhookMessage.Status.FLAGGED
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FLAGGED).exists()


def test_a_webhook_in_the_wrong_currency_is_flagged_never_paid(
    client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, completed(order, currency="eur"))

    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.UNPAID
    assert payment_of(order).status == Payment.Status.PENDING
    assert payment_of(order).flag


def test_a_late_failure_does_not_undo_a_capture(client, order, django_capture_on_commit_callbacks):
    reference = payment_of(order).reference or ""
    with django_capture_on_commit_callbacks(execute=True):
        post(client, completed(order))
    failed = stripe_event(
        "checkout.session.async_payment_failed",
        stripe_session(session_id=SESSION, reference=reference, amount_minor=1, paid=False),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, failed)

    assert payment_of(order).status == Payment.Status.CAPTURED
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


def test_a_failed_payment_keeps_the_order_and_its_reserved_stock(
    client, order, django_capture_on_commit_callbacks
):
    reserved = stock(order)
    failed = stripe_event(
        "checkout.session.async_payment_failed",
        stripe_session(
            session_id=SESSION,
            reference=payment_of(order).reference or "",
            amount_minor=1,
            paid=False,
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, failed)

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert stock(order) == reserved
    assert payment_of(order).status == Payment.Status.FAILED
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FAILED).exists()


def test_after_a_failure_the_shopper_can_pay_again(
    client, order, django_capture_on_commit_callbacks
):
    Payment.objects.filter(order=order).update(status=Payment.Status.FAILED)

    retry = order_payment_retry(order_id=order.pk, provider="stripe", actor=Actor.system())

    assert retry.status == Payment.Status.PENDING and retry.amount == order.total
    assert retry.reference != Payment.objects.filter(order=order).first().reference


def test_money_arriving_after_the_order_was_cancelled_is_recorded_and_flagged(
    client, order, staff_actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    with django_capture_on_commit_callbacks(execute=True):
        post(client, completed(order))

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.paid == order.total  # the money is real: it can be refunded from the order
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FLAGGED).exists()


def test_a_webhook_for_an_unknown_payment_is_kept_unmatched(
    client, order, django_capture_on_commit_callbacks
):
    body = stripe_event(
        "checkout.session.completed",
        stripe_session(session_id="cs_test_other", reference="DLUNKNOWN", amount_minor=100),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body)

    assert response.status_code == 200
    assert WebhookMessage.objects.get().status == WebhookMessage.Status.UNMATCHED


def test_a_webhook_for_a_provider_that_is_not_set_up_is_404(client, db):
    response = client.post("/payments/webhooks/paypal/", b"{}", content_type="application/json")
    assert response.status_code == 404


def test_a_webhook_url_answers_only_post(client, order):
    assert client.get(URL).status_code == 405


def test_reconciliation_asks_stripe_about_payments_left_pending(
    order, django_capture_on_commit_callbacks
):
    payment = payment_of(order)
    Payment.objects.filter(pk=payment.pk).update(updated_at=payment.updated_at.replace(year=2000))
    Payment.objects.filter(pk=payment.pk).update(created_at=payment.created_at)
    session = stripe_session(
        session_id=SESSION,
        reference=payment.reference or "",
        amount_minor=payment.amount.to_minor(),
    )
    with responses.RequestsMock() as api, django_capture_on_commit_callbacks(execute=True):
        api.get(f"{API}/checkout/sessions/{SESSION}", json=session)
        changed = payments_reconcile()

    assert changed == 1
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID


# --- refunds through the provider --------------------------------------------------------


@pytest.fixture
def paid(client, order, django_capture_on_commit_callbacks) -> Order:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, completed(order))
    order.refresh_from_db()
    return order


def refund_answer(refund_id: str, amount_minor: int, status: str = "succeeded") -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount_minor,
        "currency": "usd",
        "payment_intent": "pi_x",
        "status": status,
    }


def test_a_refund_from_the_order_goes_through_stripe(
    paid, staff_actor, django_capture_on_commit_callbacks
):
    session = stripe_session(session_id=SESSION, reference="x", amount_minor=paid.total.to_minor())
    with responses.RequestsMock() as api:
        api.get(f"{API}/checkout/sessions/{SESSION}", json=session)
        api.post(f"{API}/refunds", json=refund_answer("re_123", 500))
        with django_capture_on_commit_callbacks(execute=True):
            order_refund(
                order_id=paid.pk,
                amount=_usd("5.00"),
                restock={},
                actor=staff_actor,
                idempotency_key="refund-1",
            )
        sent = api.calls[-1].request

    row = PaymentTransaction.objects.get(kind="refund")
    assert (row.status, row.provider_ref) == (PaymentTransaction.Status.SUCCEEDED, "re_123")
    assert sent.headers["Idempotency-Key"] == row.idempotency_key
    paid.refresh_from_db()
    assert paid.payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_a_refund_stripe_refuses_is_given_back_to_the_order(
    paid, staff_actor, django_capture_on_commit_callbacks
):
    session = stripe_session(session_id=SESSION, reference="x", amount_minor=paid.total.to_minor())
    refused = {
        "error": {
            "type": "invalid_request_error",
            "code": "charge_already_refunded",
            "message": "Charge has already been refunded.",
        }
    }
    with responses.RequestsMock() as api, django_capture_on_commit_callbacks(execute=True):
        api.get(f"{API}/checkout/sessions/{SESSION}", json=session)
        api.post(f"{API}/refunds", json=refused, status=400)
        order_refund(
            order_id=paid.pk,
            amount=paid.total,
            restock={},
            actor=staff_actor,
            idempotency_key="refund-2",
        )

    paid.refresh_from_db()
    assert paid.payment_status == PaymentStatus.PAID
    assert paid.refunded.amount == 0
    assert PaymentTransaction.objects.get(kind="refund").status == PaymentTransaction.Status.FAILED
    assert paid.events.filter(kind=OrderEvent.Kind.REFUND_FAILED).exists()


def test_the_webhook_for_our_own_refund_is_not_counted_twice(
    client, paid, staff_actor, django_capture_on_commit_callbacks
):
    session = stripe_session(session_id=SESSION, reference="x", amount_minor=paid.total.to_minor())
    with responses.RequestsMock() as api, django_capture_on_commit_callbacks(execute=True):
        api.get(f"{API}/checkout/sessions/{SESSION}", json=session)
        api.post(f"{API}/refunds", json=refund_answer("re_777", 500))
        order_refund(
            order_id=paid.pk,
            amount=_usd("5.00"),
            restock={},
            actor=staff_actor,
            idempotency_key="refund-3",
        )
    body = stripe_event(
        "refund.updated",
        {**refund_answer("re_777", 500), "metadata": {"payment_id": payment_of(paid).reference}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body)

    assert PaymentTransaction.objects.filter(kind="refund").count() == 1
    paid.refresh_from_db()
    assert paid.refunded == _usd("5.00")


def test_a_refund_made_in_stripes_dashboard_is_recorded_on_the_order(
    client, paid, django_capture_on_commit_callbacks
):
    body = stripe_event(
        "refund.updated",
        {**refund_answer("re_dash", 300), "metadata": {"payment_id": payment_of(paid).reference}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body)

    paid.refresh_from_db()
    assert paid.refunded == _usd("3.00")
    assert paid.payment_status == PaymentStatus.PARTIALLY_REFUNDED


def _usd(value: str):
    from duli.core.money import Money

    return Money(Decimal(value), "USD")


def test_a_payment_arriving_after_a_retry_started_closes_the_retry(
    client, order, django_capture_on_commit_callbacks
):
    first = payment_of(order)
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.FAILED)
    retry = order_payment_retry(order_id=order.pk, provider="stripe", actor=Actor.system())
    body = stripe_event(
        "checkout.session.completed",
        stripe_session(
            session_id=SESSION,
            reference=first.reference or "",
            amount_minor=first.amount.to_minor(),
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body)

    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID
    assert Payment.objects.get(pk=retry.pk).status == Payment.Status.CANCELED


def test_housekeeping_asks_the_provider_before_cancelling_an_overdue_order(
    order, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    payment = payment_of(order)
    past = timezone.now() - timedelta(hours=1)
    Order.objects.filter(pk=order.pk).update(expires_at=past)
    Payment.objects.filter(pk=payment.pk).update(updated_at=past)
    paid_at_stripe = stripe_session(
        session_id=SESSION,
        reference=payment.reference or "",
        amount_minor=payment.amount.to_minor(),
    )
    with responses.RequestsMock() as api, django_capture_on_commit_callbacks(execute=True):
        api.get(f"{API}/checkout/sessions/{SESSION}", json=paid_at_stripe)
        call_command("housekeeping")

    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)


def test_housekeeping_cancels_an_overdue_order_the_provider_has_no_payment_for(
    order, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    payment = payment_of(order)
    reserved = stock(order)
    past = timezone.now() - timedelta(hours=1)
    Order.objects.filter(pk=order.pk).update(expires_at=past)
    Payment.objects.filter(pk=payment.pk).update(updated_at=past)
    open_session = stripe_session(
        session_id=SESSION, reference=payment.reference or "", amount_minor=1, paid=False
    )
    with responses.RequestsMock() as api, django_capture_on_commit_callbacks(execute=True):
        api.get(f"{API}/checkout/sessions/{SESSION}", json=open_session)
        call_command("housekeeping")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert stock(order) == (reserved[0], reserved[1] - 2)
    assert payment_of(order).status == Payment.Status.CANCELED
