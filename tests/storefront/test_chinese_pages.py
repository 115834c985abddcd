# ruff: noqa: F811  (fixtures imported from checkout_fixtures are redefined as arguments)
"""The cart, the checkout steps and the order pages under /zh-hans/ speak Simplified Chinese,
and an order placed there is a Chinese order."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from duli.orders.models import Order
from duli.testing.customers_factories import US_ADDRESS
from tests.storefront.checkout_fixtures import (  # noqa: F401
    add,
    cart_of,
    method,
    second_variant,
    selling,
    variant,
)

pytestmark = pytest.mark.django_db


def address_post() -> dict[str, str]:
    data = {"email": "ada@example.com", "billing_same": "1"}
    data.update({f"shipping-{k}": v for k, v in US_ADDRESS.items()})
    return data


def visible_text(html: str) -> str:
    """The page's words as a shopper sees them: no tags, scripts or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def chinese_cart(client, variant, method) -> Client:  # type: ignore[no-untyped-def]
    add(client, variant, 2, path="/zh-hans/cart/add/")
    return client


def test_an_empty_chinese_cart_says_so_in_chinese(client, selling):
    html = client.get("/zh-hans/cart/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "购物车是空的" in html
    assert "继续购物" in html


def test_adding_to_the_cart_under_zh_hans_answers_in_chinese(client, variant):
    response = add(client, variant, 2, path="/zh-hans/cart/add/")

    assert response.json()["message"] == "已将 2 件商品加入购物车。"
    assert response.json()["cart_url"] == "/zh-hans/cart/"


def test_a_cart_made_under_zh_hans_is_a_chinese_cart(chinese_cart):
    assert cart_of(chinese_cart).language == "zh-hans"


def test_the_chinese_cart_page_has_chinese_labels(chinese_cart):
    html = chinese_cart.get("/zh-hans/cart/").content.decode()

    for label in ("我的购物车", "订单摘要", "小计", "去结账", "税费和运费在结账时计算。"):
        assert label in html, label
    assert "Check out" not in visible_text(html)


def test_a_stock_problem_in_the_chinese_cart_is_told_in_chinese(chinese_cart, variant):
    response = add(chinese_cart, variant, 9, path="/zh-hans/cart/add/")

    assert response.status_code == 409
    assert response.json()["message"] == "Oolong 仅剩 5 件。"


def test_the_chinese_information_step_has_chinese_labels(chinese_cart):
    html = chinese_cart.get("/zh-hans/checkout/information/").content.decode()

    for label in (
        "安全结账",
        "信息",
        "配送",
        "付款",
        "联系方式和收货地址",
        "订单确认邮件将发送到这个邮箱。",
        "详细地址",
        "邮政编码",
        "与收货地址相同",
        "继续选择配送方式",
        "返回购物车",
    ):
        assert label in html, label


def test_a_bad_email_on_the_chinese_information_step_is_refused_in_chinese(chinese_cart):
    data = {**address_post(), "email": "ada@"}

    html = chinese_cart.post("/zh-hans/checkout/information/", data).content.decode()

    assert "请填写有效的电子邮箱，例如 name@example.com。" in html


def test_the_chinese_shipping_and_payment_steps_have_chinese_labels(chinese_cart, method):
    chinese_cart.post("/zh-hans/checkout/information/", address_post())
    shipping = chinese_cart.get("/zh-hans/checkout/shipping/").content.decode()
    chinese_cart.post("/zh-hans/checkout/shipping/", {"method": method.pk})
    payment = chinese_cart.get("/zh-hans/checkout/payment/").content.decode()

    assert "配送方式" in shipping and "继续付款" in shipping
    for label in ("银行转账", "货到付款", "提交订单", "返回配送方式"):
        assert label in payment, label


def test_an_order_placed_under_zh_hans_is_chinese_and_its_pages_too(chinese_cart, method):
    chinese_cart.post("/zh-hans/checkout/information/", address_post())
    chinese_cart.post("/zh-hans/checkout/shipping/", {"method": method.pk})
    checkout_id = str(cart_of(chinese_cart).pk)

    placed = chinese_cart.post(
        "/zh-hans/checkout/place/",
        {"checkout_id": checkout_id, "payment_method": "bank_transfer", "note": ""},
    )

    order = Order.objects.get()
    assert order.language == "zh-hans"
    assert placed["Location"] == f"/zh-hans/orders/{order.number}/thank-you/"
    thanks = chinese_cart.get(placed["Location"]).content.decode()
    assert "感谢您的订购！" in thanks and "下一步：银行转账付款" in thanks
    status = chinese_cart.get(f"/zh-hans/orders/{order.number}/").content.decode()
    for label in (f"订单 {order.number}", "等待您付款", "订单进度", "已下单", "订单详情"):
        assert label in status, label
