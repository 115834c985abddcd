"""Duli Test Pay passes the provider contract, against the simulated processor's own tables."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from duli.core.money import Money
from duli.payments.providers.base import (
    EventKind,
    InvalidSignature,
    PaymentProvider,
    ProviderError,
    StartRequest,
)
from duli.payments.providers.testpay import TestPay
from duli.testing.payment_contract import PaymentProviderContract
from duli.testpay import processor
from duli.testpay.models import Charge, WebhookEvent

pytestmark = pytest.mark.django_db

SECRET = "whsec_contract_5f1c0e9a7b"
CAPTURED = "ch_contractcaptured"
TYPES = {
    "captured": "charge.succeeded",
    "failed": "charge.failed",
    "refunded": "refund.succeeded",
}


def sign(payload: dict[str, Any], *, secret: str = SECRET, at: int | None = None) -> tuple:
    body = json.dumps(payload).encode()
    header = processor.webhook_sign(secret, body, int(time.time()) if at is None else at)
    return {"Content-Type": "application/json", "Duli-TestPay-Signature": header}, body


def event_payload(
    type_: str = "charge.succeeded", *, charge: str = "ch_1", event_id: str = "evt_1", **data: str
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": type_,
        "created": int(time.time()),
        "data": {
            "charge": charge,
            "reference": "P-1001",
            "amount": "25.00",
            "currency": "USD",
            **data,
        },
    }


def provider(secret: str = SECRET) -> TestPay:
    return TestPay(config={"webhook_secret": secret})


class TestTestPayContract(PaymentProviderContract):
    provider_class = TestPay
    captured_ref = CAPTURED

    def make_provider(self) -> PaymentProvider:
        return provider()

    def signed_webhook(
        self, *, kind: EventKind, provider_ref: str, amount: Money, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        payload = event_payload(TYPES[kind], charge=provider_ref, event_id=event_id)
        payload["data"].update(amount=str(amount.amount), currency=amount.currency)
        return sign(payload)

    @contextmanager
    def network(self) -> Iterator[None]:
        """The processor's records: one charge the shopper has paid."""
        Charge.objects.get_or_create(
            id=CAPTURED,
            defaults={
                "reference": "P-0999",
                "amount": Decimal("25.00"),
                "currency": self.currency,
                "return_url": "https://shop.example.com/orders/t0k3n/pay/return/",
                "webhook_secret": SECRET,
                "idempotency_key": "contract-captured",
                "status": Charge.Status.SUCCEEDED,
                "card_brand": "visa",
                "card_last4": "4242",
            },
        )
        yield


# --- start --------------------------------------------------------------------------------


def request(**overrides: Any) -> StartRequest:
    fields: dict[str, Any] = {
        "payment_id": "P-1001",
        "amount": Money(Decimal("25.00"), "USD"),
        "return_url": "https://shop.example.com/orders/t0k3n/pay/return/",
        "cancel_url": "https://shop.example.com/orders/t0k3n/",
        "notify_url": "https://shop.example.com/payments/webhooks/testpay/",
        "locale": "en",
        "description": "Order 7KQ4-M9XA",
    }
    return StartRequest(**(fields | overrides))


def test_start_redirects_to_the_hosted_page_on_the_shop_s_host() -> None:
    result = provider().start(request(), idempotency_key="k-1")

    assert result.action == "redirect"
    assert result.provider_ref.startswith("ch_")
    assert result.action_value == f"https://shop.example.com/testpay/pay/{result.provider_ref}/"


def test_start_opens_a_charge_for_the_payment() -> None:
    result = provider().start(request(), idempotency_key="k-1")

    charge = processor.charge_get(result.provider_ref)
    assert (charge.reference, charge.money) == ("P-1001", Money(Decimal("25.00"), "USD"))
    assert charge.description == "Order 7KQ4-M9XA"
    assert charge.cancel_url == "https://shop.example.com/orders/t0k3n/"
    assert charge.notify_url == "https://shop.example.com/payments/webhooks/testpay/"
    assert charge.webhook_secret == SECRET


def test_start_twice_with_one_key_opens_one_charge() -> None:
    first = provider().start(request(), idempotency_key="k-1")
    second = provider().start(request(), idempotency_key="k-1")

    assert first.provider_ref == second.provider_ref


def test_start_with_a_site_relative_return_url_gives_a_site_relative_page() -> None:
    result = provider().start(request(return_url="/orders/t0k3n/"), idempotency_key="k-1")

    assert result.action_value == f"/testpay/pay/{result.provider_ref}/"


def test_start_without_a_webhook_secret_says_what_to_set() -> None:
    with pytest.raises(ProviderError, match="webhook secret"):
        provider(secret="").start(request(), idempotency_key="k-1")


def test_start_refused_by_the_processor_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="more than zero"):
        provider().start(request(amount=Money(Decimal(0), "USD")), idempotency_key="k-1")


# --- capture, refund, query ---------------------------------------------------------------


def paid_charge() -> str:
    ref = provider().start(request(), idempotency_key="k-paid").provider_ref
    processor.charge_pay(charge_id=ref, card_number="4242424242424242")
    return ref


def test_capture_of_a_paid_charge_is_ok() -> None:
    ref = paid_charge()

    assert provider().capture(ref, Money(Decimal(25), "USD"), idempotency_key="c-1").ok


def test_capture_of_an_unpaid_charge_is_refused() -> None:
    ref = provider().start(request(), idempotency_key="k-1").provider_ref

    result = provider().capture(ref, Money(Decimal(25), "USD"), idempotency_key="c-1")

    assert not result.ok and result.message


def test_a_refund_returns_the_refund_id() -> None:
    ref = paid_charge()

    result = provider().refund(ref, Money(Decimal("10.00"), "USD"), idempotency_key="r-1")

    assert result.ok and result.provider_ref.startswith("re_")


def test_a_refund_beyond_what_is_left_is_refused_with_the_reason() -> None:
    ref = paid_charge()
    provider().refund(ref, Money(Decimal("20.00"), "USD"), idempotency_key="r-1")

    result = provider().refund(ref, Money(Decimal("10.00"), "USD"), idempotency_key="r-2")

    assert not result.ok and "$5.00" in result.message


def test_a_refund_of_an_unknown_charge_is_refused() -> None:
    result = provider().refund("ch_nothing", Money(Decimal(5), "USD"), idempotency_key="r-1")

    assert not result.ok and result.message


def test_query_of_an_unpaid_charge_is_none() -> None:
    ref = provider().start(request(), idempotency_key="k-1").provider_ref

    assert provider().query(ref) is None


def test_query_of_a_paid_charge_is_a_capture_with_a_stable_id() -> None:
    ref = paid_charge()

    event = provider().query(ref)

    assert event is not None
    assert (event.kind, event.event_id) == ("captured", f"query:{ref}:captured")
    assert event.amount == Money(Decimal("25.00"), "USD") and event.payment_id == "P-1001"


def test_query_of_a_declined_charge_is_a_failure_with_the_reason() -> None:
    ref = provider().start(request(), idempotency_key="k-1").provider_ref
    processor.charge_pay(charge_id=ref, card_number="4000000000000002")

    event = provider().query(ref)

    assert event is not None and event.kind == "failed"
    assert event.message == "Your card was declined."


def test_query_of_an_unknown_charge_is_a_provider_error() -> None:
    with pytest.raises(ProviderError):
        provider().query("ch_nothing")


# --- webhooks -----------------------------------------------------------------------------


def test_a_webhook_the_processor_sent_is_read_back() -> None:
    ref = paid_charge()
    event = WebhookEvent.objects.get(charge_id=ref)
    body = processor.webhook_body(event)
    header = processor.webhook_sign(SECRET, body, int(time.time()))

    parsed = provider().parse_webhook({"duli-testpay-signature": header}, body)

    assert parsed is not None
    assert (parsed.event_id, parsed.kind, parsed.provider_ref) == (event.pk, "captured", ref)
    assert parsed.payment_id == "P-1001"
    assert parsed.amount == Money(Decimal("25.00"), "USD")


def test_a_failure_webhook_carries_the_reason() -> None:
    headers, body = sign(event_payload("charge.failed", failure_message="Your card was declined."))

    event = provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "failed"
    assert event.message == "Your card was declined."


def test_a_refund_webhook_carries_the_refund_id() -> None:
    headers, body = sign(event_payload("refund.succeeded", refund="re_1", amount="5.00"))

    event = provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "refunded"
    assert (event.refund_ref, event.amount) == ("re_1", Money(Decimal("5.00"), "USD"))


def test_an_event_duli_does_not_use_is_dropped() -> None:
    headers, body = sign(event_payload("charge.updated"))

    assert provider().parse_webhook(headers, body) is None


def test_a_webhook_older_than_five_minutes_is_refused() -> None:
    headers, body = sign(event_payload(), at=int(time.time()) - 301)

    with pytest.raises(InvalidSignature):
        provider().parse_webhook(headers, body)


def test_a_webhook_signed_with_another_secret_is_refused() -> None:
    headers, body = sign(event_payload(), secret="someone-else")

    with pytest.raises(InvalidSignature):
        provider().parse_webhook(headers, body)


def test_a_webhook_is_refused_when_no_secret_is_configured() -> None:
    headers, body = sign(event_payload(), secret="")

    with pytest.raises(InvalidSignature):
        provider(secret="").parse_webhook(headers, body)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "text",
        {"id": "evt_1", "type": "charge.succeeded"},
        {"id": "evt_1", "type": "charge.succeeded", "data": []},
        {"id": 1, "type": "charge.succeeded", "data": event_payload()["data"]},
        event_payload(amount="lots"),
        event_payload(amount="NaN"),
        event_payload(currency="dollars"),
        event_payload(currency=7),  # type: ignore[arg-type]
    ],
)
def test_a_signed_webhook_of_the_wrong_shape_is_refused(payload: Any) -> None:
    with pytest.raises(InvalidSignature):
        provider().parse_webhook(*sign(payload))


def test_the_webhook_answers_are_json() -> None:
    assert provider().webhook_response(accepted=True) == (
        200,
        "application/json",
        '{"received": true}',
    )
    assert provider().webhook_response(accepted=False)[0] == 400
