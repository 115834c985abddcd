"""Languages: English at /…, Simplified Chinese at /zh-hans/…, switcher keeps the page."""

from __future__ import annotations

import pytest

from duli.testing.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_chinese_url_shows_the_chinese_product_name(client, shop):
    product = ProductFactory(name="Green tea", zh_name="绿茶")

    english = client.get(f"/products/{product.slug}/").content.decode()
    chinese = client.get(f"/zh-hans/products/{product.slug}/").content.decode()

    assert '<h1 class="summary__title">Green tea</h1>' in english
    assert '<h1 class="summary__title">绿茶</h1>' in chinese
    assert '<html lang="zh-hans">' in chinese


def test_browser_language_does_not_change_an_english_url(client, shop):
    product = ProductFactory(name="Green tea", zh_name="绿茶")

    html = client.get(product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()

    assert '<h1 class="summary__title">Green tea</h1>' in html


def test_language_switcher_links_to_the_same_page_with_its_query(client, shop):
    html = client.get("/search/?q=tea&sort=newest").content.decode()

    assert 'href="/zh-hans/search/?q=tea&amp;sort=newest" hreflang="zh-hans"' in html


def test_links_inside_a_chinese_page_stay_chinese(client, shop):
    product = ProductFactory(zh_name="绿茶")

    html = client.get(f"/zh-hans/products/{product.slug}/").content.decode()

    assert f'href="/zh-hans/categories/{product.category.slug}/"' in html
    assert 'action="/zh-hans/search/"' in html


def test_chinese_prices_use_the_chinese_locale(client, shop):
    product = ProductFactory(zh_name="绿茶")

    html = client.get(f"/zh-hans/products/{product.slug}/").content.decode()

    assert "US$10.00" in html


def test_unknown_chinese_address_is_a_404_page(client, shop):
    response = client.get("/zh-hans/no-such-page/")

    assert response.status_code == 404
    assert '<html lang="zh-hans">' in response.content.decode()


def test_chinese_pages_translate_the_storefront_interface(client, shop):
    product = ProductFactory(zh_name="绿茶")

    html = client.get(f"/zh-hans/products/{product.slug}/").content.decode()

    assert "加入购物车" in html
    assert "首页" in html
