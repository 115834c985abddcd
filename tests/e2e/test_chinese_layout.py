"""Chinese text in a real browser: the cart, the checkout steps, the order pages and the
merchant's order, customer, shipping and tax pages under zh-hans are no wider than a phone.
Set DULI_SCREENSHOTS=/some/dir to keep screenshots of each page at 390 and 1280 pixels."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from duli.catalog.models import ProductVariant
from duli.core.actors import Actor
from duli.orders.models import Order
from duli.orders.services import (
    fulfillment_deliver,
    order_fulfill,
    order_mark_paid,
    return_request,
)
from duli.shipping.models import Carrier
from duli.testing.checkout_factories import shipping_ready, shop_ready
from duli.testing.customers_factories import CN_ADDRESS
from duli.testing.factories import ProductFactory, StaffFactory, VariantFactory
from duli.testing.order_factories import key

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
OpenPage = Callable[..., Any]


def _tea(name: str, zh_name: str, price: str) -> ProductVariant:
    product = ProductFactory(name=name, zh_name=zh_name, variants=0)
    return VariantFactory(product=product, price_amount=Decimal(price), currency="CNY", stock=50)


def _chinese_shop() -> tuple[ProductVariant, ProductVariant]:
    shop = shop_ready(currency="CNY", country="CN", prices_include_tax=True)
    shop.set_current_language("zh-hans")
    shop.name = "茶舍"
    shop.bank_transfer_instructions = "户名：上海茶舍贸易有限公司\n账号：6222 0210 0109 8765 432"
    shop.save()
    shipping_ready(countries=("CN", "US"), currency="CNY", price="12.00")
    Carrier.objects.create(
        name="SF Express 顺丰速运",
        code="sf",
        tracking_url_template="https://www.sf-express.com/chn/sc/waybill/list?no={number}",
    )
    return (
        _tea("West Lake Longjing", "特级西湖龙井明前绿茶（250 克礼盒装，含手提袋）", "388.00"),
        _tea("Tieguanyin", "安溪铁观音浓香型乌龙茶", "128.00"),
    )


@pytest.fixture
def shopper() -> Client:
    return Client()


@pytest.fixture
def open_page(browser, live_server) -> Iterator[OpenPage]:  # type: ignore[no-untyped-def]
    """open_page(client, path, width): the page as that client's session sees it, in a
    browser that asks for Chinese; console errors fail the test."""
    contexts, errors = [], []

    def open_(client: Client, path: str, width: int) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(live_server.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, errors


def _check(open_page: OpenPage, client: Client, name: str, path: str) -> None:
    shots = os.environ.get("DULI_SCREENSHOTS", "")
    for width in WIDTHS:
        page = open_page(client, path, width)
        assert page.evaluate("document.documentElement.lang") == "zh-hans", name
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide}px wide at {width}px"
        if shots:
            page.screenshot(path=f"{shots}/zh-{name}-{width}.png", full_page=True)


def _address_post() -> dict[str, str]:
    data = {"email": "wei@example.com", "billing_same": "1"}
    data.update({f"shipping-{k}": v for k, v in CN_ADDRESS.items()})
    data["shipping-phone"] = "+86 138 0013 8000"
    return data


def test_the_chinese_shopper_pages_fit_a_phone(open_page, shopper):
    longjing, tieguanyin = _chinese_shop()
    for variant, quantity in ((longjing, 2), (tieguanyin, 1)):
        shopper.post(
            "/zh-hans/cart/add/",
            {"variant": variant.pk, "quantity": quantity},
            HTTP_ACCEPT="application/json",
        )
    _check(open_page, shopper, "cart", "/zh-hans/cart/")
    _check(open_page, shopper, "checkout-information", "/zh-hans/checkout/information/")

    response = shopper.post("/zh-hans/checkout/information/", _address_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    _check(open_page, shopper, "checkout-shipping", "/zh-hans/checkout/shipping/")

    method = re.search(r'name="method" value="(\d+)"', shopper.get(response["Location"]).text)
    assert method is not None
    shopper.post("/zh-hans/checkout/shipping/", {"method": method.group(1)})
    _check(open_page, shopper, "checkout-payment", "/zh-hans/checkout/payment/")

    page = shopper.get("/zh-hans/checkout/payment/").content.decode()
    checkout_id = re.search(r'name="checkout_id" value="([^"]+)"', page)
    assert checkout_id is not None
    placed = shopper.post(
        "/zh-hans/checkout/place/",
        {"checkout_id": checkout_id.group(1), "payment_method": "bank_transfer", "note": ""},
    )
    order = Order.objects.get()
    assert order.language == "zh-hans"
    _check(open_page, shopper, "order-confirmation", placed["Location"])

    status = f"/zh-hans/orders/{order.number}/"
    _check(open_page, shopper, "order-awaiting-payment", status)

    staff = Actor.of(StaffFactory())
    order_mark_paid(order_id=order.pk, actor=staff, idempotency_key=key())
    lines = list(order.lines.order_by("pk"))
    parcel = order_fulfill(
        order_id=order.pk,
        lines={lines[0].pk: 2},
        actor=staff,
        idempotency_key=key(),
        carrier_code="sf",
        tracking_number="SF1428570012345",
    )
    fulfillment_deliver(fulfillment_id=parcel.pk, actor=staff)
    return_request(
        order_id=order.pk,
        lines={lines[0].pk: 1},
        reason="damaged",
        actor=Actor.customer(email=order.email),
        note="礼盒外包装破损，茶叶罐凹陷。",
    )
    _check(open_page, shopper, "order-shipped", status)


def test_the_chinese_dashboard_order_pages_fit_a_phone(open_page):
    longjing, tieguanyin = _chinese_shop()
    shopper = Client()
    for variant in (longjing, tieguanyin):
        shopper.post("/zh-hans/cart/add/", {"variant": variant.pk}, HTTP_ACCEPT="application/json")
    shopper.post("/zh-hans/checkout/information/", _address_post())
    method = re.search(
        r'name="method" value="(\d+)"', shopper.get("/zh-hans/checkout/shipping/").text
    )
    assert method is not None
    shopper.post("/zh-hans/checkout/shipping/", {"method": method.group(1)})
    page = shopper.get("/zh-hans/checkout/payment/").content.decode()
    checkout_id = re.search(r'name="checkout_id" value="([^"]+)"', page)
    assert checkout_id is not None
    shopper.post(
        "/zh-hans/checkout/place/",
        {
            "checkout_id": checkout_id.group(1),
            "payment_method": "bank_transfer",
            "note": "请周末送货",
        },
    )
    order = Order.objects.get()
    staff_user = StaffFactory(email="owner@example.com", full_name="陈美")
    order_mark_paid(order_id=order.pk, actor=Actor.of(staff_user), idempotency_key=key())
    order_fulfill(
        order_id=order.pk,
        lines={order.lines.order_by("pk").first().pk: 1},
        actor=Actor.of(staff_user),
        idempotency_key=key(),
        carrier_code="sf",
        tracking_number="SF1428570012345",
    )
    merchant = Client()
    merchant.force_login(staff_user)

    pages = {
        "dashboard-orders": reverse("dashboard:order_list"),
        "dashboard-order": reverse("dashboard:order_detail", args=[order.pk]),
        "dashboard-fulfil": reverse("dashboard:order_fulfil", args=[order.pk]),
        "dashboard-customers": reverse("dashboard:customer_list"),
        "dashboard-shipping": reverse("dashboard:shipping_zone_list"),
        "dashboard-tax": reverse("dashboard:tax_overview"),
    }
    for name, path in pages.items():
        _check(open_page, merchant, name, path)
