"""Order emails in Simplified Chinese: an order placed from the Chinese shop (its checkout's
language is zh-hans) gets every email in Chinese over SMTP; the merchant's alert stays in the
shop's language."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from duli.catalog.models import ProductVariant
from duli.checkout.services import (
    checkout_address_set,
    checkout_create,
    checkout_line_add,
    checkout_payment_method_set,
    checkout_shipping_method_set,
)
from duli.core.mail import mail_render
from duli.orders.models import Order
from duli.orders.notifications import order_context
from duli.orders.services import order_cancel, order_fulfill, order_mark_paid, order_place
from duli.shipping.models import Carrier
from duli.testing.smtp import ReceivedMessage, SmtpServer
from tests.shop_fixtures import ADDRESS, CUSTOMER, key

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
PlaceChinese = Callable[..., Order]


@pytest.fixture
def place_chinese(shipping_method, django_capture_on_commit_callbacks) -> PlaceChinese:
    """Place an order the way the Chinese storefront does: the cart was made under /zh-hans/."""

    def place(*lines: tuple[ProductVariant, int], payment: str = "bank_transfer") -> Order:
        checkout = checkout_create(language="zh-hans")
        for variant, quantity in lines:
            checkout_line_add(checkout_id=checkout.pk, variant_id=variant.pk, quantity=quantity)
        checkout_address_set(
            checkout_id=checkout.pk, email="ada@example.com", shipping_address=ADDRESS
        )
        checkout_shipping_method_set(checkout_id=checkout.pk, method_id=shipping_method.pk)
        checkout_payment_method_set(checkout_id=checkout.pk, provider=payment)
        with django_capture_on_commit_callbacks(execute=True):
            return order_place(checkout_id=checkout.pk, actor=CUSTOMER)

    return place


@pytest.fixture
def sf_express(db) -> Carrier:
    return Carrier.objects.create(
        name="SF Express", code="sf", tracking_url_template="https://www.sf-express.com/{number}"
    )


def shopper_mail(server: SmtpServer, subject_start: str) -> ReceivedMessage:
    found = [m for m in server.to("ada@example.com") if m["Subject"].startswith(subject_start)]
    assert len(found) == 1, [m["Subject"] for m in server.to("ada@example.com")]
    return found[0]


def test_a_chinese_order_keeps_its_language(place_chinese, variant):
    order = place_chinese((variant, 1))

    assert order.language == "zh-hans"


def test_a_chinese_order_gets_a_chinese_confirmation_email(place_chinese, variant, smtp_server):
    order = place_chinese((variant, 1))

    smtp_server.wait_for(2)
    mail = shopper_mail(smtp_server, "订单")
    assert mail["Subject"] == f"订单 {order.number} 已确认 · Duli Shop"
    assert "感谢您的订购" in mail.text
    assert f"我们已收到您的订单 {order.number}。" in mail.text
    assert "银行转账到账后即发货。" in mail.text
    assert f"转账附言：{order.number}" in mail.text
    assert "IBAN DE00 1234" in mail.text
    assert "小计" in mail.text and "合计" in mail.text
    assert '<html lang="zh-hans">' in mail.html
    assert f"我们已收到您的订单 <strong>{order.number}</strong>。" in mail.html
    assert "查看订单" in mail.html


def test_the_merchant_alert_for_a_chinese_order_stays_in_the_shop_language(
    place_chinese, variant, smtp_server
):
    order = place_chinese((variant, 1))

    smtp_server.wait_for(2)
    [alert] = smtp_server.to("owner@example.com")
    assert alert["Subject"].startswith(f"New order {order.number}")
    assert not CJK.search(alert["Subject"])


def test_a_chinese_order_gets_a_chinese_payment_email(
    place_chinese, variant, staff_actor, smtp_server, django_capture_on_commit_callbacks
):
    order = place_chinese((variant, 1))

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    smtp_server.wait_for(3)
    mail = shopper_mail(smtp_server, f"订单 {order.number} 已付款")
    assert f"我们已收到您为订单 {order.number} 支付的" in mail.text


def test_a_chinese_order_gets_a_chinese_shipping_email(
    place_chinese,
    variant,
    staff_actor,
    sf_express,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    order = place_chinese((variant, 2))
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_id=order.pk, actor=staff_actor, idempotency_key=key())
    line = order.lines.get()

    with django_capture_on_commit_callbacks(execute=True):
        order_fulfill(
            order_id=order.pk,
            lines={line.pk: 2},
            actor=staff_actor,
            idempotency_key=key(),
            carrier_code="sf",
            tracking_number="SF1234567890",
        )

    smtp_server.wait_for(4)
    mail = shopper_mail(smtp_server, f"订单 {order.number} 已发货")
    assert "您的订单已发货" in mail.text
    assert f"订单 {order.number} 的包裹已发出。" in mail.text
    assert "物流单号: SF1234567890" in mail.text
    assert "查看物流: https://www.sf-express.com/SF1234567890" in mail.text
    assert "物流单号：<strong>SF1234567890</strong>" in mail.html


def test_a_chinese_order_gets_a_chinese_cancellation_email(
    place_chinese, variant, staff_actor, smtp_server, django_capture_on_commit_callbacks
):
    order = place_chinese((variant, 1))

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order_id=order.pk, actor=staff_actor, idempotency_key=key())

    smtp_server.wait_for(3)
    mail = shopper_mail(smtp_server, f"订单 {order.number} 已取消")
    assert f"订单 {order.number} 已取消。如果您已付款，退款将另行处理。" in mail.text


@pytest.mark.parametrize(
    ("template", "extra"),
    [
        ("placed", {}),
        ("paid", {}),
        ("canceled", {}),
        ("refunded", {"amount": "US$5.00"}),
        (
            "shipped",
            {
                "carrier": "SF Express",
                "tracking_number": "SF1",
                "tracking_url": "https://www.sf-express.com/SF1",
                "parcel_lines": [{"name": "Tea", "variant": "", "quantity": 1}],
            },
        ),
        (
            "return_update",
            {
                "return_number": "X-R1",
                "return_status": "approved",
                "return_status_label": "已同意",
                "merchant_note": "",
            },
        ),
    ],
)
def test_no_english_sentence_is_left_in_a_chinese_order_email(
    place_chinese, variant, template, extra
):
    order = place_chinese((variant, 1))
    context = {**order_context(order), **extra}

    english = mail_render(template=f"email/orders/{template}", context=context, language="en")
    chinese = mail_render(template=f"email/orders/{template}", context=context, language="zh-hans")

    assert CJK.search(chinese.subject)
    # Every line of English prose in the English email is gone from the Chinese one.
    for line in english.text.splitlines():
        prose = re.sub(r"https?://\S+|\S+@\S+|US\$[\d.,]+", "", line)
        if len(re.findall(r"[A-Za-z]{3,}", prose)) >= 3:
            assert line not in chinese.text, line
