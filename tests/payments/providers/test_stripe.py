"""Stripe Checkout: the provider contract, then Stripe's own flavours.

Stripe's HTTP calls are answered at the network boundary by `responses` with recorded,
Stripe-shaped JSON; webhooks are signed the way Stripe signs them and verified by the SDK.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses

from duli.core.money import Money
from duli.payments.providers.base import (
    EventKind,
    InvalidSignature,
    PaymentProvider,
    ProviderError,
    StartRequest,
)
from duli.payments.providers.stripe import Stripe
from duli.testing.payment_contract import PaymentProviderContract

RECORDINGS = Path(__file__).parent / "recordings" / "stripe"
API = "https://api.stripe.com/v1"
SECRET_KEY = "sk_test_" + secrets.token_urlsafe(32)
WEBHOOK_SECRET = "whsec_" + secrets.token_urlsafe(32)

PAID = "cs_test_b2PaidVw8ZLx0PpT3bGd9HsE4uJf6MoN5iKqR7nC"
OPEN = "cs_test_a1Q7nCkR2yVw8ZLx0PpT3bGd9HsE4uJf6MoN5iKq"
EXPIRED = "cs_test_c3ExpiredR2yVw8ZLx0PpT3bGd9HsE4uJf6MoN5i"
INTENT = "pi_3QbWx9LkdIwHu7ix0mN4aB2c"


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDINGS / f"{name}.json").read_text())
    return data


def make_stripe(**config: str) -> Stripe:
    return Stripe(config={"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET, **config})


def sign(body: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header: HMAC-SHA256 of "<timestamp>.<payload>" with the secret."""
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(kind: str, obj: dict[str, Any], *, event_id: str = "evt_1QbWxALkdIwHu7ix") -> bytes:
    envelope: dict[str, Any] = {
        "id": event_id,
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": 1767225960,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }
    return json.dumps(envelope, indent=2).encode()


def signed(body: bytes, **kwargs: Any) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": sign(body, **kwargs),
    }


def session(name: str, **changes: Any) -> dict[str, Any]:
    data = recorded(name)
    data.update(changes)
    return data


def form(call: Any) -> dict[str, list[str]]:
    """The form-encoded parameters of a recorded request."""
    return parse_qs(call.request.body or "")


@contextmanager
def stripe_api() -> Iterator[responses.RequestsMock]:
    """Stripe's API as recorded: a new session, a paid, an open and an expired session,
    and refunds."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(f"{API}/checkout/sessions", json=recorded("checkout_session_open"))
        rsps.get(f"{API}/checkout/sessions/{PAID}", json=recorded("checkout_session_paid"))
        rsps.get(f"{API}/checkout/sessions/{OPEN}", json=recorded("checkout_session_open"))
        rsps.get(f"{API}/checkout/sessions/{EXPIRED}", json=recorded("checkout_session_expired"))
        rsps.post(f"{API}/refunds", json=recorded("refund_succeeded"))
        yield rsps


@contextmanager
def unreachable() -> Iterator[responses.RequestsMock]:
    """Every connection to Stripe is refused."""
    refused = requests.ConnectionError("Connection refused")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(f"{API}/checkout/sessions", body=refused)
        rsps.get(f"{API}/checkout/sessions/{PAID}", body=refused)
        rsps.post(f"{API}/refunds", body=refused)
        yield rsps


def start_request(**changes: Any) -> StartRequest:
    values: dict[str, Any] = {
        "payment_id": "P-1001",
        "amount": Money(Decimal("25.00"), "USD"),
        "return_url": "https://shop.example.com/orders/t0k3n/pay/return/",
        "cancel_url": "https://shop.example.com/orders/t0k3n/",
        "notify_url": "https://shop.example.com/payments/webhooks/stripe/",
        "locale": "en",
        "description": "Order 7KQ4-M9XA",
        "order_number": "7KQ4-M9XA",
        "email": "ada@example.com",
    }
    values.update(changes)
    return StartRequest(**values)


class TestStripeContract(PaymentProviderContract):
    provider_class = Stripe
    captured_ref = PAID

    def make_provider(self) -> PaymentProvider:
        return make_stripe()

    def signed_webhook(
        self, *, kind: EventKind, provider_ref: str, amount: Money, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        obj = session(
            "checkout_session_paid",
            id=provider_ref,
            amount_total=amount.to_minor(),
            amount_subtotal=amount.to_minor(),
            currency=amount.currency.lower(),
        )
        stripe_kind = {
            "captured": "checkout.session.completed",
            "failed": "checkout.session.async_payment_failed",
            "canceled": "checkout.session.expired",
        }[kind]
        body = event(stripe_kind, obj, event_id=event_id)
        return signed(body), body

    def network(self) -> AbstractContextManager[Any]:
        return stripe_api()


# --- start -----------------------------------------------------------------------------------


def test_start_redirects_to_the_checkout_page() -> None:
    with stripe_api():
        result = make_stripe().start(start_request(), idempotency_key="k-start-1")
    assert result.action == "redirect"
    assert result.provider_ref == OPEN
    assert result.action_value.startswith(f"https://checkout.stripe.com/c/pay/{OPEN}")


def test_start_sends_the_idempotency_key() -> None:
    with stripe_api() as rsps:
        make_stripe().start(start_request(), idempotency_key="k-start-1")
        assert rsps.calls[0].request.headers["Idempotency-Key"] == "k-start-1"


def test_start_creates_a_payment_mode_session_carrying_our_payment_id() -> None:
    with stripe_api() as rsps:
        make_stripe().start(start_request(), idempotency_key="k-start-1")
        sent = form(rsps.calls[0])
        assert sent["mode"] == ["payment"]
        assert sent["client_reference_id"] == ["P-1001"]
        assert sent["metadata[payment_id]"] == ["P-1001"]
        assert sent["payment_intent_data[metadata][payment_id]"] == ["P-1001"]
        assert sent["line_items[0][price_data][currency]"] == ["usd"]
        assert sent["line_items[0][price_data][unit_amount]"] == ["2500"]
        assert sent["line_items[0][price_data][product_data][name]"] == ["Order 7KQ4-M9XA"]
        assert sent["success_url"] == ["https://shop.example.com/orders/t0k3n/pay/return/"]
        assert sent["cancel_url"] == ["https://shop.example.com/orders/t0k3n/"]
        assert sent["customer_email"] == ["ada@example.com"]


def test_start_lets_stripe_choose_the_methods_by_default() -> None:
    with stripe_api() as rsps:
        make_stripe().start(start_request(), idempotency_key="k-start-1")
        assert not any("payment_method" in key for key in form(rsps.calls[0]))


def test_start_offers_the_extra_methods_the_merchant_lists() -> None:
    with stripe_api() as rsps:
        make_stripe(payment_method_types="alipay, wechat_pay").start(
            start_request(), idempotency_key="k-start-1"
        )
        sent = form(rsps.calls[0])
        allowed = [sent[f"allowed_payment_method_types[{i}]"][0] for i in range(4)]
        assert allowed == ["card", "link", "alipay", "wechat_pay"]
        assert sent["payment_method_options[wechat_pay][client]"] == ["web"]


def test_start_sends_yen_without_minor_units() -> None:
    with stripe_api() as rsps:
        make_stripe().start(
            start_request(amount=Money(Decimal("2500"), "JPY")), idempotency_key="k-start-1"
        )
        sent = form(rsps.calls[0])
        assert sent["line_items[0][price_data][currency]"] == ["jpy"]
        assert sent["line_items[0][price_data][unit_amount]"] == ["2500"]


def test_start_shows_the_page_in_the_shoppers_language() -> None:
    with stripe_api() as rsps:
        make_stripe().start(start_request(locale="zh-hans"), idempotency_key="k-start-1")
        assert form(rsps.calls[0])["locale"] == ["zh"]


def test_start_in_an_unsupported_currency_is_refused_before_calling_stripe() -> None:
    with stripe_api() as rsps:
        with pytest.raises(ProviderError):
            make_stripe().start(
                start_request(amount=Money(Decimal("25.00"), "XAU")), idempotency_key="k-start-1"
            )
        assert not rsps.calls


def test_start_without_a_secret_key_names_the_setting() -> None:
    provider = Stripe(config={})
    assert provider.label()
    with pytest.raises(ProviderError, match="secret key"):
        provider.start(start_request(), idempotency_key="k-start-1")


def test_start_with_a_publishable_key_as_secret_key_is_refused() -> None:
    with pytest.raises(ProviderError, match="sk_"):
        Stripe(config={"secret_key": "pk_test_abc"}).start(
            start_request(), idempotency_key="k-start-1"
        )


def test_start_with_a_rejected_key_raises_a_provider_error() -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(f"{API}/checkout/sessions", status=401, json=recorded("error_invalid_api_key"))
        with pytest.raises(ProviderError, match="secret key"):
            make_stripe().start(start_request(), idempotency_key="k-start-1")


def test_start_when_stripe_cannot_be_reached_raises_a_provider_error() -> None:
    with unreachable(), pytest.raises(ProviderError, match="could not be reached"):
        make_stripe().start(start_request(), idempotency_key="k-start-1")


def test_capture_has_nothing_to_do() -> None:
    with responses.RequestsMock() as rsps:
        result = make_stripe().capture(
            PAID, Money(Decimal("25.00"), "USD"), idempotency_key="k-capture-1"
        )
        assert not rsps.calls
    assert result.ok and result.provider_ref == PAID


# --- refund ----------------------------------------------------------------------------------


def test_refund_refunds_the_sessions_payment_intent() -> None:
    with stripe_api() as rsps:
        result = make_stripe().refund(
            PAID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
        )
        assert result.ok and not result.pending
        assert result.provider_ref == "re_3QbWx9LkdIwHu7ix0Rf5Tg8K"
        sent = form(rsps.calls[-1])
        assert sent["payment_intent"] == [INTENT]
        assert sent["amount"] == ["500"]
        assert sent["metadata[payment_id]"] == ["P-1001"]


def test_refund_sends_the_given_idempotency_key() -> None:
    with stripe_api() as rsps:
        make_stripe().refund(PAID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-7")
        assert rsps.calls[-1].request.url == f"{API}/refunds"
        assert rsps.calls[-1].request.headers["Idempotency-Key"] == "k-refund-7"


def test_a_refund_stripe_finishes_later_is_pending() -> None:
    with stripe_api() as rsps:
        rsps.replace(responses.POST, f"{API}/refunds", json=recorded("refund_pending"))
        result = make_stripe().refund(
            PAID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
        )
        assert result.ok and result.pending


def test_a_refused_refund_says_why() -> None:
    with stripe_api() as rsps:
        rsps.replace(
            responses.POST,
            f"{API}/refunds",
            status=400,
            json=recorded("error_charge_already_refunded"),
        )
        result = make_stripe().refund(
            PAID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
        )
        assert not result.ok
        assert "has already been refunded" in result.message


def test_refunding_a_session_that_was_never_paid_is_refused() -> None:
    with stripe_api() as rsps:
        result = make_stripe().refund(
            OPEN, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
        )
        assert not result.ok and result.message
        assert [call.request.method for call in rsps.calls] == ["GET"]


def test_refund_when_stripe_cannot_be_reached_is_not_ok() -> None:
    with unreachable():
        result = make_stripe().refund(
            PAID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
        )
    assert not result.ok
    assert "could not be reached" in result.message


def test_refund_without_a_secret_key_names_the_setting() -> None:
    result = Stripe(config={}).refund(
        PAID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
    )
    assert not result.ok and "secret key" in result.message


# --- query -----------------------------------------------------------------------------------


def test_query_reports_the_amount_and_our_payment_id() -> None:
    with stripe_api():
        found = make_stripe().query(PAID)
    assert found is not None
    assert found.event_id == f"query:{PAID}:captured"
    assert found.amount == Money(Decimal("25.00"), "USD")
    assert found.payment_id == "P-1001"


def test_query_reports_an_expired_session_as_canceled() -> None:
    with stripe_api():
        found = make_stripe().query(EXPIRED)
    assert found is not None and found.kind == "canceled"


def test_query_of_an_open_session_is_still_pending() -> None:
    with stripe_api():
        assert make_stripe().query(OPEN) is None


def test_query_when_stripe_cannot_be_reached_raises_a_provider_error() -> None:
    with unreachable(), pytest.raises(ProviderError):
        make_stripe().query(PAID)


# --- webhooks --------------------------------------------------------------------------------


def parse(kind: str, obj: dict[str, Any]) -> Any:
    body = event(kind, obj)
    return make_stripe().parse_webhook(signed(body), body)


def test_a_completed_session_carries_stripes_event_id_and_our_payment_id() -> None:
    found = parse("checkout.session.completed", session("checkout_session_paid"))
    assert found.kind == "captured"
    assert found.event_id == "evt_1QbWxALkdIwHu7ix"
    assert found.payment_id == "P-1001"


def test_a_completed_session_still_awaiting_a_bank_debit_is_ignored() -> None:
    obj = session("checkout_session_paid", payment_status="unpaid")
    assert parse("checkout.session.completed", obj) is None


def test_a_delayed_payment_that_succeeds_is_captured() -> None:
    found = parse("checkout.session.async_payment_succeeded", session("checkout_session_paid"))
    assert found.kind == "captured" and found.provider_ref == PAID


def test_a_delayed_payment_that_fails_is_failed_with_a_reason() -> None:
    obj = session("checkout_session_paid", payment_status="unpaid")
    found = parse("checkout.session.async_payment_failed", obj)
    assert found.kind == "failed" and found.message


def test_an_expired_session_is_canceled() -> None:
    found = parse("checkout.session.expired", session("checkout_session_expired"))
    assert found.kind == "canceled" and found.provider_ref == EXPIRED


def test_a_yen_payment_arrives_without_minor_units() -> None:
    obj = session("checkout_session_paid", amount_total=2500, currency="jpy")
    found = parse("checkout.session.completed", obj)
    assert found.amount == Money(Decimal("2500"), "JPY")


def test_a_succeeded_refund_update_is_a_refund() -> None:
    found = parse("refund.updated", recorded("refund_succeeded"))
    assert found.kind == "refunded"
    assert found.refund_ref == "re_3QbWx9LkdIwHu7ix0Rf5Tg8K"
    assert found.amount == Money(Decimal("5.00"), "USD")
    assert found.payment_id == "P-1001"


def test_a_refund_update_still_pending_is_ignored() -> None:
    assert parse("refund.updated", recorded("refund_pending")) is None


def test_a_refunded_charge_names_its_latest_refund() -> None:
    older = recorded("refund_succeeded") | {"id": "re_older", "amount": 700, "created": 1}
    charge = recorded("charge_refunded") | {
        "refunds": {
            "object": "list",
            "data": [recorded("refund_succeeded"), older],
            "has_more": False,
            "total_count": 2,
            "url": "/v1/charges/ch_3QbWx9LkdIwHu7ix0aV6bN3m/refunds",
        }
    }
    found = parse("charge.refunded", charge)
    assert found.kind == "refunded"
    assert found.refund_ref == "re_3QbWx9LkdIwHu7ix0Rf5Tg8K"
    assert found.amount == Money(Decimal("5.00"), "USD")
    assert found.payment_id == "P-1001"


def test_a_refunded_charge_without_its_refunds_counts_what_the_total_grew_by() -> None:
    body = json.loads(event("charge.refunded", recorded("charge_refunded")))
    body["data"]["previous_attributes"] = {"amount_refunded": 700}
    raw = json.dumps(body).encode()
    found = make_stripe().parse_webhook(signed(raw), raw)
    assert found is not None and found.kind == "refunded"
    assert found.amount == Money(Decimal("5.00"), "USD")
    assert found.provider_ref == INTENT


def test_events_duli_does_not_use_are_ignored() -> None:
    intent = {"id": INTENT, "object": "payment_intent", "amount": 2500, "currency": "usd"}
    assert parse("payment_intent.created", intent) is None


def test_the_signature_header_is_found_in_any_case() -> None:
    body = event("checkout.session.completed", session("checkout_session_paid"))
    headers = {"stripe-signature": sign(body)}
    assert make_stripe().parse_webhook(headers, body) is not None


def test_a_webhook_signed_with_another_secret_is_refused() -> None:
    body = event("checkout.session.completed", session("checkout_session_paid"))
    headers = signed(body, secret="whsec_" + secrets.token_urlsafe(32))
    with pytest.raises(InvalidSignature):
        make_stripe().parse_webhook(headers, body)


def test_a_replayed_old_webhook_is_refused() -> None:
    body = event("checkout.session.completed", session("checkout_session_paid"))
    headers = signed(body, at=int(time.time()) - 3600)
    with pytest.raises(InvalidSignature):
        make_stripe().parse_webhook(headers, body)


def test_a_webhook_is_refused_when_no_signing_secret_is_set() -> None:
    body = event("checkout.session.completed", session("checkout_session_paid"))
    with pytest.raises(InvalidSignature, match="signing secret"):
        Stripe(config={"secret_key": SECRET_KEY}).parse_webhook(signed(body), body)


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"id": "evt_1", "object": "event", "type": "checkout.session.completed"}'],
)
def test_a_signed_body_that_is_not_a_stripe_event_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidSignature):
        make_stripe().parse_webhook(signed(body), body)


def test_a_checkout_event_without_a_session_id_is_refused() -> None:
    obj = copy.deepcopy(session("checkout_session_paid"))
    del obj["id"]
    body = event("checkout.session.completed", obj)
    with pytest.raises(InvalidSignature):
        make_stripe().parse_webhook(signed(body), body)


def test_a_refused_webhook_is_answered_with_an_error_status() -> None:
    status, content_type, _ = make_stripe().webhook_response(accepted=False)
    assert status == 400 and content_type == "application/json"
