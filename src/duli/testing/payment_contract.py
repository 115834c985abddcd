"""The contract every payment provider passes (DESIGN rule 8).

A provider's tests subclass `PaymentProviderContract` and fill in the hooks: a configured
instance built with keys and secrets the test generates, a genuinely signed webhook, and a
context manager that answers the provider's HTTP calls with recorded responses at the
network boundary (a local HTTP server or the `responses` library; never a mock of Duli's
code). The suite then checks what Duli relies on:

    class TestStripeContract(PaymentProviderContract):
        provider_class = Stripe
        def make_provider(self): ...
        def signed_webhook(self, *, kind, provider_ref, amount, event_id): ...
        def network(self): ...

Third-party providers run the same suite from their own test package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from django.utils import translation

from duli.core.money import Money
from duli.payments.providers.base import (
    Capability,
    EventKind,
    InvalidSignature,
    OperationResult,
    PaymentProvider,
    StartRequest,
    StartResult,
)
from duli.payments.providers.registry import installed


class PaymentProviderContract:
    provider_class: ClassVar[type[PaymentProvider]]
    currency: ClassVar[str] = "USD"
    # A reference the recorded network knows as a captured payment.
    captured_ref: ClassVar[str] = ""

    # --- hooks ---------------------------------------------------------------------------

    def make_provider(self) -> PaymentProvider:
        raise NotImplementedError

    def signed_webhook(
        self, *, kind: EventKind, provider_ref: str, amount: Money, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        """Headers and body exactly as the provider would send them, signed for real."""
        raise NotImplementedError

    def unsigned(self, headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
        """The same webhook with its signature removed (override when it is in the body)."""
        return {"Content-Type": headers.get("Content-Type", "application/json")}, body

    def network(self) -> AbstractContextManager[Any]:
        """Recorded answers to the provider's HTTP calls for `start`, `refund` and `query`."""
        return _nothing()

    def start_request(self) -> StartRequest:
        return StartRequest(
            payment_id="P-1001",
            amount=Money(Decimal("25.00"), self.currency),
            return_url="https://shop.example.com/orders/t0k3n/pay/return/",
            cancel_url="https://shop.example.com/orders/t0k3n/",
            notify_url=f"https://shop.example.com/payments/webhooks/{self.provider_class.code}/",
            locale="en",
            description="Order 7KQ4-M9XA",
            order_number="7KQ4-M9XA",
            email="ada@example.com",
            country="US",
            client_ip="203.0.113.9",
        )

    # --- declarations ----------------------------------------------------------------------

    def test_is_registered_under_its_code(self) -> None:
        assert installed()[self.provider_class.code] is self.provider_class

    def test_declares_capabilities_currencies_and_countries(self) -> None:
        cls = self.provider_class
        assert cls.capabilities and all(isinstance(c, Capability) for c in cls.capabilities)
        assert all(re.fullmatch(r"[A-Z]{3}", c) for c in cls.currencies)
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in cls.countries)
        if Capability.PARTIAL_REFUND in cls.capabilities:
            assert Capability.REFUND in cls.capabilities

    def test_config_fields_are_named_once_and_secrets_flagged(self) -> None:
        names = [f.name for f in self.provider_class.config_fields]
        assert len(names) == len(set(names))
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)
        for f in self.provider_class.config_fields:
            if any(w in f.name for w in ("secret", "private", "password", "api_v3_key")):
                assert f.secret, f"{f.name} looks secret but is not flagged"

    def test_satisfies_the_protocol(self) -> None:
        assert isinstance(self.make_provider(), PaymentProvider)

    def test_has_a_label_in_english_and_chinese(self) -> None:
        provider = self.make_provider()
        for language in ("en", "zh-hans"):
            with translation.override(language):
                assert provider.label().strip()

    # --- webhooks -----------------------------------------------------------------------

    @pytest.fixture(autouse=True)
    def _webhooks_only_for_gateways(self, request: pytest.FixtureRequest) -> None:
        manual = Capability.MANUAL in self.provider_class.capabilities
        if manual and "webhook" in request.node.name:
            pytest.skip("manual methods receive no webhooks")

    def test_a_signed_capture_webhook_is_verified_and_translated(self) -> None:
        amount = Money(Decimal("25.00"), self.currency)
        headers, body = self.signed_webhook(
            kind="captured",
            provider_ref=self.captured_ref or "ref-1",
            amount=amount,
            event_id="evt-1",
        )
        event = self.make_provider().parse_webhook(headers, body)
        assert event is not None
        assert event.kind == "captured"
        assert event.event_id
        assert event.provider_ref == (self.captured_ref or "ref-1")
        assert event.amount == amount

    def test_the_same_webhook_twice_has_the_same_event_id(self) -> None:
        amount = Money(Decimal("25.00"), self.currency)
        headers, body = self.signed_webhook(
            kind="captured", provider_ref="ref-1", amount=amount, event_id="evt-1"
        )
        provider = self.make_provider()
        first, second = provider.parse_webhook(headers, body), provider.parse_webhook(headers, body)
        assert first is not None and second is not None
        assert first.event_id == second.event_id

    def test_a_tampered_webhook_is_refused(self) -> None:
        amount = Money(Decimal("25.00"), self.currency)
        headers, body = self.signed_webhook(
            kind="captured", provider_ref="ref-1", amount=amount, event_id="evt-1"
        )
        tampered = body.replace(b"25", b"95", 1)
        assert tampered != body, "the signed body should carry the amount"
        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(headers, tampered)

    def test_a_webhook_without_a_signature_is_refused(self) -> None:
        amount = Money(Decimal("25.00"), self.currency)
        headers, body = self.signed_webhook(
            kind="captured", provider_ref="ref-1", amount=amount, event_id="evt-1"
        )
        with pytest.raises(InvalidSignature):
            self.make_provider().parse_webhook(*self.unsigned(headers, body))

    def test_garbage_is_refused_as_an_invalid_signature(self) -> None:
        for body in (b"", b"not json", b"\xff\xfe", b"{}"):
            with pytest.raises(InvalidSignature):
                self.make_provider().parse_webhook({}, body)

    def test_the_webhook_answer_is_a_status_type_and_body(self) -> None:
        provider = self.make_provider()
        for accepted in (True, False):
            status, content_type, body = provider.webhook_response(accepted=accepted)
            assert isinstance(status, int) and isinstance(content_type, str)
            assert isinstance(body, str)
        assert provider.webhook_response(accepted=True)[0] in (200, 204)

    # --- calls to the provider, answered by recorded responses ------------------------------

    def test_start_says_what_the_shopper_does_next(self) -> None:
        with self.network():
            result = self.make_provider().start(self.start_request(), idempotency_key="k-start-1")
        assert isinstance(result, StartResult)
        assert result.provider_ref
        assert result.action in ("none", "redirect", "client_secret", "qr_code")
        if result.action != "none":
            assert result.action_value

    def test_a_refund_is_accepted_or_refused_with_a_result(self) -> None:
        if Capability.REFUND not in self.provider_class.capabilities:
            pytest.skip("does not refund")
        with self.network():
            result = self.make_provider().refund(
                self.captured_ref or "ref-1",
                Money(Decimal("5.00"), self.currency),
                idempotency_key="k-refund-1",
            )
        assert isinstance(result, OperationResult)
        assert result.ok or result.message

    def test_query_reports_a_captured_payment(self) -> None:
        if not self.captured_ref:
            pytest.skip("no recorded captured payment")
        with self.network():
            event = self.make_provider().query(self.captured_ref)
        assert event is not None and event.kind == "captured"
        assert event.provider_ref == self.captured_ref


@contextmanager
def _nothing() -> Iterator[None]:
    yield
