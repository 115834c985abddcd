"""A shopper's browsing journey in a real Chromium against the live server."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

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

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _dress_shop() -> None:
    dresses = category_create(names={"en": "Dresses", "zh-hans": "连衣裙"})
    dress = product_create(
        data=ProductInput(
            translations={
                "en": {"name": "Summer Floral Dress", "description": "<p>Light and floral.</p>"},
                "zh-hans": {"name": "夏季碎花连衣裙", "description": "<p>轻盈碎花。</p>"},
            },
            status="active",
            category_id=dresses.pk,
        )
    )
    options = product_options_set(
        product_id=dress.pk,
        options=[
            OptionInput(
                "color",
                {"en": "Colour", "zh-hans": "颜色"},
                [
                    {"code": "blue", "en": "Blue", "zh-hans": "蓝色", "swatch": "#4a78b5"},
                    {"code": "pink", "en": "Pink", "zh-hans": "粉色", "swatch": "#e59aa8"},
                ],
            ),
            OptionInput(
                "size",
                {"en": "Size", "zh-hans": "尺码"},
                [{"code": "s", "en": "S"}, {"code": "m", "en": "M"}],
            ),
        ],
    )
    values = {(o.code, v.code): v.pk for o in options for v in o.values.all()}
    grid = {  # (colour, size): (price, stock)
        ("blue", "s"): ("79.00", 20),
        ("blue", "m"): ("79.00", 20),
        ("pink", "s"): ("85.00", 2),
        ("pink", "m"): ("85.00", 0),
    }
    for (colour, size), (price, stock) in grid.items():
        variant = variant_save(
            product_id=dress.pk,
            data=VariantInput(
                sku=f"DRESS-{colour}-{size}".upper(),
                price=Decimal(price),
                option_value_ids=[values[("color", colour)], values[("size", size)]],
            ),
        )
        stock_adjust(variant_id=variant.pk, set_on_hand=stock, reason="opening stock")

    blouse = product_create(
        data=ProductInput(
            translations={"en": {"name": "Floral Blouse"}, "zh-hans": {"name": "碎花衬衫"}},
            status="active",
            category_id=dresses.pk,
        )
    )
    product_options_set(
        product_id=blouse.pk,
        options=[OptionInput("color", {"en": "Colour"}, [{"code": "blue", "en": "Blue"}])],
    )
    blue = blouse.options.get().values.get()
    variant = variant_save(
        product_id=blouse.pk,
        data=VariantInput(sku="BLOUSE-BLUE", price=Decimal("45.00"), option_value_ids=[blue.pk]),
    )
    stock_adjust(variant_id=variant.pk, set_on_hand=10, reason="opening stock")


def test_shopper_searches_filters_picks_a_variant_and_reads_it_in_chinese(page, live_server):
    _dress_shop()
    page.goto(live_server.url + "/")

    # Search from the header.
    page.fill("#site-search", "floral")
    page.press("#site-search", "Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=floral"))
    cards = page.locator(".card__title")
    expect(cards).to_have_count(2)

    # Filter by colour: only the dress comes in pink.
    page.locator("label.swatch-option", has_text="Pink").first.click()
    expect(page).to_have_url(re.compile(r"opt_color=pink"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_text("Summer Floral Dress")

    # Open it; the first buyable variant (blue / S) is chosen.
    cards.first.click()
    expect(page.locator("h1")).to_have_text("Summer Floral Dress")
    price = page.locator("[data-price]")
    stock = page.locator("[data-stock]")
    button = page.locator("[data-add-to-cart]")
    expect(price).to_have_text("$79.00")
    expect(stock).to_have_text(re.compile("In stock"))

    # Pink / S: a different price and only two left, without a page load.
    page.evaluate("window.stillTheSamePage = true")
    page.locator("label.option-value", has_text="Pink").click()
    page.locator("label.option-value", has_text="S").first.click()
    expect(price).to_have_text("$85.00")
    expect(stock).to_have_text(re.compile("Only 2 left"))
    expect(button).to_be_enabled()

    # Pink / M is sold out.
    page.locator("label.option-value", has_text=re.compile(r"^\s*M\s*$")).click()
    expect(stock).to_have_text(re.compile("Sold out"))
    expect(button).to_be_disabled()
    assert page.evaluate("window.stillTheSamePage") is True  # no reload happened

    # Switch to Chinese: the same product, in Chinese.
    page.locator("details.lang summary").click()
    page.locator("details.lang a[hreflang='zh-hans']").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/products/"))
    expect(page.locator("h1")).to_have_text("夏季碎花连衣裙")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("zh"))


def test_chinese_search_finds_the_chinese_product(page, live_server):
    _dress_shop()
    page.goto(live_server.url + "/zh-hans/search/?q=" + "连衣裙")
    expect(page.locator(".card__title").first).to_have_text("夏季碎花连衣裙")
