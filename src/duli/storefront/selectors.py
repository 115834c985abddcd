"""Reads the storefront needs that the catalogue selectors do not offer yet.

Each is one query whatever the number of products. They belong in
`duli.catalog.selectors` (asked of its owner); the storefront keeps them here until then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from duli.catalog.models import Brand, ProductOptionValue, ProductVariant, Tag
from duli.inventory.selectors import availability_for_variants


@dataclass(frozen=True, slots=True)
class CardVariant:
    variant_id: int
    price_amount: Decimal
    compare_at_amount: Decimal | None
    buyable: bool


def card_variants(*, product_ids: Sequence[int]) -> dict[int, list[CardVariant]]:
    """Active variants per product with prices and whether any unit can be bought."""
    rows = list(
        ProductVariant.objects.filter(product_id__in=product_ids, is_active=True)
        .order_by("position", "pk")
        .values_list("pk", "product_id", "price_amount", "compare_at_amount")
    )
    available = availability_for_variants(variant_ids=[r[0] for r in rows])
    result: dict[int, list[CardVariant]] = defaultdict(list)
    for pk, product_id, price, compare_at in rows:
        units = available.get(pk, 0)
        result[product_id].append(
            CardVariant(
                variant_id=pk,
                price_amount=price,
                compare_at_amount=compare_at,
                buyable=units is None or units > 0,
            )
        )
    return result


def brand_names(*, slugs: Iterable[str]) -> dict[str, str]:
    return dict(Brand.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


def tag_names(*, slugs: Iterable[str]) -> dict[str, str]:
    return dict(Tag.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


def option_swatches(*, option_code: str, value_codes: Iterable[str]) -> dict[str, str]:
    """The swatch colour ("#2b4c7e") of each value code of an option, where one is set."""
    rows = (
        ProductOptionValue.objects.filter(
            option__code=option_code, code__in=list(value_codes), swatch__startswith="#"
        )
        .order_by("pk")
        .values_list("code", "swatch")
    )
    return dict(rows)
