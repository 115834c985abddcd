"""The payment provider protocol (DESIGN: payments). Providers never touch the database:
`duli.payments.services` persists what they return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from duli.core.errors import DomainError
from duli.core.money import Money


class Capability(StrEnum):
    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    REFUND = "refund"
    PARTIAL_REFUND = "partial_refund"
    QR_CODE = "qr_code"
    MANUAL = "manual"  # the merchant confirms receipt by hand (bank transfer, cash)


@dataclass(frozen=True, slots=True)
class StartRequest:
    payment_id: str
    amount: Money
    return_url: str
    locale: str
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StartResult:
    provider_ref: str
    action: Literal["none", "redirect", "client_secret", "qr_code"]
    action_value: str = ""


@dataclass(frozen=True, slots=True)
class OperationResult:
    ok: bool
    provider_ref: str = ""
    message: str = ""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    event_id: str
    provider_ref: str
    kind: Literal["authorized", "captured", "failed", "refunded", "canceled"]
    amount: Money | None
    raw: Mapping[str, Any]


class InvalidSignature(DomainError):
    code = "invalid_signature"
    status = 400


class Unsupported(DomainError):
    code = "unsupported"
    status = 409


@runtime_checkable
class PaymentProvider(Protocol):
    code: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    # True when the order is confirmed and may ship before the money arrives (cash on delivery).
    ships_before_payment: ClassVar[bool]

    def __init__(self, *, config: Mapping[str, Any]) -> None: ...

    def label(self) -> str:
        """The name shoppers see at checkout, in the active language."""
        ...

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult: ...

    def capture(
        self, provider_ref: str, amount: Money, *, idempotency_key: str
    ) -> OperationResult: ...

    def refund(
        self, provider_ref: str, amount: Money, *, idempotency_key: str
    ) -> OperationResult: ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Verify the signature (raise InvalidSignature) and translate; never touch the DB."""
        ...
