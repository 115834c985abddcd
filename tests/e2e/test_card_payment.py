"""Paying by card in a real Chromium, through Duli Test Pay: a guest places the order, pays
on the processor's hosted page with the 3-D Secure test card, comes back to a paid order
(the processor's signed webhook arrives over HTTP), and the merchant refunds part of it
from the order page through the same provider."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from duli.orders.models import Order
from duli.orders.states import OrderStatus, PaymentStatus
from duli.payments.models import PaymentTransaction, WebhookMessage
from duli.payments.services import payment_method_configure
from duli.testing.factories import StaffFactory
from duli.testpay.models import Charge
from tests.e2e.test_checkout import _add, _guest_details_and_shipping, _shirt

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_guest_pays_by_card_with_3d_secure_and_the_merchant_refunds_part(new_page, live_server):
    shirt = _shirt()
    payment_method_configure(
        provider="testpay", values={"webhook_secret": "whsec_e2e_card_journey"}, is_enabled=True
    )
    StaffFactory(email="owner@example.com", password="a-long-staff-password")

    shopper = new_page(390)
    shopper.goto(live_server.url + shirt.get_absolute_url())
    _add(shopper, "M")
    _guest_details_and_shipping(shopper, live_server.url)
    shopper.locator("label.choice", has_text="Test Pay").click()
    shopper.get_by_role("button", name="Place order").click()

    # The processor's hosted page: the card never touches the shop's forms.
    expect(shopper).to_have_url(re.compile(r"/testpay/pay/ch_\w+/$"))
    order = Order.objects.get()
    assert order.payment_status == PaymentStatus.UNPAID
    shopper.get_by_label("Card number").fill("4000 0000 0000 3220")
    shopper.get_by_label("Expiry date").fill(f"12 / {(date.today().year + 2) % 100:02d}")
    shopper.get_by_label("Security code").fill("123")
    shopper.get_by_label("Name on card").fill("Ada Lovelace")
    shopper.get_by_role("button", name=re.compile(r"^Pay \$")).click()
    expect(shopper.get_by_role("heading", name="Confirm your payment")).to_be_visible()
    shopper.get_by_role("button", name="Complete authentication").click()

    expect(shopper).to_have_url(re.compile(rf"/orders/{order.number}/thank-you/$"))
    expect(shopper.locator("body")).not_to_contain_text("complete your payment")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    assert Charge.objects.get().card_last4 == "3220"  # the processor keeps the last four only
    deadline = time.monotonic() + 5  # the signed webhook, posted by the processor's task
    while not WebhookMessage.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert WebhookMessage.objects.filter(provider="testpay", kind="captured").exists()
    assert PaymentTransaction.objects.filter(kind="capture").count() == 1

    # The merchant refunds $5 from the order page; Test Pay makes the refund.
    merchant = new_page(1280)
    merchant.goto(live_server.url + "/dashboard/login/")
    merchant.fill("#id_username", "owner@example.com")
    merchant.fill("#id_password", "a-long-staff-password")
    merchant.get_by_role("button", name="Sign in").click()
    merchant.goto(live_server.url + f"/dashboard/orders/{order.pk}/")
    merchant.click(".order-actions a[data-dialog=dlg-refund]")
    dialog = merchant.locator("#dlg-refund")
    dialog.locator("input[name=amount]").fill("5.00")
    dialog.locator("button[type=submit]").click()
    expect(merchant.locator(".messages")).to_contain_text("efund")

    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    assert order.refunded.amount == Decimal("5.00")
    refund = PaymentTransaction.objects.get(kind="refund")
    assert refund.status == PaymentTransaction.Status.SUCCEEDED
    assert refund.provider_ref.startswith("re_")
