"""WeChat Pay through APIv3: real RSA keys and APIv3 key made here, notifications signed and
encrypted as WeChat Pay does, HTTP answered at the boundary with recorded responses that
carry valid Wechatpay-* signatures (the SDK verifies them)."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
import responses
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from duli.core.money import Money
from duli.payments.providers.base import (
    EventKind,
    InvalidSignature,
    PaymentProvider,
    ProviderError,
    StartRequest,
)
from duli.payments.providers.wechatpay import WeChatPay, refund_no, trade_no
from duli.testing.payment_contract import PaymentProviderContract

RECORDINGS = Path(__file__).parent / "recordings" / "wechatpay"
API = "https://api.mch.weixin.qq.com"
MCHID = "1230000109"
APPID = "wxd678efh567hg6787"
CERT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PUB_KEY_ID = "PUB_KEY_ID_0112300001092025060800000001"
JSON = "application/json; charset=utf-8"

MERCHANT_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
WECHAT_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STRANGER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
APIV3_KEY = secrets.token_hex(16)  # 32 characters, as the merchant platform requires


def _private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


CONFIG = {
    "mchid": MCHID,
    "appid": APPID,
    "private_key": _private_pem(MERCHANT_KEY),
    "cert_serial_no": CERT_SERIAL,
    "apiv3_key": APIV3_KEY,
    "public_key": _public_pem(WECHAT_KEY),
    "public_key_id": PUB_KEY_ID,
}


def _sign(message: str, key: rsa.RSAPrivateKey) -> str:
    signature = key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def _verifies(message: str, signature: str, key: rsa.RSAPrivateKey) -> bool:
    try:
        key.public_key().verify(
            base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        return False
    return True


def wechat_headers(
    body: str, *, key: rsa.RSAPrivateKey = WECHAT_KEY, serial: str = PUB_KEY_ID
) -> dict[str, str]:
    """The Wechatpay-* headers WeChat Pay puts on its answers and notifications."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": _sign(f"{timestamp}\n{nonce}\n{body}\n", key),
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        "Request-ID": "08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0",
    }


def recording(name: str, **changes: Any) -> str:
    data = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def answer(
    api: responses.RequestsMock,
    method: str,
    path: str,
    name: str,
    *,
    status: int = 200,
    key: rsa.RSAPrivateKey = WECHAT_KEY,
) -> None:
    text = recording(name)
    api.add(method, API + path, body=text, status=status, headers=wechat_headers(text, key=key))


def answer_refund(api: responses.RequestsMock, **changes: Any) -> None:
    """The documented refund answer, echoing the references the request sent."""

    def reply(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        sent = json.loads(body_text(request))
        text = recording(
            "refund_processing",
            out_refund_no=sent["out_refund_no"],
            out_trade_no=sent["out_trade_no"],
            **changes,
        )
        return 200, wechat_headers(text), text

    api.add_callback(
        responses.POST, f"{API}/v3/refund/domestic/refunds", callback=reply, content_type=JSON
    )


def query_path(out_trade_no: str) -> str:
    return f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={MCHID}"


def notification(
    event_type: str,
    resource: dict[str, Any],
    *,
    event_id: str = "EV-2018022511223320873",
    key: rsa.RSAPrivateKey = WECHAT_KEY,
    apiv3_key: str = APIV3_KEY,
    serial: str = PUB_KEY_ID,
    original_type: str = "",
) -> tuple[dict[str, str], bytes]:
    """A notification as WeChat Pay sends it: the resource sealed with AES-256-GCM under the
    APIv3 key, the whole body signed with WeChat Pay's private key."""
    if not original_type:
        original_type = "refund" if event_type.startswith("REFUND.") else "transaction"
    nonce = secrets.token_hex(6)  # 12 characters
    plain = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plain, original_type.encode())
    envelope = {
        "id": event_id,
        "create_time": "2025-06-08T10:34:56+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": "支付成功" if original_type == "transaction" else "退款状态变更",
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(sealed).decode(),
            "associated_data": original_type,
            "nonce": nonce,
        },
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    headers = {"Content-Type": "application/json", **wechat_headers(body, key=key, serial=serial)}
    return headers, body.encode()


def paid(out_trade_no: str, fen: int = 2500, **changes: Any) -> dict[str, Any]:
    return {
        "mchid": MCHID,
        "appid": APPID,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200002386202506081234567890",
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "CMC",
        "attach": "",
        "success_time": "2025-06-08T10:34:56+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": fen, "payer_total": fen, "currency": "CNY", "payer_currency": "CNY"},
        **changes,
    }


def refunded(out_trade_no: str, fen: int, status: str = "SUCCESS") -> dict[str, Any]:
    return {
        "mchid": MCHID,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200002386202506081234567890",
        "out_refund_no": "refund-42-1",
        "refund_id": "50000000382019052709732678859",
        "refund_status": status,
        "success_time": "2025-06-09T10:34:56+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": {"total": 2500, "refund": fen, "payer_total": 2500, "payer_refund": fen},
    }


@contextmanager
def recorded_network() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        answer(api, "POST", "/v3/pay/transactions/native", "native")
        answer(api, "POST", "/v3/pay/transactions/h5", "h5")
        answer(api, "POST", "/v3/pay/transactions/jsapi", "jsapi")
        answer(api, "GET", query_path("P-1001"), "query_success")
        answer_refund(api)
        yield api


class TestWeChatPayContract(PaymentProviderContract):
    provider_class = WeChatPay
    currency = "CNY"
    captured_ref = "P-1001"

    def make_provider(self) -> PaymentProvider:
        return WeChatPay(config=CONFIG)

    def signed_webhook(
        self, *, kind: EventKind, provider_ref: str, amount: Money, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        fen = amount.to_minor()
        if kind == "captured":
            return notification("TRANSACTION.SUCCESS", paid(provider_ref, fen), event_id=event_id)
        if kind == "refunded":
            return notification("REFUND.SUCCESS", refunded(provider_ref, fen), event_id=event_id)
        raise NotImplementedError(kind)

    def network(self) -> Any:
        return recorded_network()


# --- starting a payment -------------------------------------------------------------------


@pytest.fixture
def provider() -> WeChatPay:
    return WeChatPay(config=CONFIG)


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with recorded_network() as mock:
        yield mock


def start_request(**changes: Any) -> StartRequest:
    values: dict[str, Any] = {
        "payment_id": "P-1001",
        "amount": Money(Decimal("25.00"), "CNY"),
        "return_url": "https://shop.example.com/orders/t0k3n/pay/return/",
        "notify_url": "https://shop.example.com/payments/webhooks/wechatpay/",
        "locale": "zh-hans",
        "description": "Order 7KQ4-M9XA",
        "order_number": "7KQ4-M9XA",
        "client_ip": "203.0.113.9",
        **changes,
    }
    return StartRequest(**values)


def body_text(request: requests.PreparedRequest) -> str:
    body = request.body
    return body.decode() if isinstance(body, bytes) else str(body or "")


def sent_body(api: responses.RequestsMock, index: int = -1) -> dict[str, Any]:
    return json.loads(body_text(api.calls[index].request))


def test_a_computer_gets_a_native_qr_code(provider: WeChatPay, api: responses.RequestsMock) -> None:
    result = provider.start(start_request(), idempotency_key="start:P-1001:desktop")
    assert (result.provider_ref, result.action) == ("P-1001", "qr_code")
    assert result.action_value == "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"
    assert api.calls[0].request.url == f"{API}/v3/pay/transactions/native"
    assert sent_body(api) == {
        "notify_url": "https://shop.example.com/payments/webhooks/wechatpay/",
        "description": "Order 7KQ4-M9XA",
        "out_trade_no": "P-1001",
        "amount": {"total": 2500, "currency": "CNY"},
        "appid": APPID,
        "mchid": MCHID,
    }


def test_requests_are_signed_with_the_merchant_key(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    provider.start(start_request(), idempotency_key="start:P-1001:desktop")
    sent = api.calls[0].request
    scheme, _, params = str(sent.headers["Authorization"]).partition(" ")
    fields = {k: v.strip('"') for k, _, v in (p.partition("=") for p in params.split(","))}
    stamp, nonce, body = fields["timestamp"], fields["nonce_str"], body_text(sent)
    message = f"POST\n/v3/pay/transactions/native\n{stamp}\n{nonce}\n{body}\n"
    assert scheme == "WECHATPAY2-SHA256-RSA2048"
    assert (fields["mchid"], fields["serial_no"]) == (MCHID, CERT_SERIAL)
    assert _verifies(message, fields["signature"], MERCHANT_KEY)
    assert sent.headers["Wechatpay-Serial"] == PUB_KEY_ID


def test_a_phone_browser_is_sent_to_the_h5_page_and_back(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    result = provider.start(start_request(device="mobile"), idempotency_key="k")
    h5_url = json.loads(recording("h5"))["h5_url"]
    back = quote("https://shop.example.com/orders/t0k3n/pay/return/", safe="")
    assert result.action == "redirect"
    assert result.action_value == f"{h5_url}&redirect_url={back}"
    assert api.calls[0].request.url == f"{API}/v3/pay/transactions/h5"
    assert sent_body(api)["scene_info"] == {
        "payer_client_ip": "203.0.113.9",
        "h5_info": {"type": "Wap"},
    }


def test_a_phone_browser_without_an_ip_address_is_refused_before_calling(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    with pytest.raises(ProviderError, match="IP address"):
        provider.start(start_request(device="mobile", client_ip=""), idempotency_key="k")
    assert not api.calls


def test_inside_wechat_jsapi_gets_bridge_parameters_signed_by_the_merchant(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    request = start_request(device="wechat", metadata={"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"})
    result = provider.start(request, idempotency_key="k")
    bridge = json.loads(result.action_value)
    assert result.action == "client_secret"
    assert api.calls[0].request.url == f"{API}/v3/pay/transactions/jsapi"
    assert sent_body(api)["payer"] == {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
    assert bridge["appId"] == APPID
    assert bridge["package"] == "prepay_id=wx201410272009395522657a690389285100"
    assert bridge["signType"] == "RSA"
    signed = f"{APPID}\n{bridge['timeStamp']}\n{bridge['nonceStr']}\n{bridge['package']}\n"
    assert _verifies(signed, bridge["paySign"], MERCHANT_KEY)


def test_inside_wechat_without_an_openid_asks_for_the_official_account(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    with pytest.raises(ProviderError, match="official account"):
        provider.start(start_request(device="wechat"), idempotency_key="k")
    assert not api.calls


def test_only_yuan_are_taken(provider: WeChatPay, api: responses.RequestsMock) -> None:
    with pytest.raises(ProviderError, match="CNY"):
        provider.start(start_request(amount=Money(Decimal("25.00"), "USD")), idempotency_key="k")
    assert not api.calls


def test_a_reference_wechat_pay_cannot_take_becomes_a_stable_one_sent_in_attach(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    result = provider.start(start_request(payment_id="order 42/attempt:1"), idempotency_key="k")
    assert result.provider_ref == trade_no("order 42/attempt:1")
    assert result.provider_ref.startswith("order-42-attempt-1-")
    assert 6 <= len(result.provider_ref) <= 32
    assert sent_body(api)["out_trade_no"] == result.provider_ref
    assert sent_body(api)["attach"] == "order 42/attempt:1"


def test_the_original_reference_comes_back_from_attach(provider: WeChatPay) -> None:
    ref = trade_no("order 42/attempt:1")
    headers, body = notification("TRANSACTION.SUCCESS", paid(ref, attach="order 42/attempt:1"))
    event = provider.parse_webhook(headers, body)
    assert event is not None
    assert (event.provider_ref, event.payment_id) == (ref, "order 42/attempt:1")


def test_short_references_are_lengthened_to_six_characters() -> None:
    assert len(trade_no("P1")) >= 6
    assert trade_no("P1") == trade_no("P1") != trade_no("P2")


def test_an_answer_signed_with_another_key_is_not_trusted(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        answer(api, "POST", "/v3/pay/transactions/native", "native", key=STRANGER_KEY)
        with pytest.raises(ProviderError, match="could not be verified"):
            provider.start(start_request(), idempotency_key="k")


def test_an_unreachable_wechat_pay_is_a_provider_error_on_start(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        refused = requests.ConnectionError("Connection refused")
        api.add(responses.POST, f"{API}/v3/pay/transactions/native", body=refused)
        with pytest.raises(ProviderError, match="could not be reached"):
            provider.start(start_request(), idempotency_key="k")


def test_missing_settings_leave_the_label_and_name_the_setting_on_use() -> None:
    provider = WeChatPay(config={**CONFIG, "mchid": ""})
    assert provider.label()
    with pytest.raises(ProviderError, match="Merchant ID"):
        provider.start(start_request(), idempotency_key="k")


def test_an_unreadable_private_key_is_a_provider_error() -> None:
    provider = WeChatPay(config={**CONFIG, "private_key": "not a key"})
    with pytest.raises(ProviderError, match=r"apiclient_key\.pem"):
        provider.start(start_request(), idempotency_key="k")


# --- refunds ------------------------------------------------------------------------------


def test_a_refund_sends_the_order_total_and_a_reference_from_the_idempotency_key(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    result = provider.refund("P-1001", Money(Decimal("5.00"), "CNY"), idempotency_key="refund:42:1")
    sent = sent_body(api)
    assert sent["out_refund_no"] == refund_no("refund:42:1")
    assert sent["out_refund_no"].startswith("refund-42-1-")
    assert sent["out_trade_no"] == "P-1001"
    assert sent["amount"] == {"refund": 500, "total": 2500, "currency": "CNY"}
    assert result.ok and result.pending
    assert result.provider_ref == sent["out_refund_no"]


def test_a_key_wechat_pay_accepts_is_the_refund_reference_unchanged() -> None:
    assert refund_no("refund-42-1") == "refund-42-1"
    assert len(refund_no("r:" + "x" * 200)) <= 64
    assert refund_no("refund:42:1") == refund_no("refund:42:1") != refund_no("refund:42:2")


def test_a_refund_wechat_pay_finishes_at_once_is_not_pending(provider: WeChatPay) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        answer(api, "GET", query_path("P-1001"), "query_success")
        answer_refund(api, status="SUCCESS")
        result = provider.refund("P-1001", Money(Decimal("5.00"), "CNY"), idempotency_key="r-1")
    assert result.ok and not result.pending


def test_a_refused_refund_carries_wechat_pays_reason(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        answer(api, "GET", query_path("P-1001"), "query_success")
        answer(api, "POST", "/v3/refund/domestic/refunds", "refund_not_enough", status=403)
        result = provider.refund("P-1001", Money(Decimal("5.00"), "CNY"), idempotency_key="r-1")
    assert not result.ok
    assert "基本账户余额不足" in result.message and "NOT_ENOUGH" in result.message


def test_a_refund_wechat_pay_closes_is_refused(provider: WeChatPay) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        answer(api, "GET", query_path("P-1001"), "query_success")
        answer_refund(api, status="CLOSED")
        result = provider.refund("P-1001", Money(Decimal("5.00"), "CNY"), idempotency_key="r-1")
    assert not result.ok and "closed" in result.message


def test_an_unreachable_wechat_pay_fails_a_refund_with_a_message(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        refused = requests.ConnectionError("Connection refused")
        api.add(responses.GET, API + query_path("P-1001"), body=refused)
        result = provider.refund("P-1001", Money(Decimal("5.00"), "CNY"), idempotency_key="r-1")
    assert not result.ok and "could not be reached" in result.message


# --- status queries -----------------------------------------------------------------------


def test_query_reports_a_paid_order_with_its_amount(
    provider: WeChatPay, api: responses.RequestsMock
) -> None:
    event = provider.query("P-1001")
    assert event is not None
    assert (event.kind, event.event_id) == ("captured", "query:P-1001:captured")
    assert event.amount == Money(Decimal("25.00"), "CNY")


@pytest.mark.parametrize(
    ("ref", "name", "kind"),
    [
        ("P-1002", "query_notpay", None),
        ("P-1003", "query_closed", "canceled"),
        ("P-1004", "query_payerror", "failed"),
    ],
)
def test_query_maps_trade_states(
    provider: WeChatPay, ref: str, name: str, kind: str | None
) -> None:
    with responses.RequestsMock() as api:
        answer(api, "GET", query_path(ref), name)
        event = provider.query(ref)
    assert (event.kind if event else None) == kind


def test_query_of_a_failed_payment_says_why(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        answer(api, "GET", query_path("P-1004"), "query_payerror")
        event = provider.query("P-1004")
    assert event is not None and "银行卡余额不足" in event.message


def test_query_of_an_order_wechat_pay_never_saw_is_still_pending(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        answer(api, "GET", query_path("P-1009"), "order_not_exist", status=404)
        assert provider.query("P-1009") is None


def test_an_unreachable_wechat_pay_is_a_provider_error_on_query(provider: WeChatPay) -> None:
    with responses.RequestsMock() as api:
        refused = requests.ConnectionError("Connection refused")
        api.add(responses.GET, API + query_path("P-1001"), body=refused)
        with pytest.raises(ProviderError):
            provider.query("P-1001")


# --- notifications ------------------------------------------------------------------------


def test_a_refund_notification_is_a_refund_with_its_reference(provider: WeChatPay) -> None:
    headers, body = notification("REFUND.SUCCESS", refunded("P-1001", 500), event_id="EV-9")
    event = provider.parse_webhook(headers, body)
    assert event is not None
    assert (event.kind, event.event_id, event.provider_ref) == ("refunded", "EV-9", "P-1001")
    assert event.refund_ref == "refund-42-1"
    assert event.amount == Money(Decimal("5.00"), "CNY")


def test_an_abnormal_refund_is_a_failed_refund_with_a_reason(provider: WeChatPay) -> None:
    headers, body = notification("REFUND.ABNORMAL", refunded("P-1001", 500, "ABNORMAL"))
    event = provider.parse_webhook(headers, body)
    assert event is not None
    assert (event.kind, event.refund_ref) == ("failed", "refund-42-1")
    assert "merchant platform" in event.message


def test_a_notification_duli_does_not_use_is_dropped(provider: WeChatPay) -> None:
    transfer = {
        "mch_id": MCHID,
        "out_bill_no": "plfk2020042013",
        "transfer_bill_no": "1330000071100999991182020050700019480001",
        "state": "SUCCESS",
        "transfer_amount": 2000,
        "openid": "o-MYE42l80oelYMDE34nYD456Xoy",
        "create_time": "2025-06-08T10:34:56+08:00",
        "update_time": "2025-06-08T10:35:56+08:00",
    }
    headers, body = notification("MCHTRANSFER.BILL.FINISHED", transfer, original_type="mch_payment")
    assert provider.parse_webhook(headers, body) is None


def test_header_names_are_found_whatever_their_case(provider: WeChatPay) -> None:
    headers, body = notification("TRANSACTION.SUCCESS", paid("P-1001"))
    lower = {k.lower(): v for k, v in headers.items()}
    django = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    for variant in (lower, django):
        event = provider.parse_webhook(variant, body)
        assert event is not None and event.kind == "captured"


def test_a_notification_signed_with_another_key_is_refused(provider: WeChatPay) -> None:
    headers, body = notification("TRANSACTION.SUCCESS", paid("P-1001"), key=STRANGER_KEY)
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(headers, body)


def test_a_notification_sealed_with_another_apiv3_key_is_refused(provider: WeChatPay) -> None:
    other = secrets.token_hex(16)
    headers, body = notification("TRANSACTION.SUCCESS", paid("P-1001"), apiv3_key=other)
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(headers, body)


def test_a_notification_for_an_unknown_key_id_is_refused_without_a_network_call(
    provider: WeChatPay,
) -> None:
    headers, body = notification(
        "TRANSACTION.SUCCESS", paid("P-1001"), serial="7132D72A03E93CDDF8C03BBD1F37EEDF"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        with pytest.raises(InvalidSignature):
            provider.parse_webhook(headers, body)
        assert not api.calls


def test_the_answer_to_a_refused_notification_is_a_fail_code(provider: WeChatPay) -> None:
    status, content_type, body = provider.webhook_response(accepted=False)
    assert status >= 400 and content_type == "application/json"
    assert json.loads(body)["code"] == "FAIL"
    assert provider.webhook_response(accepted=True) == (204, "application/json", "")
