"""Reads of the catalogue through the search index: the search page, category and
collection listings (with or without a query) and the instant-search dropdown.

`catalog_search` runs a fixed number of queries (at most eight) whatever the catalogue or
page size: with a query, one for the text matches; then one for the totals (count, price
range, in-stock count), one for the page of ids and one per facet (categories, brands,
tags, option values), each an aggregate over the matching set. When at most
MAX_INLINE_HITS products match (the text, or else the filters), they are passed on as a
list of ids, found once; beyond that the filters are repeated as a subquery (one more
query to find that out).
"""

# ruff: noqa: S608, S611 - SQL here is assembled from constant identifiers; every value
# a shopper typed travels as a query parameter.

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone

from duli.catalog.models import (
    Category,
    CollectionProduct,
    Product,
    ProductStatus,
    ProductVariant,
    visible_products_q,
)
from duli.catalog.search.analysis import AnalysedQuery, analyse_query
from duli.catalog.search.base import Sql, search_backend

SORTS = ("relevance", "newest", "price_asc", "price_desc", "best_selling")
MAX_PER_PAGE = 100
MAX_INLINE_HITS = 5000
SKU_SCORE = -1.0e9  # an exact SKU match ranks above any text match

_VariantOptionValue = ProductVariant.option_values.through
_ProductTag = Product.tags.through


def _stock_model() -> Any:
    # Stock belongs to inventory, which catalog may not import (import-linter layers).
    return apps.get_model("inventory", "Stock")


class OptionValueCount(NamedTuple):
    code: str  # language-neutral value code ("m", "blue")
    name: str  # display name in the requested language
    product_count: int  # matching products with an active variant of this value


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts over the products matching the search.

    `categories` counts a product under its category and every ancestor, so a parent's
    count matches what filtering by it returns. `price_min`/`price_max` span the "from"
    prices of the matches ignoring the price filter, for a range slider.
    """

    categories: dict[int, int] = field(default_factory=dict)
    brands: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    options: dict[str, list[OptionValueCount]] = field(default_factory=dict)
    option_names: dict[str, str] = field(default_factory=dict)  # "size" → "Size" / "尺码"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: int = 0


@dataclass(frozen=True, slots=True)
class SearchResult:
    product_ids: list[int]  # this page, in order
    total: int
    page: int
    pages: int
    per_page: int
    sort: str  # the sort actually applied
    facets: Facets


def _fallback_language() -> str:
    return str(getattr(settings, "PARLER_DEFAULT_LANGUAGE_CODE", settings.LANGUAGE_CODE))


def _match_sql(query: AnalysedQuery) -> Sql:
    """Rows (product_id, score) for documents matching the query, plus exact SKU hits."""
    parts: list[str] = []
    params: list[Any] = []
    if not query.is_empty:
        sql, sql_params = search_backend().match_sql(query)
        parts.append(sql)
        params.extend(sql_params)
    if query.raw and " " not in query.raw:
        parts.append(
            f"SELECT v.product_id AS product_id, {SKU_SCORE} AS score "
            f"FROM {ProductVariant._meta.db_table} v WHERE v.sku IN (%s, %s) AND v.is_active"
        )
        params.extend([query.raw, query.raw.upper()])
    if not parts:  # only punctuation was typed: nothing can match
        parts.append(
            f"SELECT v.product_id AS product_id, 0 AS score FROM {ProductVariant._meta.db_table} v WHERE 1 = 0"
        )
    return " UNION ALL ".join(parts), params


def _visible_q_unindexed() -> Q:
    """The rows of `visible_products_q()`, written so the database cannot answer it from
    product_visible_idx. Nearly every product is visible, so that index is the worst way
    in; without it SQLite starts from the search hits or the category's products instead
    of scanning the whole catalogue."""
    return Q(
        Exact(Lower("status"), ProductStatus.ACTIVE.value),
        LessThanOrEqual(Coalesce("publish_at", "created_at"), timezone.now()),
    )


def _available_q() -> Q:
    """A variant can be bought now: stock is not tracked, or some warehouse has a unit
    that is not reserved (on_hand ≥ reserved on every row, so this equals a positive sum)."""
    return Q(track_inventory=False) | Q(
        Exists(_stock_model().objects.filter(variant_id=OuterRef("pk"), on_hand__gt=F("reserved")))
    )


def _in_stock() -> Exists:
    return Exists(
        ProductVariant.objects.filter(product_id=OuterRef("pk"), is_active=True).filter(
            _available_q()
        )
    )


def _variant_filter(option_values: Mapping[str, Sequence[str]], in_stock: bool) -> Exists | None:
    """One active variant must carry a chosen value of every filtered option (OR within an
    option, AND across) and, with `in_stock`, be available: "blue, size M, in stock"
    means a blue M that can be bought, not a blue S and an M in red."""
    chosen = {code: list(values) for code, values in option_values.items() if values}
    if not chosen and not in_stock:
        return None
    variants = ProductVariant.objects.filter(product_id=OuterRef("pk"), is_active=True)
    for code, values in chosen.items():
        variants = variants.filter(
            Exists(
                _VariantOptionValue.objects.filter(
                    productvariant_id=OuterRef("pk"),
                    productoptionvalue__option__code=code,
                    productoptionvalue__code__in=values,
                )
            )
        )
    if in_stock:
        variants = variants.filter(_available_q())
    return Exists(variants)


def _hits(match: Sql) -> dict[int, float] | None:
    """The best score of each matching product, when few enough match to hand the
    database a list of ids (one index lookup each) instead of re-running the text match
    inside every facet query; None when more match than that."""
    sql, params = match
    limit = MAX_INLINE_HITS * (len(settings.LANGUAGES) + 1)  # rows per product: docs + SKU
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.product_id, m.score FROM ({sql}) m LIMIT %s", [*params, limit])
        rows = cursor.fetchall()
    scores: dict[int, float] = {}
    for product_id, score in rows:
        scores[product_id] = min(score, scores.get(product_id, score))
    return scores if len(rows) < limit and len(scores) <= MAX_INLINE_HITS else None


def _matching(
    *,
    match: Sql | None,
    hit_ids: list[int] | None,
    category_id: int | None,
    collection_id: int | None,
    in_stock: bool,
    option_values: Mapping[str, Sequence[str]],
    tags: Sequence[str],
    brands: Sequence[str],
) -> QuerySet[Product]:
    """Visible products passing every filter but the price range."""
    driven = match is not None or category_id is not None or collection_id is not None
    driven = driven or bool(brands) or bool(tags)
    qs: QuerySet[Product] = Product.objects.filter(
        _visible_q_unindexed() if driven else visible_products_q()
    )
    if hit_ids is not None:
        qs = qs.filter(pk__in=hit_ids)
    elif match is not None:
        qs = _restricted(qs, match)
    if category_id is not None:
        # The subtree's ids first, so the index on category_id drives the lookup.
        path = Category.objects.filter(pk=category_id).values("path")[:1]
        subtree = Category.objects.filter(path__startswith=Subquery(path)).values("pk")
        qs = qs.filter(category_id__in=subtree)
    if collection_id is not None:
        qs = qs.filter(
            pk__in=CollectionProduct.objects.filter(collection_id=collection_id).values(
                "product_id"
            )
        )
    if brands:
        qs = qs.filter(brand__slug__in=list(brands))
    if tags:
        qs = qs.filter(
            pk__in=_ProductTag.objects.filter(tag__slug__in=list(tags)).values("product_id")
        )
    variant_filter = _variant_filter(option_values, in_stock)
    if variant_filter is not None:
        qs = qs.filter(variant_filter)
    return qs


def _pinned(qs: QuerySet[Product]) -> QuerySet[Product]:
    """The same products by id when there are at most MAX_INLINE_HITS of them, so the
    aggregates that follow look rows up by primary key instead of each re-running the
    filters (category subtree, options, stock) over the catalogue."""
    ids = list(qs.order_by().values_list("pk", flat=True)[: MAX_INLINE_HITS + 1])
    return qs if len(ids) > MAX_INLINE_HITS else Product.objects.filter(pk__in=ids)


def _price_q(price_min: Decimal | None, price_max: Decimal | None) -> Q | None:
    if price_min is None and price_max is None:
        return None
    q = Q()
    if price_min is not None:
        q &= Q(min_price_amount__gte=price_min)
    if price_max is not None:
        q &= Q(min_price_amount__lte=price_max)
    return q


ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": (F("created_at").desc(), F("pk").desc()),
    "price_asc": (F("min_price_amount").asc(nulls_last=True), F("pk").asc()),
    "price_desc": (F("min_price_amount").desc(nulls_last=True), F("pk").desc()),
    "best_selling": (F("sold_count").desc(), F("pk").desc()),
}


def _page_ids(
    qs: QuerySet[Product],
    *,
    sort: str,
    match: Sql | None,
    scores: dict[int, float] | None,
    collection_id: int | None,
    offset: int,
    limit: int,
) -> list[int]:
    if sort == "relevance" and scores is not None:
        ranked = sorted(qs.values_list("pk", flat=True), key=lambda pk: (scores[pk], pk))
        return ranked[offset : offset + limit]
    if sort == "relevance" and match is not None:
        return _page_by_relevance(qs, match=match, offset=offset, limit=limit)
    if sort == "relevance" and collection_id is not None:
        # A collection without a query keeps the merchant's order.
        position = CollectionProduct.objects.filter(
            collection_id=collection_id, product_id=OuterRef("pk")
        ).values("position")[:1]
        qs = qs.annotate(_position=Subquery(position)).order_by("_position", "pk")
    else:
        qs = qs.order_by(*ORDERINGS.get(sort, ORDERINGS["newest"]))
    return list(qs.values_list("pk", flat=True)[offset : offset + limit])


def _page_by_relevance(qs: QuerySet[Product], *, match: Sql, offset: int, limit: int) -> list[int]:
    match_sql, match_params = match
    filtered_sql, filtered_params = qs.values("pk").query.sql_with_params()
    sql = (
        f"SELECT m.product_id FROM ({match_sql}) m "
        f"WHERE m.product_id IN ({filtered_sql}) "
        "GROUP BY m.product_id ORDER BY MIN(m.score), m.product_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match_params, *filtered_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _category_counts(qs: QuerySet[Product]) -> dict[int, int]:
    counts: dict[int, int] = {}
    rows = qs.filter(category__isnull=False).values("category__path").annotate(n=Count("pk"))
    for row in rows.order_by():
        for part in row["category__path"].strip("/").split("/"):
            if part:
                counts[int(part)] = counts.get(int(part), 0) + row["n"]
    return counts


def _brand_counts(qs: QuerySet[Product]) -> dict[str, int]:
    rows = qs.filter(brand__isnull=False).values("brand__slug").annotate(n=Count("pk"))
    return {row["brand__slug"]: row["n"] for row in rows.order_by("brand__slug")}


def _tag_counts(qs: QuerySet[Product]) -> dict[str, int]:
    rows = (
        _ProductTag.objects.filter(product_id__in=qs.values("pk"))
        .values("tag__slug")
        .annotate(n=Count("pk"))
    )
    return {row["tag__slug"]: row["n"] for row in rows.order_by("tag__slug")}


def _option_counts(
    qs: QuerySet[Product], language: str
) -> tuple[dict[str, list[OptionValueCount]], dict[str, str]]:
    fallback = _fallback_language()
    value_name = "productoptionvalue__translations__name"
    value_lang = "productoptionvalue__translations__language_code"
    option_name = "productoptionvalue__option__translations__name"
    option_lang = "productoptionvalue__option__translations__language_code"
    rows = (
        _VariantOptionValue.objects.filter(
            productvariant__product_id__in=qs.values("pk"), productvariant__is_active=True
        )
        .values("productoptionvalue__option__code", "productoptionvalue__code")
        .annotate(
            n=Count("productvariant__product_id", distinct=True),
            position=Min("productoptionvalue__position"),
            option_position=Min("productoptionvalue__option__position"),
            name=Max(value_name, filter=Q(**{value_lang: language})),
            name_fallback=Max(value_name, filter=Q(**{value_lang: fallback})),
            option=Max(option_name, filter=Q(**{option_lang: language})),
            option_fallback=Max(option_name, filter=Q(**{option_lang: fallback})),
        )
        .order_by()
    )
    ordered = sorted(
        rows,
        key=lambda r: (
            r["option_position"],
            r["productoptionvalue__option__code"],
            r["position"],
            r["productoptionvalue__code"],
        ),
    )
    options: dict[str, list[OptionValueCount]] = {}
    names: dict[str, str] = {}
    for row in ordered:
        code = row["productoptionvalue__option__code"]
        value = row["productoptionvalue__code"]
        options.setdefault(code, []).append(
            OptionValueCount(value, row["name"] or row["name_fallback"] or value, row["n"])
        )
        names.setdefault(code, row["option"] or row["option_fallback"] or code)
    return options, names


def catalog_search(
    *,
    query: str = "",
    language: str,
    category_id: int | None = None,
    collection_id: int | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    in_stock: bool = False,
    option_values: Mapping[str, Sequence[str]] | None = None,
    tags: Sequence[str] = (),
    brands: Sequence[str] = (),
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 24,
) -> SearchResult:
    """Visible products matching `query` (empty: all) and every filter, one page of them in
    `sort` order, with facet counts over all matches.

    Relevance without a query means the merchant's order in a collection, else newest
    first; an unknown sort is relevance; `page` is clamped into range. Text matches in any
    indexed language; `language` picks facet labels.
    """
    analysed = analyse_query(query)
    match = _match_sql(analysed) if analysed.raw else None
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    scores = _hits(match) if match is not None else None
    if scores == {}:
        return SearchResult(
            product_ids=[], total=0, page=1, pages=1, per_page=per_page, sort=sort, facets=Facets()
        )

    unpriced = _matching(
        match=match,
        hit_ids=sorted(scores) if scores is not None else None,
        category_id=category_id,
        collection_id=collection_id,
        in_stock=in_stock,
        option_values=option_values or {},
        tags=tags,
        brands=brands,
    )
    if scores is None:
        unpriced = _pinned(unpriced)
    price_q = _price_q(price_min, price_max)
    qs = unpriced.filter(price_q) if price_q is not None else unpriced
    stats = unpriced.aggregate(
        total=Count("pk", filter=price_q),
        price_min=Min("min_price_amount"),
        price_max=Max("min_price_amount"),
        in_stock=Count("pk", filter=price_q & Q(_in_stock()) if price_q else Q(_in_stock())),
    )
    total = stats["total"]
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    if total == 0:
        return SearchResult(
            product_ids=[],
            total=0,
            page=1,
            pages=1,
            per_page=per_page,
            sort=sort,
            facets=Facets(price_min=stats["price_min"], price_max=stats["price_max"]),
        )
    ids = _page_ids(
        qs,
        sort=sort,
        match=match,
        scores=scores,
        collection_id=collection_id,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    options, option_names = _option_counts(qs, language)
    facets = Facets(
        categories=_category_counts(qs),
        brands=_brand_counts(qs),
        tags=_tag_counts(qs),
        options=options,
        option_names=option_names,
        price_min=stats["price_min"],
        price_max=stats["price_max"],
        in_stock=stats["in_stock"],
    )
    return SearchResult(
        product_ids=ids,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        sort=sort,
        facets=facets,
    )


def catalog_suggest(*, query: str, language: str, limit: int = 6) -> list[int]:
    """The best few visible products for what the shopper has typed so far. When nothing
    matches and the backend can, near spellings are tried ("dreess" → "dress")."""
    analysed = analyse_query(query)
    if not analysed.raw:
        return []
    limit = max(1, min(limit, 20))
    visible = Product.objects.filter(visible_products_q())
    match = _match_sql(analysed)
    found = _page_by_relevance(_restricted(visible, match), match=match, offset=0, limit=limit)
    fuzzy = search_backend().fuzzy_sql(analysed) if not found else None
    if fuzzy is not None:
        found = _page_by_relevance(_restricted(visible, fuzzy), match=fuzzy, offset=0, limit=limit)
    return found


def _restricted(qs: QuerySet[Product], match: Sql) -> QuerySet[Product]:
    sql, params = match
    return qs.filter(pk__in=RawSQL(f"SELECT m.product_id FROM ({sql}) m", params))
