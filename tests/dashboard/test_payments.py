"""The merchant's payment screens: the methods list, a method's settings (secrets encrypted,
never shown again, kept when left blank), the payments report, and the Payment card of the
order page."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duli.core.actors import Actor
from duli.core.money import Money
from duli.orders.models import Order
from duli.orders.services import order_refund
from duli.payments.gateway import payment_fail, refund_fail
from duli.payments.models import Payment, PaymentMethod, PaymentTransaction, WebhookMessage
from duli.payments.providers.base import WebhookEvent
from duli.payments.providers.registry import installed
from duli.payments.selectors import method_config
from duli.payments.services import payment_refund
from duli.payments.webhooks import webhook_process, webhook_store
from duli.testing.factories import UserFactory, VariantFactory
from duli.testing.order_factories import order_paid, order_placed, shop_ready
from duli.testing.payment_factories import stripe_enabled
from tests.dashboard.conftest import form_values

pytestmark = pytest.mark.django_db

STRIPE_KEY = "sk_test_" + "Zq8mV3xK1pW7rT5nB2cL9dF4"


@pytest.fixture(autouse=True)
def _shop(db):
    shop_ready()


@pytest.fixture
def variant():
    return VariantFactory(price_amount=Decimal("20.00"), stock=50)


def url(name: str, *args: object) -> str:
    return reverse(f"dashboard:{name}", args=args)


def page_values(client: Client, code: str, **changes: str) -> dict:
    """What the method's form would post as shown, changed."""
    response = client.get(url("payment_method", code))
    assert response.status_code == 200
    data = form_values(response.context["form"])
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def stripe_values(**changes: str) -> dict:
    return {
        "secret_key": STRIPE_KEY,
        "publishable_key": "pk_test_123",
        "webhook_secret": "whsec_Gf7Yp2Lq9Xs4",
        "payment_method_types": "",
        **changes,
    }


def stripe_order(variant) -> Order:
    """An order of $45.00 placed for Stripe, its payment started at Stripe."""
    stripe_enabled()
    order = order_placed((variant, 2), payment="stripe")
    Payment.objects.filter(order=order).update(provider_ref="cs_test_" + uuid.uuid4().hex)
    return order


def stripe_reports(order: Order, amount: Money) -> WebhookMessage:
    """Stripe says the order's payment was taken, for `amount`: stored and processed as the
    webhook task does."""
    payment = order.payments.get()
    event = WebhookEvent(
        event_id="evt_" + uuid.uuid4().hex,
        provider_ref=payment.provider_ref,
        kind="captured",
        amount=amount,
        raw={},
        payment_id=payment.reference or "",
    )
    message, _ = webhook_store(provider="stripe", event=event)
    return webhook_process(message_id=message.pk)


# ---------------------------------------------------------------- access


def test_non_staff_are_refused_every_payments_page(variant):
    shopper = Client()
    shopper.force_login(UserFactory())
    pages = [
        url("payment_methods"),
        url("payment_method", "stripe"),
        url("payments_report"),
        url("payments_report_export"),
    ]
    for page in pages:
        assert shopper.get(page).status_code == 403, page
        assert Client().get(page).status_code == 302, page  # to sign in
    response = shopper.post(url("payment_method", "stripe"), stripe_values(is_enabled="on"))
    assert response.status_code == 403
    assert not PaymentMethod.objects.filter(provider="stripe").exists()


# ---------------------------------------------------------------- methods list


def test_the_list_shows_every_installed_provider(staff_client):
    response = staff_client.get(url("payment_methods"))

    assert response.status_code == 200
    codes = [p.code for p in response.context["providers"]]
    assert sorted(codes) == sorted(installed())
    assert {"bank_transfer", "cod", "testpay", "stripe", "paypal", "alipay", "wechatpay"} <= set(
        codes
    )
    html = response.content.decode()
    for code in installed():
        assert url("payment_method", code) in html
    for text in ("Bank transfer", "Alipay", "PayPal", "Test mode", "All currencies", "QR code"):
        assert text in html, text


def test_the_list_shows_what_each_provider_can_do_and_its_state(staff_client):
    providers = {p.code: p for p in staff_client.get(url("payment_methods")).context["providers"]}

    assert providers["bank_transfer"].state == "on"  # offered by default
    assert providers["stripe"].state == "new"
    assert providers["alipay"].capabilities == ["Refunds", "Partial refunds", "QR code", "Redirect"]
    assert providers["alipay"].currencies == ["CNY"]
    assert not providers["alipay"].serves_shop_currency  # the shop sells in USD
    assert providers["testpay"].test_mode and not providers["stripe"].test_mode


# ---------------------------------------------------------------- one method's settings


def test_saving_settings_encrypts_secrets_and_never_shows_them(staff_client):
    response = staff_client.post(url("payment_method", "stripe"), stripe_values(is_enabled="on"))

    assert response.status_code == 302
    row = PaymentMethod.objects.get(provider="stripe")
    assert row.is_enabled
    assert STRIPE_KEY not in row.secrets and STRIPE_KEY not in str(row.config)
    assert method_config(row)["secret_key"] == STRIPE_KEY
    assert row.config["publishable_key"] == "pk_test_123"
    html = staff_client.get(url("payment_method", "stripe")).content.decode()
    assert STRIPE_KEY not in html and "whsec_Gf7Yp2Lq9Xs4" not in html
    assert "Stored: " in html and "••••••••9dF4" in html  # the last four only


def test_secret_inputs_are_passwords_without_autocomplete(staff_client):
    stripe_enabled()

    html = staff_client.get(url("payment_method", "stripe")).content.decode()

    tag = re.search(r'<input[^>]*name="secret_key"[^>]*>', html)
    assert tag is not None
    assert 'type="password"' in tag.group() and 'autocomplete="off"' in tag.group()
    assert "value=" not in tag.group()


def test_a_blank_secret_keeps_the_stored_one(staff_client):
    staff_client.post(url("payment_method", "stripe"), stripe_values(is_enabled="on"))
    data = page_values(staff_client, "stripe", publishable_key="pk_test_456")
    assert data["secret_key"] == ""  # the form never holds the secret

    response = staff_client.post(url("payment_method", "stripe"), data)

    assert response.status_code == 302
    row = PaymentMethod.objects.get(provider="stripe")
    assert method_config(row)["secret_key"] == STRIPE_KEY
    assert row.config["publishable_key"] == "pk_test_456"


def test_enabling_without_a_required_field_shows_the_field_error(staff_client):
    response = staff_client.post(
        url("payment_method", "stripe"), stripe_values(secret_key="", is_enabled="on")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["secret_key"] == [
        "Enter “Secret key” to turn this payment method on."
    ]
    assert not PaymentMethod.objects.filter(provider="stripe", is_enabled=True).exists()


def test_a_bad_choice_value_is_a_field_error(staff_client):
    data = {"client_id": "abc", "client_secret": "s3cr3t-paypal", "webhook_id": "WH-1"}
    response = staff_client.post(
        url("payment_method", "paypal"), {**data, "environment": "moon", "is_enabled": "on"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["environment"] == ["Choose one of the offered values."]
    assert "s3cr3t-paypal" not in response.content.decode()  # not echoed back either
    assert not PaymentMethod.objects.filter(provider="paypal").exists()


def test_a_multiline_key_is_saved_whole_and_not_shown(staff_client):
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"

    staff_client.post(url("payment_method", "wechatpay"), {"private_key": pem, "mchid": "190001"})

    row = PaymentMethod.objects.get(provider="wechatpay")
    assert method_config(row)["private_key"] == pem
    assert not row.is_enabled
    assert (
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
        not in staff_client.get(url("payment_method", "wechatpay")).content.decode()
    )


def test_turning_a_method_off_keeps_its_settings(staff_client):
    staff_client.post(url("payment_method", "stripe"), stripe_values(is_enabled="on"))
    data = page_values(staff_client, "stripe")
    data.pop("is_enabled")

    response = staff_client.post(url("payment_method", "stripe"), data)

    assert response.status_code == 302
    row = PaymentMethod.objects.get(provider="stripe")
    assert not row.is_enabled
    assert method_config(row)["secret_key"] == STRIPE_KEY
    assert row.config["publishable_key"] == "pk_test_123"


def test_the_webhook_url_appears(staff_client):
    html = staff_client.get(url("payment_method", "stripe")).content.decode()

    assert ">http://testserver/payments/webhooks/stripe/</code>" in html
    assert "data-copy=" in html


def test_manual_methods_have_no_webhook_url(staff_client):
    response = staff_client.get(url("payment_method", "bank_transfer"))

    assert response.context["webhook_url"] == ""
    assert "Settings → Checkout" in response.content.decode()


def test_test_pay_says_it_takes_no_real_money(staff_client):
    html = staff_client.get(url("payment_method", "testpay")).content.decode()

    assert "Test Pay takes no real money; turn it off before you open the shop." in html


def test_an_unknown_provider_is_404(staff_client):
    assert staff_client.get(url("payment_method", "bitcoin")).status_code == 404


# ---------------------------------------------------------------- report


def report(client: Client, **params: str):
    response = client.get(url("payments_report"), params)
    assert response.status_code == 200
    return response.context["report"]


def test_report_sums_payments_by_method_and_status(staff_client, variant):
    order_paid((variant, 1))  # $25.00
    order_paid((variant, 2))  # $45.00
    order_placed((variant, 1))  # awaiting $25.00
    order_placed((variant, 1), payment="cod")  # $25.00, confirmed, unpaid
    refunded = order_paid((variant, 1))
    order_refund(
        order_id=refunded.pk,
        amount=Money(Decimal("10.00"), "USD"),
        restock={},
        actor=Actor.system("test"),
        idempotency_key=uuid.uuid4().hex,
    )

    rows = {(r.provider, r.status): r for r in report(staff_client).summary}

    paid = rows[("bank_transfer", "captured")]
    assert (paid.count, paid.amount, paid.captured) == (2, Decimal("70.00"), Decimal("70.00"))
    part = rows[("bank_transfer", "partially_refunded")]
    assert (part.count, part.captured, part.refunded) == (1, Decimal("25.00"), Decimal("10.00"))
    assert rows[("bank_transfer", "pending")].amount == Decimal("25.00")
    assert rows[("cod", "pending")].count == 1
    assert len(rows) == 4


def test_report_by_day_has_what_was_received_and_refunded_each_day(staff_client, variant):
    with time_machine.travel(datetime(2025, 3, 1, 12, tzinfo=timezone.UTC)):
        first = order_paid((variant, 1))  # $25.00
    with time_machine.travel(datetime(2025, 3, 3, 9, tzinfo=timezone.UTC)):
        order_paid((variant, 2))  # $45.00
        order_refund(
            order_id=first.pk,
            amount=Money(Decimal("5.00"), "USD"),
            restock={},
            actor=Actor.system("test"),
            idempotency_key=uuid.uuid4().hex,
        )
    with time_machine.travel(datetime(2025, 4, 2, 9, tzinfo=timezone.UTC)):
        order_paid((variant, 1))  # outside the range

    result = report(staff_client, date_from="2025-03-01", date_to="2025-03-31")

    assert [(d.day, d.captured, d.refunded) for d in result.days] == [
        (date(2025, 3, 1), Decimal("25.00"), Decimal("0")),
        (date(2025, 3, 3), Decimal("45.00"), Decimal("5.00")),
    ]
    assert (result.captured, result.refunded, result.net) == (
        Decimal("70.00"),
        Decimal("5.00"),
        Decimal("65.00"),
    )


def test_report_counts_a_gateway_capture(staff_client, variant):
    order = stripe_order(variant)
    stripe_reports(order, Money(Decimal("45.00"), "USD"))

    result = report(staff_client)

    assert [(r.provider, r.status, r.captured) for r in result.summary] == [
        ("stripe", "captured", Decimal("45.00"))
    ]
    assert result.captured == Decimal("45.00")


def test_report_csv_has_the_by_day_rows(staff_client, variant):
    with time_machine.travel(datetime(2025, 3, 1, 12, tzinfo=timezone.UTC)):
        order_paid((variant, 1))

    response = staff_client.get(
        url("payments_report_export"), {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Date", "Received", "Refunded", "Net", "Currency"],
        ["2025-03-01", "25.00", "0.00", "25.00", "USD"],
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2025-13-01"}, "Enter a valid date."),
        ({"date_to": "yesterday"}, "Enter a valid date."),
        ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "The end date is before"),
        ({"date_from": "1990-01-01", "date_to": "2025-01-01"}, "three years or less"),
    ],
)
def test_bad_dates_give_a_form_error_and_the_last_30_days(staff_client, params, message):
    response = staff_client.get(url("payments_report"), params)

    assert response.status_code == 200
    assert message in response.content.decode()
    result = response.context["report"]
    assert (result.end - result.start).days == 29
    assert result.end == timezone.localdate()


def test_needs_attention_lists_a_flagged_payment(staff_client, variant):
    order = stripe_order(variant)
    stripe_reports(order, Money(Decimal("1.00"), "USD"))  # not what was due

    response = staff_client.get(url("payments_report"))

    items = response.context["report"].attention
    assert [(i.kind, i.order_id) for i in items] == [("flag", order.pk)]
    assert "reported a payment of $1.00, but $45.00 was due" in items[0].message
    assert url("order_detail", order.pk) in response.content.decode()


def test_needs_attention_lists_a_failed_refund_and_an_unmatched_webhook(staff_client, variant):
    order = stripe_order(variant)
    stripe_reports(order, Money(Decimal("45.00"), "USD"))
    refund = payment_refund(
        payment_id=order.payments.get().pk,
        amount=Money(Decimal("5.00"), "USD"),
        actor=Actor.system("test"),
        idempotency_key=uuid.uuid4().hex,
    )
    with transaction.atomic():
        refund_fail(PaymentTransaction.objects.select_for_update().get(pk=refund.pk), "No funds")
    stray = WebhookEvent(
        event_id="evt_stray",
        provider_ref="cs_unknown",
        kind="captured",
        amount=Money(Decimal("9.00"), "USD"),
        raw={},
        payment_id="DLNOSUCHPAYMENT",
    )
    webhook_process(message_id=webhook_store(provider="stripe", event=stray)[0].pk)

    items = report(staff_client).attention

    assert sorted((i.kind, i.order_id) for i in items) == [
        ("refund_failed", order.pk),
        ("webhook_unmatched", None),
    ]
    assert next(i for i in items if i.kind == "refund_failed").message == "No funds"


def test_report_query_count_does_not_grow_with_the_data(
    staff_client, variant, django_assert_max_num_queries
):
    for _ in range(3):
        order_paid((variant, 1))
        stripe_reports(stripe_order(variant), Money(Decimal("1.00"), "USD"))
    order_placed((variant, 1), payment="cod")
    staff_client.get(url("payments_report"))

    with django_assert_max_num_queries(10):
        response = staff_client.get(url("payments_report"))

    assert len(response.context["report"].attention) == 3


def test_payment_pages_have_no_inline_script_or_style(staff_client):
    for page in (
        url("payment_methods"),
        url("payment_method", "stripe"),
        url("payments_report"),
    ):
        html = staff_client.get(page).content.decode()
        assert not re.search(r"\sstyle=", html), page
        assert not re.search(r"\son[a-z]+=", html), page
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag


def test_the_nav_and_the_settings_page_link_to_payments(staff_client):
    html = staff_client.get(url("settings")).content.decode()

    assert html.count(f'href="{url("payment_methods")}"') == 2  # the nav and the checkout card


# ---------------------------------------------------------------- the order page


def test_order_page_shows_a_flagged_payments_reason(staff_client, variant):
    order = stripe_order(variant)
    stripe_reports(order, Money(Decimal("1.00"), "USD"))
    payment = order.payments.get()

    html = staff_client.get(url("order_detail", order.pk)).content.decode()

    assert "Needs attention" in html
    assert "reported a payment of $1.00, but $45.00 was due" in html
    assert payment.reference in html and payment.provider_ref in html
    assert "Card or wallet (Stripe)" in html


def test_order_page_shows_a_failed_refund_with_its_message(staff_client, variant):
    order = stripe_order(variant)
    stripe_reports(order, Money(Decimal("45.00"), "USD"))
    refund = payment_refund(
        payment_id=order.payments.get().pk,
        amount=Money(Decimal("5.00"), "USD"),
        actor=Actor.system("test"),
        idempotency_key=uuid.uuid4().hex,
    )
    with transaction.atomic():
        refund_fail(
            PaymentTransaction.objects.select_for_update().get(pk=refund.pk),
            "The card was closed: pay the shopper back another way.",
        )

    html = staff_client.get(url("order_detail", order.pk)).content.decode()

    assert "The card was closed: pay the shopper back another way." in html
    assert "badge-tx-failed" in html


def test_order_page_shows_a_failed_attempts_message(staff_client, variant):
    order = stripe_order(variant)
    payment_fail(payment_id=order.payments.get().pk, message="The card was declined.")

    html = staff_client.get(url("order_detail", order.pk)).content.decode()

    assert "Failed: The card was declined." in html
