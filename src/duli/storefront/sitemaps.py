"""/sitemap.xml: visible products, active categories, published collections, policies —
every address in each shop language, with hreflang alternates."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from duli.catalog.models import Category, Collection, Product, visible_products_q
from duli.core.selectors import shop_settings_get
from duli.storefront.views.pages import POLICIES


class _I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000


class ProductSitemap(_I18nSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Product]:
        return (
            Product.objects.filter(visible_products_q()).only("slug", "updated_at").order_by("pk")
        )

    def lastmod(self, item: Product) -> Any:
        return item.updated_at


class CategorySitemap(_I18nSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet[Category]:
        return Category.objects.filter(is_active=True).only("slug", "updated_at").order_by("path")

    def lastmod(self, item: Category) -> Any:
        return item.updated_at


class CollectionSitemap(_I18nSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet[Collection]:
        return (
            Collection.objects.filter(is_published=True).only("slug", "updated_at").order_by("pk")
        )

    def lastmod(self, item: Collection) -> Any:
        return item.updated_at


class PageSitemap(_I18nSitemap):
    """The home page and the policies the merchant has written."""

    changefreq = "monthly"
    priority = 0.3

    def items(self) -> list[str]:
        shop = shop_settings_get()
        written = [
            kind
            for kind, (field, _title) in POLICIES.items()
            if any(getattr(t, field, "") for t in shop.translations.all())
        ]
        return ["home", *written]

    def location(self, item: str) -> str:
        if item == "home":
            return reverse("storefront:home")
        return reverse("storefront:policy", kwargs={"kind": item})


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PageSitemap,
    "products": ProductSitemap,
    "categories": CategorySitemap,
    "collections": CollectionSitemap,
}
