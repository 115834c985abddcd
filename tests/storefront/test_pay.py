# ruff: noqa: F811  (fixtures imported from checkout_fixtures are redefined as arguments)
"""Paying online from the storefront: the hand-over to the provider after "Place order",
coming back, the QR code page and its polling, and trying again after a failure."""

from __future__ import annotations

import pytest
import requests
import responses
from django.test import Client

from duli.inventory.models import Stock
from duli.orders.models import Order
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import Payment
from duli.testing.payment_factories import stripe_enabled, stripe_session
from tests.storefront.checkout_fixtures import (  # noqa: F401
    cart_of,
    method,
    second_variant,
    selling,
    variant,
)
from tests.storefront.test_checkout import address_post, at_payment, in_cart, place  # noqa: F401

pytestmark = pytest.mark.django_db
API = "https://api.stripe.com/v1"
SESSION = "cs_test_pay0000000000000000000000000"
STRIPE_PAGE = f"https://checkout.stripe.com/c/pay/{SESSION}"


@pytest.fixture
def stripe_on(selling) -> None:
    stripe_enabled()


def session_answer(*, paid: bool = False, amount_minor: int = 4500, reference: str = "x"):
    return {
        **stripe_session(
            session_id=SESSION, reference=reference, amount_minor=amount_minor, paid=paid
        ),
        "url": STRIPE_PAGE,
    }


def test_stripe_is_offered_at_checkout_when_enabled(stripe_on, at_payment):
    html = at_payment.get("/checkout/payment/").content.decode()

    assert 'value="stripe"' in html and "you pay securely with" in html


def test_placing_with_stripe_sends_the_shopper_to_stripes_page(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        response = place(at_payment, payment="stripe")
        sent = api.calls[0].request

    assert response.status_code == 302 and response["Location"] == STRIPE_PAGE
    payment = Payment.objects.get()
    assert payment.provider_ref == SESSION
    order = Order.objects.get()
    assert "pay%2Freturn" in sent.body and order.number in sent.body  # where Stripe sends them back
    assert order.status == OrderStatus.PENDING


def test_when_stripe_cannot_be_reached_the_order_is_kept_with_a_way_to_retry(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", body=requests.ConnectionError("refused"))
        response = place(at_payment, payment="stripe")

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.number}/pay/"
    html = at_payment.get(response["Location"]).content.decode()
    assert "Complete your payment" in html and "Pay now" in html
    assert Stock.objects.get(variant=order.lines.first().variant).reserved == 2


def test_coming_back_paid_shows_the_confirmation(
    stripe_on, at_payment, django_capture_on_commit_callbacks
):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    payment = Payment.objects.get()
    with (
        responses.RequestsMock() as api,
        django_capture_on_commit_callbacks(execute=True),
    ):
        api.get(
            f"{API}/checkout/sessions/{SESSION}",
            json=session_answer(paid=True, reference=payment.reference or ""),
        )
        response = at_payment.get(f"/orders/{order.number}/pay/return/")

    assert response["Location"] == f"/orders/{order.number}/thank-you/"
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID


def test_coming_back_unpaid_waits_for_the_provider_on_the_confirmation(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    with responses.RequestsMock() as api:
        api.get(f"{API}/checkout/sessions/{SESSION}", json=session_answer())
        response = at_payment.get(f"/orders/{order.number}/pay/return/")

    html = at_payment.get(response["Location"]).content.decode()
    assert "Next: complete your payment" in html


def test_after_a_failed_payment_the_pay_page_says_why_and_offers_every_method(
    stripe_on, at_payment
):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    Payment.objects.update(status=Payment.Status.FAILED, failure_message="Your card was declined.")

    html = at_payment.get(f"/orders/{order.number}/pay/").content.decode()

    assert "Your card was declined." in html
    assert 'value="stripe"' in html


def test_paying_again_starts_a_new_attempt(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    Payment.objects.update(status=Payment.Status.FAILED)
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        response = at_payment.post(f"/orders/{order.number}/pay/", {"payment_method": "stripe"})

    assert response["Location"] == STRIPE_PAGE
    assert list(Payment.objects.order_by("pk").values_list("status", flat=True)) == [
        Payment.Status.FAILED,
        Payment.Status.PENDING,
    ]


def test_the_pay_page_offers_online_methods_not_cash(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()

    response = at_payment.post(f"/orders/{order.number}/pay/", {"payment_method": "cod"})

    assert response.status_code == 400
    assert "Choose a payment method." in response.content.decode()


def test_a_choice_that_is_not_offered_is_refused_with_a_message(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()

    response = at_payment.post(f"/orders/{order.number}/pay/", {"payment_method": "bogus"})

    assert response.status_code == 400 and "Choose a payment method." in response.content.decode()


def test_a_qr_payment_shows_the_code_and_polls_for_the_outcome(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    payment = Payment.objects.get()
    Payment.objects.update(
        action="qr_code",
        action_value="weixin://wxpay/bizpayurl?pr=abc123",
        started_for=f"{payment.reference}:desktop",
    )

    html = at_payment.post(f"/orders/{order.number}/pay/", {"payment_method": "stripe"}).content
    status = at_payment.get(f"/orders/{order.number}/pay/status/").json()

    assert b"<svg" in html and b"data-pay-status" in html
    assert status == {
        "paid": False,
        "failed": False,
        "message": "",
        "next": f"/orders/{order.number}/thank-you/",
    }


def test_the_status_poll_of_someone_elses_order_is_refused(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()

    response = Client().get(f"/orders/{order.number}/pay/status/")

    assert response.status_code == 403


def test_a_paid_order_has_nothing_left_to_pay(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(payment_status=PaymentStatus.PAID)

    response = at_payment.get(f"/orders/{order.number}/pay/")

    assert response["Location"] == f"/orders/{order.number}/"


def test_pressing_pay_now_twice_starts_one_payment_at_the_provider(stripe_on, at_payment):
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        place(at_payment, payment="stripe")
    order = Order.objects.get()
    Payment.objects.update(status=Payment.Status.FAILED)
    with responses.RequestsMock() as api:
        api.post(f"{API}/checkout/sessions", json=session_answer())
        first = at_payment.post(f"/orders/{order.number}/pay/", {"payment_method": "stripe"})
        second = at_payment.post(f"/orders/{order.number}/pay/", {"payment_method": "stripe"})
        created = len(api.calls)

    assert first["Location"] == second["Location"] == STRIPE_PAGE
    assert created == 1
    assert Payment.objects.filter(status=Payment.Status.PENDING).count() == 1
