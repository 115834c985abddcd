"""Facet counts over a set of products, from their `SearchFacet` keys (see models)."""

# ruff: noqa: S611 - SQL here is assembled from constant identifiers; every value
# a shopper typed travels as a query parameter.

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, Min, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from duli.catalog.models import ProductOption, ProductOptionValue
from duli.catalog.search.models import SearchFacet


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

    `approximate` is True when more than FACET_LIMIT products matched: every count (and
    the price range) is then over the best FACET_LIMIT of them in the requested order,
    so the interface should say "1,000+" rather than promise exact numbers.
    """

    categories: dict[int, int] = field(default_factory=dict)
    brands: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    options: dict[str, list[OptionValueCount]] = field(default_factory=dict)
    option_names: dict[str, str] = field(default_factory=dict)  # "size" → "Size" / "尺码"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: int = 0
    approximate: bool = False


def _fallback_language() -> str:
    return str(getattr(settings, "PARLER_DEFAULT_LANGUAGE_CODE", settings.LANGUAGE_CODE))


def among(model: type[Any], column: str, ids: list[int]) -> Q:
    """`column` is one of `ids`. PostgreSQL gets one array parameter (`= ANY`), which
    it parses and plans far faster than a thousand-item IN list."""
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    sql = f'"{model._meta.db_table}"."{model._meta.get_field(column).column}" = ANY(%s)'
    return Q(RawSQL(sql, [ids], output_field=BooleanField()))


def _facet_rows(product_ids: list[int]) -> list[tuple[str, int, int | None]]:
    """(key, products, a representative option value id) over these products."""
    rows = (
        SearchFacet.objects.filter(among(SearchFacet, "product", product_ids))
        .values("key")
        .annotate(n=Count("product_id"), value_id=Min("value_id"))
        .order_by()
    )
    return [(r["key"], r["n"], r["value_id"]) for r in rows]


def _option_labels(value_ids: list[int], language: str) -> dict[int, tuple[Any, ...]]:
    """{value id: (option position, value position, value name, option name)} in
    `language`, else the default language. Each name is one lookup on the translation
    table's (language, master) index, whatever the planner knows of its size."""
    if not value_ids:
        return {}
    fallback = _fallback_language()
    value_names = ProductOptionValue._parler_meta.root_model.objects
    option_names = ProductOption._parler_meta.root_model.objects

    def name(names: Any, master: str, code: str) -> Subquery:
        return Subquery(
            names.filter(master_id=OuterRef(master), language_code=code).values("name")[:1]
        )

    rows = (
        ProductOptionValue.objects.filter(pk__in=value_ids)
        .values("pk", "position", "option__position")
        .annotate(
            name=Coalesce(name(value_names, "pk", language), name(value_names, "pk", fallback)),
            option_name=Coalesce(
                name(option_names, "option_id", language),
                name(option_names, "option_id", fallback),
            ),
        )
        .order_by()
    )
    return {
        r["pk"]: (r["option__position"], r["position"], r["name"], r["option_name"]) for r in rows
    }


def facets_count(
    product_ids: list[int],
    *,
    language: str,
    price_range: Mapping[str, Decimal | None],
    approximate: bool,
) -> Facets:
    categories: dict[int, int] = {}
    brands: dict[str, int] = {}
    tags: dict[str, int] = {}
    in_stock = 0
    option_rows: list[tuple[str, str, int, int]] = []
    for key, n, value_id in _facet_rows(product_ids):
        kind, _, rest = key.partition(":")
        if kind == "c":
            categories[int(rest)] = n
        elif kind == "b":
            brands[rest] = n
        elif kind == "t":
            tags[rest] = n
        elif kind == "o" and value_id is not None:
            code, _, value = rest.partition(":")
            option_rows.append((code, value, n, value_id))
        elif key == "stock":
            in_stock = n
    labels = _option_labels([row[3] for row in option_rows], language)
    options: dict[str, list[OptionValueCount]] = {}
    names: dict[str, str] = {}
    unknown = (0, 0, None, None)
    for code, value, n, value_id in sorted(
        option_rows,
        key=lambda r: (labels.get(r[3], unknown)[0], r[0], labels.get(r[3], unknown)[1], r[1]),
    ):
        _opos, _vpos, value_name, option_name = labels.get(value_id, unknown)
        options.setdefault(code, []).append(OptionValueCount(value, value_name or value, n))
        names.setdefault(code, option_name or code)
    return Facets(
        categories=categories,
        brands=dict(sorted(brands.items())),
        tags=dict(sorted(tags.items())),
        options=options,
        option_names=names,
        price_min=price_range.get("price_min"),
        price_max=price_range.get("price_max"),
        in_stock=in_stock,
        approximate=approximate,
    )
