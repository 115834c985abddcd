"""PayPal passes the provider contract: Orders v2 through the official SDK, answered with
recorded PayPal responses at the network boundary, and webhooks signed for real with a key
and certificate made here."""

from __future__ import annotations

import base64
import json
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.utils import translation

from duli.core.money import Money
from duli.payments.providers.base import EventKind, InvalidSignature, ProviderError
from duli.payments.providers.paypal import PayPal
from duli.testing.payment_contract import PaymentProviderContract

RECORDINGS = Path(__file__).parent / "recordings" / "paypal"
SANDBOX = "https://api-m.sandbox.paypal.com"
LIVE = "https://api-m.paypal.com"
ORDER_ID = "5O190127TN364715T"
CAPTURE_ID = "3C679366HH908993F"
REFUND_ID = "1JU08902781691411"
WEBHOOK_ID = "8PT597110X687430LKGECATA"
SECRET = "EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL"
WEBHOOK_TEMPLATES: dict[str, str] = {
    "authorized": "webhook_order_approved",
    "captured": "webhook_capture_completed",
    "failed": "webhook_capture_denied",
    "refunded": "webhook_capture_refunded",
}


def recording(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS / f"{name}.json").read_text())


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def certificate_pem() -> bytes:
    """A self-signed certificate for the "paypal" key, standing in for PayPal's."""
    key = rsa_key("paypal")
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal.com")]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


class TestPayPalContract(PaymentProviderContract):
    provider_class = PayPal
    currency = "USD"
    captured_ref = ORDER_ID

    @pytest.fixture(autouse=True)
    def _paypal_network(self) -> Iterator[None]:
        # A fresh app and certificate URL per test, so nothing cached by an earlier test helps.
        self.client_id = f"AcL-{uuid.uuid4().hex}"
        self.cert_url = (
            "https://api.sandbox.paypal.com/v1/notifications/certs/"
            f"CERT-360caa42-fca2a594-{uuid.uuid4().hex[:8]}"
        )
        with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
            http.get(self.cert_url, body=certificate_pem())
            self.http = http
            yield

    # --- contract hooks --------------------------------------------------------------------

    def make_provider(self, **overrides: str) -> PayPal:
        config = {
            "client_id": self.client_id,
            "client_secret": SECRET,
            "webhook_id": WEBHOOK_ID,
            "environment": "sandbox",
        }
        return PayPal(config={**config, **overrides})

    def signed_webhook(
        self, *, kind: EventKind, provider_ref: str, amount: Money, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        event = recording(WEBHOOK_TEMPLATES[kind])
        event["id"] = event_id
        resource = event["resource"]
        money = {"currency_code": amount.currency, "value": f"{amount.amount:f}"}
        if kind == "authorized":
            resource["id"] = provider_ref
            resource["purchase_units"][0]["amount"] = money
        else:
            resource["supplementary_data"]["related_ids"]["order_id"] = provider_ref
            resource["amount"] = money
        body = json.dumps(event).encode()
        return self.sign(body), body

    @contextmanager
    def network(self) -> Iterator[responses.RequestsMock]:
        self.answer_token()
        self.http.post(f"{SANDBOX}/v2/checkout/orders", json=recording("create_order"))
        self.http.get(f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}", json=order("completed"))
        refund_url = f"{SANDBOX}/v2/payments/captures/{CAPTURE_ID}/refund"
        self.http.post(refund_url, json=recording("refund"), status=201)
        yield self.http

    # --- helpers ---------------------------------------------------------------------------

    def answer_token(self, base: str = SANDBOX) -> None:
        self.http.post(f"{base}/v1/oauth2/token", json=recording("oauth_token"))

    def sign(
        self,
        body: bytes,
        *,
        key: rsa.RSAPrivateKey | None = None,
        webhook_id: str = WEBHOOK_ID,
        cert_url: str = "",
    ) -> dict[str, str]:
        transmission_id, transmission_time = str(uuid.uuid4()), "2024-05-14T10:05:24Z"
        signed = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}"
        signature = (key or rsa_key("paypal")).sign(
            signed.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return {
            "Content-Type": "application/json",
            "Paypal-Transmission-Id": transmission_id,
            "Paypal-Transmission-Time": transmission_time,
            "Paypal-Transmission-Sig": base64.b64encode(signature).decode(),
            "Paypal-Cert-Url": cert_url or self.cert_url,
            "Paypal-Auth-Algo": "SHA256withRSA",
        }

    def webhook(self, name: str) -> tuple[dict[str, str], bytes]:
        body = json.dumps(recording(name)).encode()
        return self.sign(body), body

    def sent(self, method: str, path: str) -> requests.PreparedRequest:
        matching = [
            c.request
            for c in self.http.calls
            if c.request.method == method and (c.request.url or "").split("?")[0].endswith(path)
        ]
        assert matching, f"no {method} {path} was sent"
        return matching[-1]

    def sent_json(self, method: str, path: str) -> dict[str, Any]:
        body = self.sent(method, path).body
        assert isinstance(body, str | bytes)
        return json.loads(body)

    # --- configuration ---------------------------------------------------------------------

    def test_the_label_needs_no_configuration(self) -> None:
        with translation.override("zh-hans"):
            assert PayPal(config={}).label() == "PayPal"

    def test_a_call_without_a_client_id_says_which_setting_is_missing(self) -> None:
        with pytest.raises(ProviderError, match="Client ID"):
            self.make_provider(client_id="").query(ORDER_ID)

    def test_an_unknown_environment_is_refused(self) -> None:
        with pytest.raises(ProviderError, match="sandbox"):
            self.make_provider(environment="staging").query(ORDER_ID)

    def test_the_live_environment_calls_the_live_api(self) -> None:
        self.answer_token(LIVE)
        self.http.post(f"{LIVE}/v2/checkout/orders", json=recording("create_order"))

        self.make_provider(environment="live").start(self.start_request(), idempotency_key="k-1")

        assert self.sent("POST", "/v2/checkout/orders").url == f"{LIVE}/v2/checkout/orders"

    def test_rejected_credentials_raise_a_provider_error(self) -> None:
        self.http.post(
            f"{SANDBOX}/v1/oauth2/token", json=recording("oauth_invalid_client"), status=401
        )

        with pytest.raises(ProviderError, match="client ID and secret"):
            self.make_provider().start(self.start_request(), idempotency_key="k-1")

    def test_the_oauth_token_is_reused_by_the_next_instance(self) -> None:
        with self.network():
            self.make_provider().start(self.start_request(), idempotency_key="k-1")
            self.make_provider().query(ORDER_ID)

        token_calls = [c for c in self.http.calls if c.request.url == f"{SANDBOX}/v1/oauth2/token"]
        assert len(token_calls) == 1
        assert self.sent("GET", f"/v2/checkout/orders/{ORDER_ID}").headers["Authorization"] == (
            "Bearer " + recording("oauth_token")["access_token"]
        )

    # --- start -----------------------------------------------------------------------------

    def test_start_redirects_to_the_payer_action_link(self) -> None:
        with self.network():
            result = self.make_provider().start(self.start_request(), idempotency_key="k-1")

        assert result.provider_ref == ORDER_ID
        assert result.action == "redirect"
        assert result.action_value == (
            f"https://www.sandbox.paypal.com/checkoutnow?token={ORDER_ID}"
        )

    def test_start_falls_back_to_the_approve_link(self) -> None:
        self.answer_token()
        self.http.post(
            f"{SANDBOX}/v2/checkout/orders", json=recording("create_order_with_approve_link")
        )

        result = self.make_provider().start(self.start_request(), idempotency_key="k-1")

        assert result.action_value == (
            f"https://www.sandbox.paypal.com/checkoutnow?token={ORDER_ID}"
        )

    def test_start_creates_a_capture_order_for_our_payment(self) -> None:
        with self.network():
            self.make_provider().start(self.start_request(), idempotency_key="k-1")

        sent = self.sent_json("POST", "/v2/checkout/orders")
        assert sent["intent"] == "CAPTURE"
        assert sent["purchase_units"] == [
            {
                "amount": {"currency_code": "USD", "value": "25.00"},
                "custom_id": "P-1001",
                "invoice_id": "7KQ4-M9XA-P-1001",
                "description": "Order 7KQ4-M9XA",
            }
        ]

    def test_start_sends_the_shopper_back_to_the_shop(self) -> None:
        with self.network():
            self.make_provider().start(self.start_request(), idempotency_key="k-1")

        context = self.sent_json("POST", "/v2/checkout/orders")["payment_source"]["paypal"][
            "experience_context"
        ]
        assert context["return_url"] == "https://shop.example.com/orders/t0k3n/pay/return/"
        assert context["cancel_url"] == "https://shop.example.com/orders/t0k3n/"
        assert context["user_action"] == "PAY_NOW"

    def test_start_sends_the_idempotency_key_as_paypal_request_id(self) -> None:
        with self.network():
            self.make_provider().start(self.start_request(), idempotency_key="k-start-7")

        assert self.sent("POST", "/v2/checkout/orders").headers["PayPal-Request-Id"] == "k-start-7"

    def test_start_sends_yen_as_a_whole_amount(self) -> None:
        request = replace(self.start_request(), amount=Money(Decimal(2500), "JPY"))
        with self.network():
            self.make_provider().start(request, idempotency_key="k-1")

        amount = self.sent_json("POST", "/v2/checkout/orders")["purchase_units"][0]["amount"]
        assert amount == {"currency_code": "JPY", "value": "2500"}

    def test_a_fractional_forint_amount_is_refused_before_calling_paypal(self) -> None:
        request = replace(self.start_request(), amount=Money(Decimal("10.50"), "HUF"))

        with pytest.raises(ProviderError, match="whole amounts"):
            self.make_provider().start(request, idempotency_key="k-1")
        assert len(self.http.calls) == 0

    def test_a_refused_connection_raises_a_provider_error(self) -> None:
        self.answer_token()
        self.http.post(
            f"{SANDBOX}/v2/checkout/orders",
            body=requests.ConnectionError("[Errno 111] Connection refused"),
        )

        with pytest.raises(ProviderError, match="could not be reached"):
            self.make_provider().start(self.start_request(), idempotency_key="k-1")

    def test_a_paypal_server_error_raises_a_provider_error(self) -> None:
        self.answer_token()
        self.http.post(
            f"{SANDBOX}/v2/checkout/orders", json=recording("internal_server_error"), status=500
        )

        with pytest.raises(ProviderError, match="Try again"):
            self.make_provider().start(self.start_request(), idempotency_key="k-1")

    # --- capture ---------------------------------------------------------------------------

    def capture_answer(self, name: str = "capture_order", status: int = 201) -> None:
        self.answer_token()
        url = f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}/capture"
        self.http.post(url, json=recording(name), status=status)

    def test_capture_returns_the_capture_id(self) -> None:
        self.capture_answer()

        result = self.make_provider().capture(
            ORDER_ID, Money(Decimal("25.00"), "USD"), idempotency_key="k-cap-1"
        )

        assert result.ok
        assert result.provider_ref == CAPTURE_ID
        assert not result.pending

    def test_capture_sends_the_idempotency_key_as_paypal_request_id(self) -> None:
        self.capture_answer()

        self.make_provider().capture(
            ORDER_ID, Money(Decimal("25.00"), "USD"), idempotency_key="k-cap-9"
        )

        sent = self.sent("POST", f"/v2/checkout/orders/{ORDER_ID}/capture")
        assert sent.headers["PayPal-Request-Id"] == "k-cap-9"

    def test_a_declined_capture_asks_for_another_card_or_method(self) -> None:
        self.capture_answer("capture_instrument_declined", status=422)

        result = self.make_provider().capture(
            ORDER_ID, Money(Decimal("25.00"), "USD"), idempotency_key="k-cap-1"
        )

        assert not result.ok
        assert "another card or payment method" in result.message

    def test_capturing_an_already_captured_order_returns_its_capture(self) -> None:
        self.capture_answer("capture_order_already_captured", status=422)
        self.http.get(f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}", json=order("completed"))

        result = self.make_provider().capture(
            ORDER_ID, Money(Decimal("25.00"), "USD"), idempotency_key="k-cap-2"
        )

        assert result.ok
        assert result.provider_ref == CAPTURE_ID

    def test_a_capture_that_cannot_reach_paypal_raises_a_provider_error(self) -> None:
        self.answer_token()
        self.http.post(
            f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}/capture",
            body=requests.ConnectionError("[Errno 111] Connection refused"),
        )

        with pytest.raises(ProviderError):
            self.make_provider().capture(
                ORDER_ID, Money(Decimal("25.00"), "USD"), idempotency_key="k-cap-1"
            )

    # --- refund ----------------------------------------------------------------------------

    def test_a_partial_refund_refunds_the_orders_capture(self) -> None:
        with self.network():
            result = self.make_provider().refund(
                ORDER_ID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
            )

        assert result.ok
        assert result.provider_ref == REFUND_ID
        assert self.sent_json("POST", f"/v2/payments/captures/{CAPTURE_ID}/refund") == {
            "amount": {"currency_code": "USD", "value": "5.00"},
            "custom_id": "P-1001",
        }

    def test_refund_sends_the_idempotency_key_as_paypal_request_id(self) -> None:
        with self.network():
            self.make_provider().refund(
                ORDER_ID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-4"
            )

        sent = self.sent("POST", f"/v2/payments/captures/{CAPTURE_ID}/refund")
        assert sent.headers["PayPal-Request-Id"] == "k-refund-4"

    def test_a_refused_refund_says_why(self) -> None:
        self.answer_token()
        self.http.get(f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}", json=order("completed"))
        self.http.post(
            f"{SANDBOX}/v2/payments/captures/{CAPTURE_ID}/refund",
            json=recording("refund_amount_exceeded"),
            status=422,
        )

        result = self.make_provider().refund(
            ORDER_ID, Money(Decimal("95.00"), "USD"), idempotency_key="k-refund-1"
        )

        assert not result.ok
        assert "larger than what is left to refund" in result.message

    def test_an_order_without_a_capture_cannot_be_refunded(self) -> None:
        self.answer_token()
        self.http.get(f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}", json=order("approved"))

        result = self.make_provider().refund(
            ORDER_ID, Money(Decimal("5.00"), "USD"), idempotency_key="k-refund-1"
        )

        assert not result.ok
        assert "nothing left to refund" in result.message

    # --- query -----------------------------------------------------------------------------

    def query(self, state: str) -> Any:
        self.answer_token()
        self.http.get(f"{SANDBOX}/v2/checkout/orders/{ORDER_ID}", json=order(state))
        return self.make_provider().query(ORDER_ID)

    def test_query_reports_the_captured_amount_and_our_payment(self) -> None:
        event = self.query("completed")

        assert event.kind == "captured"
        assert event.amount == Money(Decimal("25.00"), "USD")
        assert event.payment_id == "P-1001"
        assert event.event_id == f"query:{ORDER_ID}:captured"

    def test_query_reports_an_approved_order_as_authorized(self) -> None:
        event = self.query("approved")

        assert event.kind == "authorized"
        assert event.amount == Money(Decimal("25.00"), "USD")

    def test_query_reports_a_voided_order_as_canceled(self) -> None:
        assert self.query("voided").kind == "canceled"

    def test_query_reports_nothing_while_the_shopper_has_not_approved(self) -> None:
        assert self.query("payer_action_required") is None

    # --- webhooks --------------------------------------------------------------------------

    def test_a_capture_webhook_names_the_order_and_our_payment(self) -> None:
        event = self.make_provider().parse_webhook(*self.webhook("webhook_capture_completed"))

        assert event is not None
        assert event.event_id == "WH-58D329510W468432D-8HN650336L201105X"
        assert event.provider_ref == ORDER_ID
        assert event.payment_id == "P-1001"

    def test_an_approved_order_webhook_is_authorized(self) -> None:
        event = self.make_provider().parse_webhook(*self.webhook("webhook_order_approved"))

        assert event is not None
        assert (event.kind, event.provider_ref) == ("authorized", ORDER_ID)
        assert event.amount == Money(Decimal("25.00"), "USD")

    def test_a_denied_capture_webhook_is_a_failure_with_a_message(self) -> None:
        event = self.make_provider().parse_webhook(*self.webhook("webhook_capture_denied"))

        assert event is not None
        assert (event.kind, event.provider_ref) == ("failed", ORDER_ID)
        assert event.message

    def test_a_refund_webhook_carries_the_refund_and_our_payment(self) -> None:
        event = self.make_provider().parse_webhook(*self.webhook("webhook_capture_refunded"))

        assert event is not None
        assert event.kind == "refunded"
        assert event.refund_ref == REFUND_ID
        assert event.provider_ref == ORDER_ID
        assert event.payment_id == "P-1001"
        assert event.amount == Money(Decimal("5.00"), "USD")

    def test_a_refund_webhook_without_the_order_falls_back_to_the_capture(self) -> None:
        event_data = recording("webhook_capture_refunded")
        del event_data["resource"]["supplementary_data"]
        body = json.dumps(event_data).encode()

        event = self.make_provider().parse_webhook(self.sign(body), body)

        assert event is not None
        assert event.provider_ref == CAPTURE_ID
        assert event.payment_id == "P-1001"

    def test_an_event_duli_does_not_use_is_acknowledged_and_dropped(self) -> None:
        assert self.make_provider().parse_webhook(*self.webhook("webhook_dispute_created")) is None

    def test_header_names_are_matched_in_any_case(self) -> None:
        headers, body = self.webhook("webhook_capture_completed")

        event = self.make_provider().parse_webhook({k.upper(): v for k, v in headers.items()}, body)

        assert event is not None

    def test_a_webhook_signed_with_another_key_is_refused(self) -> None:
        body = json.dumps(recording("webhook_capture_completed")).encode()
        headers = self.sign(body, key=rsa_key("impostor"))

        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(headers, body)

    def test_a_webhook_signed_for_another_webhook_id_is_refused(self) -> None:
        body = json.dumps(recording("webhook_capture_completed")).encode()
        headers = self.sign(body, webhook_id="0HE71283HK9948154KGECATA")

        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(headers, body)

    @pytest.mark.parametrize(
        "cert_url",
        [
            "http://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com.example.net/v1/notifications/certs/CERT-1",
            "https://evil.example/v1/notifications/certs/CERT-1",
            "https://api.paypal.com@evil.example/v1/notifications/certs/CERT-1",
            "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
        ],
    )
    def test_a_certificate_outside_paypal_is_never_fetched(self, cert_url: str) -> None:
        body = json.dumps(recording("webhook_capture_completed")).encode()

        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(self.sign(body, cert_url=cert_url), body)
        assert len(self.http.calls) == 0

    def test_the_certificate_is_fetched_once_per_url(self) -> None:
        provider = self.make_provider()
        provider.parse_webhook(*self.webhook("webhook_capture_completed"))
        self.make_provider().parse_webhook(*self.webhook("webhook_capture_refunded"))

        assert [c.request.url for c in self.http.calls] == [self.cert_url]

    def test_an_unreachable_certificate_is_an_invalid_signature(self) -> None:
        self.http.replace(
            responses.GET, self.cert_url, body=requests.ConnectionError("Connection refused")
        )

        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(*self.webhook("webhook_capture_completed"))

    def test_webhooks_are_refused_until_the_webhook_id_is_set(self) -> None:
        with pytest.raises(InvalidSignature, match="webhook ID"):
            self.make_provider(webhook_id="").parse_webhook(
                *self.webhook("webhook_capture_completed")
            )

    def test_a_genuine_signature_over_the_wrong_shape_is_refused(self) -> None:
        body = json.dumps([{"event_type": "PAYMENT.CAPTURE.COMPLETED"}]).encode()

        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(self.sign(body), body)


def order(state: str) -> dict[str, Any]:
    return recording(f"get_order_{state}")
