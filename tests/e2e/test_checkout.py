"""A shopper on a phone buys two variants by bank transfer, in a real Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from duli.catalog.models import Product
from duli.catalog.services import (
    OptionInput,
    ProductInput,
    VariantInput,
    category_create,
    product_create,
    product_options_set,
    variant_save,
)
from duli.inventory.services import stock_adjust
from duli.orders.models import Order
from duli.testing.checkout_factories import BANK_DETAILS, shipping_ready, shop_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _shirt() -> Product:
    shop_ready()
    shipping_ready(name="Standard", price="5.00", delivery_estimate="3–5 business days")
    shirts = category_create(names={"en": "Shirts"})
    shirt = product_create(
        data=ProductInput(
            translations={"en": {"name": "Linen Shirt"}}, status="active", category_id=shirts.pk
        )
    )
    (size,) = product_options_set(
        product_id=shirt.pk,
        options=[
            OptionInput(
                "size", {"en": "Size"}, [{"code": "s", "en": "S"}, {"code": "m", "en": "M"}]
            )
        ],
    )
    for value in size.values.all():
        variant = variant_save(
            product_id=shirt.pk,
            data=VariantInput(
                sku=f"SHIRT-{value.code}".upper(),
                price=Decimal("30.00"),
                option_value_ids=[value.pk],
            ),
        )
        stock_adjust(variant_id=variant.pk, set_on_hand=10, reason="opening stock")
    return shirt


def _add(page: Page, size: str) -> None:
    page.locator("label.option-value", has_text=re.compile(rf"^\s*{size}\s*$")).click()
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-note]")).to_contain_text("Added 1 item to your cart.")


def _guest_details_and_shipping(page: Page, base_url: str) -> None:
    """From the cart to the payment step as a guest shipping to Mountain View, CA."""
    page.goto(base_url + "/checkout/")
    page.fill("#id_email", "ada@example.com")
    page.fill("#id_shipping-first_name", "Ada")
    page.fill("#id_shipping-last_name", "Lovelace")
    page.fill("#id_shipping-street_address_1", "1600 Amphitheatre Pkwy")
    page.fill("#id_shipping-city", "Mountain View")
    page.select_option("#id_shipping-country_area", "CA")
    page.fill("#id_shipping-postal_code", "94043")
    page.get_by_role("button", name="Continue to shipping").click()
    page.get_by_role("button", name="Continue to payment").click()


def test_a_phone_shopper_buys_two_variants_by_bank_transfer(phone, live_server):
    shirt = _shirt()
    page = phone

    # Two sizes into the cart, without leaving the product page.
    page.goto(live_server.url + shirt.get_absolute_url())
    _add(page, "S")
    _add(page, "M")
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # The cart: two lines; one more M through the stepper, without a reload.
    page.locator("[data-cart-count]").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator("[data-line]")).to_have_count(2)
    page.evaluate("window.sameCartPage = true")
    page.locator("[data-line]").nth(1).locator("[data-step=up]").click()
    expect(page.locator("[data-line]").nth(1).locator("[data-qty]")).to_have_value("2")
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    assert page.evaluate("window.sameCartPage") is True
    page.get_by_role("link", name="Check out").click()

    # Step 1: fields a browser can fill, with the right keyboards.
    expect(page).to_have_url(re.compile(r"/checkout/information/$"))
    email = page.locator("#id_email")
    expect(email).to_have_attribute("type", "email")
    expect(email).to_have_attribute("autocomplete", "email")
    expect(page.locator("#id_shipping-postal_code")).to_have_attribute("inputmode", "numeric")
    expect(page.locator("#id_shipping-phone")).to_have_attribute("type", "tel")
    email.fill("ada@example.com")
    page.fill("#id_shipping-first_name", "Ada")
    page.fill("#id_shipping-last_name", "Lovelace")
    page.fill("#id_shipping-street_address_1", "1600 Amphitheatre Pkwy")
    page.fill("#id_shipping-city", "Mountain View")
    page.select_option("#id_shipping-country_area", "CA")
    page.fill("#id_shipping-postal_code", "94043")
    page.get_by_role("button", name="Continue to shipping").click()

    # Step 2: the method with its price and estimate.
    expect(page).to_have_url(re.compile(r"/checkout/shipping/$"))
    expect(page.locator("label.choice", has_text="Standard")).to_contain_text("3–5 business days")
    page.get_by_role("button", name="Continue to payment").click()

    # Step 3, then back twice: the typed address is still there.
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    expect(page.locator(".order-summary__total")).to_have_text("$95.00")
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/checkout/information/$"))
    expect(page.locator("#id_email")).to_have_value("ada@example.com")
    expect(page.locator("#id_shipping-street_address_1")).to_have_value("1600 Amphitheatre Pkwy")
    expect(page.locator("#id_shipping-country_area")).to_have_value("CA")
    page.go_forward()
    page.go_forward()

    # Place the order by bank transfer; the confirmation says how to pay.
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    page.locator("label.choice", has_text="Bank transfer").click()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9A-Z-]+/thank-you/$"))
    order = Order.objects.get()
    expect(page.locator("h1")).to_have_text("Thank you for your order!")
    pay = page.locator(".pay-card")
    expect(pay).to_contain_text("Next: pay by bank transfer")
    expect(pay).to_contain_text("$95.00")
    expect(pay).to_contain_text(order.number)
    expect(pay).to_contain_text(BANK_DETAILS)
    assert order.lines.count() == 2 and order.total.amount == Decimal("95.00")
    expect(page.locator("[data-cart-count]")).to_be_hidden()
