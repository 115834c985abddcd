# ruff: noqa: F811  (fixtures imported from checkout_fixtures are redefined as arguments)
"""The cart page, add to cart, quantity changes, stock messages, the header count and the
guest cart joining the shopper's cart at sign-in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from duli.catalog.models import Product, ProductStatus
from duli.checkout.models import Checkout, CheckoutLine
from duli.checkout.selectors import checkout_for_user
from duli.checkout.services import checkout_create, checkout_line_add
from duli.inventory.services import stock_adjust
from duli.storefront.cart_session import SESSION_KEY
from duli.testing.factories import ProductFactory, UserFactory, VariantFactory
from tests.storefront.checkout_fixtures import add, cart_of, second_variant, selling, variant  # noqa: F401

pytestmark = pytest.mark.django_db


def line_of(client: Client) -> CheckoutLine:
    return cart_of(client).lines.get()


# ---------------------------------------------------------------- adding


def test_adding_to_the_cart_answers_with_the_new_count(client, variant):
    response = add(client, variant, 2)

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "message": "Added 2 items to your cart.",
        "cart_url": "/cart/",
    }
    assert line_of(client).quantity == 2


def test_adding_the_same_variant_again_adds_up(client, variant):
    add(client, variant, 1)
    add(client, variant, 2)

    assert line_of(client).quantity == 3


def test_adding_without_javascript_goes_to_the_cart_with_a_message(client, variant):
    response = add(client, variant, 1, HTTP_ACCEPT="text/html")

    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert "Added 1 item to your cart." in client.get("/cart/").content.decode()


def test_adding_more_than_is_in_stock_says_how_many_are_left(client, variant):
    response = add(client, variant, 6)

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert response.json()["message"] == "Only 5 left of Oolong."
    assert CheckoutLine.objects.count() == 0


def test_adding_a_product_no_longer_sold_is_refused(client, variant):
    Product.objects.filter(pk=variant.product_id).update(status=ProductStatus.ARCHIVED)

    response = add(client, variant)

    assert response.status_code == 400
    assert response.json() == {
        "code": "unavailable",
        "message": "Oolong is no longer available.",
        "name": "Oolong",
    }


def test_adding_without_choosing_a_variant_asks_to_choose(client, selling):
    response = client.post("/cart/add/", {"quantity": "1"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Choose an option first.",
        "field": "variant",
    }


# ---------------------------------------------------------------- the page and changes


def test_cart_page_shows_lines_prices_and_subtotal(client, variant, second_variant):
    add(client, variant, 2)
    add(client, second_variant, 1)

    html = client.get("/cart/").content.decode()

    assert "Oolong" in html and "Green tea" in html
    assert "$40.00" in html and "$8.50" in html
    assert "$48.50" in html  # subtotal
    assert "Taxes and shipping are calculated at checkout." in html
    assert 'href="/checkout/"' in html


def test_an_empty_cart_says_so(client, selling):
    html = client.get("/cart/").content.decode()

    assert "Your cart is empty" in html
    assert 'href="/checkout/"' not in html


def test_a_typed_quantity_updates_the_line(client, variant):
    add(client, variant, 1)
    line = line_of(client)

    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": "3"})

    assert response.status_code == 302
    line.refresh_from_db()
    assert line.quantity == 3


def test_the_plus_button_wins_over_the_typed_quantity(client, variant):
    add(client, variant, 1)
    line = line_of(client)

    client.post(f"/cart/lines/{line.pk}/", {"quantity": "1", "set": "2"})

    line.refresh_from_db()
    assert line.quantity == 2


def test_a_change_from_the_script_gets_the_cart_body_and_count_back(client, variant):
    add(client, variant, 1)
    line = line_of(client)

    response = client.post(f"/cart/lines/{line.pk}/", {"set": "4"}, HTTP_X_DULI_FRAGMENT="1")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Cart-Count"] == "4"
    assert html.lstrip().startswith('<div class="cart" data-cart-body>')
    assert "<html" not in html and "$80.00" in html


def test_quantity_zero_removes_the_line(client, variant):
    add(client, variant, 2)

    client.post(f"/cart/lines/{line_of(client).pk}/", {"set": "0"})

    assert CheckoutLine.objects.count() == 0


def test_remove_takes_the_line_out(client, variant, second_variant):
    add(client, variant)
    add(client, second_variant)
    line = cart_of(client).lines.get(variant=variant)

    client.post(f"/cart/lines/{line.pk}/remove/")

    assert list(cart_of(client).lines.values_list("variant_id", flat=True)) == [second_variant.pk]


def test_more_than_in_stock_shows_the_message_next_to_the_line(client, variant):
    add(client, variant, 1)
    line = line_of(client)

    response = client.post(f"/cart/lines/{line.pk}/", {"set": "9"}, HTTP_X_DULI_FRAGMENT="1")

    assert response.status_code == 409
    assert "Only 5 left of Oolong." in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 1


def test_a_quantity_that_is_not_a_number_is_refused_clearly(client, variant):
    add(client, variant, 1)

    response = client.post(f"/cart/lines/{line_of(client).pk}/", {"quantity": "lots"}, follow=True)

    assert "Enter a quantity from 0 to 99." in response.content.decode()
    assert line_of(client).quantity == 1


def test_someone_elses_line_cannot_be_changed(client, variant):
    other = checkout_create()
    theirs = checkout_line_add(checkout_id=other.pk, variant_id=variant.pk, quantity=1)
    add(client, variant, 1)

    response = client.post(f"/cart/lines/{theirs.pk}/", {"set": "3"}, follow=True)

    assert "That item is no longer in your cart." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.quantity == 1


# ---------------------------------------------------------------- stock messages


def test_a_line_with_few_left_says_only_n_left(client, variant):
    add(client, variant, 1)
    stock_adjust(variant_id=variant.pk, set_on_hand=2, reason="count")

    assert "Only 2 left" in client.get("/cart/").content.decode()


def test_a_line_sold_out_since_it_was_added_asks_to_remove_it(client, variant):
    add(client, variant, 1)
    stock_adjust(variant_id=variant.pk, set_on_hand=0, reason="count")

    html = client.get("/cart/").content.decode()

    assert "Sold out — remove it to check out." in html
    assert 'href="/checkout/"' not in html
    assert "Some items need your attention before you can check out." in html


def test_a_line_above_the_stock_asks_to_lower_it(client, variant):
    add(client, variant, 4)
    stock_adjust(variant_id=variant.pk, set_on_hand=2, reason="count")

    assert "Only 2 left — lower the quantity to check out." in client.get("/cart/").content.decode()


def test_a_product_taken_off_sale_says_no_longer_available(client, variant):
    add(client, variant, 1)
    Product.objects.filter(pk=variant.product_id).update(status=ProductStatus.ARCHIVED)

    assert "No longer available — remove it to check out." in client.get("/cart/").content.decode()


# ---------------------------------------------------------------- header count


def test_the_header_count_is_the_number_of_units(client, variant, second_variant):
    add(client, variant, 2)
    add(client, second_variant, 1)

    assert client.get("/cart/count/").json() == {"count": 3}


def test_the_header_count_hands_out_a_csrf_cookie(client, selling):
    response = client.get("/cart/count/")

    assert response.json() == {"count": 0}
    assert "csrftoken" in response.cookies


def test_a_signed_in_shoppers_count_comes_from_their_saved_cart(client, variant):
    user = UserFactory()
    saved = checkout_create(user_id=user.pk)
    checkout_line_add(checkout_id=saved.pk, variant_id=variant.pk, quantity=2)
    client.force_login(user)

    assert client.get("/cart/count/").json() == {"count": 2}


def test_adding_works_from_a_cached_product_page_with_the_cookie_token(variant, settings):
    settings.DULI_PAGE_CACHE_SECONDS = 300
    browser = Client(enforce_csrf_checks=True)
    browser.get(variant.product.get_absolute_url())  # cached page: no token in it
    token = browser.get("/cart/count/").cookies["csrftoken"].value

    response = browser.post(
        "/cart/add/",
        {"variant": variant.pk, "quantity": 1},
        HTTP_ACCEPT="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200 and response.json()["count"] == 1


# ---------------------------------------------------------------- sign-in


def test_the_guest_cart_becomes_the_shoppers_cart_at_sign_in(client, variant):
    add(client, variant, 2)
    guest = cart_of(client)
    user = UserFactory()

    client.force_login(user)

    assert checkout_for_user(user_id=user.pk).pk == guest.pk
    assert SESSION_KEY not in client.session
    assert client.get("/cart/count/").json() == {"count": 2}


def test_the_guest_cart_is_added_to_a_saved_cart_at_sign_in(client, variant, second_variant):
    user = UserFactory()
    saved = checkout_create(user_id=user.pk)
    checkout_line_add(checkout_id=saved.pk, variant_id=variant.pk, quantity=1)
    add(client, variant, 2)
    add(client, second_variant, 1)

    client.force_login(user)

    quantities = dict(saved.lines.values_list("variant_id", "quantity"))
    assert quantities == {variant.pk: 3, second_variant.pk: 1}
    assert Checkout.objects.count() == 1


# ---------------------------------------------------------------- privacy and speed


def test_the_cart_is_never_cached_nor_indexed(client, variant, settings):
    settings.DULI_PAGE_CACHE_SECONDS = 300
    add(client, variant)

    response = client.get("/cart/")

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex' in response.content.decode()
    assert "X-Duli-Cache" not in response


def test_the_cart_page_costs_the_same_queries_with_one_line_or_five(
    client, selling, django_assert_max_num_queries
):
    variants = [VariantFactory(product=ProductFactory(variants=0), stock=9) for _ in range(5)]
    add(client, variants[0])
    client.get("/cart/")  # warm per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get("/cart/")
    with_one = len(one.captured_queries)  # read now: every request clears the query log
    for v in variants[1:]:
        add(client, v)
    with django_assert_max_num_queries(with_one):
        response = client.get("/cart/")
    assert response.status_code == 200 and response.content.decode().count("data-line=") == 5


def test_the_cart_speaks_the_language_of_its_path(client, variant):
    response = add(client, variant, 1, HTTP_ACCEPT="text/html", path="/zh-hans/cart/add/")

    assert response["Location"] == "/zh-hans/cart/"
    page = client.get("/zh-hans/cart/")
    assert page.status_code == 200 and '<html lang="zh-hans">' in page.content.decode()
