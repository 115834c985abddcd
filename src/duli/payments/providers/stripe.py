"""Stripe through hosted Checkout: the shopper pays on Stripe's page (cards, the wallets
Stripe offers, and any extra methods the merchant lists) and comes back.

`start` creates a Checkout Session in payment mode; its id is the provider reference. Our
payment id travels as `client_reference_id` and as `payment_id` in the metadata of the
session, its PaymentIntent and our refunds, so every event can be matched back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

import stripe
from django.utils.translation import gettext, gettext_lazy

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

if TYPE_CHECKING:
    from stripe.params import RefundCreateParams
    from stripe.params.checkout import SessionCreateParams

# Languages Checkout can show, keyed by Django language code; anything else lets Stripe
# follow the shopper's browser.
_CHECKOUT_LOCALES = {
    "zh-hans": "zh",
    "zh-hant": "zh-TW",
    "zh-hk": "zh-HK",
    "en-gb": "en-GB",
    "pt-br": "pt-BR",
    "fr-ca": "fr-CA",
    "es-419": "es-419",
    **{
        code: code
        for code in (
            *("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fil", "fr", "hr", "hu"),
            *("id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "ro"),
            *("ru", "sk", "sl", "sv", "th", "tr", "vi"),
        )
    },
}

# Our Stripe integration, answered with JSON after a webhook.
_RECEIVED = json.dumps({"received": True})
_NOT_RECEIVED = json.dumps({"received": False})


class Stripe:
    """Stripe Checkout (hosted payment page)."""

    code: ClassVar[str] = "stripe"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.CAPTURE, Capability.REFUND, Capability.PARTIAL_REFUND, Capability.REDIRECT}
    )
    ships_before_payment: ClassVar[bool] = False
    # Currencies whose minor units Stripe counts the way ISO 4217 does (HUF, ISK, TWD and
    # UGX are left out: Stripe has special rules for them).
    currencies: ClassVar[frozenset[str]] = frozenset(
        {
            *("USD", "EUR", "GBP", "CNY", "HKD", "JPY", "CAD", "AUD", "SGD", "NZD", "CHF"),
            *("SEK", "NOK", "DKK", "PLN", "MXN", "BRL", "INR", "KRW", "MYR", "THB", "PHP"),
            *("AED", "ZAR", "RON", "BGN", "ILS"),
        }
    )
    countries: ClassVar[frozenset[str]] = frozenset()
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField(
            "secret_key",
            gettext_lazy("Secret key"),
            secret=True,
            help=gettext_lazy(
                "In the Stripe dashboard under Developers → API keys: starts with sk_live_ "
                "(or sk_test_ for test mode), or rk_ for a restricted key."
            ),
        ),
        ConfigField(
            "publishable_key",
            gettext_lazy("Publishable key"),
            required=False,
            help=gettext_lazy(
                "Starts with pk_live_ or pk_test_. Not needed for the hosted payment page."
            ),
        ),
        ConfigField(
            "webhook_secret",
            gettext_lazy("Webhook signing secret"),
            secret=True,
            help=gettext_lazy(
                "Add an endpoint in Developers → Webhooks pointing at this shop's Stripe "
                "webhook address, with the events checkout.session.completed, "
                "checkout.session.async_payment_succeeded, "
                "checkout.session.async_payment_failed, checkout.session.expired, "
                "refund.created and refund.updated; then copy its signing secret (whsec_…)."
            ),
        ),
        ConfigField(
            "payment_method_types",
            gettext_lazy("Extra payment methods"),
            required=False,
            help=gettext_lazy(
                "Leave empty to let Stripe offer every method switched on in your dashboard. "
                "Or list the Stripe payment method types to offer besides cards and wallets, "
                "separated by commas, for example: alipay,wechat_pay (switch them on in the "
                "dashboard too)."
            ),
        ),
    )

    def __init__(self, *, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self._client: stripe.StripeClient | None = None

    def label(self) -> str:
        return gettext("Card or wallet (Stripe)")

    # --- calls to Stripe ---------------------------------------------------------------------

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult:
        client = self._stripe()
        if request.amount.currency not in self.currencies:
            raise ProviderError(
                gettext("Stripe is not set up to take payments in %(currency)s here.")
                % {"currency": request.amount.currency}
            )
        reference = {"payment_id": request.payment_id}
        if request.order_number:
            reference["order_number"] = request.order_number
        name = request.description or request.order_number or gettext("Order")
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": request.amount.currency.lower(),
                        "unit_amount": request.amount.to_minor(),
                        "product_data": {"name": name},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": request.return_url,
            "cancel_url": request.cancel_url or request.return_url,
            "client_reference_id": request.payment_id,
            "metadata": {**request.metadata, **reference},
            "payment_intent_data": {"metadata": reference, "description": name},
            "locale": _CHECKOUT_LOCALES.get(request.locale.lower(), "auto"),
        }
        if request.email:
            params["customer_email"] = request.email
        extra = self._extra_methods()
        if extra:
            # A filter on what Stripe would offer: cards (Apple Pay and Google Pay ride on
            # them) and Link stay in, next to the methods the merchant listed.
            params["allowed_payment_method_types"] = ["card", "link", *extra]
            if "wechat_pay" in extra:
                params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        try:
            session = client.v1.checkout.sessions.create(
                params, {"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            _raise(error, gettext("Stripe could not start the payment"))
        if not session.url:
            raise ProviderError(
                gettext("Stripe did not return a payment page. Try again in a moment.")
            )
        return StartResult(provider_ref=session.id, action="redirect", action_value=session.url)

    def capture(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        # Checkout captures as soon as the shopper pays; nothing is left to do.
        return OperationResult(ok=True, provider_ref=provider_ref)

    def refund(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        try:
            client = self._stripe()
            session = client.v1.checkout.sessions.retrieve(provider_ref)
            intent = session.payment_intent
            intent_id = intent if isinstance(intent, str) else (intent.id if intent else "")
            if not intent_id:
                return OperationResult(
                    ok=False,
                    message=gettext(
                        "This Stripe payment was never completed, so there is nothing to refund."
                    ),
                )
            params: RefundCreateParams = {
                "payment_intent": intent_id,
                "amount": amount.to_minor(),
            }
            if session.client_reference_id:
                params["metadata"] = {"payment_id": session.client_reference_id}
            refund = client.v1.refunds.create(params, {"idempotency_key": idempotency_key})
        except ProviderError as error:
            return OperationResult(ok=False, message=error.message)
        except stripe.StripeError as error:
            return OperationResult(
                ok=False, message=_message(error, gettext("Stripe refused the refund"))
            )
        if refund.status in ("failed", "canceled"):
            return OperationResult(
                ok=False,
                provider_ref=refund.id,
                message=gettext(
                    "Stripe could not refund this payment (%(reason)s). Refund the shopper "
                    "another way and record it here."
                )
                % {"reason": refund.failure_reason or refund.status},
            )
        return OperationResult(
            ok=True, provider_ref=refund.id, pending=refund.status != "succeeded"
        )

    def query(self, provider_ref: str) -> WebhookEvent | None:
        client = self._stripe()
        try:
            session = client.v1.checkout.sessions.retrieve(provider_ref)
        except stripe.StripeError as error:
            _raise(error, gettext("Stripe could not say where this payment stands"))
        raw = session.to_dict(for_json=True)
        kind: EventKind
        if session.payment_status == "paid":
            kind = "captured"
        elif session.status == "expired":
            kind = "canceled"
        else:
            return None
        return WebhookEvent(
            event_id=f"query:{provider_ref}:{kind}",
            provider_ref=provider_ref,
            kind=kind,
            amount=_session_amount(raw),
            raw=raw,
            payment_id=_payment_id(raw),
        )

    # --- webhooks ----------------------------------------------------------------------------

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        secret = str(self.config.get("webhook_secret") or "").strip()
        if not secret:
            raise InvalidSignature(
                gettext(
                    "The Stripe webhook signing secret is not set. Paste it from Developers → "
                    "Webhooks in the Stripe dashboard into the Stripe settings."
                )
            )
        signature = next((v for k, v in headers.items() if k.lower() == "stripe-signature"), None)
        try:
            event = stripe.Webhook.construct_event(body, signature, secret)
            data = event.to_dict(for_json=True)
            kind, obj = data["type"], data["data"]["object"]
            if not isinstance(kind, str) or not isinstance(obj, dict) or not data.get("id"):
                raise ValueError("not a Stripe event")
            return _translate(data, kind, obj)
        except (
            stripe.SignatureVerificationError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
        ) as error:
            raise InvalidSignature(
                gettext(
                    "This Stripe notification could not be verified. Check that the webhook "
                    "signing secret in the Stripe settings matches the endpoint in Stripe."
                )
            ) from error

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        if accepted:
            return 200, "application/json", _RECEIVED
        return 400, "application/json", _NOT_RECEIVED

    # --- helpers -----------------------------------------------------------------------------

    def _stripe(self) -> stripe.StripeClient:
        if self._client is None:
            key = str(self.config.get("secret_key") or "").strip()
            if not key:
                raise ProviderError(
                    gettext(
                        "The Stripe secret key is not set. Paste it from Developers → API keys "
                        "in the Stripe dashboard into the Stripe settings."
                    )
                )
            if not key.startswith(("sk_", "rk_")):
                raise ProviderError(
                    gettext(
                        "The Stripe secret key should start with sk_ or rk_. Check that the "
                        "secret key, not the publishable key, is in the Stripe settings."
                    )
                )
            # Every write carries an idempotency key, so retrying a dropped call is safe.
            self._client = stripe.StripeClient(
                key,
                max_network_retries=2,
                http_client=stripe.RequestsClient(timeout=30),
            )
        return self._client

    def _extra_methods(self) -> list[str]:
        listed = str(self.config.get("payment_method_types") or "")
        methods = [m.strip().lower() for m in listed.replace(";", ",").split(",")]
        return list(dict.fromkeys(m for m in methods if m and m not in ("card", "link")))


def _translate(data: dict[str, Any], kind: str, obj: dict[str, Any]) -> WebhookEvent | None:
    """A verified Stripe event as a Duli event, or None when Duli has no use for it."""
    event_id = str(data["id"])
    if kind.startswith("checkout.session."):
        event_kind: EventKind
        message = ""
        paid = kind == "checkout.session.completed" and obj.get("payment_status") == "paid"
        if paid or kind == "checkout.session.async_payment_succeeded":
            event_kind = "captured"
        elif kind == "checkout.session.async_payment_failed":
            event_kind = "failed"
            message = gettext(
                "The shopper's payment did not go through (for example, the bank declined a "
                "debit). They can try again with another method."
            )
        elif kind == "checkout.session.expired":
            event_kind = "canceled"
        else:
            return None
        return WebhookEvent(
            event_id=event_id,
            provider_ref=str(obj["id"]),
            kind=event_kind,
            amount=_session_amount(obj),
            raw=data,
            payment_id=_payment_id(obj),
            message=message,
        )
    if kind == "charge.refunded":
        return _charge_refunded(data, event_id, obj)
    if kind in ("refund.created", "refund.updated") and obj.get("status") == "succeeded":
        return WebhookEvent(
            event_id=event_id,
            provider_ref=str(obj.get("payment_intent") or obj.get("charge") or ""),
            kind="refunded",
            amount=Money.from_minor(int(obj["amount"]), str(obj["currency"]).upper()),
            raw=data,
            refund_ref=str(obj["id"]),
            payment_id=_payment_id(obj),
        )
    return None


def _charge_refunded(data: dict[str, Any], event_id: str, charge: dict[str, Any]) -> WebhookEvent:
    """The latest refund on a charge. Stripe lists the refunds only when the endpoint asks
    for them; otherwise the amount is what the refunded total grew by."""
    currency = str(charge["currency"]).upper()
    refunds = (charge.get("refunds") or {}).get("data") or []
    if refunds:
        latest = max(refunds, key=lambda r: int(r.get("created") or 0))
        refund_ref, units = str(latest["id"]), int(latest["amount"])
    else:
        before = (data.get("data", {}).get("previous_attributes") or {}).get("amount_refunded")
        refund_ref, units = "", int(charge["amount_refunded"]) - int(before or 0)
    return WebhookEvent(
        event_id=event_id,
        provider_ref=str(charge.get("payment_intent") or charge["id"]),
        kind="refunded",
        amount=Money.from_minor(units, currency),
        raw=data,
        refund_ref=refund_ref,
        payment_id=_payment_id(charge),
    )


def _session_amount(session: Mapping[str, Any]) -> Money | None:
    total, currency = session.get("amount_total"), session.get("currency")
    if total is None or not currency:
        return None
    return Money.from_minor(int(total), str(currency).upper())


def _payment_id(obj: Mapping[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    return str(obj.get("client_reference_id") or metadata.get("payment_id") or "")


def _message(error: stripe.StripeError, what: str) -> str:
    """A merchant-readable sentence for a Stripe error."""
    if isinstance(error, stripe.APIConnectionError):
        return gettext("%(what)s: Stripe could not be reached. Try again in a moment.") % {
            "what": what
        }
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return gettext(
            "%(what)s: Stripe rejected the secret key. Paste a current secret key from "
            "Developers → API keys into the Stripe settings."
        ) % {"what": what}
    if isinstance(error, stripe.RateLimitError):
        return gettext("%(what)s: Stripe is busy. Try again in a moment.") % {"what": what}
    reason = error.user_message or gettext("no reason given")
    return gettext("%(what)s: %(reason)s") % {"what": what, "reason": reason}


def _raise(error: stripe.StripeError, what: str) -> NoReturn:
    raise ProviderError(_message(error, what)) from error
