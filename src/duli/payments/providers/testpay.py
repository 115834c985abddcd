"""Duli Test Pay: the built-in card processor simulator, so a shop can be tried end to end.

It calls `duli.testpay.processor` as it would call an outside processor's SDK: the shopper
pays test cards on the processor's hosted page, and the processor tells the shop what
happened with HMAC-signed webhooks. No real money moves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.utils.translation import gettext, gettext_lazy

from duli.core.errors import DomainError
from duli.core.money import Money
from duli.payments.providers.base import (
    Capability,
    ConfigField,
    EventKind,
    InvalidSignature,
    OperationResult,
    ProviderError,
    StartRequest,
    StartResult,
    WebhookEvent,
)
from duli.testpay import processor

SIGNATURE_HEADER = processor.SIGNATURE_HEADER
WEBHOOK_TOLERANCE_SECONDS = 300
_KINDS: dict[str, EventKind] = {
    "charge.succeeded": "captured",
    "charge.failed": "failed",
    "refund.succeeded": "refunded",
}


class TestPay:
    """Card payments against the simulated processor, in any currency and country."""

    __test__ = False  # a provider, not a test class

    code: ClassVar[str] = "testpay"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.CAPTURE, Capability.REFUND, Capability.PARTIAL_REFUND, Capability.REDIRECT}
    )
    ships_before_payment: ClassVar[bool] = False
    currencies: ClassVar[frozenset[str]] = frozenset()
    countries: ClassVar[frozenset[str]] = frozenset()
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField(
            name="webhook_secret",
            label=gettext_lazy("Webhook secret"),
            secret=True,
            required=True,
            help=gettext_lazy(
                "Any long random text. Test Pay signs its notifications with it and the shop "
                "checks them; no real money moves."
            ),
        ),
    )

    def __init__(self, *, config: Mapping[str, Any]) -> None:
        self.webhook_secret = str(config.get("webhook_secret") or "")

    def label(self) -> str:
        return gettext("Card (Duli Test Pay, test mode)")

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult:
        self._configured()
        try:
            charge = processor.charge_create(
                amount=request.amount.rounded().amount,
                currency=request.amount.currency,
                reference=request.payment_id,
                description=request.description or request.order_number,
                return_url=request.return_url,
                cancel_url=request.cancel_url,
                notify_url=request.notify_url,
                webhook_secret=self.webhook_secret,
                idempotency_key=idempotency_key,
            )
        except DomainError as error:
            raise ProviderError(
                gettext("Duli Test Pay refused the payment: %(reason)s") % {"reason": error.message}
            ) from None
        parts = urlsplit(request.return_url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        return StartResult(
            provider_ref=charge.pk,
            action="redirect",
            action_value=origin + processor.charge_page_path(charge.pk),
        )

    def capture(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        # Test Pay takes the money when the card is accepted; there is nothing left to capture.
        try:
            charge = processor.charge_get(provider_ref)
        except DomainError as error:
            return OperationResult(ok=False, message=error.message)
        if charge.status != charge.Status.SUCCEEDED:
            return OperationResult(
                ok=False, message=gettext("The shopper has not paid this charge yet.")
            )
        return OperationResult(ok=True, provider_ref=charge.pk)

    def refund(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        try:
            refund = processor.refund_create(
                charge_id=provider_ref,
                amount=amount.rounded().amount,
                currency=amount.currency,
                idempotency_key=idempotency_key,
            )
        except DomainError as error:
            return OperationResult(
                ok=False,
                message=gettext("Duli Test Pay refused the refund: %(reason)s")
                % {"reason": error.message},
            )
        return OperationResult(ok=True, provider_ref=refund.pk)

    def query(self, provider_ref: str) -> WebhookEvent | None:
        try:
            charge = processor.charge_get(provider_ref)
        except DomainError as error:
            raise ProviderError(error.message) from None
        raw = {
            "charge": charge.pk,
            "reference": charge.reference,
            "status": charge.status,
            "amount": str(charge.money.rounded().amount),
            "currency": charge.currency,
        }
        kind: EventKind
        if charge.status == charge.Status.SUCCEEDED:
            kind = "captured"
        elif charge.status == charge.Status.FAILED:
            kind = "failed"
        else:
            return None
        return WebhookEvent(
            event_id=f"query:{charge.pk}:{kind}",
            provider_ref=charge.pk,
            kind=kind,
            amount=charge.money.rounded(),
            raw=raw,
            payment_id=charge.reference,
            message=charge.failure_message,
        )

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        header = _header(headers, SIGNATURE_HEADER)
        if not self.webhook_secret or not processor.webhook_verify(
            self.webhook_secret, header, body, WEBHOOK_TOLERANCE_SECONDS
        ):
            raise InvalidSignature(gettext("The Test Pay signature is missing or does not match."))
        try:
            payload = json.loads(body)
            event_id, type_, data = payload["id"], payload["type"], payload["data"]
            charge_id, reference = data["charge"], data["reference"]
            amount = Money(Decimal(data["amount"]), data["currency"])
        except (ValueError, TypeError, KeyError, AttributeError, InvalidOperation):
            raise InvalidSignature(
                gettext("The Test Pay notification is not one Duli reads.")
            ) from None
        if not all(isinstance(v, str) and v for v in (event_id, type_, charge_id, reference)):
            raise InvalidSignature(gettext("The Test Pay notification is not one Duli reads."))
        if not amount.amount.is_finite() or not re.fullmatch(r"[A-Z]{3}", amount.currency):
            raise InvalidSignature(gettext("The Test Pay notification is not one Duli reads."))
        kind = _KINDS.get(type_)
        if kind is None:
            return None  # a genuine event Duli does not act on
        return WebhookEvent(
            event_id=event_id,
            provider_ref=charge_id,
            kind=kind,
            amount=amount,
            raw=payload,
            refund_ref=str(data.get("refund") or ""),
            payment_id=reference,
            message=str(data.get("failure_message") or ""),
        )

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        if accepted:
            return 200, "application/json", '{"received": true}'
        return 400, "application/json", '{"received": false}'

    def _configured(self) -> None:
        if not self.webhook_secret:
            raise ProviderError(
                gettext("Enter a webhook secret in the Duli Test Pay settings, then try again.")
            )


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else ""
    return ""
