"""Webhooks leave the outbox after commit, signed, to a real local HTTP server; failed
deliveries are kept and retried with backoff."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request

from duli.testpay import processor
from duli.testpay.models import Charge, WebhookEvent

from .conftest import SECRET, MakeCharge

pytestmark = pytest.mark.django_db

HOOK = "/payments/webhooks/testpay/"


@pytest.fixture
def pay(
    make_charge: MakeCharge, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> Callable[..., Charge]:
    """Pay a charge that notifies the local server, running what runs after commit."""

    def run(card: str = "4242424242424242", **overrides: object) -> Charge:
        charge = make_charge(notify_url=httpserver.url_for(HOOK), **overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return processor.charge_pay(charge_id=charge.pk, card_number=card)

    return run


def received(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


def test_a_paid_charge_posts_a_signed_charge_succeeded(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")

    charge = pay(reference="P-1001")

    (request,) = received(httpserver)
    body = request.get_data()
    assert request.headers["Content-Type"] == "application/json"
    assert processor.webhook_verify(SECRET, request.headers["Duli-TestPay-Signature"], body)
    payload = json.loads(body)
    assert payload["id"].startswith("evt_") and payload["type"] == "charge.succeeded"
    assert isinstance(payload["created"], int)
    assert payload["data"] == {
        "charge": charge.pk,
        "reference": "P-1001",
        "amount": "25.00",
        "currency": "USD",
    }
    event = WebhookEvent.objects.get()
    assert event.delivered_at is not None and event.attempts == 1 and event.last_error == ""


def test_a_declined_charge_posts_charge_failed_with_the_reason(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")

    pay("4000000000000002")

    (request,) = received(httpserver)
    payload = json.loads(request.get_data())
    assert payload["type"] == "charge.failed"
    assert payload["data"]["failure_message"] == "Your card was declined."


def test_a_refund_posts_refund_succeeded(
    httpserver: HTTPServer, pay, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")
    charge = pay()

    with django_capture_on_commit_callbacks(execute=True):
        refund = processor.refund_create(
            charge_id=charge.pk, amount=Decimal("7.50"), idempotency_key="r-1"
        )

    request = received(httpserver)[-1]
    assert processor.webhook_verify(
        SECRET, request.headers["Duli-TestPay-Signature"], request.get_data()
    )
    payload = json.loads(request.get_data())
    assert payload["type"] == "refund.succeeded"
    assert payload["data"]["refund"] == refund.pk
    assert payload["data"]["amount"] == "7.50"


def test_nothing_is_sent_when_the_transaction_rolls_back(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")
    charge = pay()

    with pytest.raises(processor.RefundRefused):
        processor.refund_create(charge_id=charge.pk, amount=Decimal(99), idempotency_key="r-1")

    assert len(received(httpserver)) == 1  # only the charge.succeeded


def test_a_non_2xx_answer_is_kept_for_a_retry(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("boom", status=500)

    before = timezone.now()
    pay()

    event = WebhookEvent.objects.get()
    assert event.delivered_at is None
    assert (event.attempts, event.last_error) == (1, "HTTP 500")
    assert event.next_attempt_at is not None
    assert timedelta(seconds=59) < event.next_attempt_at - before < timedelta(seconds=70)


def test_a_retry_delivers_once_the_backoff_has_passed(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_oneshot_request(HOOK, method="POST").respond_with_data("", status=503)
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")
    pay()

    assert processor.testpay_webhooks_retry() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert processor.testpay_webhooks_retry() == 1

    first, second = received(httpserver)
    assert first.get_data() == second.get_data()
    assert processor.webhook_verify(
        SECRET, second.headers["Duli-TestPay-Signature"], second.get_data()
    )
    event = WebhookEvent.objects.get()
    assert event.delivered_at is not None and event.attempts == 2 and event.next_attempt_at is None


def test_a_refused_connection_is_recorded_and_retried(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")
    httpserver.stop()  # the shop is down: its port refuses connections

    pay()

    event = WebhookEvent.objects.get()
    assert event.delivered_at is None and event.attempts == 1
    assert "refused" in event.last_error.lower()

    httpserver.start()  # back up, on the same port
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        processor.testpay_webhooks_retry()

    (request,) = received(httpserver)
    assert json.loads(request.get_data())["id"] == event.pk
    event.refresh_from_db()
    assert event.delivered_at is not None and event.last_error == ""


def test_retries_wait_longer_each_time(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=500)
    pay()
    start = WebhookEvent.objects.get().next_attempt_at
    assert start is not None

    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        processor.testpay_webhooks_retry()
        event = WebhookEvent.objects.get()

        assert event.attempts == 2
        assert event.next_attempt_at == timezone.now() + timedelta(minutes=2)


def test_delivery_gives_up_after_the_last_attempt(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=500)
    pay()
    WebhookEvent.objects.update(
        attempts=processor.WEBHOOK_MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )

    processor.testpay_webhooks_retry()

    event = WebhookEvent.objects.get()
    assert event.attempts == processor.WEBHOOK_MAX_ATTEMPTS
    assert event.next_attempt_at is None and event.delivered_at is None
    assert processor.testpay_webhooks_retry() == 0


def test_a_redirect_is_not_a_delivery(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data(
        "", status=302, headers={"Location": "/elsewhere/"}
    )

    pay()

    assert WebhookEvent.objects.get().last_error == "HTTP 302"


def test_a_delivered_event_is_not_sent_again(httpserver: HTTPServer, pay) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(HOOK, method="POST").respond_with_data("ok")
    pay()
    event = WebhookEvent.objects.get()

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert processor.testpay_webhooks_retry() == 0
        assert processor.webhook_deliver(event.pk) is False

    assert len(received(httpserver)) == 1


def test_an_unreachable_host_is_recorded(
    make_charge: MakeCharge, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    charge = make_charge(notify_url=f"http://127.0.0.1:{port}/hook/")

    with django_capture_on_commit_callbacks(execute=True):
        processor.charge_pay(charge_id=charge.pk, card_number="4242424242424242")

    event = WebhookEvent.objects.get()
    assert event.attempts == 1 and event.last_error.startswith("URLError")
