"""Reads of the catalogue through the search index: the search page, category and
collection listings (with or without a query) and the instant-search dropdown.

`catalog_search` runs a fixed number of queries (at most eight) whatever the catalogue or
page size:

1. with a query, the matching product ids, up to FACET_LIMIT + 1 of them, and — when
   no more than FACET_LIMIT match — their relevance scores (a second query);
2. the exact total;
3. the best FACET_LIMIT ids in the requested order, which hold the page (a further query
   fetches the page only when it lies beyond them);
4. the facet counts, one GROUP BY over `SearchFacet` keys of those ids;
5. the price range and the labels of the option values counted.

When more than FACET_LIMIT products match, the facets are counted over the best
FACET_LIMIT of them in the requested order and flagged `Facets.approximate` ("1,000+");
the total and the pages stay exact. See docs/search.md.
"""

# ruff: noqa: S608, S611 - SQL here is assembled from constant identifiers; every value
# a shopper typed travels as a query parameter.

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import (
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
    CollectionProduct,
    Product,
    ProductStatus,
    ProductVariant,
    visible_products_q,
)
from duli.catalog.search.analysis import AnalysedQuery, analyse_query
from duli.catalog.search.base import Sql, search_backend
from duli.catalog.search.facets import Facets, among, facets_count
from duli.catalog.search.models import SearchFacet

SORTS = ("relevance", "newest", "price_asc", "price_desc", "best_selling")
MAX_PER_PAGE = 100
# Facets are counted exactly over at most this many products; past it, over the best
# this many in the requested order (Facets.approximate). Also the most text hits ranked
# by the backend's score: past it relevance is "name matches first, then best-selling".
FACET_LIMIT = 1000
SKU_SCORE = -1.0e9  # an exact SKU match ranks above any text match

_VariantOptionValue = ProductVariant.option_values.through


def _stock_model() -> Any:
    # Stock belongs to inventory, which catalog may not import (import-linter layers).
    return apps.get_model("inventory", "Stock")


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


def _sku_sql(query: AnalysedQuery, *, scored: bool = True) -> Sql | None:
    if not query.raw or " " in query.raw:
        return None
    score = f", {SKU_SCORE} AS score" if scored else ""
    sql = (
        f"SELECT v.product_id AS product_id{score} "
        f"FROM {ProductVariant._meta.db_table} v WHERE v.sku IN (%s, %s) AND v.is_active"
    )
    return sql, [query.raw, query.raw.upper()]


def _union(parts: list[Sql], *, scored: bool = True) -> Sql:
    if not parts:  # only punctuation was typed: nothing can match
        score = ", 0 AS score" if scored else ""
        return (
            f"SELECT v.product_id AS product_id{score} "
            f"FROM {ProductVariant._meta.db_table} v WHERE 1 = 0",
            [],
        )
    return " UNION ALL ".join(p[0] for p in parts), [x for p in parts for x in p[1]]


def _match_sql(query: AnalysedQuery) -> Sql:
    """Rows (product_id, score) for documents matching the query, plus exact SKU hits."""
    parts = [] if query.is_empty else [search_backend().match_sql(query)]
    sku = _sku_sql(query)
    return _union([*parts, *([sku] if sku else [])])


def _match_ids_sql(query: AnalysedQuery, *, names_only: bool = False) -> Sql:
    """Rows (product_id) of the matches, unscored: cheap however many match."""
    backend = search_backend()
    parts = [] if query.is_empty else [backend.ids_sql(query, names_only=names_only)]
    sku = _sku_sql(query, scored=False)
    return _union([*parts, *([sku] if sku else [])], scored=False)


def _visible_q_unindexed() -> Q:
    """The rows of `visible_products_q()`, written so SQLite cannot answer it from
    product_visible_idx. Nearly every product is visible, so that index is the worst way
    in when something narrower (search hits, a category's facet key) can drive. Not for
    PostgreSQL: its planner then guesses that almost nothing is visible and picks nested
    loops over the whole catalogue, while it weighs the plain filter correctly."""
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


def _with_keys(keys: list[str]) -> Q:
    """Products carrying at least one of these facet keys (one index range per key)."""
    return Q(pk__in=SearchFacet.objects.filter(key__in=keys).values("product_id"))


def _variant_filter(option_values: Mapping[str, Sequence[str]], in_stock: bool) -> Q | None:
    """One active variant must carry a chosen value of every filtered option (OR within an
    option, AND across) and, with `in_stock`, be available: "blue, size M, in stock"
    means a blue M that can be bought, not a blue S and an M in red.

    The facet keys answer one option (with or without stock) exactly; with several
    options they narrow the candidates and a variant lookup checks the combination."""
    chosen = {code: list(values) for code, values in option_values.items() if values}
    if not chosen:
        return _with_keys(["stock"]) if in_stock else None
    prefix = "s" if in_stock else "o"
    q = Q()
    for code, values in chosen.items():
        q &= _with_keys([f"{prefix}:{code}:{value}" for value in values])
    if len(chosen) == 1:
        return q
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
    return q & Q(Exists(variants))


def _text_hits(query: AnalysedQuery) -> dict[int, float] | None:
    """The best score of each matching product when at most FACET_LIMIT match (so later
    queries look them up by id); None when more match, which is found out without
    scoring them all (scoring every hit of a common word is the slow part)."""
    ids_sql, ids_params = _match_ids_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT m.product_id FROM ({ids_sql}) m LIMIT %s",
            [*ids_params, FACET_LIMIT + 1],
        )
        if len(cursor.fetchall()) > FACET_LIMIT:
            return None
        sql, params = _match_sql(query)
        cursor.execute(
            f"SELECT m.product_id, MIN(m.score) FROM ({sql}) m GROUP BY m.product_id", params
        )
        return dict(cursor.fetchall())


def _matching(
    *,
    analysed: AnalysedQuery | None,
    hit_ids: list[int] | None,
    category_id: int | None,
    collection_id: int | None,
    in_stock: bool,
    option_values: Mapping[str, Sequence[str]],
    tags: Sequence[str],
    brands: Sequence[str],
    indexed_visibility: bool = False,
) -> QuerySet[Product]:
    """Visible products passing every filter but the price range. `indexed_visibility`
    lets the database start from product_visible_idx, which only pays when nothing
    narrower drives and the rows are counted, not ordered (an ORDER BY … LIMIT is best
    served walking the sort column's index)."""
    unindexed = not indexed_visibility and connection.vendor == "sqlite"
    qs: QuerySet[Product] = Product.objects.filter(
        _visible_q_unindexed() if unindexed else visible_products_q()
    )
    if hit_ids is not None:
        qs = qs.filter(among(Product, "id", hit_ids))
    elif analysed is not None:
        sql, params = _match_ids_sql(analysed)
        qs = qs.filter(pk__in=RawSQL(f"SELECT m.product_id FROM ({sql}) m", params))
    if category_id is not None:
        qs = qs.filter(_with_keys([f"c:{int(category_id)}"]))
    if collection_id is not None:
        qs = qs.filter(
            pk__in=CollectionProduct.objects.filter(collection_id=collection_id).values(
                "product_id"
            )
        )
    if brands:
        qs = qs.filter(_with_keys([f"b:{slug}" for slug in brands]))
    if tags:
        qs = qs.filter(_with_keys([f"t:{slug}" for slug in tags]))
    variant_filter = _variant_filter(option_values, in_stock)
    if variant_filter is not None:
        qs = qs.filter(variant_filter)
    return qs


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


@dataclass(frozen=True, slots=True)
class _Order:
    """How the matches are ordered: the sort, plus what relevance depends on."""

    sort: str
    analysed: AnalysedQuery | None  # the text searched for, if any
    scores: dict[int, float] | None  # backend scores, when few enough hits were scored
    collection_id: int | None


def _ordered(qs: QuerySet[Product], order: _Order) -> QuerySet[Product]:
    """`qs` in the requested order, for every case but relevance over scored hits."""
    if order.sort == "relevance" and order.analysed is not None:
        # Too many hits to score them all: products named by the query come first, the
        # rest by popularity.
        sql, params = _match_ids_sql(order.analysed, names_only=True)
        table = Product._meta.db_table
        named = RawSQL(f'"{table}"."id" IN (SELECT m.product_id FROM ({sql}) m)', params)
        return qs.annotate(_named=named).order_by(
            F("_named").desc(), F("sold_count").desc(), F("pk").desc()
        )
    if order.sort == "relevance" and order.collection_id is not None:
        # A collection without a query keeps the merchant's order.
        position = CollectionProduct.objects.filter(
            collection_id=order.collection_id, product_id=OuterRef("pk")
        ).values("position")[:1]
        return qs.annotate(_position=Subquery(position)).order_by("_position", "pk")
    return qs.order_by(*ORDERINGS.get(order.sort, ORDERINGS["newest"]))


def _best_rows(
    qs: QuerySet[Product], order: _Order, *, limit: int, offset: int = 0
) -> list[tuple[int, Decimal | None]]:
    """(id, "from" price) of `qs` in the requested order, `limit` of them from `offset`."""
    scores = order.scores
    if order.sort == "relevance" and scores is not None:
        rows = sorted(qs.values_list("pk", "min_price_amount"), key=lambda r: (scores[r[0]], r[0]))
        return rows[offset : offset + limit]
    ordered = _ordered(qs, order)
    return list(ordered.values_list("pk", "min_price_amount")[offset : offset + limit])


def _best_and_total(
    qs: QuerySet[Product], order: _Order, *, counted: QuerySet[Product] | None
) -> tuple[list[tuple[int, Decimal | None]], int]:
    """(id, price) of the best FACET_LIMIT products of `qs` in the requested order, and
    how many match.

    Scored hits are few and sorted here. With `counted` (nothing narrow drives the
    search) the count runs on product_visible_idx and the ids walk the sort column's
    index, both cheap. Otherwise one pass does both (a window count), instead of the
    database finding the matches twice."""
    if order.sort == "relevance" and order.scores is not None:
        ranked = _best_rows(qs, order, limit=FACET_LIMIT)
        return ranked, len(ranked)
    if counted is not None:
        total = counted.count()
        return (_best_rows(qs, order, limit=FACET_LIMIT) if total else []), total
    return _windowed(qs, order)


# ORDERINGS again, over the columns `_windowed` selects.
_WINDOW_ORDER = {
    "newest": "_created DESC, _id DESC",
    "price_asc": "_price ASC NULLS LAST, _id ASC",
    "price_desc": "_price DESC NULLS LAST, _id DESC",
    "best_selling": "_sold DESC, _id DESC",
}


def _windowed(qs: QuerySet[Product], order: _Order) -> tuple[list[tuple[int, Decimal | None]], int]:
    """The best FACET_LIMIT (id, price) and the total in one pass.

    The matches are a MATERIALIZED common table expression, so the database finds the
    whole set the cheapest way (hash joins over facet keys and hits) and then sorts it;
    otherwise PostgreSQL walks the sort column's index over the whole catalogue,
    probing every product, as if the LIMIT let it stop early — the count needs them all.
    """
    columns = {
        "_id": F("pk"),
        "_price": F("min_price_amount"),
        "_created": F("created_at"),
        "_sold": F("sold_count"),
    }
    order_by = _WINDOW_ORDER.get(order.sort, _WINDOW_ORDER["newest"])
    ordered = _ordered(qs, order)
    if "_named" in ordered.query.annotations:
        columns["_named"] = F("_named")
        order_by = "_named DESC, _sold DESC, _id DESC"
    elif "_position" in ordered.query.annotations:
        columns["_position"] = F("_position")
        order_by = "_position ASC, _id ASC"
    inner = ordered.annotate(**columns).values(*columns).order_by()
    inner_sql, params = inner.query.sql_with_params()
    sql = (
        f"WITH m AS MATERIALIZED ({inner_sql}) "
        f"SELECT _id, _price, COUNT(*) OVER () FROM m ORDER BY {order_by} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, FACET_LIMIT])
        rows = cursor.fetchall()
    return [(pk, _decimal(price)) for pk, price, _n in rows], (rows[0][2] if rows else 0)


def _decimal(value: Any) -> Decimal | None:
    """A raw price as the ORM would return it (SQLite hands back floats)."""
    if value is None or isinstance(value, Decimal):
        return value
    places = Product._meta.get_field("min_price_amount").decimal_places
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


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
    `sort` order, with facet counts over the matches (over the best FACET_LIMIT of them,
    flagged `approximate`, when more match).

    Relevance without a query means the merchant's order in a collection, else newest
    first; with a query, the backend's score, or — past FACET_LIMIT hits — name matches
    first, then best-selling. An unknown sort is relevance; `page` is clamped into range.
    Text matches in any indexed language; `language` picks facet labels.
    """
    analysed = analyse_query(query)
    text = analysed if analysed.raw else None
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    scores = _text_hits(text) if text is not None else None
    empty = SearchResult(
        product_ids=[], total=0, page=1, pages=1, per_page=per_page, sort=sort, facets=Facets()
    )
    if scores == {}:
        return empty

    filters: dict[str, Any] = {
        "analysed": text,
        "hit_ids": sorted(scores) if scores is not None else None,
        "category_id": category_id,
        "collection_id": collection_id,
        "in_stock": in_stock,
        "option_values": option_values or {},
        "tags": tags,
        "brands": brands,
    }
    unpriced = _matching(**filters)
    price_q = _price_q(price_min, price_max)
    qs = unpriced.filter(price_q) if price_q is not None else unpriced
    order = _Order(sort=sort, analysed=text, scores=scores, collection_id=collection_id)
    driven = text is not None or category_id is not None or collection_id is not None
    counted = None
    if not (driven or tags or brands):
        counted = _matching(**filters, indexed_visibility=True)
        counted = counted.filter(price_q) if price_q is not None else counted
    best_rows, total = _best_and_total(qs, order, counted=counted)
    best = [pk for pk, _price in best_rows]
    if total == 0 and price_q is None:
        return empty
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    offset = (page - 1) * per_page
    if offset + per_page <= FACET_LIMIT:
        ids = best[offset : offset + per_page]
    else:
        ids = [pk for pk, _price in _best_rows(qs, order, limit=per_page, offset=offset)]
    approximate = total > FACET_LIMIT
    # The price range ignores the price filter. When counts are approximate it spans the
    # same best FACET_LIMIT products, so no query walks every match.
    if approximate or price_q is None:
        prices = [price for _pk, price in best_rows if price is not None]
        price_range = {
            "price_min": min(prices, default=None),
            "price_max": max(prices, default=None),
        }
    else:
        price_range = unpriced.aggregate(
            price_min=Min("min_price_amount"), price_max=Max("min_price_amount")
        )
    facets = facets_count(best, language=language, price_range=price_range, approximate=approximate)
    return SearchResult(
        product_ids=ids,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        sort=sort,
        facets=facets,
    )


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
