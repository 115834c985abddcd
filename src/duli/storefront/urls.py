"""Storefront URLs. Shopper pages sit under a language prefix (none for English,
`/zh-hans/` for Chinese, see `i18n.py`); machine endpoints (robots, sitemap, cart count)
do not.

Names (namespace `storefront`): home, search, search_suggest, category, collection,
product, policy, robots, sitemap, cart_count.
"""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, include, path

from duli.storefront.i18n import LanguagePrefixPattern
from duli.storefront.sitemaps import SITEMAPS
from duli.storefront.views import catalog, home, pages, product

app_name = "storefront"

shopper_pages: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("search/", catalog.search, name="search"),
    path("search/suggest/", catalog.search_suggest, name="search_suggest"),
    path("categories/<slug:slug>/", catalog.category, name="category"),
    path("collections/<slug:slug>/", catalog.collection, name="collection"),
    path("products/<slug:slug>/", product.product_detail, name="product"),
    path("policies/<slug:kind>/", pages.policy, name="policy"),
    path("", include("duli.storefront.urls_checkout")),
    path("", include("duli.storefront.urls_account")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("robots.txt", pages.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("cart/count/", pages.cart_count, name="cart_count"),
    URLResolver(LanguagePrefixPattern(), shopper_pages),  # type: ignore[arg-type]
]
