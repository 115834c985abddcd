"""PayPal Checkout through Orders v2 and PayPal's official server SDK.

The shopper approves the order on PayPal's page; the shop then captures it (on the return
page, or when the CHECKOUT.ORDER.APPROVED webhook arrives). Refunds go to the order's
capture. Webhooks are verified offline, the documented way: RSA-SHA256 over
"<transmission id>|<transmission time>|<webhook id>|<CRC32 of the body>" with the public key
of the certificate PayPal names, fetched only from PayPal's own API hosts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from apimatic_core.exceptions.auth_validation_exception import AuthValidationException
from cryptography import x509
from cryptography.exceptions import InvalidSignature as BadSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils.translation import gettext, gettext_lazy
from paypalserversdk.api_helper import APIHelper
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money as PayPalMoney
from paypalserversdk.models.order_capture_request import OrderCaptureRequest
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_experience_user_action import PaypalExperienceUserAction
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_context_shipping_preference import (
    PaypalWalletContextShippingPreference,
)
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext,
)
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

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

log = logging.getLogger(__name__)

# PayPal's documented currency list. BRL, CNY and MYR work for in-country accounts only;
# RUB, still listed in places, is left out since PayPal stopped serving Russia.
# fmt: off
CURRENCIES = frozenset({
    "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS",
    "JPY", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "SEK", "SGD", "THB", "TWD", "USD",
})
# fmt: on
# PayPal refuses decimals in these currencies.
WHOLE_UNITS_ONLY = frozenset({"HUF", "JPY", "TWD"})
# Webhook signing certificates are only ever fetched from these hosts, over HTTPS.
CERT_HOSTS = frozenset(
    {"api.paypal.com", "api.sandbox.paypal.com", "api-m.paypal.com", "api-m.sandbox.paypal.com"}
)
CAPTURED = frozenset({"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"})
REFUNDABLE = frozenset({"COMPLETED", "PARTIALLY_REFUNDED"})

# Shared by every instance in the process: OAuth tokens per app (reused until five minutes
# before they expire) and webhook certificates per URL.
_TOKENS: dict[tuple[str, str, str], Any] = {}
_CERTS: dict[str, x509.Certificate] = {}
_MAX_CERTS = 32


class _Refused(Exception):
    """PayPal answered with a business error (4xx): the issue code and its description."""

    def __init__(self, status: int, issue: str, description: str) -> None:
        super().__init__(f"{status} {issue}: {description}")
        self.status = status
        self.issue = issue
        self.description = description


class PayPal:
    """PayPal wallet and the cards PayPal offers on its own page."""

    code: ClassVar[str] = "paypal"
    # AUTHORIZE: the shopper approves at PayPal; the shop then captures the approved order.
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.AUTHORIZE,
            Capability.CAPTURE,
            Capability.REFUND,
            Capability.PARTIAL_REFUND,
            Capability.REDIRECT,
        }
    )
    ships_before_payment: ClassVar[bool] = False
    currencies: ClassVar[frozenset[str]] = CURRENCIES
    countries: ClassVar[frozenset[str]] = frozenset()
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField(
            "client_id",
            gettext_lazy("Client ID"),
            help=gettext_lazy("In the PayPal developer dashboard: Apps & Credentials, your app."),
        ),
        ConfigField(
            "client_secret",
            gettext_lazy("Secret"),
            secret=True,
            help=gettext_lazy("Shown next to the client ID of the same app."),
        ),
        ConfigField(
            "webhook_id",
            gettext_lazy("Webhook ID"),
            help=gettext_lazy(
                "Add a webhook in the app's settings pointing at this shop's PayPal webhook "
                "address, then paste the ID PayPal gives it. Without it no notification from "
                "PayPal can be trusted."
            ),
        ),
        ConfigField(
            "environment",
            gettext_lazy("Environment"),
            choices=(
                ("sandbox", gettext_lazy("Sandbox (testing)")),
                ("live", gettext_lazy("Live")),
            ),
            default="sandbox",
            help=gettext_lazy("Sandbox and live apps have different client IDs and secrets."),
        ),
    )

    def __init__(self, *, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self._sdk: Any = None
        self._token_key: tuple[str, str, str] | None = None

    def label(self) -> str:
        return gettext("PayPal")

    # --- calls to PayPal -----------------------------------------------------------------

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult:
        experience = PaypalWalletExperienceContext(
            return_url=request.return_url,
            cancel_url=request.cancel_url or request.return_url,
            user_action=PaypalExperienceUserAction.PAY_NOW,
            # Duli collects the delivery address itself and sends none to PayPal.
            shipping_preference=PaypalWalletContextShippingPreference.NO_SHIPPING,
        )
        unit = PurchaseUnitRequest(
            amount=AmountWithBreakdown(
                currency_code=request.amount.currency, value=_value(request.amount)
            ),
            custom_id=request.payment_id,
            # Unique per attempt: PayPal refuses an invoice ID it has seen paid (DUPLICATE_INVOICE_ID).
            invoice_id=f"{request.order_number}-{request.payment_id}"[:127]
            if request.order_number
            else APIHelper.SKIP,
            description=request.description[:127] or APIHelper.SKIP,
        )
        body = OrderRequest(
            intent=CheckoutPaymentIntent.CAPTURE,
            purchase_units=[unit],
            payment_source=PaymentSource(paypal=PaypalWallet(experience_context=experience)),
        )
        try:
            order = self._call(
                lambda sdk: sdk.orders.create_order(
                    {"body": body, "paypal_request_id": idempotency_key}
                )
            )
        except _Refused as refused:
            raise ProviderError(
                gettext("PayPal refused to start the payment: %(reason)s") % _reason(refused)
            ) from refused
        link = _link(order, "payer-action") or _link(order, "approve")
        if not order.get("id") or not link:
            raise ProviderError(
                gettext("PayPal did not return a page for the shopper to pay on. Try again.")
            )
        return StartResult(provider_ref=str(order["id"]), action="redirect", action_value=link)

    def capture(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        try:
            order = self._call(
                lambda sdk: sdk.orders.capture_order(
                    {
                        "id": provider_ref,
                        "paypal_request_id": idempotency_key,
                        "prefer": "return=representation",
                        "body": OrderCaptureRequest(),
                    }
                )
            )
        except _Refused as refused:
            if refused.issue != "ORDER_ALREADY_CAPTURED":
                return OperationResult(ok=False, message=_capture_refusal(refused))
            order = self._order(provider_ref)
        captures = _captures(order)
        capture = next((c for c in captures if c.get("status") in CAPTURED), None)
        if capture is not None:
            return OperationResult(ok=True, provider_ref=str(capture.get("id", "")))
        pending = next((c for c in captures if c.get("status") == "PENDING"), None)
        if pending is not None:
            return OperationResult(ok=True, provider_ref=str(pending.get("id", "")), pending=True)
        return OperationResult(ok=False, message=_declined())

    def refund(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        # PayPal refunds a capture, not an order: find the order's capture first.
        order = self._order(provider_ref)
        capture = next((c for c in _captures(order) if c.get("status") in REFUNDABLE), None)
        if capture is None or not capture.get("id"):
            return OperationResult(
                ok=False,
                message=gettext(
                    "This PayPal payment has nothing left to refund: it was never captured or "
                    "has already been refunded in full."
                ),
            )
        body = RefundRequest(
            amount=PayPalMoney(currency_code=amount.currency, value=_value(amount)),
            # Echoed back in the PAYMENT.CAPTURE.REFUNDED webhook, so it finds our payment.
            custom_id=_custom_id(order) or APIHelper.SKIP,
        )
        try:
            refund = self._call(
                lambda sdk: sdk.payments.refund_captured_payment(
                    {
                        "capture_id": capture["id"],
                        "paypal_request_id": idempotency_key,
                        "body": body,
                    }
                )
            )
        except _Refused as refused:
            return OperationResult(ok=False, message=_refund_refusal(refused))
        status = refund.get("status")
        if status == "COMPLETED":
            return OperationResult(ok=True, provider_ref=str(refund.get("id", "")))
        if status == "PENDING":
            return OperationResult(ok=True, provider_ref=str(refund.get("id", "")), pending=True)
        return OperationResult(
            ok=False,
            provider_ref=str(refund.get("id", "")),
            message=gettext(
                "PayPal could not complete the refund. Refund the customer another way, or "
                "try again later."
            ),
        )

    def query(self, provider_ref: str) -> WebhookEvent | None:
        order = self._order(provider_ref)
        status = order.get("status")
        payment_id = _custom_id(order)
        kind: EventKind
        if status == "COMPLETED":
            captures = _captures(order)
            capture = next((c for c in captures if c.get("status") in CAPTURED), None)
            if capture is not None:
                kind, amount, message = "captured", _money(capture.get("amount")), ""
            elif any(c.get("status") in ("DECLINED", "FAILED") for c in captures):
                kind, amount, message = "failed", None, _declined()
            else:
                return None
        elif status == "APPROVED":
            kind, amount, message = "authorized", _unit_amount(order), ""
        elif status == "VOIDED":
            kind, amount, message = "canceled", None, ""
        else:
            return None
        return WebhookEvent(
            event_id=f"query:{provider_ref}:{kind}",
            provider_ref=provider_ref,
            kind=kind,
            amount=amount,
            raw=order,
            payment_id=payment_id,
            message=message,
        )

    # --- webhooks ------------------------------------------------------------------------

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        self._verify(headers, body)
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise InvalidSignature(gettext("This is not a PayPal webhook event.")) from exc
        if not (
            isinstance(event, dict)
            and isinstance(event.get("id"), str)
            and isinstance(event.get("event_type"), str)
            and isinstance(event.get("resource"), dict)
        ):
            raise InvalidSignature(gettext("This is not a PayPal webhook event."))
        return _translate(event)

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        # PayPal only looks at the status; anything but 2xx is retried for up to three days.
        return (200 if accepted else 400), "text/plain", ""

    # --- helpers -------------------------------------------------------------------------

    def _setting(self, name: str) -> str:
        value = str(self.config.get(name) or "").strip()
        if not value:
            label = next(str(f.label) for f in self.config_fields if f.name == name)
            raise ProviderError(
                gettext("PayPal is not set up: enter the %(setting)s in the PayPal settings.")
                % {"setting": label}
            )
        return value

    def _client(self) -> Any:
        if self._sdk is None:
            environment = str(self.config.get("environment") or "sandbox")
            if environment not in ("sandbox", "live"):
                raise ProviderError(gettext("The PayPal environment must be “sandbox” or “live”."))
            client_id, secret = self._setting("client_id"), self._setting("client_secret")
            key = (environment, client_id, hashlib.sha256(secret.encode()).hexdigest())
            credentials = ClientCredentialsAuthCredentials(
                o_auth_client_id=client_id,
                o_auth_client_secret=secret,
                o_auth_token=_TOKENS.get(key),
                o_auth_on_token_update=lambda token: _TOKENS.__setitem__(key, token),
                o_auth_clock_skew=300,
            )
            self._sdk = PaypalServersdkClient(
                client_credentials_auth_credentials=credentials,
                environment=Environment.PRODUCTION
                if environment == "live"
                else Environment.SANDBOX,
                timeout=30,
            )
            self._token_key = key
        return self._sdk

    def _call(self, endpoint: Callable[[Any], Any]) -> dict[str, Any]:
        """Run one SDK call and return its body as a dict. A business refusal (4xx) raises
        _Refused; anything else that goes wrong raises ProviderError."""
        sdk = self._client()
        try:
            response = endpoint(sdk)
            data = APIHelper.to_dictionary(response.body) if response.body is not None else {}
        except AuthValidationException as exc:  # the token request was refused
            raise ProviderError(_bad_credentials()) from exc
        except ApiException as exc:
            status = int(exc.response_code or 0)
            if status in (401, 403):
                if self._token_key is not None:
                    _TOKENS.pop(self._token_key, None)
                raise ProviderError(_bad_credentials()) from exc
            if 400 <= status < 500 and status != 429:
                raise _refusal(exc, status) from exc
            raise ProviderError(
                gettext("PayPal is not answering properly right now. Try again in a few minutes.")
            ) from exc
        except requests.RequestException as exc:
            raise ProviderError(
                gettext("PayPal could not be reached. Try again in a few minutes.")
            ) from exc
        except Exception as exc:  # an answer the SDK could not read
            log.exception("unreadable answer from PayPal")
            raise ProviderError(
                gettext("PayPal sent an answer that could not be read. Try again later.")
            ) from exc
        return data if isinstance(data, dict) else {}

    def _order(self, provider_ref: str) -> dict[str, Any]:
        try:
            return self._call(lambda sdk: sdk.orders.get_order({"id": provider_ref}))
        except _Refused as refused:
            raise ProviderError(
                gettext("PayPal could not find the payment %(ref)s: %(reason)s")
                % {"ref": provider_ref, **_reason(refused)}
            ) from refused

    def _verify(self, headers: Mapping[str, str], body: bytes) -> None:
        webhook_id = str(self.config.get("webhook_id") or "").strip()
        if not webhook_id:
            raise InvalidSignature(
                gettext("Enter the PayPal webhook ID in the PayPal settings to accept webhooks.")
            )
        lowered = {str(k).lower(): str(v).strip() for k, v in headers.items()}
        names = ("transmission-id", "transmission-time", "transmission-sig", "cert-url")
        transmission_id, transmission_time, signature, cert_url = (
            lowered.get(f"paypal-{name}", "") for name in names
        )
        if not (transmission_id and transmission_time and signature and cert_url):
            raise InvalidSignature(gettext("The PayPal webhook signature headers are missing."))
        if lowered.get("paypal-auth-algo", "").upper() != "SHA256WITHRSA":
            raise InvalidSignature(gettext("The PayPal webhook is signed in an unknown way."))
        public_key = _certificate(cert_url).public_key()
        signed = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}"
        try:
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise BadSignature
            public_key.verify(
                base64.b64decode(signature, validate=True),
                signed.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (BadSignature, binascii.Error, ValueError) as exc:
            raise InvalidSignature(gettext("The PayPal webhook signature does not match.")) from exc


def _certificate(url: str) -> x509.Certificate:
    """PayPal's signing certificate at `url`, fetched once per process. PayPal's server SDK
    has no webhook verification, so the documented offline check fetches it with `requests`."""
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or parts.hostname not in CERT_HOSTS
        or parts.username is not None
        or parts.port not in (None, 443)
    ):
        raise InvalidSignature(gettext("The PayPal webhook names a certificate outside PayPal."))
    cert = _CERTS.get(url)
    if cert is None:
        try:
            response = requests.get(url, timeout=10, allow_redirects=False)
            response.raise_for_status()
            cert = x509.load_pem_x509_certificates(response.content)[0]
        except (requests.RequestException, ValueError, IndexError) as exc:
            raise InvalidSignature(
                gettext("PayPal's webhook certificate could not be fetched. PayPal will retry.")
            ) from exc
        if len(_CERTS) >= _MAX_CERTS:
            _CERTS.clear()
        _CERTS[url] = cert
    now = datetime.now(UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise InvalidSignature(gettext("PayPal's webhook certificate has expired."))
    return cert


def _translate(event: dict[str, Any]) -> WebhookEvent | None:
    """The Duli event for a verified PayPal webhook, or None for one Duli does not use."""
    event_type, resource = event["event_type"], event["resource"]
    kind: EventKind
    refund_ref = message = ""
    if event_type == "CHECKOUT.ORDER.APPROVED":
        kind, provider_ref = "authorized", str(resource.get("id") or "")
        amount, payment_id = _unit_amount(resource), _custom_id(resource)
    elif event_type in ("PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED"):
        kind = "captured" if event_type == "PAYMENT.CAPTURE.COMPLETED" else "failed"
        provider_ref = _related_order(resource) or str(resource.get("id") or "")
        amount, payment_id = _money(resource.get("amount")), str(resource.get("custom_id") or "")
        if kind == "failed":
            message = _declined()
    elif event_type == "PAYMENT.CAPTURE.REFUNDED":
        kind, refund_ref = "refunded", str(resource.get("id") or "")
        # A refund names its capture ("up" link); the order only when PayPal adds it.
        provider_ref = _related_order(resource) or _linked_id(resource, "up")
        amount, payment_id = _money(resource.get("amount")), str(resource.get("custom_id") or "")
    else:
        return None
    if not provider_ref or (kind in ("captured", "refunded") and amount is None):
        raise InvalidSignature(gettext("This PayPal webhook event is incomplete."))
    return WebhookEvent(
        event_id=event["id"],
        provider_ref=provider_ref,
        kind=kind,
        amount=amount,
        raw=event,
        refund_ref=refund_ref,
        payment_id=payment_id,
        message=message,
    )


def _value(amount: Money) -> str:
    """An amount as PayPal writes it: "25.00", "1500" for yen."""
    exact = amount.rounded().amount
    if amount.currency in WHOLE_UNITS_ONLY:
        if exact != exact.to_integral_value():
            raise ProviderError(
                gettext("PayPal takes only whole amounts in %(currency)s.")
                % {"currency": amount.currency}
            )
        exact = exact.quantize(Decimal(1))
    return f"{exact:f}"


def _money(data: Any) -> Money | None:
    if not isinstance(data, Mapping):
        return None
    currency = str(data.get("currency_code") or "")
    try:
        value = Decimal(str(data.get("value")))
    except InvalidOperation:
        return None
    if len(currency) != 3 or not currency.isalpha() or not value.is_finite():
        return None
    return Money(value, currency)


def _units(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    units = order.get("purchase_units")
    return [u for u in units if isinstance(u, Mapping)] if isinstance(units, list) else []


def _unit_amount(order: Mapping[str, Any]) -> Money | None:
    units = _units(order)
    return _money(units[0].get("amount")) if units else None


def _custom_id(order: Mapping[str, Any]) -> str:
    return next((str(u["custom_id"]) for u in _units(order) if u.get("custom_id")), "")


def _captures(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for unit in _units(order):
        payments = unit.get("payments")
        captures = payments.get("captures") if isinstance(payments, Mapping) else None
        if isinstance(captures, list):
            found.extend(c for c in captures if isinstance(c, Mapping))
    return found


def _link(resource: Mapping[str, Any], rel: str) -> str:
    links = resource.get("links")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, Mapping) and link.get("rel") == rel and link.get("href"):
            return str(link["href"])
    return ""


def _linked_id(resource: Mapping[str, Any], rel: str) -> str:
    """The last path segment of a HATEOAS link: the ID of the resource it points at."""
    return _link(resource, rel).rstrip("/").rsplit("/", 1)[-1]


def _related_order(resource: Mapping[str, Any]) -> str:
    supplementary = resource.get("supplementary_data")
    related = supplementary.get("related_ids") if isinstance(supplementary, Mapping) else None
    if isinstance(related, Mapping) and related.get("order_id"):
        return str(related["order_id"])
    up = _link(resource, "up")
    return _linked_id(resource, "up") if "/checkout/orders/" in up else ""


def _refusal(exc: ApiException, status: int) -> _Refused:
    details = getattr(exc, "details", None) or []
    first = details[0] if details else None
    issue = getattr(first, "issue", None) or getattr(exc, "name", None) or str(status)
    description = (
        getattr(first, "description", None) or getattr(exc, "message", None) or str(exc.reason)
    )
    return _Refused(status, str(issue), str(description))


def _reason(refused: _Refused) -> dict[str, str]:
    return {"reason": f"{refused.description} ({refused.issue})"}


def _bad_credentials() -> str:
    return gettext(
        "PayPal did not accept the client ID and secret. Check them in the PayPal settings; "
        "sandbox and live apps have different ones."
    )


def _declined() -> str:
    return gettext("PayPal declined the payment. Please try another card or payment method.")


def _capture_refusal(refused: _Refused) -> str:
    if refused.issue == "ORDER_NOT_APPROVED":
        return gettext(
            "The payment was not approved at PayPal. Please go back to PayPal and approve it, "
            "or choose another payment method."
        )
    if refused.issue == "DUPLICATE_INVOICE_ID":
        return gettext(
            "PayPal refused the payment because this order was already paid. Please contact "
            "the shop before paying again."
        )
    if refused.status == 422:  # INSTRUMENT_DECLINED, TRANSACTION_REFUSED, PAYER_CANNOT_PAY …
        return _declined()
    return gettext(
        "PayPal could not take the payment: %(reason)s. Please try again or choose another "
        "payment method."
    ) % _reason(refused)


def _refund_refusal(refused: _Refused) -> str:
    messages = {
        "CAPTURE_FULLY_REFUNDED": gettext("This PayPal payment has already been refunded in full."),
        "REFUND_AMOUNT_EXCEEDED": gettext(
            "The refund is larger than what is left to refund on this PayPal payment."
        ),
        "REFUND_TIME_LIMIT_EXCEEDED": gettext(
            "PayPal no longer accepts refunds for this payment because it is too old. Refund "
            "the customer another way."
        ),
        "INSUFFICIENT_FUNDS": gettext(
            "The PayPal balance is too low for this refund. Add funds to the PayPal account "
            "and try again."
        ),
        "REFUND_FAILED_INSUFFICIENT_FUNDS": gettext(
            "The PayPal balance is too low for this refund. Add funds to the PayPal account "
            "and try again."
        ),
    }
    return messages.get(refused.issue) or (
        gettext("PayPal refused the refund: %(reason)s") % _reason(refused)
    )
