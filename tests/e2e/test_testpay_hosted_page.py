"""A shopper pays on the Test Pay hosted page with the 3-D Secure card, in a real Chromium,
and the shop receives the signed webhook."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pytest_httpserver import HTTPServer

from duli.testpay import processor
from duli.testpay.models import Charge

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "whsec_e2e_7d41b0c2"


def test_a_3ds_card_pays_returns_to_the_shop_and_the_webhook_arrives(
    page: Page, live_server, httpserver: HTTPServer
) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/orders/t0k3n/return/", method="GET").respond_with_data(
        "<h1>Back at the shop</h1>", content_type="text/html"
    )
    httpserver.expect_request("/payments/webhooks/testpay/", method="POST").respond_with_data(
        '{"received": true}', content_type="application/json"
    )
    return_url = httpserver.url_for("/orders/t0k3n/return/")
    charge = processor.charge_create(
        amount=Decimal("25.00"),
        currency="USD",
        reference="P-1001",
        description="Order 7KQ4-M9XA",
        return_url=return_url,
        cancel_url=httpserver.url_for("/orders/t0k3n/"),
        notify_url=httpserver.url_for("/payments/webhooks/testpay/"),
        webhook_secret=SECRET,
        idempotency_key="e2e-1",
    )

    page.goto(f"{live_server.url}/testpay/pay/{charge.pk}/")
    expect(page.get_by_text("Duli Test Pay — test mode, no real money")).to_be_visible()
    expect(page.get_by_text("Order 7KQ4-M9XA")).to_be_visible()
    page.get_by_label("Card number").fill("4000 0000 0000 3220")
    page.get_by_label("Expiry date").fill(f"12 / {(date.today().year + 2) % 100:02d}")
    page.get_by_label("Security code").fill("123")
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_role("button", name="Pay $25.00").click()

    expect(page.get_by_role("heading", name="Confirm your payment")).to_be_visible()
    page.get_by_role("button", name="Complete authentication").click()

    expect(page.get_by_role("heading", name="Back at the shop")).to_be_visible()
    assert page.url == return_url
    assert processor.charge_get(charge.pk).status == Charge.Status.SUCCEEDED

    deadline = time.monotonic() + 5
    while not any(r.method == "POST" for r, _ in httpserver.log) and time.monotonic() < deadline:
        time.sleep(0.05)
    (hook,) = [request for request, _ in httpserver.log if request.method == "POST"]
    body = hook.get_data()
    assert processor.webhook_verify(SECRET, hook.headers["Duli-TestPay-Signature"], body)
    payload = json.loads(body)
    assert payload["type"] == "charge.succeeded"
    assert payload["data"]["charge"] == charge.pk and payload["data"]["reference"] == "P-1001"
