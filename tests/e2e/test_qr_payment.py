"""A QR-code payment page in a real Chromium: the page shows the code, keeps asking whether
the money arrived, and moves on to the order by itself once the provider's signed
notification has been received."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.test import Client
from playwright.sync_api import expect

from duli.orders.links import order_access_token
from duli.orders.models import Order
from duli.orders.states import PaymentStatus
from duli.payments.models import Payment
from duli.payments.services import payment_method_configure
from duli.testing.order_factories import order_placed
from duli.testpay.processor import SIGNATURE_HEADER, webhook_sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SECRET = "whsec_e2e_qr_page_0001"


def test_the_qr_page_moves_on_by_itself_once_the_payment_arrives(new_page, live_server):
    payment_method_configure(provider="testpay", values={"webhook_secret": SECRET}, is_enabled=True)
    order = order_placed(payment="testpay")
    payment = Payment.objects.get(order=order)
    # What a QR provider (WeChat Pay Native, Alipay pre-create) answers to "start".
    Payment.objects.filter(pk=payment.pk).update(
        provider_ref="ch_qr_e2e",
        action="qr_code",
        action_value="weixin://wxpay/bizpayurl?pr=e2eQR01",
        started_for=f"{payment.reference}:desktop",
    )
    shopper = new_page(1280)
    shopper.goto(
        f"{live_server.url}/orders/{order.number}/pay/?token={order_access_token(number=order.number)}"
    )
    shopper.get_by_role("button", name="Pay now").click()
    expect(shopper.locator(".pay-qr svg")).to_be_visible()
    expect(shopper.locator("[data-pay-message]")).to_contain_text("Waiting for your payment")

    body = json.dumps(
        {
            "id": "evt_qr_e2e",
            "type": "charge.succeeded",
            "created": int(time.time()),
            "data": {
                "charge": "ch_qr_e2e",
                "reference": payment.reference,
                "amount": str(
                    payment.amount.amount.quantize(payment.amount.amount.__class__("0.01"))
                ),
                "currency": payment.currency,
            },
        }
    ).encode()
    header = {
        f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": webhook_sign(
            SECRET, body, int(time.time())
        )
    }
    answer = Client().post(
        "/payments/webhooks/testpay/", body, content_type="application/json", **header
    )
    assert answer.status_code == 200

    expect(shopper).to_have_url(re.compile(rf"/orders/{order.number}/thank-you/$"), timeout=10_000)
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID
