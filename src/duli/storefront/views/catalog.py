"""Listing pages (category, collection, search) and the instant-search suggestions."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from duli.catalog.models import Category, Collection
from duli.catalog.search import catalog_suggest
from duli.catalog.selectors import (
    category_ancestors,
    category_get,
    collection_get,
    products_for_cards,
)
from duli.storefront.cache import request_shop, storefront_page
from duli.storefront.context import request_categories
from duli.storefront.listing import SEARCH_SORT_LABEL, SORTS, Listing, listing_build
from duli.storefront.presenters import active_language, product_cards
from duli.storefront.seo import Crumb, breadcrumb_ld, plain_text

SUGGESTIONS = 6


def _canonical(request: HttpRequest, listing: Listing) -> str:
    """Listing pages are canonical without filters; later pages keep their number."""
    return f"{request.path}?page={listing.page}" if listing.page > 1 else request.path


def _listing(request: HttpRequest, **kwargs: Any) -> Listing:
    return listing_build(
        params=request.GET,
        language=active_language(),
        currency=request_shop(request).currency,
        categories=request_categories(request),
        **kwargs,
    )


def _listing_page(
    request: HttpRequest,
    *,
    found: Category | Collection,
    template: str,
    listing: Listing,
    crumbs: list[Crumb],
) -> HttpResponse:
    """A category or collection page: its text, SEO fields and the filtered listing."""
    text = found.safe_translation_getter("description", any_language=True) or ""
    title = found.safe_translation_getter("seo_title", any_language=True) or str(found)
    description = found.safe_translation_getter("seo_description", any_language=True) or (
        plain_text(text)
    )
    return render(
        request,
        template,
        {
            str(found._meta.model_name): found,
            "listing": listing,
            "crumbs": crumbs,
            "breadcrumb_ld": breadcrumb_ld(request, crumbs),
            "page_title": title,
            "meta_description": description,
            "canonical_path": _canonical(request, listing),
            "heading": str(found),
            "intro": text,
        },
    )


@storefront_page
def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = category_get(slug=slug)
    if found is None:
        raise Http404("no such category")
    crumbs = [
        Crumb(_("Home"), reverse("storefront:home")),
        *[Crumb(str(c), c.get_absolute_url()) for c in category_ancestors(category=found)],
        Crumb(str(found), ""),
    ]
    return _listing_page(
        request,
        found=found,
        template="storefront/category.html",
        listing=_listing(request, category=found),
        crumbs=crumbs,
    )


@storefront_page
def collection(request: HttpRequest, slug: str) -> HttpResponse:
    found = collection_get(slug=slug)
    if found is None:
        raise Http404("no such collection")
    return _listing_page(
        request,
        found=found,
        template="storefront/collection.html",
        listing=_listing(request, collection_id=found.pk),
        crumbs=[Crumb(_("Home"), reverse("storefront:home")), Crumb(str(found), "")],
    )


@storefront_page
def search(request: HttpRequest) -> HttpResponse:
    listing = _listing(request)
    query = listing.filters.query
    sorts = [(code, SEARCH_SORT_LABEL if code == "relevance" else label) for code, label in SORTS]
    listing.sorts = sorts if query else SORTS
    heading = _("Results for “%(query)s”") % {"query": query} if query else _("All products")
    return render(
        request,
        "storefront/search.html",
        {
            "listing": listing,
            "query": query,
            "heading": heading,
            "page_title": heading,
            "crumbs": [Crumb(_("Home"), reverse("storefront:home")), Crumb(_("Search"), "")],
            "canonical_path": request.path,
            "noindex": True,
        },
    )


@storefront_page
def search_suggest(request: HttpRequest) -> HttpResponse:
    """An HTML fragment of up to six matching products for the header's search box."""
    query = request.GET.get("q", "").strip()[:100]
    cards = []
    if len(query) >= 2:
        ids = catalog_suggest(query=query, language=active_language(), limit=SUGGESTIONS)
        cards = product_cards(products_for_cards(product_ids=list(ids)))
    return render(request, "storefront/partials/suggestions.html", {"cards": cards, "query": query})
