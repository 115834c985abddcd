"""The payment provider protocol (DESIGN rule 8, STYLE 5.3).

Providers translate between Duli and one payment service. They never touch the database:
`duli.payments.services` persists what they return, stores each webhook once and hands it
to an idempotent task. Every provider passes the contract suite in
`duli.testing.payment_contract`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from django.utils.functional import Promise

from duli.core.errors import DomainError
from duli.core.money import Money


class Capability(StrEnum):
    AUTHORIZE = "authorize"  # hold the money now, capture later
    CAPTURE = "capture"  # take the money (at once, or after an authorization)
    REFUND = "refund"
    PARTIAL_REFUND = "partial_refund"
    QR_CODE = "qr_code"  # the shopper scans a code with a phone (WeChat Native, Alipay precreate)
    REDIRECT = "redirect"  # the shopper pays on the provider's page and comes back
    MANUAL = "manual"  # the merchant confirms receipt by hand (bank transfer, cash)


@dataclass(frozen=True, slots=True)
class ConfigField:
    """One setting a merchant enters to enable a provider. Secret values are stored
    encrypted and never shown again in full."""

    name: str
    label: str | Promise
    secret: bool = False
    required: bool = True
    multiline: bool = False  # PEM keys, certificates
    help: str | Promise = ""
    choices: tuple[tuple[str, str | Promise], ...] = ()
    default: str = ""


@dataclass(frozen=True, slots=True)
class StartRequest:
    """What a provider needs to start taking a payment."""

    payment_id: str  # our reference, unique per payment attempt
    amount: Money
    return_url: str  # where the shopper comes back after paying (or trying to)
    locale: str
    cancel_url: str = ""  # where the shopper lands after giving up on the provider's page
    notify_url: str = ""  # our webhook endpoint for this provider
    description: str = ""  # "Order 7KQ4-M9XA"
    order_number: str = ""
    email: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 of the shopper's address
    device: Literal["desktop", "mobile", "wechat"] = "desktop"
    client_ip: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StartResult:
    """What the shopper must do next: nothing, follow a redirect, run the provider's
    script with a client secret, or scan a QR code."""

    provider_ref: str
    action: Literal["none", "redirect", "client_secret", "qr_code"]
    action_value: str = ""


@dataclass(frozen=True, slots=True)
class OperationResult:
    """The answer to a capture or refund. `pending` means the provider accepted it and will
    confirm later (a webhook or a query); `ok` false means it refused, with `message`."""

    ok: bool
    provider_ref: str = ""
    message: str = ""
    pending: bool = False


EventKind = Literal["authorized", "captured", "failed", "refunded", "canceled"]


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified notification from a provider, or the answer to a status query."""

    event_id: str  # unique per provider: the inbox key
    provider_ref: str  # the payment at the provider (what `start` returned)
    kind: EventKind
    amount: Money | None
    raw: Mapping[str, Any]
    refund_ref: str = ""  # for "refunded": the refund at the provider
    payment_id: str = ""  # our StartRequest.payment_id when the provider echoes it back
    message: str = ""  # for "failed": why, in words a merchant can act on


class InvalidSignature(DomainError):
    code = "invalid_signature"
    status = 400


class Unsupported(DomainError):
    code = "unsupported"
    status = 409


class ProviderError(DomainError):
    """The provider refused or could not be reached; the message says what to do."""

    code = "provider_error"
    status = 502


@runtime_checkable
class PaymentProvider(Protocol):
    code: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    # True when the order is confirmed and may ship before the money arrives (cash on delivery).
    ships_before_payment: ClassVar[bool]
    # ISO 4217 codes and ISO 3166-1 countries served; empty means any.
    currencies: ClassVar[frozenset[str]]
    countries: ClassVar[frozenset[str]]
    config_fields: ClassVar[tuple[ConfigField, ...]]

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

    def query(self, provider_ref: str) -> WebhookEvent | None:
        """Ask the provider where a payment stands (reconciliation). None while it is still
        pending; otherwise an event as a webhook would have brought it."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        """Verify the signature (raise InvalidSignature) and translate; never touch the DB.
        None for a genuine event Duli has no use for (it is acknowledged and dropped)."""
        ...

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        """(status, content type, body) the provider expects in answer to a webhook."""
        ...
