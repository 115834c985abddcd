"""Manual methods: bank transfer and cash on delivery. Money moves outside Duli; the
merchant records receipt (mark paid) and refunds by hand, and Duli keeps the books."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext

from duli.core.money import Money
from duli.payments.providers.base import (
    Capability,
    ConfigField,
    InvalidSignature,
    OperationResult,
    StartRequest,
    StartResult,
    WebhookEvent,
)


class _Manual:
    code: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.MANUAL, Capability.REFUND, Capability.PARTIAL_REFUND}
    )
    ships_before_payment: ClassVar[bool] = False
    currencies: ClassVar[frozenset[str]] = frozenset()
    countries: ClassVar[frozenset[str]] = frozenset()
    # Bank details live in the shop settings (translatable), so there is nothing to enter here.
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()

    def __init__(self, *, config: Mapping[str, Any]) -> None:
        self.config = dict(config)

    def label(self) -> str:
        raise NotImplementedError

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult:
        return StartResult(provider_ref=f"{self.code}:{request.payment_id}", action="none")

    def capture(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        return OperationResult(ok=True, provider_ref=provider_ref)

    def refund(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        # The merchant pays the money back themselves; this records that they did.
        return OperationResult(ok=True, provider_ref=provider_ref)

    def query(self, provider_ref: str) -> WebhookEvent | None:
        return None  # only the merchant knows; they mark the order paid

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        raise InvalidSignature(gettext("Manual payment methods receive no webhooks."))

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        return (200 if accepted else 400), "text/plain", ""


class BankTransfer(_Manual):
    """The shopper transfers the total; the order waits until the merchant confirms it."""

    code: ClassVar[str] = "bank_transfer"

    def label(self) -> str:
        return gettext("Bank transfer")


class CashOnDelivery(_Manual):
    """The courier collects the total; the order can be shipped before it is paid."""

    code: ClassVar[str] = "cod"
    ships_before_payment: ClassVar[bool] = True

    def label(self) -> str:
        return gettext("Cash on delivery")
