"""A large synthetic catalogue for benchmarks (`demo_data --products N`).

Why this bypasses the per-row services: building 100,000 products through
`product_create`/`variant_save`/`stock_adjust` costs dozens of queries, a cache bump and
an event per row — hours, not minutes. Here rows go in with `bulk_create` in batches, one
transaction per batch, and the values the services would derive are computed the same way
up front:

* every product has English and Simplified Chinese translation rows;
* `min_price_amount`/`max_price_amount` are the range of its active variants' prices
  (what `product_summary_refresh` stores);
* categories are made through `category_create`, so their paths and depths are right;
* products with several variants get a "size" option whose values the variants point at;
* each variant has a stock row in the default warehouse and, when it has units, a RECEIVE
  ledger row matching it (what `stock_adjust` writes);
* at the end the catalogue version is bumped once and the search index is rebuilt.

No pictures are made: benchmarks measure pages and queries, not JPEG decoding.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext

from duli.catalog.models import (
    Product,
    ProductOption,
    ProductOptionValue,
    ProductStatus,
    ProductVariant,
)
from duli.catalog.services import brand_get_or_create, tags_get_or_create
from duli.core.services import catalog_version_bump
from duli.demo import catalogue as C
from duli.demo.build import demo_categories_ensure
from duli.inventory.models import Stock, StockMovement, Warehouse

Progress = Callable[[str], None]
ZH = "zh-hans"
BATCH = 2000

ADJECTIVES = [
    ("Classic", "经典"),
    ("Relaxed", "宽松"),
    ("Everyday", "日常"),
    ("Soft", "柔软"),
    ("Vintage", "复古"),
    ("Modern", "现代"),
    ("Essential", "基础"),
    ("Lightweight", "轻盈"),
    ("Cosy", "舒适"),
    ("Tailored", "修身"),
    ("Handmade", "手工"),
    ("Washed", "水洗"),
]
MATERIALS = [
    ("Linen", "亚麻"),
    ("Cotton", "棉质"),
    ("Wool", "羊毛"),
    ("Silk", "真丝"),
    ("Denim", "丹宁"),
    ("Leather", "皮革"),
    ("Ceramic", "陶瓷"),
    ("Bamboo", "竹制"),
    ("Oak", "橡木"),
    ("Silver", "银质"),
]
NOUNS: dict[str, list[tuple[str, str]]] = {
    "dresses": [("Dress", "连衣裙"), ("Midi Dress", "中长裙"), ("Sundress", "吊带裙")],
    "tops": [("T-shirt", "T恤"), ("Blouse", "女式衬衫"), ("Sweater", "毛衣")],
    "shirts": [("Shirt", "衬衫"), ("Overshirt", "外套衬衫"), ("Polo", "Polo衫")],
    "trousers": [("Trousers", "长裤"), ("Chinos", "卡其裤"), ("Shorts", "短裤")],
    "kitchen": [("Mug", "马克杯"), ("Bowl", "碗"), ("Plate", "餐盘")],
    "living": [("Cushion", "抱枕"), ("Vase", "花瓶"), ("Throw", "盖毯")],
    "bags": [("Tote", "托特包"), ("Backpack", "双肩包"), ("Crossbody Bag", "斜挎包")],
    "jewellery": [("Necklace", "项链"), ("Ring", "戒指"), ("Earrings", "耳环")],
}
PRICE_RANGES: dict[str, tuple[int, int]] = {
    "dresses": (45, 160),
    "tops": (18, 120),
    "shirts": (35, 110),
    "trousers": (40, 140),
    "kitchen": (9, 70),
    "living": (15, 180),
    "bags": (25, 220),
    "jewellery": (19, 160),
}
SIZES = [("s", "S"), ("m", "M"), ("l", "L"), ("xl", "XL")]
TAGS = ["summer", "new", "bestseller", "gift", "linen", "organic", "handmade", "knit", "sale"]
LOW_STOCK_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class SyntheticReport:
    products: int
    variants: int
    seconds: float
    indexed: int | None


def synthetic_catalogue_build(
    *, products: int, seed: int = 1, batch_size: int = BATCH, progress: Progress = lambda _m: None
) -> SyntheticReport:
    """Add `products` synthetic products (bilingual, with variants, options, stock, tags
    and categories) in batches, then bump the catalogue version and rebuild search."""
    started = time.monotonic()
    rng = random.Random(seed)
    leaves = [c for slug, c in demo_categories_ensure().items() if slug in NOUNS]
    leaf_slug = {c.pk: c.slug for c in leaves}
    brand_ids = [brand_get_or_create(name=name).pk for name in C.BRANDS]
    tag_ids = [t.pk for t in tags_get_or_create(names=TAGS)]
    warehouse = _default_warehouse()
    first = _next_serial()
    variants = 0
    try:
        for start in range(0, products, batch_size):
            count = min(batch_size, products - start)
            with transaction.atomic():
                variants += _batch_insert(
                    serials=range(first + start, first + start + count),
                    rng=rng,
                    categories=leaves,
                    leaf_slug=leaf_slug,
                    brand_ids=brand_ids,
                    tag_ids=tag_ids,
                    warehouse=warehouse,
                )
            progress(f"Products {start + count}/{products} ({time.monotonic() - started:.0f} s)")
    finally:
        _sequences_reset()
    catalog_version_bump()
    indexed = _search_reindex(progress)
    return SyntheticReport(products, variants, time.monotonic() - started, indexed)


def _default_warehouse() -> Warehouse:
    """The warehouse `stock_adjust` would use, made the way it makes it in a fresh shop."""
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        warehouse, _ = Warehouse.objects.get_or_create(
            code="main", defaults={"name": gettext("Main warehouse"), "is_default": True}
        )
    return warehouse


def _next_serial() -> int:
    """Numbers continue after any synthetic products already there, keeping slugs unique."""
    return Product.objects.count() + 1


def _translation_model(model: type[Any]) -> type[Any]:
    return model._parler_meta.root_model


@dataclass(slots=True)
class _Batch:
    """The rows of one batch as tuples, in the order of the columns below."""

    products: list[tuple[Any, ...]] = field(default_factory=list)
    translations: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[int, int]] = field(default_factory=list)
    options: list[tuple[Any, ...]] = field(default_factory=list)
    option_names: list[tuple[Any, ...]] = field(default_factory=list)
    values: list[tuple[Any, ...]] = field(default_factory=list)
    value_names: list[tuple[Any, ...]] = field(default_factory=list)
    variants: list[tuple[Any, ...]] = field(default_factory=list)
    variant_values: list[tuple[int, int]] = field(default_factory=list)
    stock: list[tuple[Any, ...]] = field(default_factory=list)


PRODUCT_COLUMNS = (
    "id", "slug", "brand_id", "model_number", "category_id", "status", "video_url", "currency",
    "min_price_amount", "max_price_amount", "sold_count", "created_at", "updated_at",
)  # fmt: skip
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "barcode", "currency", "price_amount", "compare_at_amount",
    "cost_amount", "weight_grams", "position", "is_active", "track_inventory",
    "low_stock_threshold", "created_at", "updated_at",
)  # fmt: skip


def _next_id(model: type[Any]) -> int:
    """The first free primary key. Ids are assigned here, not by the database, so one
    multi-row INSERT per table can carry them and the rows that point at them."""
    top = model.objects.aggregate(top=Max("pk"))["top"]
    return (top or 0) + 1


def _batch_insert(
    *,
    serials: range,
    rng: random.Random,
    categories: list[Any],
    leaf_slug: dict[int, str],
    brand_ids: list[int],
    tag_ids: list[int],
    warehouse: Warehouse,
) -> int:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    product_id, option_id = _next_id(Product), _next_id(ProductOption)
    value_id, variant_id = _next_id(ProductOptionValue), _next_id(ProductVariant)
    rows = _Batch()
    for n in serials:
        category = rng.choice(categories)
        leaf = leaf_slug[category.pk]
        adjective, material, noun = (
            rng.choice(ADJECTIVES),
            rng.choice(MATERIALS),
            rng.choice(NOUNS[leaf]),
        )
        low, high = PRICE_RANGES[leaf]
        base = Decimal(rng.randint(low, high)) - Decimal("0.05") * rng.choice([0, 0, 1])
        sizes = SIZES[: rng.choice([1, 1, 2, 3, 3, 4])]
        prices = [base + Decimal(2 * i) for i in range(len(sizes))]
        on_sale = rng.random() < 0.15
        en = f"{adjective[0]} {material[0]} {noun[0]} No. {n}"
        zh = f"{adjective[1]}{material[1]}{noun[1]} {n}号"
        slug = f"{adjective[0]}-{material[0]}-{noun[0]}-{n}".lower().replace(" ", "-")
        sold = int(rng.paretovariate(1.5) * 10) - 10
        rows.products.append(
            (product_id, slug, rng.choice(brand_ids), f"SY-{n:07d}", category.pk, ProductStatus.ACTIVE.value,
             "", "USD", min(prices), max(prices), sold, now, now)
        )  # fmt: skip
        rows.translations += [
            (product_id, "en", en, f"<p>{en}: a synthetic product for benchmarks.</p>", "", ""),
            (product_id, ZH, zh, f"<p>{zh}：用于性能测试的合成商品。</p>", "", ""),
        ]
        rows.tags += [(product_id, t) for t in rng.sample(tag_ids, rng.randint(1, 3))]
        if len(sizes) > 1:
            rows.options.append((option_id, product_id, "size", 0))
            rows.option_names += [(option_id, "en", "Size"), (option_id, ZH, "尺码")]
        for position, ((code, label), price) in enumerate(zip(sizes, prices, strict=True)):
            compare_at = (price * Decimal("1.3")).quantize(Decimal("1")) if on_sale else None
            rows.variants.append(
                (variant_id, product_id, f"SY{n:07d}-{code.upper()}", "", "USD", price, compare_at,
                 (price * Decimal("0.4")).quantize(Decimal("0.01")), rng.randint(50, 1500), position,
                 True, True, LOW_STOCK_THRESHOLD, now, now)
            )  # fmt: skip
            rows.stock.append((variant_id, warehouse.pk, _opening_quantity(rng), 0, False))
            if len(sizes) > 1:
                rows.values.append((value_id, option_id, code, position, ""))
                rows.value_names += [(value_id, "en", label), (value_id, ZH, label)]
                rows.variant_values.append((variant_id, value_id))
                value_id += 1
            variant_id += 1
        option_id += len(sizes) > 1
        product_id += 1
    _batch_write(rows)
    return len(rows.variants)


def _batch_write(rows: _Batch) -> None:
    """Parents before children, so foreign keys hold at every statement."""
    _rows_insert(Product, PRODUCT_COLUMNS, rows.products)
    _rows_insert(
        _translation_model(Product),
        ("master_id", "language_code", "name", "description", "seo_title", "seo_description"),
        rows.translations,
    )
    _rows_insert(Product.tags.through, ("product_id", "tag_id"), rows.tags)
    _rows_insert(ProductOption, ("id", "product_id", "code", "position"), rows.options)
    _rows_insert(
        _translation_model(ProductOption), ("master_id", "language_code", "name"), rows.option_names
    )
    _rows_insert(ProductOptionValue, ("id", "option_id", "code", "position", "swatch"), rows.values)
    _rows_insert(
        _translation_model(ProductOptionValue),
        ("master_id", "language_code", "name"),
        rows.value_names,
    )
    _rows_insert(ProductVariant, VARIANT_COLUMNS, rows.variants)
    _rows_insert(
        ProductVariant.option_values.through,
        ("productvariant_id", "productoptionvalue_id"),
        rows.variant_values,
    )
    _rows_insert(
        Stock, ("variant_id", "warehouse_id", "on_hand", "reserved", "low_alert_open"), rows.stock
    )
    _receipts_insert(first_variant=rows.variants[0][0], last_variant=rows.variants[-1][0])


def _opening_quantity(rng: random.Random) -> int:
    """About 5 % sold out, 10 % at or below the low-stock threshold, the rest in stock."""
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.15:
        return rng.randint(1, LOW_STOCK_THRESHOLD)
    return rng.randint(LOW_STOCK_THRESHOLD + 1, 200)


def _receipts_insert(*, first_variant: int, last_variant: int) -> None:
    """One RECEIVE ledger row per new stock row with units, as `stock_adjust` writes."""
    movement, stock = StockMovement._meta, Stock._meta
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Only quoted table names from model metadata are interpolated; values are parameters.
    sql = (
        f"INSERT INTO {qn(movement.db_table)} (stock_id, kind, on_hand_delta, reserved_delta, "  # noqa: S608
        "on_hand_after, reserved_after, reason, reference, created_at) "
        "SELECT id, %s, on_hand, 0, on_hand, 0, %s, '', %s "
        f"FROM {qn(stock.db_table)} WHERE variant_id >= %s AND variant_id <= %s AND on_hand > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                StockMovement.Kind.RECEIVE.value,
                "Synthetic opening stock",
                now,
                first_variant,
                last_variant,
            ],
        )


def _sequences_reset() -> None:
    """PostgreSQL's id sequences do not see ids we assigned; move them past the new rows
    (SQLite needs nothing)."""
    models: list[type[Model]] = [Product, ProductOption, ProductOptionValue, ProductVariant]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _rows_insert(model: type[Any], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Write plain rows: COPY on PostgreSQL, multi-row INSERTs (up to 1,000 rows each)
    elsewhere. No model instances, many times faster than `bulk_create`. Values must be
    ready for the database; the texts written here need no sanitising."""
    if not rows:
        return
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # COPY streams rows without parsing a statement per chunk: PostgreSQL's fastest path.
        copy_sql = "COPY {} ({}) FROM STDIN".format(
            qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
        )
        with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - quoted names from _meta
        qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    )
    one = "({})".format(", ".join(["%s"] * len(columns)))
    max_params = connection.features.max_query_params or 65_535
    chunk = max(1, min(1000, max_params // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(head + ", ".join([one] * len(part)), [v for row in part for v in row])


def _search_reindex(progress: Progress) -> int | None:
    """Rebuild the search index when the search module is installed; None when it is not."""
    try:
        from duli.catalog.search import search_reindex_all
    except ImportError:
        return None
    progress("Rebuilding the search index …")
    return search_reindex_all()
