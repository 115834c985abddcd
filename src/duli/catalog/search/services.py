"""Writes to the search index: one `SearchDocument` per (product, language) and the
product's `SearchFacet` keys.

Documents hold every product, drafts included: visibility, price and collection
membership are checked when searching, so publishing a product or a scheduled `publish_at`
passing needs no reindex. Text and facet changes do, and the event handlers see to those;
stock moves only refresh the stock keys (`search_stock_refresh`).

Products are read with a handful of narrow `values_list` queries per batch (no model
instances) and rows are written with `executemany`, so rebuilding 100,000 products takes
seconds of SQL and mostly Python text analysis.
"""

# ruff: noqa: S608 - SQL here is assembled from constant identifiers; values are parameters.

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags

from duli.catalog.models import (
    Brand,
    Category,
    Product,
    ProductOptionValue,
    ProductSpec,
    ProductVariant,
    Tag,
)
from duli.catalog.search import postgres, sqlite
from duli.catalog.search.analysis import analyse_document
from duli.catalog.search.models import SearchDocument, SearchFacet

BATCH_SIZE = 500
BULK_BATCH_SIZE = 2000

Texts = dict[str, str]  # {language: text}


def search_languages() -> list[str]:
    """Every language the site can be shown in; the shop may enable a subset at runtime,
    so all of them are indexed."""
    return [code for code, _name in settings.LANGUAGES]


def _fallback_language() -> str:
    return str(getattr(settings, "PARLER_DEFAULT_LANGUAGE_CODE", settings.LANGUAGE_CODE))


def _pick(values: Texts, language: str) -> str:
    """The text in `language`, else in the default language, else in any language."""
    return (
        values.get(language)
        or values.get(_fallback_language())
        or next((v for v in values.values() if v), "")
    )


def _plain(value: str) -> str:
    if "<" not in value and "&" not in value:
        return value
    return html.unescape(strip_tags(value))


def _translations(model: type[Any], master_ids: Iterable[int], *fields: str) -> Any:
    """{master id: {field: {language: value}}} from a parler model's translation table."""
    out: dict[int, dict[str, Texts]] = defaultdict(lambda: {f: {} for f in fields})
    rows = (
        model._parler_meta.root_model.objects.filter(master_id__in=list(master_ids))
        .order_by()
        .values_list("master_id", "language_code", *fields)
    )
    for master_id, language, *values in rows:
        for name, value in zip(fields, values, strict=True):
            out[master_id][name][language] = value or ""
    return out


@dataclass(slots=True)
class _Variant:
    sku: str
    barcode: str
    available: bool
    value_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Source:
    """What the index needs of one product, read without model instances."""

    pk: int
    slug: str
    model_number: str
    brand_id: int | None
    category_id: int | None
    names: Texts = field(default_factory=dict)
    descriptions: Texts = field(default_factory=dict)
    tag_ids: list[int] = field(default_factory=list)
    variants: list[_Variant] = field(default_factory=list)
    specs: list[tuple[Texts, Texts]] = field(default_factory=list)


@dataclass(slots=True)
class _Lookups:
    """Shared rows (brands, tags, categories, option values) resolved once per batch."""

    brands: dict[int, tuple[str, str]]  # id → (name, slug)
    tags: dict[int, tuple[str, str]]
    category_paths: dict[int, list[int]]  # id → ids from the root down
    category_names: dict[int, Texts]
    option_values: dict[int, tuple[str, Texts]]  # id → ("size:m", names)


def _sources(ids: Sequence[int]) -> tuple[list[_Source], _Lookups]:
    stock = apps.get_model("inventory", "Stock")  # inventory is not imported by catalog
    sources = {
        pk: _Source(pk, slug, model_number or "", brand_id, category_id)
        for pk, slug, model_number, brand_id, category_id in Product.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "slug", "model_number", "brand_id", "category_id")
    }
    for pk, texts in _translations(Product, sources, "name", "description").items():
        sources[pk].names, sources[pk].descriptions = texts["name"], texts["description"]
    tag_rows = Product.tags.through.objects.filter(product_id__in=ids).order_by()
    for product_id, tag_id in tag_rows.values_list("product_id", "tag_id"):
        sources[product_id].tag_ids.append(tag_id)
    spec_rows = list(
        ProductSpec.objects.filter(product_id__in=ids)
        .order_by("position", "pk")
        .values_list("pk", "product_id")
    )
    spec_texts = _translations(ProductSpec, (pk for pk, _ in spec_rows), "name", "value")
    for pk, product_id in spec_rows:
        sources[product_id].specs.append((spec_texts[pk]["name"], spec_texts[pk]["value"]))
    variant_rows = list(
        ProductVariant.objects.filter(product_id__in=ids, is_active=True)
        .order_by("position", "pk")
        .values_list("pk", "product_id", "sku", "barcode", "track_inventory")
    )
    in_stock = set(
        stock.objects.filter(
            variant_id__in=[r[0] for r in variant_rows if r[4]], on_hand__gt=F("reserved")
        ).values_list("variant_id", flat=True)
    )
    variants: dict[int, _Variant] = {}
    for pk, product_id, sku, barcode, tracked in variant_rows:
        variants[pk] = _Variant(sku, barcode or "", not tracked or pk in in_stock)
        sources[product_id].variants.append(variants[pk])
    value_rows = ProductVariant.option_values.through.objects.filter(
        productvariant_id__in=list(variants)
    ).order_by("pk")
    for variant_id, value_id in value_rows.values_list(
        "productvariant_id", "productoptionvalue_id"
    ):
        variants[variant_id].value_ids.append(value_id)
    return list(sources.values()), _lookups(list(sources.values()))


def _lookups(sources: list[_Source]) -> _Lookups:
    brand_ids = {s.brand_id for s in sources if s.brand_id}
    tag_ids = {t for s in sources for t in s.tag_ids}
    value_ids = {v for s in sources for variant in s.variants for v in variant.value_ids}
    category_paths = {
        pk: [int(part) for part in path.split("/") if part]
        for pk, path in Category.objects.filter(
            pk__in={s.category_id for s in sources if s.category_id}
        ).values_list("pk", "path")
    }
    ancestors = {c for path in category_paths.values() for c in path}
    values = ProductOptionValue.objects.filter(pk__in=value_ids).values_list(
        "pk", "code", "option__code"
    )
    value_names = _translations(ProductOptionValue, value_ids, "name")
    return _Lookups(
        brands={
            pk: (name, slug)
            for pk, name, slug in Brand.objects.filter(pk__in=brand_ids).values_list(
                "pk", "name", "slug"
            )
        },
        tags={
            pk: (name, slug)
            for pk, name, slug in Tag.objects.filter(pk__in=tag_ids).values_list(
                "pk", "name", "slug"
            )
        },
        category_paths=category_paths,
        category_names={
            pk: texts["name"] for pk, texts in _translations(Category, ancestors, "name").items()
        },
        option_values={
            pk: (f"{option}:{code}", value_names[pk]["name"]) for pk, code, option in values
        },
    )


def _documents(source: _Source, lookups: _Lookups, now: Any) -> list[tuple[Any, ...]]:
    """(product_id, language, name, body, updated_at) for each language."""
    brand = lookups.brands.get(source.brand_id or 0)
    neutral = [  # the same in every language
        source.model_number,
        brand[0] if brand else "",
        *(lookups.tags[t][0] for t in source.tag_ids if t in lookups.tags),
        *(v.sku for v in source.variants),
        *(v.barcode for v in source.variants),
    ]
    category_ids = lookups.category_paths.get(source.category_id or 0, [])
    value_ids = list(dict.fromkeys(v for variant in source.variants for v in variant.value_ids))
    rows = []
    for language in search_languages():
        body = [
            _plain(_pick(source.descriptions, language)),
            *neutral,
            *(_pick(lookups.category_names.get(c, {}), language) for c in category_ids),
            *(_pick(lookups.option_values[v][1], language) for v in value_ids),
            *(f"{_pick(name, language)} {_pick(value, language)}" for name, value in source.specs),
        ]
        rows.append(
            (
                source.pk,
                language,
                analyse_document(_pick(source.names, language) or source.slug),
                analyse_document(" ".join(part for part in body if part)),
                now,
            )
        )
    return rows


def _variant_keys(source: _Source, lookups: _Lookups) -> dict[str, int | None]:
    """The option and stock keys, from the product's active variants."""
    keys: dict[str, int | None] = {}
    for variant in source.variants:
        if variant.available:
            keys["stock"] = None
        for value_id in variant.value_ids:
            code = lookups.option_values[value_id][0]
            keys.setdefault(f"o:{code}", value_id)
            if variant.available:
                keys.setdefault(f"s:{code}", value_id)
    return keys


def _facets(source: _Source, lookups: _Lookups) -> list[tuple[int, str, int | None]]:
    """(product_id, key, value_id) rows; see `SearchFacet` for the keys."""
    keys: dict[str, int | None] = {}
    keys.update((f"c:{c}", None) for c in lookups.category_paths.get(source.category_id or 0, []))
    if source.brand_id in lookups.brands:
        keys[f"b:{lookups.brands[source.brand_id][1]}"] = None
    keys.update((f"t:{lookups.tags[t][1]}", None) for t in source.tag_ids if t in lookups.tags)
    keys.update(_variant_keys(source, lookups))
    return [(source.pk, key, value_id) for key, value_id in keys.items()]


def _is_stock_key(key: str) -> bool:
    return key == "stock" or key.startswith("s:")


_INSERT_DOCUMENTS = (
    f"INSERT INTO {SearchDocument._meta.db_table} (product_id, language, name, body, updated_at)"
    " VALUES (%s, %s, %s, %s, %s)"
)
_INSERT_FACETS = (
    f"INSERT INTO {SearchFacet._meta.db_table} (product_id, key, value_id) VALUES (%s, %s, %s)"
)


def _write(ids: Sequence[int], *, replace: bool) -> int:
    """Index the products with these ids (replacing their rows when `replace`)."""
    sources, lookups = _sources(ids)
    now = timezone.now()
    documents = [row for s in sources for row in _documents(s, lookups, now)]
    facets = [row for s in sources for row in _facets(s, lookups)]
    with transaction.atomic(), connection.cursor() as cursor:
        if replace:
            SearchDocument.objects.filter(product_id__in=ids).delete()
            SearchFacet.objects.filter(product_id__in=ids).delete()
        cursor.executemany(_INSERT_DOCUMENTS, documents)
        cursor.executemany(_INSERT_FACETS, facets)
    return len(sources)


def search_reindex_products(*, product_ids: Iterable[int]) -> int:
    """Rewrite the documents and facet keys of these products from the catalogue; products
    that no longer exist lose theirs. Returns how many products were indexed."""
    ids = sorted(set(product_ids))
    indexed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        indexed += _write(ids[start : start + BATCH_SIZE], replace=True)
    return indexed


def search_stock_refresh(*, product_ids: Iterable[int]) -> int:
    """Rewrite the stock facet keys (``stock``, ``s:…``) of these products from live stock,
    leaving their documents alone. Returns how many products were refreshed."""
    ids = sorted(set(product_ids))
    refreshed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        with transaction.atomic(), connection.cursor() as cursor:
            # Two checkouts selling the same product refresh its facets at the same time:
            # lock the products (in id order) and read stock under the lock, so the second
            # waits and rewrites from what the first left, instead of inserting twice.
            list(
                Product.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            sources, lookups = _sources(chunk)
            rows = [
                (s.pk, key, value_id)
                for s in sources
                for key, value_id in _variant_keys(s, lookups).items()
                if _is_stock_key(key)
            ]
            stale = SearchFacet.objects.filter(product_id__in=chunk)
            stale.filter(key="stock").delete()
            stale.filter(key__startswith="s:").delete()
            cursor.executemany(_INSERT_FACETS, rows)
        refreshed += len(sources)
    return refreshed


def search_reindex_all() -> int:
    """Rebuild the whole index (after an upgrade, or a bulk import that sent no events).
    Documents of deleted products are dropped. Returns how many products were indexed.

    One transaction, so searches see the old index until the new one is complete. On
    SQLite the FTS triggers are dropped meanwhile and the full-text index is rebuilt once
    at the end (far cheaper than a trigger per row); then the query planner's statistics
    are refreshed on either database.
    """
    indexed = 0
    with transaction.atomic(), _bulk_loading():
        SearchDocument.objects.all().delete()
        SearchFacet.objects.all().delete()
        last = 0
        while True:
            ids = list(
                Product.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:BULK_BATCH_SIZE]
            )
            if not ids:
                break
            indexed += _write(ids, replace=False)
            last = ids[-1]
    _analyse()
    return indexed


@contextmanager
def _bulk_loading() -> Iterator[None]:
    """Inside a transaction: suspend per-row index upkeep while the body loads rows."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in sqlite.BULK_BEGIN:
                cursor.execute(statement)
        yield
        with connection.cursor() as cursor:
            for statement in sqlite.BULK_END:
                cursor.execute(statement)
    else:
        yield


def _analyse() -> None:
    """Fresh planner statistics, so the new facet rows get the index plans they need."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM also marks the new pages all-visible, which index-only scans of the
            # facet keys need; it cannot run inside a transaction (e.g. under a test).
            vacuum = "" if connection.in_atomic_block else "VACUUM "
            cursor.execute(vacuum + postgres.ANALYSE)
        else:
            for table in (SearchDocument._meta.db_table, SearchFacet._meta.db_table):
                cursor.execute(f"ANALYZE {table}")
