"""Reads of stock: availability for the storefront, lists for the dashboard, the ledger.

Availability is `on_hand - reserved` summed over a variant's stock rows in *active*
warehouses. A variant with `track_inventory=False` has unlimited availability, which these
selectors spell `None` (never a made-up large number), so callers must decide what
"unlimited" means for them; `availability_label` already does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from duli.catalog.models import ProductStatus, ProductVariant
from duli.inventory.models import LowStockAlert, Reservation, Stock, StockMovement

_ACTIVE_STOCK = Q(stocks__warehouse__is_active=True)


@dataclass(frozen=True, slots=True)
class Availability:
    """What the storefront shows for a variant.

    `status` is "sold_out", "low" (show "only `count` left") or "in_stock";
    `count` is the available quantity, or None when the variant is not tracked (unlimited).
    """

    status: Literal["sold_out", "low", "in_stock"]
    count: int | None

    @property
    def is_buyable(self) -> bool:
        return self.status != "sold_out"


def availability_for_variants(*, variant_ids: Iterable[int]) -> dict[int, int | None]:
    """Available units per variant id, in one query.

    None means unlimited (the variant does not track inventory). Ids that name no variant
    map to 0, so a caller can always index the result.
    """
    ids = set(variant_ids)
    if not ids:
        return {}
    result: dict[int, int | None] = dict.fromkeys(ids, 0)
    rows = (
        ProductVariant.objects.filter(pk__in=ids)
        .annotate(available_sum=_available_sum())
        .values_list("pk", "track_inventory", "available_sum")
    )
    for pk, tracked, available in rows:
        result[pk] = max(available, 0) if tracked else None
    return result


def availability_label(*, available: int | None, threshold: int) -> Availability:
    """Classify an available quantity: sold out at 0, "low" when 0 < available <= threshold."""
    if available is None:
        return Availability(status="in_stock", count=None)
    if available <= 0:
        return Availability(status="sold_out", count=0)
    if available <= threshold:
        return Availability(status="low", count=available)
    return Availability(status="in_stock", count=available)


def availability_labels_for_variants(*, variant_ids: Iterable[int]) -> dict[int, Availability]:
    """`availability_label` for many variants in one query (product pages, cart lines).

    Ids that name no variant are reported sold out.
    """
    ids = set(variant_ids)
    if not ids:
        return {}
    result = {pk: Availability(status="sold_out", count=0) for pk in ids}
    rows = (
        ProductVariant.objects.filter(pk__in=ids)
        .annotate(available_sum=_available_sum())
        .values_list("pk", "track_inventory", "low_stock_threshold", "available_sum")
    )
    for pk, tracked, threshold, available in rows:
        result[pk] = availability_label(
            available=max(available, 0) if tracked else None, threshold=threshold
        )
    return result


def _available_sum() -> Coalesce:
    return Coalesce(
        Sum(F("stocks__on_hand") - F("stocks__reserved"), filter=_ACTIVE_STOCK),
        Value(0),
        output_field=IntegerField(),
    )


def stock_for_variant(*, variant_id: int) -> QuerySet[Stock]:
    """A variant's stock rows, default warehouse first."""
    return (
        Stock.objects.filter(variant_id=variant_id)
        .select_related("warehouse")
        .order_by("-warehouse__is_default", "warehouse_id")
    )


def low_stock_list(*, warehouse_id: int | None = None) -> QuerySet[Stock]:
    """Stock rows at or below their variant's threshold, lowest first (dashboard filter).

    Only tracked, active variants of products that are not archived, in active warehouses.
    Each row carries `available_count` (on_hand - reserved) and `threshold`.
    """
    rows = (
        Stock.objects.filter(
            warehouse__is_active=True,
            variant__track_inventory=True,
            variant__is_active=True,
        )
        .exclude(variant__product__status=ProductStatus.ARCHIVED)
        .annotate(
            available_count=F("on_hand") - F("reserved"),
            threshold=F("variant__low_stock_threshold"),
        )
        .filter(available_count__lte=F("threshold"))
        .select_related("variant__product", "warehouse")
        .prefetch_related("variant__product__translations")
        .order_by("available_count", "pk")
    )
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    return rows


def movements_for_variant(
    *, variant_id: int, warehouse_id: int | None = None
) -> QuerySet[StockMovement]:
    """The stock ledger of one variant, newest first."""
    rows = (
        StockMovement.objects.filter(stock__variant_id=variant_id)
        .select_related("stock__warehouse", "actor")
        .order_by("-created_at", "-id")
    )
    if warehouse_id is not None:
        rows = rows.filter(stock__warehouse_id=warehouse_id)
    return rows


def open_low_stock_alerts() -> QuerySet[LowStockAlert]:
    """Alerts whose stock has not yet risen back above the threshold, newest first."""
    return (
        LowStockAlert.objects.filter(resolved_at__isnull=True)
        .select_related("stock__variant__product", "stock__warehouse")
        .prefetch_related("stock__variant__product__translations")
        .order_by("-created_at", "-id")
    )


def reservations_for_reference(*, reference: str) -> QuerySet[Reservation]:
    """Every reservation made for a reference (a checkout), oldest first."""
    return (
        Reservation.objects.filter(reference=reference)
        .select_related("stock")
        .order_by("created_at", "id")
    )


def variant_display_name(*, variant_id: int) -> str:
    """How people read a variant: "Linen Shirt (Blue / M)", or the product name alone,
    or the SKU when the variant is gone or nameless. Used in messages and emails."""
    variant = (
        ProductVariant.objects.filter(pk=variant_id)
        .select_related("product")
        .prefetch_related(
            "product__translations", "option_values__translations", "option_values__option"
        )
        .first()
    )
    if variant is None:
        return f"#{variant_id}"
    product_name = str(variant.product.safe_translation_getter("name", any_language=True) or "")
    values = sorted(
        variant.option_values.all(), key=lambda v: (v.option.position, v.option_id, v.position)
    )
    option_names = " / ".join(
        str(v.safe_translation_getter("name", any_language=True) or v.code) for v in values
    )
    if product_name and option_names:
        return f"{product_name} ({option_names})"
    return product_name or option_names or variant.sku
