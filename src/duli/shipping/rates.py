"""The price of one shipping method for one parcel, as a pure function (no database).

Rules, in order:
1. the order value must be within the method's minimum and maximum (both inclusive);
2. weight- and value-based methods take the first tier whose `up_to` is at least the
   parcel's weight (grams) or the order value; above the last tier the method is not
   offered (a carrier's weight limit);
3. an order whose value reaches the free-over threshold ships free;
4. a price is never negative.
`None` means "not offered for this parcel".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

FLAT, WEIGHT, PRICE, PICKUP = "flat", "weight", "price", "pickup"
TIERED = frozenset({WEIGHT, PRICE})


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal
    price: Decimal


def tier_for(tiers: Sequence[Tier], value: Decimal) -> Tier | None:
    """The first tier (by `up_to`) that covers `value`, or None above the last one."""
    for tier in sorted(tiers, key=lambda t: t.up_to):
        if value <= tier.up_to:
            return tier
    return None


def shipping_price(
    *,
    kind: str,
    price: Decimal,
    tiers: Sequence[Tier] = (),
    free_over: Decimal | None = None,
    min_order: Decimal | None = None,
    max_order: Decimal | None = None,
    subtotal: Decimal,
    weight_grams: int,
) -> Decimal | None:
    """What the method costs for this order, or None when it is not offered for it."""
    if min_order is not None and subtotal < min_order:
        return None
    if max_order is not None and subtotal > max_order:
        return None
    base = price
    if kind in TIERED:
        tier = tier_for(tiers, Decimal(weight_grams) if kind == WEIGHT else subtotal)
        if tier is None:
            return None
        base = tier.price
    if free_over is not None and subtotal >= free_over:
        return Decimal(0)
    return max(base, Decimal(0))
