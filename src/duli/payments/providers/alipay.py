"""Alipay (支付宝) through python-alipay-sdk, in public-key mode with RSA2 signatures.

Computers go to Alipay's checkout page (or see a QR code, if the merchant prefers), phones
to the mobile checkout, and shoppers inside WeChat, where Alipay cannot open, get a QR code.
Our payment id is Alipay's `out_trade_no` and stays the provider reference; Alipay's own
`trade_no` arrives with the notification and is kept in `raw`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from http.client import HTTPException
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig
from Cryptodome.PublicKey import RSA
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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

PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"
SANDBOX_GATEWAY = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
CURRENCY = "CNY"
TIMEOUT = 15  # seconds for each call to the gateway
SUCCESS = "10000"  # Alipay's code for a call that did what was asked
PAID = ("TRADE_SUCCESS", "TRADE_FINISHED")
MAX_REFERENCE = 64  # out_trade_no and out_request_no are at most 64 characters

# Alipay's sub_code for a refusal → what the merchant can do about it.
REASONS: dict[str, Promise] = {
    "isv.invalid-app-id": _("Alipay does not know this app ID. Check the App ID setting."),
    "isv.invalid-signature": _(
        "Alipay could not verify the request signature. Check that the app private key "
        "belongs to the app public key uploaded in the Alipay console."
    ),
    "isv.insufficient-isv-permissions": _(
        "This Alipay app may not use this product yet. Sign up for it in the Alipay console."
    ),
    "ACQ.SYSTEM_ERROR": _("Alipay had a temporary problem. Try again in a few minutes."),
    "ACQ.TRADE_NOT_EXIST": _("Alipay has no payment under this reference."),
    "ACQ.TRADE_HAS_CLOSE": _("Alipay has closed this payment. Start a new payment."),
    "ACQ.TOTAL_FEE_EXCEED": _("The amount is above what this Alipay account may take at once."),
    "ACQ.SELLER_BALANCE_NOT_ENOUGH": _(
        "The Alipay account balance is too low for this refund. Top it up and try again."
    ),
    "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL": _(
        "The refund is more than what is left to refund on this payment."
    ),
    "ACQ.TRADE_HAS_FINISHED": _(
        "Alipay no longer refunds this payment (its refund period is over). "
        "Pay the shopper back another way."
    ),
    "ACQ.TRADE_NOT_ALLOW_REFUND": _(
        "Alipay does not allow refunds on this payment. Pay the shopper back another way."
    ),
    "ACQ.DISCORDANT_REPEAT_REQUEST": _(
        "Alipay already has a different refund under this request. Start a new refund."
    ),
}


class Alipay:
    """Alipay page, mobile and QR payments, refunds and notifications."""

    code: ClassVar[str] = "alipay"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CAPTURE,
            Capability.REFUND,
            Capability.PARTIAL_REFUND,
            Capability.REDIRECT,
            Capability.QR_CODE,
        }
    )
    ships_before_payment: ClassVar[bool] = False
    currencies: ClassVar[frozenset[str]] = frozenset({CURRENCY})
    countries: ClassVar[frozenset[str]] = frozenset()
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField(
            "app_id",
            _("App ID"),
            help=_("The APPID of your app in the Alipay open platform console."),
        ),
        ConfigField(
            "app_private_key",
            _("App private key"),
            secret=True,
            multiline=True,
            help=_(
                "The RSA2 private key made with Alipay's key tool for this app, with or "
                "without its BEGIN and END lines. Its public half goes into the Alipay console."
            ),
        ),
        ConfigField(
            "alipay_public_key",
            _("Alipay public key"),
            multiline=True,
            help=_(
                "The Alipay public key (支付宝公钥) the console shows once your app public key "
                "is uploaded. It is not your app's own public key."
            ),
        ),
        ConfigField(
            "gateway",
            _("Gateway"),
            required=False,
            default=PRODUCTION_GATEWAY,
            choices=((PRODUCTION_GATEWAY, _("Live")), (SANDBOX_GATEWAY, _("Sandbox"))),
            help=_("Live takes real money. Sandbox works with an app from the Alipay sandbox."),
        ),
        ConfigField(
            "desktop_flow",
            _("Payment on computers"),
            required=False,
            default="page",
            choices=(
                ("page", _("Go to Alipay's checkout page")),
                ("qr", _("Show a QR code to scan with the Alipay app")),
            ),
        ),
    )

    def __init__(self, *, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self._sdk: Any = None

    def label(self) -> str:
        return gettext("Alipay")

    # --- payments ---------------------------------------------------------------------------

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult:
        # Alipay keeps one trade per out_trade_no, so a repeated start cannot charge twice.
        client = self._client()
        order = {
            "subject": _subject(request),
            "out_trade_no": request.payment_id,
            "total_amount": _yuan(request.amount),
            "notify_url": request.notify_url or None,
        }
        if request.device == "wechat" or (
            request.device == "desktop" and self._setting("desktop_flow") == "qr"
        ):
            answer = self._server_call(client.api_alipay_trade_precreate, **order)
            if answer.get("code") != SUCCESS or not answer.get("qr_code"):
                raise ProviderError(
                    gettext("Alipay refused the payment: %(reason)s") % {"reason": _reason(answer)}
                )
            return StartResult(
                provider_ref=request.payment_id, action="qr_code", action_value=answer["qr_code"]
            )
        if request.device == "mobile":
            extra = {"quit_url": request.cancel_url} if request.cancel_url else {}
            query = self._call(
                client.api_alipay_trade_wap_pay,
                return_url=request.return_url or None,
                product_code="QUICK_WAP_WAY",
                **extra,
                **order,
            )
        else:
            query = self._call(
                client.api_alipay_trade_page_pay, return_url=request.return_url or None, **order
            )
        return StartResult(
            provider_ref=request.payment_id,
            action="redirect",
            action_value=f"{self._setting('gateway')}?{query}",
        )

    def capture(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        return OperationResult(ok=True, provider_ref=provider_ref)  # Alipay takes it at once

    def refund(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        # Alipay treats a repeated out_request_no as the same refund, which makes it safe
        # to retry; refund notifications bring it back as out_biz_no.
        request_no = _reference(idempotency_key)
        try:
            client = self._client()
            answer = self._server_call(
                client.api_alipay_trade_refund,
                refund_amount=_yuan(amount),
                out_trade_no=provider_ref,
                out_request_no=request_no,
            )
        except ProviderError as exc:
            return OperationResult(ok=False, message=exc.message)
        if answer.get("code") != SUCCESS:
            message = gettext("Alipay refused the refund: %(reason)s") % {"reason": _reason(answer)}
            return OperationResult(ok=False, message=message)
        if answer.get("fund_change") == "Y":
            return OperationResult(ok=True, provider_ref=request_no)
        # No money moved in this call: a repeat of a refund already made, or one still being
        # processed. Alipay asks to confirm with a refund query.
        done = self._refund_succeeded(client, provider_ref, request_no)
        return OperationResult(ok=True, provider_ref=request_no, pending=not done)

    def query(self, provider_ref: str) -> WebhookEvent | None:
        answer = self._server_call(self._client().api_alipay_trade_query, out_trade_no=provider_ref)
        if answer.get("code") != SUCCESS:
            if answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
                return None  # the shopper has not opened or scanned it yet
            raise ProviderError(
                gettext("Alipay could not say where the payment stands: %(reason)s")
                % {"reason": _reason(answer)}
            )
        status = answer.get("trade_status")
        kind: EventKind
        if status in PAID:
            kind, amount = "captured", _money(answer.get("total_amount"))
            if amount is None:
                raise ProviderError(_unreadable())
        elif status == "TRADE_CLOSED":
            kind, amount = "canceled", None
        else:
            return None  # WAIT_BUYER_PAY
        return WebhookEvent(
            event_id=f"query:{provider_ref}:{kind}",
            provider_ref=provider_ref,
            kind=kind,
            amount=amount,
            raw=answer,
            payment_id=str(answer.get("out_trade_no") or provider_ref),
        )

    # --- notifications ------------------------------------------------------------------------

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        fields = _form(body)
        signature = fields.pop("sign", "")
        if not signature:
            raise InvalidSignature(gettext("The Alipay notification carries no signature."))
        try:
            client = self._client()
        except ProviderError as exc:  # not set up: nothing to verify with
            raise InvalidSignature(exc.message) from exc
        try:
            # The SDK drops sign_type (refusing any other than RSA2) and checks the rest.
            valid = client.verify(dict(fields), signature)
        except (AliPayException, ValueError, TypeError) as exc:
            raise InvalidSignature(_bad_signature()) from exc
        if not valid:
            raise InvalidSignature(_bad_signature())
        if fields.get("app_id") != self._setting("app_id"):
            raise InvalidSignature(gettext("The Alipay notification is for another app ID."))
        event = _event(fields)
        if event is not None and event.kind == "refunded":
            event = replace(event, amount=self._refunded(client, event))
        return event

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        # Alipay stops resending only when the body is exactly "success".
        return (200, "text/plain", "success") if accepted else (400, "text/plain", "fail")

    # --- the SDK --------------------------------------------------------------------------

    def _setting(self, name: str) -> str:
        field = next(f for f in self.config_fields if f.name == name)
        value = str(self.config.get(name) or field.default).strip()
        if not value and field.required:
            raise ProviderError(
                gettext("Alipay is not set up: enter the %(setting)s in its payment settings.")
                % {"setting": field.label}
            )
        return value

    def _client(self) -> Any:
        if self._sdk is None:
            app_id = self._setting("app_id")
            private_key = _pem(self._setting("app_private_key"), "PRIVATE KEY")
            public_key = _pem(self._setting("alipay_public_key"), "PUBLIC KEY")
            _check_key(private_key, private=True)
            _check_key(public_key, private=False)
            client = AliPay(
                appid=app_id,
                app_private_key_string=private_key,
                alipay_public_key_string=public_key,
                sign_type="RSA2",
                config=AliPayConfig(timeout=TIMEOUT),
            )
            # The SDK picks its gateway from a debug flag and keeps it in `_gateway`;
            # setting it directly lets the merchant (or a test) name any gateway.
            client._gateway = self._setting("gateway")
            self._sdk = client
        return self._sdk

    def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        """Run one SDK method, turning its failures into ProviderError."""
        try:
            return method(**kwargs)
        except AliPayValidationError as exc:
            raise ProviderError(
                gettext(
                    "Alipay's answer does not match the Alipay public key. Check that the "
                    "setting holds the key Alipay shows for this app, not the app's own key."
                )
            ) from exc
        except AliPayException as exc:
            raise ProviderError(
                gettext("Alipay refused the request: %(reason)s")
                % {"reason": _reason(_unsigned_answer(exc))}
            ) from exc
        except (OSError, HTTPException) as exc:
            raise ProviderError(
                gettext("Alipay could not be reached. Try again in a few minutes.")
            ) from exc
        except (ValueError, LookupError, TypeError, AttributeError) as exc:
            raise ProviderError(_unreadable()) from exc

    def _server_call(self, method: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
        answer = self._call(method, **kwargs)
        if not isinstance(answer, dict):
            raise ProviderError(_unreadable())
        return answer

    def _refunded(self, client: Any, event: WebhookEvent) -> Money | None:
        """The amount of the refund a notification reports. Its refund_fee is the total
        refunded on the payment so far, so ask Alipay for this one; None if it cannot say."""
        if not event.refund_ref:
            return None
        try:
            answer = self._server_call(
                client.api_alipay_trade_fastpay_refund_query,
                out_request_no=event.refund_ref,
                out_trade_no=event.provider_ref,
            )
        except ProviderError:
            return None
        if answer.get("code") != SUCCESS or answer.get("refund_status") != "REFUND_SUCCESS":
            return None
        return _money(answer.get("refund_amount"))

    def _refund_succeeded(self, client: Any, provider_ref: str, request_no: str) -> bool:
        try:
            answer = self._server_call(
                client.api_alipay_trade_fastpay_refund_query,
                out_request_no=request_no,
                out_trade_no=provider_ref,
            )
        except ProviderError:
            return False
        return answer.get("code") == SUCCESS and answer.get("refund_status") == "REFUND_SUCCESS"


# --- helpers --------------------------------------------------------------------------------


def _yuan(amount: Money) -> str:
    """'25.00': Alipay wants yuan with two decimals."""
    if amount.currency != CURRENCY:
        raise ProviderError(
            gettext("Alipay takes Chinese yuan (CNY) only, not %(currency)s.")
            % {"currency": amount.currency}
        )
    return f"{Decimal(amount.to_minor()).scaleb(-2):.2f}"


def _money(value: Any) -> Money | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return Money(amount, CURRENCY) if amount.is_finite() else None


def _subject(request: StartRequest) -> str:
    """The order title shown to the shopper; Alipay refuses /, = and & in it."""
    text = request.description or request.order_number or request.payment_id
    for char in "/=&":
        text = text.replace(char, " ")
    return " ".join(text.split())[:256]


def _reference(key: str) -> str:
    """The key itself, or a stable digest of it when it is longer than Alipay allows."""
    return key if len(key) <= MAX_REFERENCE else hashlib.sha256(key.encode()).hexdigest()


def _pem(value: str, label: str) -> str:
    """The key as PEM: the Alipay console shows keys as bare base64."""
    if "-----BEGIN" in value:
        return value
    body = "".join(value.split())
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def _check_key(pem: str, *, private: bool) -> None:
    try:
        ok = RSA.import_key(pem).has_private() or not private
    except (ValueError, IndexError, TypeError):
        ok = False
    if ok:
        return
    if private:
        raise ProviderError(
            gettext(
                "The app private key is not an RSA private key. Paste the private key "
                "Alipay's key tool made for this app."
            )
        )
    raise ProviderError(
        gettext(
            "The Alipay public key is not an RSA key. Paste the Alipay public key from the "
            "Alipay console."
        )
    )


def _reason(answer: Mapping[str, Any]) -> str:
    """What went wrong, in words a merchant can act on, with Alipay's own code."""
    sub_code = str(answer.get("sub_code") or "")
    if sub_code in REASONS:
        return str(REASONS[sub_code])
    words = answer.get("sub_msg") or answer.get("msg") or gettext("no reason given")
    return f"{words} ({sub_code or answer.get('code') or '?'})"


def _unsigned_answer(exc: AliPayException) -> Mapping[str, Any]:
    """The error object of an unsigned answer: the SDK puts the raw answer in its message."""
    _, _sep, raw = str(exc).partition("message:")
    try:
        answer = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(answer, dict):
        return {}
    return next((v for v in answer.values() if isinstance(v, dict) and "code" in v), {})


def _unreadable() -> str:
    return gettext("Alipay sent an answer that could not be read. Try again in a few minutes.")


def _bad_signature() -> str:
    return gettext("The Alipay notification's signature does not match the Alipay public key.")


def _form(body: bytes) -> dict[str, str]:
    """The fields of a form-encoded notification; anything else is refused."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=True,
            errors="strict",
            max_num_fields=200,
        )
    except ValueError as exc:  # UnicodeDecodeError is a ValueError
        raise InvalidSignature(gettext("This is not an Alipay notification.")) from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidSignature(gettext("This is not an Alipay notification."))
    return fields


def _event(fields: Mapping[str, str]) -> WebhookEvent | None:
    """A verified notification, translated."""
    trade = fields.get("out_trade_no", "")
    notify_id = fields.get("notify_id", "")
    if not trade or not notify_id:
        raise InvalidSignature(gettext("The Alipay notification names no payment."))
    status = fields.get("trade_status", "")
    kind: EventKind
    refund_ref = ""
    if fields.get("refund_fee") or fields.get("gmt_refund"):
        # A refund; out_biz_no is the out_request_no it was made with. The amount is
        # looked up by the caller (refund_fee is a running total).
        kind, refund_ref, amount = "refunded", fields.get("out_biz_no", ""), None
    elif status in PAID:
        kind, amount = "captured", _money(fields.get("total_amount"))
        if amount is None:
            raise InvalidSignature(gettext("The Alipay notification carries no amount."))
    elif status == "TRADE_CLOSED":
        kind, amount = "canceled", None
    else:
        return None  # WAIT_BUYER_PAY and anything new: nothing for Duli to do
    return WebhookEvent(
        event_id=notify_id,
        provider_ref=trade,
        kind=kind,
        amount=amount,
        raw=dict(fields),
        refund_ref=refund_ref,
        payment_id=trade,
    )
