# ruff: noqa: F811  (fixtures imported from checkout_fixtures are redefined as arguments)
"""A shopper's order pages: who may see them, "Find your order", the status page with parcels,
returns and timeline, the account's order history and "Buy again"."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duli.core.actors import Actor
from duli.inventory.services import stock_adjust
from duli.orders.links import order_access_token
from duli.orders.models import Order, Return
from duli.orders.services import order_fulfill, order_mark_paid, order_note_add, order_place
from duli.storefront.links import order_status_url
from duli.storefront.views.orders import LOOKUP_LIMIT
from duli.testing.checkout_factories import checkout_ready
from duli.testing.customers_factories import ShopperFactory
from duli.testing.factories import StaffFactory
from duli.testing.shipping_factories import CarrierFactory
from tests.storefront.checkout_fixtures import (  # noqa: F401
    method,
    second_variant,
    selling,
    variant,
)

pytestmark = pytest.mark.django_db


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def staff() -> Actor:
    return Actor.of(StaffFactory())


@pytest.fixture
def order(variant, second_variant, method) -> Order:  # type: ignore[no-untyped-def]
    """A guest's bank-transfer order of 2 Oolong and 1 Green tea."""
    checkout = checkout_ready((variant, 2), (second_variant, 1), method=method)
    return order_place(checkout_id=checkout.pk, actor=Actor.customer(email="ada@example.com"))


@pytest.fixture
def shipped(order, staff) -> Order:  # type: ignore[no-untyped-def]
    CarrierFactory(
        code="ups", name="UPS", tracking_url_template="https://ups.example/track?n={number}"
    )
    order_mark_paid(order_id=order.pk, actor=staff, idempotency_key=key())
    lines = {line.pk: line.quantity for line in order.lines.all()}
    order_fulfill(
        order_id=order.pk,
        lines=lines,
        actor=staff,
        idempotency_key=key(),
        carrier_code="ups",
        tracking_number="1Z999",
    )
    return order


def with_token(order: Order, path: str = "") -> str:
    return f"/orders/{order.number}/{path}?token={order_access_token(number=order.number)}"


def remembered(order: Order) -> Client:
    """A browser that opened the order's email link once."""
    client = Client()
    client.get(with_token(order))
    return client


# ---------------------------------------------------------------- who sees an order


def test_the_confirmation_is_not_shown_to_another_browser(order, client):
    response = client.get(f"/orders/{order.number}/thank-you/")

    assert response.status_code == 302
    assert response["Location"] == f"/orders/find/?number={order.number}"


def test_another_signed_in_shopper_gets_not_found(order, client):
    client.force_login(ShopperFactory())

    assert client.get(f"/orders/{order.number}/").status_code == 404
    assert client.get(f"/orders/{order.number}/thank-you/").status_code == 404


def test_the_emailed_link_opens_the_order_and_the_browser_remembers_it(order, client):
    first = client.get(with_token(order))
    later = client.get(f"/orders/{order.number}/thank-you/")

    assert first.status_code == 200 and order.number in first.content.decode()
    assert later.status_code == 200


def test_a_token_of_another_order_opens_nothing(order, client, second_variant, method):
    other = order_place(
        checkout_id=checkout_ready((second_variant, 1), method=method).pk,
        actor=Actor.customer(email="x@example.com"),
    )

    response = client.get(
        f"/orders/{order.number}/?token={order_access_token(number=other.number)}"
    )

    assert response.status_code == 302


def test_order_status_url_is_an_absolute_signed_link(order, client, settings):
    settings.DULI_SITE_URL = "https://tea.example"

    url = order_status_url(order)

    assert url.startswith(f"https://tea.example/orders/{order.number}/?token=")
    assert client.get(url.removeprefix("https://tea.example")).status_code == 200


def test_the_shopper_who_placed_it_signed_in_sees_it(variant, method, client):
    user = ShopperFactory()
    checkout = checkout_ready((variant, 1), method=method, user_id=user.pk, email=user.email)
    order = order_place(checkout_id=checkout.pk, actor=Actor.of(user))
    client.force_login(user)

    assert client.get(f"/orders/{order.number}/").status_code == 200
    assert client.get(f"/account/orders/{order.number}/").status_code == 200


# ---------------------------------------------------------------- find your order


def test_the_right_number_and_email_open_the_status_page(order, client):
    response = client.post(
        "/orders/find/", {"number": order.number.lower(), "email": "ADA@example.com"}
    )

    assert response["Location"] == f"/orders/{order.number}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("wrong", ["number", "email"])
def test_a_wrong_pair_gets_one_message_that_does_not_say_which_half(order, client, wrong):
    data = {"number": order.number, "email": "ada@example.com"}
    data[wrong] = "ZZZZ-ZZZZ" if wrong == "number" else "eve@example.com"

    response = client.post("/orders/find/", data)

    assert response.status_code == 400
    assert (
        "We could not find an order with that number and email. Check both and try again."
        in response.content.decode()
    )


def test_find_your_order_is_limited_to_ten_tries_per_ten_minutes(order, client):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False):  # all ten tries inside one window
        for _ in range(LOOKUP_LIMIT):
            client.post("/orders/find/", {"number": "ZZZZ-ZZZZ", "email": "eve@example.com"})
        blocked = client.post("/orders/find/", {"number": order.number, "email": "ada@example.com"})
    with time_machine.travel(start + timedelta(minutes=11)):
        later = client.post("/orders/find/", {"number": order.number, "email": "ada@example.com"})

    assert blocked.status_code == 429
    assert "Too many tries. Wait 10 minutes, then try again." in blocked.content.decode()
    assert later.status_code == 302


def test_find_your_order_says_what_is_missing(client, selling):
    response = client.post("/orders/find/", {"number": "", "email": "ada"})

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Enter your order number." in html
        and "Enter a valid email address, like name@example.com." in html
    )


# ---------------------------------------------------------------- the status page


def test_an_unpaid_bank_transfer_order_says_how_to_pay(order):
    html = remembered(order).get(f"/orders/{order.number}/").content.decode()

    assert "Waiting for your payment" in html
    assert "Waiting for your bank transfer of $53.50" in html
    assert "IBAN DE89 3704 0044 0532 0130 00" in html and f">{order.number}</dd>" in html


def test_a_shipped_order_shows_its_parcel_with_the_tracking_link(shipped):
    html = remembered(shipped).get(f"/orders/{shipped.number}/").content.decode()

    assert "On its way" in html and "Paid $53.50" in html
    assert "Parcel 1" in html and "UPS" in html and "1Z999" in html
    assert 'href="https://ups.example/track?n=1Z999"' in html
    assert "2 × Oolong" in html


def test_the_timeline_leaves_out_internal_notes(shipped, staff):
    order_note_add(order_id=shipped.pk, text="Customer sounded grumpy", actor=staff)

    html = remembered(shipped).get(f"/orders/{shipped.number}/").content.decode()

    assert (
        "Order placed" in html
        and "Payment received" in html
        and "Parcel 1 shipped with UPS" in html
    )
    assert "grumpy" not in html


def test_the_status_page_is_private(order, settings):
    settings.DULI_PAGE_CACHE_SECONDS = 300

    response = remembered(order).get(f"/orders/{order.number}/")

    assert (
        "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex, nofollow"
    )


def test_the_status_page_stays_within_its_query_budget(shipped, django_assert_max_num_queries):
    client = remembered(shipped)
    client.get(f"/orders/{shipped.number}/")
    with django_assert_max_num_queries(26):
        assert client.get(f"/orders/{shipped.number}/").status_code == 200


# ---------------------------------------------------------------- returns


def test_a_return_can_be_requested_inside_the_window(shipped):
    client = remembered(shipped)
    line = shipped.lines.get(variant__product__translations__name="Oolong")
    assert "Request a return" in client.get(f"/orders/{shipped.number}/").content.decode()

    response = client.post(
        f"/orders/{shipped.number}/return/",
        {f"line_{line.pk}": "1", "reason": "wrong_size", "note": "Too small"},
    )

    assert response["Location"] == f"/orders/{shipped.number}/#returns"
    rma = Return.objects.get()
    assert (rma.reason, rma.customer_note, rma.lines.get().quantity) == (
        "wrong_size",
        "Too small",
        1,
    )
    html = client.get(f"/orders/{shipped.number}/").content.decode()
    assert f"{shipped.number}-R1" in html and "Requested — we will reply soon" in html


def test_a_return_without_items_says_to_choose_some(shipped):
    response = remembered(shipped).post(
        f"/orders/{shipped.number}/return/", {"reason": "wrong_size"}
    )

    assert response.status_code == 400
    assert "Choose at least one item to return." in response.content.decode()
    assert Return.objects.count() == 0


def test_after_the_window_no_return_can_be_requested(shipped, selling):
    client = Client()
    line = shipped.lines.first()
    with time_machine.travel(timezone.now() + timedelta(days=selling.return_window_days, hours=1)):
        html = client.get(with_token(shipped)).content.decode()
        response = client.post(
            with_token(shipped, "return/"),
            {f"line_{line.pk}": "1", "reason": "damaged"},
            follow=True,
        )

    assert "Request a return" not in html and "The return window for this order closed on" in html
    assert "Nothing from this order can be returned now." in response.content.decode()
    assert Return.objects.count() == 0


def test_nothing_unshipped_offers_a_return(order):
    html = remembered(order).get(f"/orders/{order.number}/").content.decode()

    assert "Request a return" not in html


# ---------------------------------------------------------------- buy again


def test_buy_again_puts_the_items_back_in_the_cart(order):
    client = remembered(order)

    response = client.post(f"/orders/{order.number}/buy-again/", follow=True)

    html = response.content.decode()
    assert "Added 3 items to your cart." in html
    assert client.get("/cart/count/").json() == {"count": 3}


def test_buy_again_says_what_could_not_be_added(order, variant, second_variant):
    stock_adjust(
        variant_id=variant.pk, set_on_hand=2, reason="count"
    )  # 2 are reserved by the order
    stock_adjust(variant_id=second_variant.pk, set_on_hand=3, reason="count")  # 1 reserved, 2 free
    client = remembered(order)

    response = client.post(f"/orders/{order.number}/buy-again/", follow=True)

    html = response.content.decode()
    assert "Added 1 item to your cart." in html
    assert "Could not add everything: Oolong: sold out." in html
    assert client.get("/cart/count/").json() == {"count": 1}


# ---------------------------------------------------------------- account history


def test_the_history_lists_the_shoppers_orders_and_guest_orders_under_verified_emails(
    variant, method, client
):
    user = ShopperFactory(email="grace@example.com", email_verified=True)
    mine = order_place(
        checkout_id=checkout_ready(
            (variant, 1), method=method, user_id=user.pk, email=user.email
        ).pk,
        actor=Actor.of(user),
    )
    as_guest = order_place(
        checkout_id=checkout_ready((variant, 1), method=method, email="grace@example.com").pk,
        actor=Actor.customer(email="grace@example.com"),
    )
    someone_else = order_place(
        checkout_id=checkout_ready((variant, 1), method=method, email="eve@example.com").pk,
        actor=Actor.customer(email="eve@example.com"),
    )
    client.force_login(user)

    html = client.get("/account/orders/").content.decode()

    assert mine.number in html and as_guest.number in html and someone_else.number not in html
    assert "$25.00" in html and "Waiting for your payment" in html
    assert client.get(f"/account/orders/{as_guest.number}/").status_code == 200
    assert client.get(f"/account/orders/{someone_else.number}/").status_code == 404


def test_guest_orders_under_an_unverified_email_stay_out_of_the_history(variant, method, client):
    user = ShopperFactory(email="grace@example.com", email_verified=False)
    guest = order_place(
        checkout_id=checkout_ready((variant, 1), method=method, email="grace@example.com").pk,
        actor=Actor.customer(email="grace@example.com"),
    )
    client.force_login(user)

    assert guest.number not in client.get("/account/orders/").content.decode()


def test_the_history_asks_to_sign_in(client, selling):
    response = client.get("/account/orders/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/orders/"


def test_the_shopper_downloads_the_invoice_from_the_signed_link(client, db):
    from duli.orders.links import order_access_token
    from duli.testing.order_factories import order_placed, shop_ready

    shop_ready()
    order = order_placed()
    url = reverse("storefront:order_invoice", kwargs={"number": order.number})

    assert client.get(url).status_code == 302  # a stranger is sent to "Find your order"
    response = client.get(f"{url}?token={order_access_token(number=order.number)}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
