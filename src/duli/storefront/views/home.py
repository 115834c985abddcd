"""The home page: hero, featured collections with product cards, a categories strip."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duli.catalog.models import Collection
from duli.catalog.selectors import collection_product_ids, collections_featured, products_for_cards
from duli.storefront.cache import request_shop, storefront_page
from duli.storefront.context import request_categories
from duli.storefront.presenters import ProductCard, product_cards
from duli.storefront.seo import organization_ld

PRODUCTS_PER_COLLECTION = 8


@dataclass(frozen=True, slots=True)
class CollectionRow:
    collection: Collection
    cards: list[ProductCard]


@storefront_page
def home(request: HttpRequest) -> HttpResponse:
    shop = request_shop(request)
    collections = list(collections_featured())
    ids = {
        c.pk: collection_product_ids(collection_id=c.pk, limit=PRODUCTS_PER_COLLECTION)
        for c in collections
    }
    # One card query for every collection together, so the page does not grow per product.
    all_ids = list(dict.fromkeys(i for row in ids.values() for i in row))
    by_id = {
        card.product_id: card for card in product_cards(products_for_cards(product_ids=all_ids))
    }
    rows = [
        CollectionRow(c, [by_id[i] for i in ids[c.pk] if i in by_id])
        for c in collections
        if ids[c.pk]
    ]
    categories = [c for c in request_categories(request) if c.depth == 0]
    return render(
        request,
        "storefront/home.html",
        {
            "rows": rows,
            "categories": categories,
            "organization_ld": organization_ld(request, shop),
        },
    )
