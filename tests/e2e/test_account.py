"""A shopper signs up, saves an address while switching countries, and finds it in the book."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from duli.customers.models import Address

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_sign_up_then_save_an_address_after_switching_country(page, live_server):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/")
    page.locator(".account-link").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/account/"))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("a-long-passphrase")
    page.locator("main").get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.locator("h1")).to_have_text("Your account")

    page.get_by_role("link", name="Add an address").first.click()
    expect(page.get_by_label("State")).to_be_visible()  # the shop's country, the US, first
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Street address").fill("10 Downing Street")

    page.get_by_label("Country or region").select_option("GB")
    expect(page.get_by_label("Postcode")).to_be_visible()  # GB's fields came in
    expect(page.get_by_label("State")).to_have_count(0)
    expect(page.get_by_label("First name")).to_have_value("Ada")  # what was typed stayed
    expect(page.get_by_label("Street address")).to_have_value("10 Downing Street")
    page.get_by_label("Town or city").fill("London")
    page.get_by_label("Postcode").fill("sw1a2aa")
    page.get_by_role("button", name="Save address").click()

    expect(page).to_have_url(re.compile(r"/account/addresses/$"))
    card = page.locator(".address-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("SW1A 2AA")
    expect(card).to_contain_text("United Kingdom")
    expect(card).to_contain_text("Default shipping address")
    assert Address.objects.get().country == "GB"
    assert errors == []
