"""Reads of the shipping settings: what a destination can choose, and lists for the dashboard.

Zone matching: a zone covers a country listed in `countries`; when the zone also lists
regions of that country, it covers only those regions. A destination uses its most
specific zones: zones that list its region win over zones that cover its whole country
(a "Remote provinces" zone replaces the country's usual methods there).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from duli.core.money import Money
from duli.shipping.models import Carrier, ShippingMethod, ShippingMethodKind, ShippingZone
from duli.shipping.rates import Tier, shipping_price


@dataclass(frozen=True, slots=True)
class ShippingOption:
    """One way a shopper can have this order delivered, priced for it. `price` is as the
    merchant entered it (gross or net per the shop's `prices_include_tax`)."""

    method_id: int
    name: str
    description: str
    kind: str
    price: Money
    tax_class_code: str | None
    delivery_estimate: str
    is_pickup: bool
    pickup_address: str


def zone_match_rank(
    countries: list[str], regions: list[str], *, country: str, region: str
) -> int | None:
    """None: the zone does not cover the destination; 0: it covers the whole country;
    1: it lists the destination's region."""
    if country not in (countries or []):
        return None
    own = [r for r in (regions or []) if r.startswith(f"{country}-")]
    if not own:
        return 0
    return 1 if region and region in own else None


def _text(method: ShippingMethod, name: str) -> str:
    return str(method.safe_translation_getter(name, any_language=True) or "")


def _option(method: ShippingMethod, *, subtotal: Money, weight_grams: int) -> ShippingOption | None:
    amount = shipping_price(
        kind=method.kind,
        price=method.price_amount,
        tiers=[Tier(up_to=r.up_to, price=r.price_amount) for r in method.rates.all()],
        free_over=method.free_over_amount,
        min_order=method.min_order_amount,
        max_order=method.max_order_amount,
        subtotal=subtotal.amount,
        weight_grams=weight_grams,
    )
    if amount is None:
        return None
    is_pickup = method.kind == ShippingMethodKind.PICKUP
    return ShippingOption(
        method_id=method.pk,
        name=_text(method, "name"),
        description=_text(method, "description"),
        kind=method.kind,
        price=Money(amount, method.currency),
        tax_class_code=method.tax_class.code if method.tax_class else None,
        delivery_estimate=_text(method, "delivery_estimate"),
        is_pickup=is_pickup,
        pickup_address=method.pickup_address if is_pickup else "",
    )


def shipping_options(
    *, country: str, region: str = "", subtotal: Money, weight_grams: int
) -> list[ShippingOption]:
    """The methods a destination can choose for this order, ordered by position then
    price, in at most three queries. Methods priced in another currency than the
    subtotal's are left out (never mixed)."""
    country, region = country.upper(), region.upper()
    methods = list(
        ShippingMethod.objects.filter(is_active=True, currency=subtotal.currency)
        .select_related("zone", "tax_class")
        .order_by("position", "id")
    )
    ranked = []
    for method in methods:
        rank = zone_match_rank(
            method.zone.countries, method.zone.regions, country=country, region=region
        )
        if rank is not None:
            ranked.append((rank, method))
    if not ranked:
        return []
    best = max(rank for rank, _m in ranked)
    chosen = [m for rank, m in ranked if rank == best]
    prefetch_related_objects(chosen, "translations", "rates")
    options = [
        o
        for m in chosen
        if (o := _option(m, subtotal=subtotal, weight_grams=weight_grams)) is not None
    ]
    position = {m.pk: (m.position, m.zone.position) for m in chosen}
    return sorted(
        options,
        key=lambda o: (
            position[o.method_id][0],
            o.price.amount,
            position[o.method_id][1],
            o.method_id,
        ),
    )


def shipping_option_get(
    *, method_id: int, country: str, region: str = "", subtotal: Money, weight_grams: int
) -> ShippingOption | None:
    """The chosen method priced for this order, or None when it is not offered there (any
    more): the checkout then asks the shopper to choose again."""
    for option in shipping_options(
        country=country, region=region, subtotal=subtotal, weight_grams=weight_grams
    ):
        if option.method_id == method_id:
            return option
    return None


def shipping_countries() -> list[str]:
    """Every country a zone with an active method covers, sorted: the checkout offers
    these."""
    rows = (
        ShippingZone.objects.filter(methods__is_active=True)
        .distinct()
        .values_list("countries", flat=True)
    )
    return sorted({c for countries in rows for c in (countries or [])})


def carrier_choices() -> list[tuple[str, str]]:
    """(code, name) of every carrier, for a fulfilment form."""
    return list(Carrier.objects.order_by("position", "name").values_list("code", "name"))


def carrier_tracking_url(*, carrier_code: str, number: str) -> str:
    """The carrier's page for this tracking number; "" for an unknown carrier or no number."""
    number = number.strip()
    if not number:
        return ""
    template = (
        Carrier.objects.filter(code=carrier_code)
        .values_list("tracking_url_template", flat=True)
        .first()
    )
    if not template:
        return ""
    return template.replace("{number}", quote(number, safe=""))


# ---------------------------------------------------------------- dashboard reads


def shipping_zones_overview() -> list[ShippingZone]:
    """Every zone with its methods (names and tiers), for the zones page."""
    methods = ShippingMethod.objects.prefetch_related("translations", "rates")
    return list(
        ShippingZone.objects.prefetch_related(Prefetch("methods", queryset=methods)).order_by(
            "position", "id"
        )
    )


def shipping_zone_get(*, zone_id: int) -> ShippingZone | None:
    return (
        ShippingZone.objects.filter(pk=zone_id)
        .prefetch_related(
            Prefetch(
                "methods",
                queryset=ShippingMethod.objects.prefetch_related("translations", "rates"),
            )
        )
        .first()
    )


def shipping_method_get(*, method_id: int) -> ShippingMethod | None:
    return (
        ShippingMethod.objects.filter(pk=method_id)
        .select_related("zone", "tax_class")
        .prefetch_related("translations", "rates")
        .first()
    )


def carriers_all() -> QuerySet[Carrier]:
    return Carrier.objects.order_by("position", "name")


def shipping_methods_other_currency(*, currency: str) -> QuerySet[ShippingMethod]:
    """Methods priced in another currency than `currency` (offered to nobody until saved
    again in the shop's currency)."""
    return ShippingMethod.objects.filter(~Q(currency=currency))
