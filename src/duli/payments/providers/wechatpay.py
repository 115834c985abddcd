"""WeChat Pay (微信支付) through APIv3 and the wechatpayv3 SDK.

The flow follows the shopper's device: Native (a QR code to scan) on a computer, H5 (a
redirect into the WeChat app) in a phone browser, JSAPI inside WeChat's own browser.

Answers and notifications are verified with the "WeChat Pay public key" (微信支付公钥) and its
ID, both downloaded from the merchant platform (账户中心 → API安全). The SDK supports that mode
directly (`public_key` + `public_key_id`), so no platform certificate is downloaded or kept
in a certificate directory. A notification signed with any other key or certificate serial
is refused before it reaches the SDK, which would otherwise try to fetch platform
certificates over the network.

References sent to WeChat Pay must fit its rules: out_trade_no is 6–32 characters of
A–Z a–z 0–9 _ - | *, out_refund_no at most 64 of those and @. Duli's payment references
already fit and are sent unchanged; anything else is turned into a stable stand-in (the
allowed characters kept, the rest replaced by "-", shortened, and a hash of the original
appended so two values never share one). A payment whose reference had to be changed also
carries the original in `attach`, which WeChat Pay echoes back in notifications and queries.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

import requests
from django.utils.translation import gettext, gettext_lazy
from wechatpayv3 import SignType, WeChatPayType
from wechatpayv3 import WeChatPay as WeChatPayClient

from duli.core.money import Money
from duli.payments.providers.base import (
    Capability,
    ConfigField,
    InvalidSignature,
    OperationResult,
    ProviderError,
    StartRequest,
    StartResult,
    WebhookEvent,
)

CURRENCY = "CNY"
_TRADE_NO = re.compile(r"[A-Za-z0-9_\-|*]{6,32}")
_REFUND_NO = re.compile(r"[A-Za-z0-9_\-|*@]{1,64}")
_DESCRIPTION_BYTES = 127
_TIMEOUT = (5, 20)  # seconds to connect, seconds to read
_SIGNATURE_HEADERS = (
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Serial",
    "Wechatpay-Signature-Type",
)


class WeChatPay:
    """WeChat Pay for merchants in mainland China, paid in yuan."""

    code: ClassVar[str] = "wechatpay"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.CAPTURE,
            Capability.REFUND,
            Capability.PARTIAL_REFUND,
            Capability.QR_CODE,
            Capability.REDIRECT,
        }
    )
    ships_before_payment: ClassVar[bool] = False
    currencies: ClassVar[frozenset[str]] = frozenset({CURRENCY})
    countries: ClassVar[frozenset[str]] = frozenset()
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField(
            "mchid",
            gettext_lazy("Merchant ID (商户号)"),
            help=gettext_lazy("The number shown at the top of the WeChat Pay merchant platform."),
        ),
        ConfigField(
            "appid",
            gettext_lazy("AppID"),
            help=gettext_lazy(
                "The AppID of the official account (公众号) bound to the merchant ID. "
                "Payments inside WeChat use it to know who is paying."
            ),
        ),
        ConfigField(
            "private_key",
            gettext_lazy("Merchant API private key"),
            secret=True,
            multiline=True,
            help=gettext_lazy(
                "The whole content of apiclient_key.pem from the merchant API certificate, "
                "including the BEGIN and END lines."
            ),
        ),
        ConfigField(
            "cert_serial_no",
            gettext_lazy("Merchant API certificate serial number"),
            help=gettext_lazy("Account Center → API security → API certificate → serial number."),
        ),
        ConfigField(
            "apiv3_key",
            gettext_lazy("APIv3 key"),
            secret=True,
            help=gettext_lazy(
                "The 32-character APIv3 key set under Account Center → API security."
            ),
        ),
        ConfigField(
            "public_key",
            gettext_lazy("WeChat Pay public key"),
            multiline=True,
            help=gettext_lazy(
                "The whole content of pub_key.pem downloaded under Account Center → API "
                "security → WeChat Pay public key."
            ),
        ),
        ConfigField(
            "public_key_id",
            gettext_lazy("WeChat Pay public key ID"),
            help=gettext_lazy("Shown next to the public key, it starts with PUB_KEY_ID_."),
        ),
    )

    def __init__(self, *, config: Mapping[str, Any]) -> None:
        self.config = {k: str(v).strip() for k, v in config.items() if v is not None}
        self._sdk: WeChatPayClient | None = None

    def label(self) -> str:
        return gettext("WeChat Pay 微信支付")

    # --- payments -----------------------------------------------------------------------

    def start(self, request: StartRequest, *, idempotency_key: str) -> StartResult:
        self._check_currency(request.amount)
        if not request.notify_url:
            raise ProviderError(gettext("WeChat Pay needs the shop's notification address."))
        out_trade_no = trade_no(request.payment_id)
        order: dict[str, Any] = {
            "description": _description(request),
            "out_trade_no": out_trade_no,
            "amount": {"total": request.amount.to_minor(), "currency": CURRENCY},
            "notify_url": request.notify_url,
        }
        if out_trade_no != request.payment_id and len(request.payment_id) <= 128:
            order["attach"] = request.payment_id
        if request.device == "wechat":
            return self._start_jsapi(request, order)
        if request.device == "mobile":
            return self._start_h5(request, order)
        data = self._ok(self._call(lambda c: c.pay(pay_type=WeChatPayType.NATIVE, **order)))
        return StartResult(out_trade_no, "qr_code", _text(data, "code_url"))

    def _start_h5(self, request: StartRequest, order: dict[str, Any]) -> StartResult:
        if not request.client_ip:
            raise ProviderError(
                gettext("WeChat Pay needs the shopper's IP address to pay in a phone browser.")
            )
        scene = {"payer_client_ip": request.client_ip, "h5_info": {"type": "Wap"}}
        answer = self._call(lambda c: c.pay(pay_type=WeChatPayType.H5, scene_info=scene, **order))
        url = _text(self._ok(answer), "h5_url")
        if request.return_url:
            # WeChat sends the shopper back here after paying (or giving up).
            glue = "&" if "?" in url else "?"
            url += f"{glue}redirect_url={quote(request.return_url, safe='')}"
        return StartResult(order["out_trade_no"], "redirect", url)

    def _start_jsapi(self, request: StartRequest, order: dict[str, Any]) -> StartResult:
        openid = request.metadata.get("openid", "")
        if not openid:
            raise ProviderError(
                gettext(
                    "To pay inside WeChat, open the shop from its WeChat official account "
                    "menu, or open this page in another browser to pay with a QR code."
                )
            )
        payer = {"openid": openid}
        answer = self._call(lambda c: c.pay(pay_type=WeChatPayType.JSAPI, payer=payer, **order))
        prepay_id = _text(self._ok(answer), "prepay_id")
        params = {
            "appId": self._setting("appid"),
            "timeStamp": str(int(time.time())),
            "nonceStr": secrets.token_hex(16),
            "package": f"prepay_id={prepay_id}",
            "signType": "RSA",
        }
        params["paySign"] = self._client().sign(
            [params["appId"], params["timeStamp"], params["nonceStr"], params["package"]],
            SignType.RSA_SHA256,
        )
        return StartResult(order["out_trade_no"], "client_secret", json.dumps(params))

    def capture(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        # Native, H5 and JSAPI payments are taken when the shopper confirms in WeChat.
        return OperationResult(ok=True, provider_ref=provider_ref)

    def refund(self, provider_ref: str, amount: Money, *, idempotency_key: str) -> OperationResult:
        out_refund_no = refund_no(idempotency_key)
        try:
            self._check_currency(amount)
            # WeChat Pay wants the order's total next to the refund, so ask for it first.
            paid = self._ok(self._call(lambda c: c.query(out_trade_no=provider_ref)))
            total = _fen(paid, "total")
            refund_amount = {"refund": amount.to_minor(), "total": total, "currency": CURRENCY}
            code, data = self._call(
                lambda c: c.refund(
                    out_refund_no=out_refund_no, amount=refund_amount, out_trade_no=provider_ref
                )
            )
        except ProviderError as exc:
            return OperationResult(ok=False, message=exc.message)
        if code not in (200, 202):
            return OperationResult(
                ok=False,
                message=gettext(
                    "WeChat Pay refused the refund: %(reason)s. Check the order in the WeChat "
                    "Pay merchant platform."
                )
                % {"reason": _reason(data)},
            )
        status = data.get("status")
        if status in ("CLOSED", "ABNORMAL"):
            return OperationResult(ok=False, message=_refund_failure(status))
        # SUCCESS is final; PROCESSING (or anything WeChat Pay adds later) waits for the
        # refund notification rather than giving the amount back as refundable.
        return OperationResult(ok=True, provider_ref=out_refund_no, pending=status != "SUCCESS")

    def query(self, provider_ref: str) -> WebhookEvent | None:
        code, data = self._call(lambda c: c.query(out_trade_no=provider_ref))
        if code == 404 or data.get("code") == "ORDER_NOT_EXIST":
            return None  # never created at WeChat Pay: the shopper did not get that far
        data = self._ok((code, data))
        try:
            event = _transaction_event(data, event_id="")
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError(
                gettext("WeChat Pay answered the status query in an unexpected form.")
            ) from exc
        if event is None:
            return None
        return WebhookEvent(
            event_id=f"query:{provider_ref}:{event.kind}",
            provider_ref=provider_ref,
            kind=event.kind,
            amount=event.amount,
            raw=data,
            payment_id=event.payment_id,
            message=event.message,
        )

    # --- notifications ------------------------------------------------------------------

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent | None:
        wanted = _signature_headers(headers)
        try:
            text = body.decode("utf-8")
            envelope = json.loads(text)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidSignature(gettext("This is not a WeChat Pay notification.")) from exc
        if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
            raise InvalidSignature(gettext("This is not a WeChat Pay notification."))
        try:
            trusted_id = self._setting("public_key_id")
            client = self._client()
        except ProviderError as exc:
            raise InvalidSignature(exc.message) from exc
        if wanted["Wechatpay-Serial"] != trusted_id:
            raise InvalidSignature(
                gettext(
                    "The notification was signed with a key other than the WeChat Pay public "
                    "key set up in the shop. Check the public key ID."
                )
            )
        try:
            # The SDK checks the RSA signature and opens the AES-256-GCM resource.
            verified = client.callback(wanted, text)
        except Exception as exc:
            raise InvalidSignature(gettext("The WeChat Pay signature is not valid.")) from exc
        if not isinstance(verified, dict) or not isinstance(verified.get("resource"), dict):
            raise InvalidSignature(
                gettext("The WeChat Pay signature is not valid, or the APIv3 key is wrong.")
            )
        try:
            return _notification_event(verified)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidSignature(gettext("The WeChat Pay notification is malformed.")) from exc

    def webhook_response(self, *, accepted: bool) -> tuple[int, str, str]:
        # WeChat Pay: 200 or 204 with no body when received; otherwise 4xx/5xx with a
        # FAIL code, and it sends the notification again later.
        if accepted:
            return 204, "application/json", ""
        body = json.dumps({"code": "FAIL", "message": "rejected"})
        return 400, "application/json", body

    # --- plumbing -----------------------------------------------------------------------

    def _setting(self, name: str) -> str:
        value = self.config.get(name, "")
        if not value:
            label = next(f.label for f in self.config_fields if f.name == name)
            raise ProviderError(
                gettext("WeChat Pay is not fully set up: enter the “%(setting)s” setting.")
                % {"setting": label}
            )
        return value

    def _client(self) -> WeChatPayClient:
        if self._sdk is not None:
            return self._sdk
        settings = {f.name: self._setting(f.name) for f in self.config_fields}
        if len(settings["apiv3_key"].encode()) != 32:
            raise ProviderError(
                gettext("The WeChat Pay APIv3 key must be exactly 32 characters; copy it again.")
            )
        try:
            self._sdk = WeChatPayClient(
                wechatpay_type=WeChatPayType.NATIVE,
                mchid=settings["mchid"],
                private_key=settings["private_key"],
                cert_serial_no=settings["cert_serial_no"],
                appid=settings["appid"],
                apiv3_key=settings["apiv3_key"],
                timeout=_TIMEOUT,
                public_key=settings["public_key"],
                public_key_id=settings["public_key_id"],
            )
        except Exception as exc:
            raise ProviderError(
                gettext(
                    "The WeChat Pay keys could not be read. Paste the whole merchant API "
                    "private key (apiclient_key.pem) and WeChat Pay public key (pub_key.pem), "
                    "including the BEGIN and END lines."
                )
            ) from exc
        return self._sdk

    def _call(self, call: Callable[[WeChatPayClient], Any]) -> tuple[int, dict[str, Any]]:
        """Run one SDK request; the SDK signs it and verifies a successful answer's
        signature. Returns the HTTP status and the JSON body."""
        client = self._client()
        try:
            code, text = call(client)
        except requests.RequestException as exc:
            raise ProviderError(
                gettext("WeChat Pay could not be reached. Try again in a few minutes.")
            ) from exc
        except Exception as exc:
            # The SDK raises a bare Exception when an answer's signature does not verify.
            raise ProviderError(
                gettext(
                    "WeChat Pay's answer could not be verified. Check the WeChat Pay public "
                    "key and its ID in the payment settings."
                )
            ) from exc
        try:
            data = json.loads(text) if text else {}
        except (TypeError, ValueError):
            data = {}
        return int(code), data if isinstance(data, dict) else {}

    def _ok(self, answer: tuple[int, dict[str, Any]]) -> dict[str, Any]:
        code, data = answer
        if 200 <= code < 300:
            return data
        raise ProviderError(
            gettext("WeChat Pay refused the request: %(reason)s") % {"reason": _reason(data)}
        )

    def _check_currency(self, amount: Money) -> None:
        if amount.currency != CURRENCY:
            raise ProviderError(
                gettext("WeChat Pay takes payments in Chinese yuan (CNY) only, not %(currency)s.")
                % {"currency": amount.currency}
            )


# --- references -------------------------------------------------------------------------


def trade_no(payment_id: str) -> str:
    """The out_trade_no for a payment reference (see the module docstring)."""
    return _reference(payment_id, _TRADE_NO, 32, "")


def refund_no(idempotency_key: str) -> str:
    """The out_refund_no for a refund's idempotency key (see the module docstring)."""
    return _reference(idempotency_key, _REFUND_NO, 64, "@")


def _reference(value: str, pattern: re.Pattern[str], limit: int, extra: str) -> str:
    if pattern.fullmatch(value):
        return value
    kept = re.sub(rf"[^A-Za-z0-9_\-|*{extra}]", "-", value)
    digest = hashlib.sha256(value.encode()).hexdigest()[:10]
    return f"{kept[: limit - len(digest) - 1]}-{digest}"


# --- translation ------------------------------------------------------------------------


def _signature_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The Wechatpay-* headers under the names the SDK reads, found whatever their case
    (also Django's HTTP_WECHATPAY_* form). Missing ones are refused."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        key = str(name).lower().replace("_", "-").removeprefix("http-")
        found[key] = str(value)
    wanted = {name: found.get(name.lower(), "") for name in _SIGNATURE_HEADERS}
    if not all(wanted.values()):
        raise InvalidSignature(gettext("The WeChat Pay signature headers are missing."))
    return wanted


def _notification_event(data: Mapping[str, Any]) -> WebhookEvent | None:
    event_type = data.get("event_type")
    resource = data["resource"]
    event_id = str(data["id"])
    if event_type == "TRANSACTION.SUCCESS":
        return _transaction_event(resource, event_id=event_id, raw=data)
    if event_type in ("REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"):
        amount = resource["amount"]
        # Refund notifications carry no currency: WeChat Pay refunds are in yuan.
        refunded = Money.from_minor(int(amount["refund"]), CURRENCY)
        ok = event_type == "REFUND.SUCCESS"
        return WebhookEvent(
            event_id=event_id,
            provider_ref=str(resource["out_trade_no"]),
            # A failed refund arrives as "failed" with refund_ref set: the refund, not the
            # payment, failed; the money is still with the shop.
            kind="refunded" if ok else "failed",
            amount=refunded,
            raw=data,
            refund_ref=str(resource["out_refund_no"]),
            payment_id=str(resource["out_trade_no"]),
            message="" if ok else _refund_failure(str(resource.get("refund_status", ""))),
        )
    return None


def _transaction_event(
    data: Mapping[str, Any], *, event_id: str, raw: Mapping[str, Any] | None = None
) -> WebhookEvent | None:
    """A payment as WeChat Pay describes it (notification resource or query answer)."""
    state = data.get("trade_state")
    out_trade_no = str(data["out_trade_no"])
    payment_id = str(data.get("attach") or out_trade_no)
    raw = raw if raw is not None else data
    if state in ("SUCCESS", "REFUND"):
        # REFUND: paid, then (partly) refunded; the payment itself was captured.
        amount = data["amount"]
        money = Money.from_minor(int(amount["total"]), str(amount.get("currency") or CURRENCY))
        return WebhookEvent(event_id, out_trade_no, "captured", money, raw, payment_id=payment_id)
    if state in ("CLOSED", "REVOKED"):
        return WebhookEvent(event_id, out_trade_no, "canceled", None, raw, payment_id=payment_id)
    if state == "PAYERROR":
        reason = str(data.get("trade_state_desc") or "")
        message = gettext("WeChat Pay could not take the payment: %(reason)s") % {
            "reason": reason or gettext("no reason given")
        }
        return WebhookEvent(
            event_id, out_trade_no, "failed", None, raw, payment_id=payment_id, message=message
        )
    return None  # NOTPAY, USERPAYING, ACCEPT: still waiting for the shopper


def _refund_failure(status: str) -> str:
    if status == "ABNORMAL":
        return gettext(
            "WeChat Pay could not pay the refund into the shopper's account (the card may be "
            "closed). Handle it under Refunds in the WeChat Pay merchant platform, or refund "
            "the shopper another way."
        )
    return gettext("WeChat Pay closed the refund without paying it. Try the refund again.")


def _reason(data: Mapping[str, Any]) -> str:
    message = str(data.get("message") or "").strip()
    code = str(data.get("code") or "").strip()
    if message and code:
        return f"{message} ({code})"
    return message or code or gettext("no reason given")


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise ProviderError(
            gettext("WeChat Pay answered without %(field)s. Try again.") % {"field": key}
        )
    return value


def _fen(data: Mapping[str, Any], key: str) -> int:
    amount = data.get("amount")
    if not isinstance(amount, dict) or not isinstance(amount.get(key), int):
        raise ProviderError(gettext("WeChat Pay did not say how much the order was for."))
    return int(amount[key])


def _description(request: StartRequest) -> str:
    """The order description, cut to WeChat Pay's 127 bytes without splitting a character."""
    text = request.description or request.order_number or request.payment_id
    return text.encode()[:_DESCRIPTION_BYTES].decode("utf-8", "ignore")
