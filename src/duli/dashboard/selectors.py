"""Reads that only the dashboard's screens need (lists with filters, the editor's prefetch).

Domain selectors are used where they exist (`low_stock_list`, `open_low_stock_alerts`,
`movements_for_variant`); these add the merchant-side filters and prefetches so a list page
runs a fixed number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from duli.catalog.models import (
    Category,
    Collection,
    Product,
    ProductImage,
    ProductOption,
    ProductStatus,
    ProductVariant,
)
from duli.inventory.models import Stock
from duli.inventory.selectors import low_stock_list, open_low_stock_alerts

_STOCK_EXPRESSIONS = {
    "on_hand": F("on_hand"),
    "reserved": F("reserved"),
    "available": F("on_hand") - F("reserved"),
}


def _stock_sum(kind: str, *, by: str) -> Coalesce:
    """Sum of on_hand, reserved or available over the active-warehouse stock rows whose
    `by` relation points at the outer row (a correlated subquery: no row multiplication)."""
    rows = (
        Stock.objects.filter(**{by: OuterRef("pk")}, warehouse__is_active=True)
        .values(by)
        .annotate(total=Sum(_STOCK_EXPRESSIONS[kind]))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _search_q(search: str) -> Q:
    """Products whose name (any language) or a variant's SKU contains `search`."""
    names = Product.translations.field.model.objects.filter(name__icontains=search).values(
        "master_id"
    )
    skus = ProductVariant.objects.filter(sku__icontains=search).values("product_id")
    return Q(pk__in=names) | Q(pk__in=skus)


def products_for_dashboard(
    *,
    search: str = "",
    status: str = "",
    category_id: int | None = None,
    low_stock: bool = False,
) -> QuerySet[Product]:
    """The merchant's product list, newest first, with what each row shows prefetched.

    `category_id` includes the category's sub-categories; `low_stock` keeps products with a
    variant at or below its threshold (the same rule as the low-stock alerts).
    """
    variant_count = (
        ProductVariant.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Product.objects.select_related("brand")
        .prefetch_related(
            "translations",
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch("category", queryset=Category.objects.prefetch_related("translations")),
        )
        .annotate(
            variant_count=Coalesce(Subquery(variant_count, output_field=IntegerField()), Value(0)),
            available_total=_stock_sum("available", by="variant__product"),
        )
        .order_by("-created_at", "-pk")
    )
    if search:
        rows = rows.filter(_search_q(search.strip()))
    if status in ProductStatus.values:
        rows = rows.filter(status=status)
    if category_id:
        category = Category.objects.filter(pk=category_id).first()
        rows = rows.filter(category__path__startswith=category.path) if category else rows.none()
    if low_stock:
        rows = rows.filter(pk__in=low_stock_list().values("variant__product_id"))
    return rows


def product_for_editor(*, product_id: int) -> Product | None:
    """A product with everything the editor shows, in a fixed number of queries."""
    return (
        Product.objects.filter(pk=product_id)
        .select_related("brand")
        .prefetch_related(
            "translations",
            "tags",
            "specs__translations",
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch(
                "options",
                queryset=ProductOption.objects.prefetch_related(
                    "translations", "values__translations"
                ),
            ),
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.prefetch_related(
                    "option_values__translations", "option_values__option", "stocks__warehouse"
                ),
            ),
        )
        .first()
    )


def categories_all() -> list[Category]:
    """Every category (active or not) in tree order: siblings by position, then name.

    Each carries `product_count` (products filed directly under it).
    """
    rows = list(
        Category.objects.prefetch_related("translations").annotate(
            product_count=Count("products", distinct=True)
        )
    )
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Category] = []

    def walk(parent_id: int | None) -> None:
        for node in sorted(children.get(parent_id, []), key=lambda c: (c.position, str(c))):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    return ordered


def collections_all() -> QuerySet[Collection]:
    return (
        Collection.objects.prefetch_related("translations")
        .annotate(product_count=Count("collectionproduct"))
        .order_by("-featured_on_home", "home_position", "pk")
    )


def collection_products_ordered(*, collection_id: int) -> list[Product]:
    """A collection's products (visible or not) in the merchant's order."""
    return list(
        Product.objects.filter(collectionproduct__collection_id=collection_id)
        .prefetch_related("translations")
        .order_by("collectionproduct__position", "collectionproduct__id")
    )


def products_search_for_picker(
    *, search: str, exclude_ids: list[int], limit: int = 20
) -> list[Product]:
    """Products to offer in a picker (collections), by name or SKU."""
    rows = Product.objects.prefetch_related("translations").exclude(pk__in=exclude_ids)
    if search:
        rows = rows.filter(_search_q(search.strip()))
    return list(rows.order_by("-created_at", "-pk")[:limit])


def variants_for_inventory(*, search: str = "", low_only: bool = False) -> QuerySet[ProductVariant]:
    """Variants with their stock summed over active warehouses, for the inventory screen.

    Rows carry `on_hand_total`, `reserved_total` and `available_total`.
    """
    rows = (
        ProductVariant.objects.select_related("product")
        .prefetch_related(
            "product__translations", "option_values__translations", "option_values__option"
        )
        .annotate(
            on_hand_total=_stock_sum("on_hand", by="variant"),
            reserved_total=_stock_sum("reserved", by="variant"),
            available_total=_stock_sum("available", by="variant"),
        )
        .order_by("product__created_at", "product_id", "position", "pk")
    )
    if search:
        search = search.strip()
        names = Product.translations.field.model.objects.filter(name__icontains=search).values(
            "master_id"
        )
        rows = rows.filter(Q(sku__icontains=search) | Q(product_id__in=names))
    if low_only:
        rows = rows.filter(pk__in=low_stock_list().values("variant_id"))
    return rows


@dataclass(frozen=True, slots=True)
class HomeCounts:
    products: int
    active: int
    drafts: int
    archived: int
    low_stock_alerts: int


def dashboard_counts() -> HomeCounts:
    """The numbers on the dashboard home."""
    by_status = dict(
        Product.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return HomeCounts(
        products=sum(by_status.values()),
        active=by_status.get(ProductStatus.ACTIVE, 0),
        drafts=by_status.get(ProductStatus.DRAFT, 0),
        archived=by_status.get(ProductStatus.ARCHIVED, 0),
        low_stock_alerts=open_low_stock_alerts().count(),
    )
