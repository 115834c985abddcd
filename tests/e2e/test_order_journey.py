"""The whole order journey in a real Chromium: a guest buys two variants and pays by bank
transfer; the merchant marks the order paid and ships it; the shopper opens the order page
from the link in their email and finds the tracking link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from duli.orders.models import Order
from duli.orders.states import FulfillmentStatus, OrderStatus, PaymentStatus
from duli.shipping.models import Carrier
from duli.testing.factories import StaffFactory
from tests.e2e.test_checkout import _add, _guest_details_and_shipping, _shirt

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_guest_buys_merchant_ships_shopper_sees_the_tracking_link(new_page, live_server):
    shirt = _shirt()
    Carrier.objects.create(
        name="UPS", code="ups", tracking_url_template="https://www.ups.com/track?tracknum={number}"
    )
    StaffFactory(email="owner@example.com", password="a-long-staff-password")

    # The guest, on a phone: two sizes, three steps, bank transfer.
    shopper = new_page(390)
    shopper.goto(live_server.url + shirt.get_absolute_url())
    _add(shopper, "S")
    _add(shopper, "M")
    _guest_details_and_shipping(shopper, live_server.url)
    shopper.locator("label.choice", has_text="Bank transfer").click()
    shopper.get_by_role("button", name="Place order").click()
    expect(shopper).to_have_url(re.compile(r"/orders/[0-9A-Z-]+/thank-you/$"))
    order = Order.objects.get()
    assert order.lines.count() == 2
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)

    # The merchant, on a laptop: sign in, mark paid, ship with UPS.
    merchant = new_page(1280)
    merchant.goto(live_server.url + "/dashboard/login/")
    merchant.fill("#id_username", "owner@example.com")
    merchant.fill("#id_password", "a-long-staff-password")
    merchant.get_by_role("button", name="Sign in").click()
    merchant.goto(live_server.url + f"/dashboard/orders/{order.pk}/")
    merchant.click(".order-actions a[data-dialog=dlg-mark-paid]")
    merchant.fill("#paid_reference", "BANK-77")
    merchant.click("#dlg-mark-paid button[type=submit]")
    expect(merchant.locator(".messages")).to_contain_text("paid")
    merchant.click(".order-actions a[data-dialog=dlg-fulfil]")
    dialog = merchant.locator("#dlg-fulfil")
    dialog.locator("select[name=carrier]").select_option("ups")
    dialog.locator("input[name=tracking_number]").fill("1Z999AA10123456784")
    dialog.locator("button[type=submit]").click()
    expect(merchant.locator(".messages")).to_contain_text("on its way")

    order.refresh_from_db()
    assert (order.status, order.payment_status, order.fulfillment_status) == (
        OrderStatus.COMPLETED,
        PaymentStatus.PAID,
        FulfillmentStatus.FULFILLED,
    )

    # The shopper follows the link in the "shipped" email, in a fresh browser.
    shipped = next(m for m in mail.outbox if "on its way" in m.subject)
    link = re.search(r"https?://\S+/orders/\S+\?token=\S+", shipped.body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    reader = new_page(390)
    reader.goto(live_server.url + path)
    track = reader.get_by_role("link", name="Track parcel")
    expect(track).to_have_attribute("href", "https://www.ups.com/track?tracknum=1Z999AA10123456784")
    expect(reader.locator(".parcel__number")).to_have_text("1Z999AA10123456784")
