"""The order pages in a real browser: actions in their <dialog>, no script blocked by the
CSP, nothing wider than a phone. Set DULI_SCREENSHOTS=/some/dir to keep screenshots of the
list, order and customer pages at 390 and 1280 pixels."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from duli.core.actors import Actor
from duli.orders.models import Order
from duli.orders.services import order_fulfill, order_mark_paid, order_note_add
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import PaymentTransaction
from duli.shipping.models import Carrier
from duli.testing.factories import ProductFactory, StaffFactory, UserFactory, VariantFactory
from duli.testing.order_factories import (
    ADDRESS_CN,
    ADDRESS_US,
    key,
    order_paid,
    order_placed,
    order_shipped,
    return_requested,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OpenPage = Callable[..., Any]


@pytest.fixture
def open_page(browser, live_server) -> Iterator[OpenPage]:  # type: ignore[no-untyped-def]
    """open_page(path, width=1280): a signed-in staff page; console errors fail the test."""
    client = Client()
    client.force_login(StaffFactory(email="owner@example.com", full_name="Mei Chen"))
    contexts, errors = [], []

    def open_(path: str, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
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


def test_mark_paid_in_its_dialog(open_page):
    order = order_placed()
    page = open_page(reverse("dashboard:order_detail", args=[order.pk]))

    page.click(".order-actions a[data-dialog=dlg-mark-paid]")
    assert page.is_visible("#dlg-mark-paid")
    page.fill("#paid_reference", "BANK-2025-77")
    page.click("#dlg-mark-paid button[type=submit]")
    page.wait_for_selector(".message-success")

    assert f"Order {order.number} is marked as paid." in page.inner_text(".messages")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert PaymentTransaction.objects.get().reference == "BANK-2025-77"


def test_closing_the_cancel_dialog_cancels_nothing(open_page):
    order = order_placed()
    page = open_page(reverse("dashboard:order_detail", args=[order.pk]), width=390)

    page.click("a[data-dialog=dlg-cancel]")
    assert page.is_visible("#dlg-cancel")
    page.click("#dlg-cancel .dialog-actions [data-dialog-close]")

    assert not page.is_visible("#dlg-cancel")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def _realistic_orders() -> tuple[Order, Order]:
    staff = Actor.of(StaffFactory(email="clerk@example.com", full_name="Li Wei"))
    Carrier.objects.create(
        name="SF Express",
        code="sf",
        tracking_url_template="https://www.sf-express.com/track?n={number}",
    )
    tea = VariantFactory(
        product=ProductFactory(name="West Lake Longjing tea 西湖龙井", variants=0),
        sku="TEA-LJ-100",
        price_amount=Decimal("38.00"),
        stock=80,
    )
    cup = VariantFactory(
        product=ProductFactory(name="Celadon tea cup", variants=0),
        sku="CUP-CEL-S",
        price_amount=Decimal("16.50"),
        stock=40,
    )
    pot = VariantFactory(
        product=ProductFactory(name="Yixing clay teapot", variants=0),
        sku="POT-YX-350",
        price_amount=Decimal("129.00"),
        stock=12,
    )
    wang = UserFactory(email="wang.xiaoming@example.cn", full_name="王小明")
    big = order_placed(
        (tea, 2), (cup, 4), (pot, 1), user=wang, address=ADDRESS_CN, note="请在周末送货，谢谢！"
    )
    order_mark_paid(order_id=big.pk, actor=staff, idempotency_key=key(), reference="BANK-0412")
    lines = list(big.lines.all())
    order_fulfill(
        order_id=big.pk,
        lines={lines[0].pk: 2, lines[1].pk: 2},
        actor=staff,
        idempotency_key=key(),
        carrier_code="sf",
        tracking_number="SF1234567890",
    )
    order_note_add(order_id=big.pk, text="Gift-wrap the teapot, please.", actor=staff)
    order_placed((cup, 2), email="bob@example.com", address={**ADDRESS_US, "first_name": "Bob"})
    order_placed(
        (pot, 1),
        payment="cod",
        email="li.na@example.cn",
        address={**ADDRESS_CN, "first_name": "娜", "last_name": "李"},
    )
    returned = order_shipped(
        (tea, 1),
        email="grace@example.com",
        address={**ADDRESS_US, "first_name": "Grace", "last_name": "Hopper"},
    )
    return_requested(returned, note="I ordered the wrong grade.")
    for i in range(3):
        order_paid(
            (tea, i + 1),
            email=f"pat{i}@example.com",
            address={**ADDRESS_US, "first_name": f"Pat {i}"},
        )
    return Order.objects.get(pk=big.pk), returned


def test_order_pages_fit_a_phone_and_a_desktop(open_page):
    big, returned = _realistic_orders()
    shots = os.environ.get("DULI_SCREENSHOTS", "")
    pages = {
        "orders": reverse("dashboard:order_list"),
        "order": reverse("dashboard:order_detail", args=[big.pk]),
        "order-return": reverse("dashboard:order_detail", args=[returned.pk]),
        "fulfil": reverse("dashboard:order_fulfil", args=[big.pk]),
        "customers": reverse("dashboard:customer_list"),
        "customer": reverse("dashboard:customer_detail", args=[big.user_id]),
        "home": reverse("dashboard:home"),
    }
    for width in (390, 1280):
        for name, path in pages.items():
            page = open_page(path, width=width)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} is {overflow}px wide at {width}px"
            if shots:
                page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
        page = open_page(pages["order"], width=width)
        page.click(".order-actions a[data-dialog=dlg-fulfil]")
        assert page.is_visible("#dlg-fulfil")
        if shots:
            page.screenshot(path=f"{shots}/order-fulfil-dialog-{width}.png")
