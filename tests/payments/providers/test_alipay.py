"""Alipay passes the provider contract, talking to a local gateway that answers with
recorded responses signed with a test "Alipay" key, so the SDK's own checks run."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature as BadRSASignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from duli.core.money import Money
from duli.payments.providers.alipay import PRODUCTION_GATEWAY, Alipay
from duli.payments.providers.base import (
    EventKind,
    InvalidSignature,
    PaymentProvider,
    ProviderError,
    StartRequest,
)
from duli.testing.payment_contract import PaymentProviderContract

RECORDINGS = Path(__file__).parent / "recordings" / "alipay"
APP_ID = "2021000118600000"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


# --- keys and signatures -------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    app: rsa.RSAPrivateKey  # the merchant's app key: signs requests
    alipay: rsa.RSAPrivateKey  # "Alipay's" key: signs answers and notifications


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(app=new_key(), alipay=new_key())


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def bare(pem: str) -> str:
    """A key the way the Alipay console shows it: base64 on one line, no BEGIN/END."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def rsa2_sign(key: rsa.RSAPrivateKey, text: str) -> str:
    signature = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def rsa2_verifies(key: rsa.RSAPrivateKey, text: str, signature: str) -> bool:
    try:
        key.public_key().verify(
            base64.b64decode(signature), text.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except BadRSASignature:
        return False
    return True


def sorted_content(fields: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(fields.items()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- Alipay's side ---------------------------------------------------------------------------


@dataclass
class AlipaySide:
    """The gateway (answers recorded responses, signed with Alipay's key) and notifications."""

    server: HTTPServer
    keys: Keys
    answers: dict[str, str] = field(default_factory=dict)  # method → recording name
    answer_key: rsa.RSAPrivateKey | None = None  # sign answers with another key

    def __post_init__(self) -> None:
        self.server.expect_request("/gateway.do").respond_with_handler(self._answer)

    @property
    def gateway(self) -> str:
        return self.server.url_for("/gateway.do")

    def config(self, **overrides: str) -> dict[str, str]:
        return {
            "app_id": APP_ID,
            "app_private_key": private_pem(self.keys.app),
            "alipay_public_key": public_pem(self.keys.alipay),
            "gateway": self.gateway,
            **overrides,
        }

    def provider(self, **overrides: str) -> Alipay:
        return Alipay(config=self.config(**overrides))

    def _answer(self, request: Request) -> Response:
        method = request.args.get("method", "")
        if method not in self.answers:
            return Response(f"no recording for {method}", status=500)
        recorded = json.loads((RECORDINGS / f"{self.answers[method]}.json").read_text())
        name = method.replace(".", "_") + "_response"
        content = json.dumps(recorded[name], ensure_ascii=False, separators=(",", ":"))
        if "sign" in recorded:
            sign = rsa2_sign(self.answer_key or self.keys.alipay, content)
            body = f'{{"{name}":{content},"sign":"{sign}"}}'
        else:  # Alipay leaves some gateway errors unsigned
            body = f'{{"{name}":{content}}}'
        return Response(body, content_type="text/html;charset=utf-8")

    def requests(self) -> list[dict[str, str]]:
        """The parameters of every call the gateway received, in order."""
        return [dict(request.args.items()) for request, _response in self.server.log]

    def biz(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.requests()[index]["biz_content"])

    def notification(self, **fields: str) -> tuple[dict[str, str], bytes]:
        return self.signed_notification(fields, key=self.keys.alipay)

    def signed_notification(
        self, fields: dict[str, str], *, key: rsa.RSAPrivateKey
    ) -> tuple[dict[str, str], bytes]:
        """A trade_status_sync notification as Alipay posts it: every field but sign and
        sign_type, sorted, signed with RSA2."""
        base = {
            "gmt_create": "2024-03-21 13:28:51",
            "charset": "utf-8",
            "seller_email": "shop@example.com",
            "subject": "Order 7KQ4-M9XA",
            "total_amount": "25.00",
            "invoice_amount": "25.00",
            "buyer_id": "2088102122524333",
            "notify_id": "2024032100222132852024333561234567",
            "fund_bill_list": '[{"amount":"25.00","fundChannel":"ALIPAYACCOUNT"}]',
            "notify_type": "trade_status_sync",
            "trade_status": "TRADE_SUCCESS",
            "receipt_amount": "25.00",
            "app_id": APP_ID,
            "buyer_pay_amount": "25.00",
            "seller_id": "2088102119685838",
            "gmt_payment": "2024-03-21 13:29:17",
            "notify_time": "2024-03-21 13:29:18",
            "version": "1.0",
            "out_trade_no": "P-1001",
            "trade_no": "2024032122001404070500176844",
            "auth_app_id": APP_ID,
            "buyer_logon_id": "159****5620",
            "point_amount": "0.00",
        }
        base.update(fields)
        base.setdefault("sign_type", "RSA2")
        signed = {k: v for k, v in base.items() if k not in ("sign", "sign_type")}
        base["sign"] = rsa2_sign(key, sorted_content(signed))
        return {"Content-Type": FORM}, urlencode(base).encode()


@pytest.fixture
def alipay(httpserver: HTTPServer, keys: Keys) -> AlipaySide:
    return AlipaySide(server=httpserver, keys=keys)


def start_request(**changes: Any) -> StartRequest:
    values: dict[str, Any] = {
        "payment_id": "P-1001",
        "amount": Money(Decimal("25.00"), "CNY"),
        "return_url": "https://shop.example.com/orders/t0k3n/pay/return/",
        "cancel_url": "https://shop.example.com/orders/t0k3n/",
        "notify_url": "https://shop.example.com/payments/webhooks/alipay/",
        "locale": "zh-hans",
        "description": "Order 7KQ4-M9XA",
        "order_number": "7KQ4-M9XA",
        **changes,
    }
    return StartRequest(**values)


def link_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def cny(amount: str) -> Money:
    return Money(Decimal(amount), "CNY")


# --- the contract ----------------------------------------------------------------------------


class TestAlipayContract(PaymentProviderContract):
    provider_class = Alipay
    currency = "CNY"
    captured_ref = "P-1001"

    @pytest.fixture(autouse=True)
    def _alipay(self, alipay: AlipaySide) -> None:
        self.alipay = alipay

    def make_provider(self) -> PaymentProvider:
        return self.alipay.provider()

    def signed_webhook(
        self, *, kind: EventKind, provider_ref: str, amount: Money, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        fields = {"notify_id": event_id, "out_trade_no": provider_ref}
        yuan = f"{amount.amount:.2f}"
        if kind == "captured":
            fields |= {"trade_status": "TRADE_SUCCESS", "total_amount": yuan}
        elif kind == "canceled":
            fields |= {"trade_status": "TRADE_CLOSED"}
        elif kind == "refunded":
            fields |= {"refund_fee": yuan, "gmt_refund": "2024-03-22 10:15:02.123"}
        return self.alipay.notification(**fields)

    def unsigned(self, headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
        fields = [(k, v) for k, v in parse_qsl(body.decode()) if k != "sign"]
        return headers, urlencode(fields).encode()

    def start_request(self) -> StartRequest:
        return start_request()

    @contextmanager
    def network(self) -> Iterator[None]:
        self.alipay.answers.update(
            {
                "alipay.trade.precreate": "trade_precreate",
                "alipay.trade.query": "trade_query_success",
                "alipay.trade.refund": "trade_refund",
            }
        )
        yield
        self.alipay.answers.clear()


# --- starting a payment ----------------------------------------------------------------------


def test_desktop_goes_to_alipays_checkout_page(alipay: AlipaySide) -> None:
    result = alipay.provider().start(start_request(), idempotency_key="k-start-1")

    assert result.action == "redirect"
    assert result.action_value.startswith(alipay.gateway + "?")
    params = link_params(result.action_value)
    assert params["method"] == "alipay.trade.page.pay"
    assert params["notify_url"] == "https://shop.example.com/payments/webhooks/alipay/"
    assert params["return_url"] == "https://shop.example.com/orders/t0k3n/pay/return/"
    assert json.loads(params["biz_content"]) == {
        "subject": "Order 7KQ4-M9XA",
        "out_trade_no": "P-1001",
        "total_amount": "25.00",
        "product_code": "FAST_INSTANT_TRADE_PAY",
    }
    assert alipay.requests() == []  # the shopper's browser carries the signed request


def test_the_reference_is_our_payment_id(alipay: AlipaySide) -> None:
    result = alipay.provider().start(start_request(payment_id="P-77"), idempotency_key="k")

    assert result.provider_ref == "P-77"


def test_the_checkout_link_is_signed_with_the_app_key(alipay: AlipaySide) -> None:
    result = alipay.provider().start(start_request(), idempotency_key="k-start-1")

    params = link_params(result.action_value)
    sign = params.pop("sign")
    assert params["sign_type"] == "RSA2"
    assert params["app_id"] == APP_ID
    assert rsa2_verifies(alipay.keys.app, sorted_content(params), sign)


def test_phones_go_to_alipays_mobile_checkout(alipay: AlipaySide) -> None:
    result = alipay.provider().start(start_request(device="mobile"), idempotency_key="k")

    assert result.action == "redirect"
    params = link_params(result.action_value)
    assert params["method"] == "alipay.trade.wap.pay"
    biz = json.loads(params["biz_content"])
    assert biz["product_code"] == "QUICK_WAP_WAY"
    assert biz["quit_url"] == "https://shop.example.com/orders/t0k3n/"
    assert biz["out_trade_no"] == "P-1001"


def test_computers_see_a_qr_code_when_the_merchant_prefers_it(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.precreate"] = "trade_precreate"

    result = alipay.provider(desktop_flow="qr").start(start_request(), idempotency_key="k")

    assert result.action == "qr_code"
    assert result.action_value == "https://qr.alipay.com/bax03431ljhokirwl38f00a7"
    assert result.provider_ref == "P-1001"
    [sent] = alipay.requests()
    assert sent["method"] == "alipay.trade.precreate"
    assert sent["notify_url"] == "https://shop.example.com/payments/webhooks/alipay/"
    assert alipay.biz() == {
        "out_trade_no": "P-1001",
        "total_amount": "25.00",
        "subject": "Order 7KQ4-M9XA",
    }


def test_shoppers_inside_wechat_get_a_qr_code(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.precreate"] = "trade_precreate"

    result = alipay.provider().start(start_request(device="wechat"), idempotency_key="k")

    assert result.action == "qr_code"
    assert alipay.requests()[0]["method"] == "alipay.trade.precreate"


def test_calls_to_the_gateway_are_signed_with_the_app_key(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.precreate"] = "trade_precreate"

    alipay.provider(desktop_flow="qr").start(start_request(), idempotency_key="k")

    [sent] = alipay.requests()
    sign = sent.pop("sign")
    assert rsa2_verifies(alipay.keys.app, sorted_content(sent), sign)
    assert not rsa2_verifies(alipay.keys.alipay, sorted_content(sent), sign)


def test_a_refused_qr_code_says_why(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.precreate"] = "trade_precreate_refused"

    with pytest.raises(ProviderError, match="above what this Alipay account may take"):
        alipay.provider(desktop_flow="qr").start(start_request(), idempotency_key="k")


def test_amounts_go_to_alipay_as_yuan_with_two_decimals(alipay: AlipaySide) -> None:
    result = alipay.provider().start(start_request(amount=cny("7.5")), idempotency_key="k")

    assert json.loads(link_params(result.action_value)["biz_content"])["total_amount"] == "7.50"


def test_only_yuan_are_accepted(alipay: AlipaySide) -> None:
    request = start_request(amount=Money(Decimal("25.00"), "USD"))

    with pytest.raises(ProviderError, match="CNY"):
        alipay.provider().start(request, idempotency_key="k")


def test_the_subject_loses_characters_alipay_refuses(alipay: AlipaySide) -> None:
    request = start_request(description="Order 12 / gift=yes & wrap")

    result = alipay.provider().start(request, idempotency_key="k")

    subject = json.loads(link_params(result.action_value)["biz_content"])["subject"]
    assert subject == "Order 12 gift yes wrap"


def test_the_gateway_is_alipays_live_one_unless_set(keys: Keys) -> None:
    provider = Alipay(
        config={
            "app_id": APP_ID,
            "app_private_key": private_pem(keys.app),
            "alipay_public_key": public_pem(keys.alipay),
        }
    )

    result = provider.start(start_request(), idempotency_key="k")

    assert result.action_value.startswith(PRODUCTION_GATEWAY + "?")


def test_start_when_alipay_cannot_be_reached_raises_a_provider_error(
    alipay: AlipaySide,
) -> None:
    gateway = f"http://127.0.0.1:{free_port()}/gateway.do"
    provider = alipay.provider(gateway=gateway, desktop_flow="qr")

    with pytest.raises(ProviderError, match="could not be reached"):
        provider.start(start_request(), idempotency_key="k")


# --- refunds ---------------------------------------------------------------------------------


def test_a_refund_goes_to_alipay_under_the_idempotency_key(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.refund"] = "trade_refund"

    result = alipay.provider().refund("P-1001", cny("5.00"), idempotency_key="k-refund-1")

    assert result.ok and not result.pending
    assert result.provider_ref == "k-refund-1"
    assert alipay.requests()[0]["method"] == "alipay.trade.refund"
    assert alipay.biz() == {
        "refund_amount": "5.00",
        "out_trade_no": "P-1001",
        "out_request_no": "k-refund-1",
    }


def test_a_long_idempotency_key_becomes_a_stable_refund_number(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.refund"] = "trade_refund"
    key = "refund-" + "x" * 80
    provider = alipay.provider()

    first = provider.refund("P-1001", cny("5.00"), idempotency_key=key)
    second = provider.refund("P-1001", cny("5.00"), idempotency_key=key)

    numbers = [alipay.biz(0)["out_request_no"], alipay.biz(1)["out_request_no"]]
    assert numbers[0] == numbers[1] == first.provider_ref == second.provider_ref
    assert len(numbers[0]) <= 64


def test_a_refused_refund_says_what_to_do(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.refund"] = "trade_refund_balance_too_low"

    result = alipay.provider().refund("P-1001", cny("5.00"), idempotency_key="k-refund-1")

    assert not result.ok
    assert "balance is too low" in result.message


def test_an_unfamiliar_refusal_shows_alipays_own_words(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.refund"] = "trade_refund_frozen"

    result = alipay.provider().refund("P-1001", cny("5.00"), idempotency_key="k-refund-1")

    assert not result.ok
    assert "请求退款的交易被冻结" in result.message
    assert "ACQ.REASON_TRADE_BEEN_FREEZEN" in result.message


def test_a_refund_without_money_moving_is_confirmed_by_a_refund_query(
    alipay: AlipaySide,
) -> None:
    alipay.answers["alipay.trade.refund"] = "trade_refund_no_fund_change"
    alipay.answers["alipay.trade.fastpay.refund.query"] = "trade_fastpay_refund_query"

    result = alipay.provider().refund("P-1001", cny("5.00"), idempotency_key="k-refund-1")

    assert result.ok and not result.pending
    assert alipay.requests()[1]["method"] == "alipay.trade.fastpay.refund.query"
    assert alipay.biz(1) == {"out_request_no": "k-refund-1", "out_trade_no": "P-1001"}


def test_a_refund_alipay_cannot_confirm_yet_is_pending(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.refund"] = "trade_refund_no_fund_change"
    alipay.answers["alipay.trade.fastpay.refund.query"] = "trade_fastpay_refund_query_unknown"

    result = alipay.provider().refund("P-1001", cny("5.00"), idempotency_key="k-refund-1")

    assert result.ok and result.pending
    assert result.provider_ref == "k-refund-1"


def test_a_refund_when_alipay_cannot_be_reached_is_refused_with_a_message(
    alipay: AlipaySide,
) -> None:
    provider = alipay.provider(gateway=f"http://127.0.0.1:{free_port()}/gateway.do")

    result = provider.refund("P-1001", cny("5.00"), idempotency_key="k-refund-1")

    assert not result.ok
    assert "could not be reached" in result.message


def test_a_refund_in_another_currency_is_refused(alipay: AlipaySide) -> None:
    result = alipay.provider().refund(
        "P-1001", Money(Decimal("5.00"), "EUR"), idempotency_key="k-refund-1"
    )

    assert not result.ok and "CNY" in result.message
    assert alipay.requests() == []


def test_capture_has_nothing_to_do(alipay: AlipaySide) -> None:
    result = alipay.provider().capture("P-1001", cny("25.00"), idempotency_key="k")

    assert result.ok and result.provider_ref == "P-1001"
    assert alipay.requests() == []


# --- answers from the gateway ----------------------------------------------------------------


def test_query_asks_by_our_reference(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.query"] = "trade_query_success"

    event = alipay.provider().query("P-1001")

    assert event is not None and event.amount == cny("25.00")
    assert event.event_id == "query:P-1001:captured"
    assert event.raw["trade_no"] == "2024032122001404070500176844"
    assert alipay.biz() == {"out_trade_no": "P-1001"}


def test_query_reports_a_closed_trade_as_canceled(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.query"] = "trade_query_closed"

    event = alipay.provider().query("P-1002")

    assert event is not None and event.kind == "canceled"
    assert event.event_id == "query:P-1002:canceled"


def test_query_of_an_unpaid_trade_is_still_pending(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.query"] = "trade_query_waiting"

    assert alipay.provider().query("P-1003") is None


def test_query_of_a_trade_alipay_does_not_have_yet_is_still_pending(
    alipay: AlipaySide,
) -> None:
    alipay.answers["alipay.trade.query"] = "trade_query_not_exist"

    assert alipay.provider().query("P-1004") is None


def test_query_when_alipay_cannot_be_reached_raises_a_provider_error(
    alipay: AlipaySide,
) -> None:
    provider = alipay.provider(gateway=f"http://127.0.0.1:{free_port()}/gateway.do")

    with pytest.raises(ProviderError, match="could not be reached"):
        provider.query("P-1001")


def test_an_answer_signed_with_another_key_is_not_trusted(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.query"] = "trade_query_success"
    alipay.answer_key = new_key()

    with pytest.raises(ProviderError, match="Alipay public key"):
        alipay.provider().query("P-1001")


def test_an_unsigned_gateway_error_names_the_setting_to_fix(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.query"] = "trade_query_invalid_app_id"

    with pytest.raises(ProviderError, match="Check the App ID setting"):
        alipay.provider().query("P-1001")


# --- notifications ---------------------------------------------------------------------------


def test_a_payment_notification_keeps_alipays_trade_number(alipay: AlipaySide) -> None:
    headers, body = alipay.notification()

    event = alipay.provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "captured"
    assert event.event_id == "2024032100222132852024333561234567"
    assert event.provider_ref == event.payment_id == "P-1001"
    assert event.raw["trade_no"] == "2024032122001404070500176844"


def test_a_finished_trade_is_a_capture(alipay: AlipaySide) -> None:
    headers, body = alipay.notification(trade_status="TRADE_FINISHED")

    event = alipay.provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "captured" and event.amount == cny("25.00")


def test_a_refund_notification_names_the_refund(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.fastpay.refund.query"] = "trade_fastpay_refund_query"
    headers, body = alipay.notification(
        notify_id="2024032200222101502024333599999999",
        refund_fee="5.00",
        gmt_refund="2024-03-22 10:15:02.123",
        out_biz_no="k-refund-1",
    )

    event = alipay.provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "refunded"
    assert event.refund_ref == "k-refund-1"
    assert event.provider_ref == event.payment_id == "P-1001"
    assert event.event_id == "2024032200222101502024333599999999"


def test_a_refund_notification_carries_that_refunds_amount_not_the_running_total(
    alipay: AlipaySide,
) -> None:
    alipay.answers["alipay.trade.fastpay.refund.query"] = "trade_fastpay_refund_query"
    headers, body = alipay.notification(
        refund_fee="15.00", gmt_refund="2024-03-22 10:15:02.123", out_biz_no="k-refund-1"
    )

    event = alipay.provider().parse_webhook(headers, body)

    assert event is not None and event.amount == cny("5.00")
    assert alipay.biz() == {"out_request_no": "k-refund-1", "out_trade_no": "P-1001"}


def test_a_refund_notification_has_no_amount_when_alipay_cannot_confirm_it(
    alipay: AlipaySide,
) -> None:
    headers, body = alipay.notification(
        refund_fee="15.00", gmt_refund="2024-03-22 10:15:02.123", out_biz_no="k-refund-1"
    )
    provider = alipay.provider(gateway=f"http://127.0.0.1:{free_port()}/gateway.do")

    event = provider.parse_webhook(headers, body)

    assert event is not None and event.kind == "refunded" and event.amount is None


def test_a_full_refund_that_closes_the_trade_is_a_refund(alipay: AlipaySide) -> None:
    alipay.answers["alipay.trade.fastpay.refund.query"] = "trade_fastpay_refund_query"
    headers, body = alipay.notification(
        trade_status="TRADE_CLOSED",
        refund_fee="25.00",
        gmt_refund="2024-03-22 10:15:02.123",
        gmt_close="2024-03-22 10:15:02",
        out_biz_no="k-refund-2",
    )

    event = alipay.provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "refunded" and event.refund_ref == "k-refund-2"


def test_a_trade_closed_unpaid_is_canceled(alipay: AlipaySide) -> None:
    headers, body = alipay.notification(trade_status="TRADE_CLOSED")

    event = alipay.provider().parse_webhook(headers, body)

    assert event is not None and event.kind == "canceled" and event.amount is None


def test_a_waiting_notification_is_acknowledged_and_dropped(alipay: AlipaySide) -> None:
    headers, body = alipay.notification(trade_status="WAIT_BUYER_PAY")

    assert alipay.provider().parse_webhook(headers, body) is None


def test_a_notification_signed_with_another_key_is_refused(alipay: AlipaySide) -> None:
    headers, body = alipay.signed_notification({}, key=new_key())

    with pytest.raises(InvalidSignature):
        alipay.provider().parse_webhook(headers, body)


def test_a_notification_signed_with_the_app_key_is_refused(alipay: AlipaySide) -> None:
    headers, body = alipay.signed_notification({}, key=alipay.keys.app)

    with pytest.raises(InvalidSignature):
        alipay.provider().parse_webhook(headers, body)


def test_a_notification_for_another_app_is_refused(alipay: AlipaySide) -> None:
    headers, body = alipay.notification(app_id="2021000999999999")

    with pytest.raises(InvalidSignature, match="another app"):
        alipay.provider().parse_webhook(headers, body)


def test_a_notification_with_another_sign_type_is_refused(alipay: AlipaySide) -> None:
    headers, body = alipay.notification(sign_type="RSA")

    with pytest.raises(InvalidSignature):
        alipay.provider().parse_webhook(headers, body)


def test_a_notification_with_a_repeated_field_is_refused(alipay: AlipaySide) -> None:
    headers, body = alipay.notification()

    with pytest.raises(InvalidSignature):
        alipay.provider().parse_webhook(headers, body + b"&total_amount=0.01")


def test_without_keys_a_notification_cannot_be_verified(alipay: AlipaySide) -> None:
    headers, body = alipay.notification()

    with pytest.raises(InvalidSignature, match="not set up"):
        Alipay(config={"app_id": APP_ID}).parse_webhook(headers, body)


def test_alipay_is_answered_with_the_word_it_expects(alipay: AlipaySide) -> None:
    provider = alipay.provider()

    assert provider.webhook_response(accepted=True) == (200, "text/plain", "success")
    assert provider.webhook_response(accepted=False) == (400, "text/plain", "fail")


# --- settings --------------------------------------------------------------------------------


def test_the_label_needs_no_settings() -> None:
    assert Alipay(config={}).label() == "Alipay"


def test_a_missing_setting_is_named(alipay: AlipaySide) -> None:
    provider = alipay.provider(app_private_key="")

    with pytest.raises(ProviderError, match="App private key"):
        provider.start(start_request(), idempotency_key="k")


def test_keys_pasted_as_the_console_shows_them_work(alipay: AlipaySide) -> None:
    provider = alipay.provider(
        app_private_key=bare(private_pem(alipay.keys.app)),
        alipay_public_key=bare(public_pem(alipay.keys.alipay)),
    )

    event = provider.parse_webhook(*alipay.notification())

    assert event is not None and event.kind == "captured"


def test_a_public_key_pasted_as_the_private_key_is_named(alipay: AlipaySide) -> None:
    provider = alipay.provider(app_private_key=public_pem(alipay.keys.app))

    with pytest.raises(ProviderError, match="app private key is not an RSA private key"):
        provider.start(start_request(), idempotency_key="k")


def test_a_garbled_alipay_public_key_is_named(alipay: AlipaySide) -> None:
    provider = alipay.provider(alipay_public_key="MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQ")

    with pytest.raises(ProviderError, match="Alipay public key is not an RSA key"):
        provider.start(start_request(), idempotency_key="k")
