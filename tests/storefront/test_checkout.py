# ruff: noqa: F811  (fixtures imported from checkout_fixtures are redefined as arguments)
"""The three checkout steps and placing the order, through the storefront's pages."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.test import Client

from duli.checkout.models import Checkout
from duli.customers.models import Address
from duli.inventory.models import Stock
from duli.inventory.services import stock_adjust
from duli.orders.models import Order
from duli.storefront.cart_session import ORDERS_KEY
from duli.testing.checkout_factories import shipping_ready
from duli.testing.customers_factories import GB_ADDRESS, US_ADDRESS, AddressFactory, ShopperFactory
from tests.storefront.checkout_fixtures import (  # noqa: F401
    add,
    cart_of,
    method,
    second_variant,
    selling,
    variant,
)

pytestmark = pytest.mark.django_db


def address_post(email: str = "ada@example.com", **changes: str) -> dict[str, str]:
    data = {"email": email, "billing_same": "1"}
    data.update({f"shipping-{k}": v for k, v in US_ADDRESS.items()})
    data.update({f"shipping-{k}": v for k, v in changes.items()})
    return data


@pytest.fixture
def in_cart(client, variant, method) -> Client:  # type: ignore[no-untyped-def]
    add(client, variant, 2)
    return client


@pytest.fixture
def at_payment(in_cart, method) -> Client:  # type: ignore[no-untyped-def]
    in_cart.post("/checkout/information/", address_post())
    in_cart.post("/checkout/shipping/", {"method": method.pk})
    return in_cart


def place(client: Client, payment: str = "bank_transfer", **extra: str):  # type: ignore[no-untyped-def]
    checkout_id = extra.pop("checkout_id", None) or str(cart_of(client).pk)
    return client.post(
        "/checkout/place/",
        {"checkout_id": checkout_id, "payment_method": payment, "note": "", **extra},
    )


# ---------------------------------------------------------------- getting in


def test_checkout_with_an_empty_cart_goes_back_to_the_cart_with_a_message(client, selling):
    response = client.get("/checkout/information/", follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    assert "Your cart is empty. Add something first." in response.content.decode()


def test_checkout_starts_at_the_first_step_not_done(in_cart, method):
    assert in_cart.get("/checkout/")["Location"] == "/checkout/information/"
    in_cart.post("/checkout/information/", address_post())
    assert in_cart.get("/checkout/")["Location"] == "/checkout/shipping/"
    in_cart.post("/checkout/shipping/", {"method": method.pk})
    assert in_cart.get("/checkout/")["Location"] == "/checkout/payment/"


def test_a_line_sold_out_meanwhile_sends_the_shopper_back_to_the_cart(in_cart, variant):
    stock_adjust(variant_id=variant.pk, set_on_hand=0, reason="count")

    response = in_cart.get("/checkout/information/", follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    html = response.content.decode()
    assert "Some items in your cart changed. Check them before you check out." in html
    assert "Sold out — remove it to check out." in html


# ---------------------------------------------------------------- 1. information


def test_the_address_step_has_fields_browsers_can_fill(in_cart):
    html = in_cart.get("/checkout/information/").content.decode()

    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', html)
    assert 'inputmode="email"' in html
    assert 'autocomplete="shipping given-name"' in html
    assert 'autocomplete="shipping address-line1"' in html
    assert re.search(
        r'name="shipping-postal_code" autocomplete="shipping postal-code"[^>]*inputmode="numeric"',
        html,
    )
    assert re.search(
        r'<input type="tel" name="shipping-phone"[^>]*autocomplete="shipping tel"', html
    )
    assert "Phone" in html and "(optional)" in html


def test_the_address_step_saves_email_and_address_and_goes_on_to_shipping(in_cart):
    response = in_cart.post("/checkout/information/", address_post(email="Ada@Example.com"))

    assert response.status_code == 302 and response["Location"] == "/checkout/shipping/"
    checkout = cart_of(in_cart)
    assert checkout.email == "ada@example.com"
    assert checkout.shipping_address["postal_code"] == "94043"
    assert checkout.billing_address == {}


def test_a_bad_email_is_refused_next_to_the_field(in_cart):
    response = in_cart.post("/checkout/information/", address_post(email="ada@"))

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        r'data-field="email">.*Enter a valid email address, like name@example.com.', html, re.S
    )
    assert cart_of(in_cart).shipping_address == {}


def test_a_us_address_without_a_state_asks_for_the_state(in_cart):
    response = in_cart.post("/checkout/information/", address_post(country_area=""))

    assert response.status_code == 400
    assert re.search(
        r'data-field="country_area">.*Choose your state\.', response.content.decode(), re.S
    )
    assert cart_of(in_cart).email == ""


def test_a_country_the_shop_does_not_ship_to_is_refused(in_cart):
    data = address_post()
    data.update({f"shipping-{k}": v for k, v in GB_ADDRESS.items()})

    response = in_cart.post("/checkout/information/", data)

    assert response.status_code == 400
    assert re.search(
        r'data-field="country">.*Sorry, we do not ship to that country yet. Choose another.',
        response.content.decode(),
        re.S,
    )
    assert cart_of(in_cart).shipping_address == {}


def test_the_country_list_offers_only_countries_the_shop_ships_to(in_cart):
    shipping_ready(countries=["CN"])

    html = in_cart.get("/checkout/information/").content.decode()
    shipping_countries = re.search(
        r'<select name="shipping-country".*?</select>', html, re.S
    ).group(0)

    assert re.findall(r'<option value="(\w+)"', shipping_countries) == ["CN", "US"]


def test_going_back_to_the_address_step_shows_what_was_typed(in_cart):
    in_cart.post("/checkout/information/", address_post(street_address_2="Building 40"))

    html = in_cart.get("/checkout/information/").content.decode()

    assert 'value="ada@example.com"' in html
    assert 'value="1600 Amphitheatre Pkwy"' in html and 'value="Building 40"' in html
    assert '<option value="CA" selected>' in html


def test_a_separate_billing_address_is_kept(in_cart):
    data = address_post()
    del data["billing_same"]
    data.update({f"billing-{k}": v for k, v in GB_ADDRESS.items()})

    in_cart.post("/checkout/information/", data)

    assert cart_of(in_cart).billing_address["postal_code"] == "SW1A 2AA"


def test_a_bad_billing_address_is_refused_next_to_its_field(in_cart):
    data = address_post()
    del data["billing_same"]
    data.update({f"billing-{k}": v for k, v in {**GB_ADDRESS, "postal_code": "nope"}.items()})

    response = in_cart.post("/checkout/information/", data)

    assert response.status_code == 400
    assert re.search(r'id="id_billing-postal_code".*?field__error', response.content.decode(), re.S)


def test_a_signed_in_shopper_picks_a_saved_address(client, variant, method):
    user = ShopperFactory()
    saved = AddressFactory(user=user, first_name="Grace", last_name="Hopper")
    client.force_login(user)
    add(client, variant)

    page = client.get("/checkout/information/").content.decode()
    response = client.post(
        "/checkout/information/",
        {"email": user.email, "address_choice": str(saved.pk), "billing_same": "1"},
    )

    assert f'value="{saved.pk}" checked' in page and f'value="{user.email}"' in page
    assert response["Location"] == "/checkout/shipping/"
    checkout = Checkout.objects.get(user=user)
    assert checkout.shipping_address["first_name"] == "Grace"


def test_a_new_address_of_a_signed_in_shopper_goes_into_their_book(client, variant, method):
    user = ShopperFactory()
    client.force_login(user)
    add(client, variant)

    client.post(
        "/checkout/information/",
        {**address_post(email=user.email), "address_choice": "new", "save_address": "1"},
    )

    assert Address.objects.get(user=user).postal_code == "94043"


# ---------------------------------------------------------------- 2. shipping


def test_the_shipping_step_needs_an_address_first(in_cart):
    response = in_cart.get("/checkout/shipping/", follow=True)

    assert response.redirect_chain == [("/checkout/information/", 302)]
    assert "Enter your email and shipping address first." in response.content.decode()


def test_the_shipping_step_lists_methods_with_price_and_delivery_estimate(in_cart):
    shipping_ready(
        name="Pick up in store", price="0", kind="pickup", pickup_address="12 Market Street"
    )
    in_cart.post("/checkout/information/", address_post())

    html = in_cart.get("/checkout/shipping/").content.decode()

    assert "Standard" in html and "$5.00" in html and "3–5 business days" in html
    assert "Pick up in store" in html and "Free" in html and "12 Market Street" in html
    assert "ada@example.com" in html and "1600 Amphitheatre Pkwy" in html  # the review


def test_choosing_a_method_saves_it_and_goes_on_to_payment(in_cart, method):
    in_cart.post("/checkout/information/", address_post())

    response = in_cart.post("/checkout/shipping/", {"method": method.pk})

    assert response["Location"] == "/checkout/payment/"
    assert cart_of(in_cart).shipping_method_id == method.pk


def test_a_method_not_offered_for_the_address_is_refused(in_cart):
    elsewhere = shipping_ready(countries=["CN"], name="China Post")
    in_cart.post("/checkout/information/", address_post())

    response = in_cart.post("/checkout/shipping/", {"method": elsewhere.pk})

    assert response.status_code == 400
    assert (
        "That shipping method is not available for your address. Choose another."
        in response.content.decode()
    )
    assert cart_of(in_cart).shipping_method_id is None


def test_a_refresh_of_the_shipping_step_keeps_the_chosen_method(in_cart, method):
    express = shipping_ready(name="Express", price="15.00")
    in_cart.post("/checkout/information/", address_post())
    in_cart.post("/checkout/shipping/", {"method": express.pk})

    html = in_cart.get("/checkout/shipping/").content.decode()

    assert f'value="{express.pk}" checked' in html
    assert f'value="{method.pk}" checked' not in html


# ---------------------------------------------------------------- 3. payment


def test_the_payment_step_needs_a_shipping_method_first(in_cart):
    in_cart.post("/checkout/information/", address_post())

    response = in_cart.get("/checkout/payment/", follow=True)

    assert response.redirect_chain == [("/checkout/shipping/", 302)]
    assert "Choose a shipping method first." in response.content.decode()


def test_the_payment_step_offers_the_methods_and_reviews_the_order(at_payment):
    html = at_payment.get("/checkout/payment/").content.decode()

    assert "Bank transfer" in html and "Cash on delivery" in html
    assert "we ship as soon as the money arrives" in html
    assert "Standard · <strong>$5.00</strong>" in html
    assert "$45.00" in html  # 2 × $20 + $5 shipping
    assert f'name="checkout_id" value="{cart_of(at_payment).pk}"' in html


def test_the_payment_choice_and_note_survive_going_back(at_payment):
    at_payment.post(
        "/checkout/payment/",
        {"payment_method": "cod", "note": "Ring twice"},
        HTTP_ACCEPT="application/json",
    )
    at_payment.get("/checkout/shipping/")

    html = at_payment.get("/checkout/payment/").content.decode()

    assert 'value="cod" checked' in html and "Ring twice</textarea>" in html


# ---------------------------------------------------------------- placing


def test_placing_the_order_shows_the_confirmation_with_bank_details(at_payment):
    response = place(at_payment, note="Leave at the door")

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.number}/thank-you/"
    assert (order.email, order.customer_note, str(order.total.amount)) == (
        "ada@example.com",
        "Leave at the door",
        "45.0000",
    )
    html = at_payment.get(response["Location"]).content.decode()
    assert "Thank you for your order!" in html and order.number in html
    assert "Next: pay by bank transfer" in html and "IBAN DE89 3704 0044 0532 0130 00" in html
    assert "$45.00" in html


def test_after_placing_the_cart_is_empty(at_payment):
    place(at_payment)

    assert at_payment.get("/cart/count/").json() == {"count": 0}
    assert "Your cart is empty" in at_payment.get("/cart/").content.decode()


def test_placing_twice_gives_one_order_and_the_same_confirmation(at_payment):
    checkout_id = str(cart_of(at_payment).pk)

    first = place(at_payment, checkout_id=checkout_id)
    second = place(at_payment, checkout_id=checkout_id)  # double click, refresh or second tab

    assert Order.objects.count() == 1
    assert (
        first["Location"]
        == second["Location"]
        == f"/orders/{Order.objects.get().number}/thank-you/"
    )


def test_cash_on_delivery_says_to_have_the_cash_ready(at_payment):
    response = place(at_payment, payment="cod")

    html = at_payment.get(response["Location"]).content.decode()
    assert "Have <strong>$45.00</strong> ready in cash for the courier." in html
    assert "Next: pay by bank transfer" not in html


def test_placing_without_a_payment_method_asks_for_one(at_payment):
    response = at_payment.post("/checkout/place/", {"checkout_id": str(cart_of(at_payment).pk)})

    assert response.status_code == 400
    assert "Choose a payment method." in response.content.decode()
    assert Order.objects.count() == 0


def test_an_item_sold_out_at_placement_goes_back_to_the_cart_and_writes_nothing(
    at_payment, variant
):
    stock_adjust(variant_id=variant.pk, set_on_hand=0, reason="count")

    response = place(at_payment)

    assert response["Location"] == "/cart/"
    html = at_payment.get("/cart/").content.decode()
    assert "Oolong is sold out." in html
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=variant).reserved == 0
    assert cart_of(at_payment).lines.get().quantity == 2  # nothing lost


def test_a_checkout_id_that_is_not_the_visitors_places_nothing(at_payment, variant, method):
    stranger = Client()
    add(stranger, variant)

    response = place(stranger, checkout_id=str(cart_of(at_payment).pk))

    assert response["Location"] == "/cart/"
    assert Order.objects.count() == 0


def test_a_made_up_checkout_id_goes_back_to_the_cart(at_payment):
    response = place(at_payment, checkout_id=str(uuid4()))

    assert response["Location"] == "/cart/"
    assert Order.objects.count() == 0


def test_the_placed_order_is_remembered_by_the_browser(at_payment):
    place(at_payment)

    assert at_payment.session[ORDERS_KEY] == [Order.objects.get().number]


# ---------------------------------------------------------------- privacy and speed


@pytest.mark.parametrize("step", ["information", "shipping", "payment"])
def test_checkout_pages_are_private(at_payment, step, settings):
    settings.DULI_PAGE_CACHE_SECONDS = 300

    response = at_payment.get(f"/checkout/{step}/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex' in response.content.decode()


@pytest.mark.parametrize(("step", "most"), [("information", 19), ("shipping", 21), ("payment", 19)])
def test_checkout_pages_stay_within_their_query_budget(
    at_payment, second_variant, step, most, django_assert_max_num_queries
):
    add(at_payment, second_variant, 1)
    at_payment.get(f"/checkout/{step}/")  # warm per-process caches
    with django_assert_max_num_queries(most):
        response = at_payment.get(f"/checkout/{step}/")
    assert response.status_code == 200
