"""A QR-code payment through the storefront with Alipay: the SDK talks to a local gateway
answering with responses signed by a key the test made; Alipay's signed notification
arrives at the webhook URL; the page's poll then says paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from duli.orders.models import Order
from duli.orders.states import PaymentStatus
from duli.payments.models import Payment, PaymentMethod
from duli.payments.services import payment_method_configure
from duli.shipping.models import ShippingMethod
from duli.testing.checkout_factories import shipping_ready, shop_ready
from duli.testing.customers_factories import CN_ADDRESS
from duli.testing.factories import ProductFactory, VariantFactory
from tests.payments.providers.test_alipay import AlipaySide, keys  # noqa: F401
from tests.storefront.checkout_fixtures import add, cart_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alipay(httpserver, keys, shop) -> AlipaySide:  # noqa: F811
    shop_ready(currency="CNY", country="CN")
    shipping_ready(countries=("CN",), currency="CNY", price="10.00")
    side = AlipaySide(server=httpserver, keys=keys)
    side.answers["alipay.trade.precreate"] = "trade_precreate"
    config = side.config(desktop_flow="qr")
    gateway = config.pop("gateway")
    payment_method_configure(provider="alipay", values=config, is_enabled=True)
    # The network boundary: the SDK's gateway is the local recorded one.
    row = PaymentMethod.objects.get(provider="alipay")
    PaymentMethod.objects.filter(pk=row.pk).update(config={**row.config, "gateway": gateway})
    return side


def checkout_to_payment(client: Client) -> None:
    tea = VariantFactory(
        product=ProductFactory(name="Longjing", variants=0),
        price_amount=Decimal("15.00"),
        currency="CNY",
        stock=5,
    )
    added = add(client, tea, 1)
    assert added.status_code == 200, added.content
    address = {f"shipping-{k}": v for k, v in CN_ADDRESS.items()}
    client.post(
        "/checkout/information/", {"email": "li@example.com", "billing_same": "1", **address}
    )
    client.post("/checkout/shipping/", {"method": ShippingMethod.objects.get().pk})


def test_a_computer_shopper_scans_an_alipay_code_and_the_page_learns_it_was_paid(
    client, alipay, django_capture_on_commit_callbacks
):
    checkout_to_payment(client)
    checkout_id = str(cart_of(client).pk)

    page = client.post(
        "/checkout/place/", {"checkout_id": checkout_id, "payment_method": "alipay", "note": ""}
    )

    order = Order.objects.get()
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Scan with" in html  # ¥15 + ¥10 shipping
    assert client.get(f"/orders/{order.number}/pay/status/").json()["paid"] is False

    payment = Payment.objects.get()
    headers, body = alipay.notification(
        out_trade_no=payment.reference or "",
        total_amount="25.00",
        receipt_amount="25.00",
        buyer_pay_amount="25.00",
        invoice_amount="25.00",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post(
            "/payments/webhooks/alipay/", body, content_type=headers["Content-Type"]
        )

    assert answer.content == b"success"
    poll = client.get(f"/orders/{order.number}/pay/status/").json()
    assert poll["paid"] is True and poll["next"] == f"/orders/{order.number}/thank-you/"
    assert Order.objects.get().payment_status == PaymentStatus.PAID
