"""Garbage in any field or id of the new pages gets a 4xx answer, never a server error."""

import pytest
from django.urls import reverse

from duli.testing.factories import StaffFactory
from duli.testing.order_factories import order_placed, shop_ready

pytestmark = pytest.mark.django_db

BAD = ["", "abc", "-1", "0", "99999999999999999999", "1e9", "null", "<script>", "１", "1.5", "😀"]


def test_cart_checkout_and_order_pages_answer_garbage_without_a_server_error(client):
    shop_ready()
    order = order_placed()
    client.raise_request_exception = False
    codes = []
    for v in BAD:
        for q in BAD:
            r = client.post(
                "/cart/add/", {"variant": v, "quantity": q}, HTTP_ACCEPT="application/json"
            )
            codes.append(("add", v, q, r.status_code))
            r = client.post("/cart/add/", {"variant": v, "quantity": q})
            codes.append(("add-html", v, q, r.status_code))
        for path in ["/cart/lines/1/", "/cart/lines/1/remove/"]:
            r = client.post(path, {"quantity": v})
            codes.append((path, v, r.status_code))
        r = client.post("/checkout/place/", {"checkout_id": v})
        codes.append(("place", v, r.status_code))
        r = client.post("/checkout/shipping/", {"method": v})
        codes.append(("ship", v, r.status_code))
        r = client.post(
            "/checkout/information/", {"email": v, "shipping-country": v, "address_choice": v}
        )
        codes.append(("info", v, r.status_code))
        r = client.post("/orders/find/", {"number": v, "email": v})
        codes.append(("find", v, r.status_code))
        r = client.get(f"/orders/{v or 'x'}/?token={v}")
        codes.append(("status", v, r.status_code))
        r = client.post(
            f"/orders/{order.number}/return/", {"reason": v, f"line_{order.lines.first().pk}": v}
        )
        codes.append(("return", v, r.status_code))
        r = client.get("/address/fields/", {"country": v, "prefix": v})
        codes.append(("fields", v, r.status_code))
    bad = [c for c in codes if c[-1] >= 500]
    assert not bad, bad[:20]


def test_dashboard_order_pages_answer_garbage_without_a_server_error(client):
    shop_ready()
    order = order_placed()
    client.force_login(StaffFactory())
    client.raise_request_exception = False
    codes = []
    line = order.lines.first()
    for v in BAD:
        for name, data in [
            ("order_mark_paid", {"idempotency_key": v, "reference": v}),
            (
                "order_fulfil",
                {"idempotency_key": v, f"line_{line.pk}": v, "carrier": v, "tracking_number": v},
            ),
            ("order_cancel", {"idempotency_key": v, "reason": v, "refund": v}),
            ("order_refund", {"idempotency_key": v, "amount": v, f"restock_{line.pk}": v}),
            ("order_address", {"country": v, "first_name": v}),
            ("order_note", {"text": v, "idempotency_key": v}),
        ]:
            r = client.post(reverse(f"dashboard:{name}", args=[order.pk]), data)
            codes.append((name, v, r.status_code))
        r = client.get(
            reverse("dashboard:order_list"),
            {"date_from": v, "date_to": v, "status": v, "q": v, "page": v},
        )
        codes.append(("list", v, r.status_code))
        r = client.get(reverse("dashboard:order_export"), {"date_from": v, "status": v})
        codes.append(("export", v, r.status_code))
        r = client.get(reverse("dashboard:customer_list"), {"q": v, "page": v})
        codes.append(("customers", v, r.status_code))
    bad = [c for c in codes if c[-1] >= 500]
    assert not bad, bad[:20]


def test_a_number_too_large_for_the_database_is_a_bad_request(client):
    shop_ready()
    response = client.post(
        "/cart/add/",
        {"variant": "99999999999999999999", "quantity": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code in (400, 404)
    assert response.json()["code"] in ("out_of_range", "unavailable", "not_found")


def test_payment_pages_and_webhooks_answer_garbage_without_a_server_error(client):
    from duli.orders.links import order_access_token
    from duli.payments.services import payment_method_configure
    from duli.testing.payment_factories import stripe_enabled

    shop_ready()
    stripe_enabled()
    payment_method_configure(
        provider="testpay", values={"webhook_secret": "whsec_garbage"}, is_enabled=True
    )
    order = order_placed()
    client.raise_request_exception = False
    token = order_access_token(number=order.number)
    codes = []
    for v in BAD:
        for provider in ("stripe", "testpay", "paypal", "alipay", "wechatpay", v or "x"):
            for body in (v.encode(), b"{}", b'{"id": "evt_1", "type": "charge.succeeded"}'):
                r = client.post(
                    f"/payments/webhooks/{provider}/",
                    body,
                    content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=v,
                    HTTP_DULI_TESTPAY_SIGNATURE=v,
                )
                codes.append(("webhook", provider, v, r.status_code))
        r = client.post(f"/orders/{order.number}/pay/?token={token}", {"payment_method": v})
        codes.append(("pay", v, r.status_code))
        for path in ("pay/return/", "pay/status/", "pay/"):
            r = client.get(f"/orders/{v or 'x'}/{path}?token={v}")
            codes.append((path, v, r.status_code))
    bad = [c for c in codes if c[-1] >= 500]
    assert not bad, bad[:20]
    assert all(c[-1] in (400, 404) for c in codes if c[0] == "webhook")
