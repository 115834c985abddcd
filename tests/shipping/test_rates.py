"""The rate maths, with property tests (it is pure: no database)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from duli.shipping.rates import Tier, shipping_price, tier_for

amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
grams = st.integers(min_value=0, max_value=50_000)


@st.composite
def tier_lists(draw):
    limits = sorted(
        draw(st.sets(st.integers(min_value=1, max_value=40_000), min_size=1, max_size=6))
    )
    prices = draw(st.lists(amounts, min_size=len(limits), max_size=len(limits)))
    return [Tier(up_to=Decimal(u), price=p) for u, p in zip(limits, prices, strict=True)]


@given(
    kind=st.sampled_from(["flat", "weight", "price", "pickup"]),
    price=amounts,
    tiers=tier_lists(),
    free_over=st.none() | amounts,
    min_order=st.none() | amounts,
    max_order=st.none() | amounts,
    subtotal=amounts,
    weight=grams,
)
def test_price_is_never_negative(
    kind, price, tiers, free_over, min_order, max_order, subtotal, weight
):
    result = shipping_price(
        kind=kind,
        price=price,
        tiers=tiers,
        free_over=free_over,
        min_order=min_order,
        max_order=max_order,
        subtotal=subtotal,
        weight_grams=weight,
    )
    assert result is None or result >= 0


@given(tiers=tier_lists(), weight=grams)
def test_weight_method_takes_the_first_tier_that_covers_the_weight(tiers, weight):
    result = shipping_price(
        kind="weight", price=Decimal(99), tiers=tiers, subtotal=Decimal(10), weight_grams=weight
    )
    covering = [t for t in tiers if weight <= t.up_to]
    if not covering:
        assert result is None  # above the last tier: not offered
    else:
        assert result == min(covering, key=lambda t: t.up_to).price


@given(tiers=tier_lists(), subtotal=amounts)
def test_value_method_takes_the_tier_of_the_subtotal(tiers, subtotal):
    result = shipping_price(
        kind="price", price=Decimal(99), tiers=tiers, subtotal=subtotal, weight_grams=0
    )
    expected = tier_for(tiers, subtotal)
    assert result == (expected.price if expected else None)


@given(tiers=tier_lists())
def test_tier_order_given_does_not_matter(tiers):
    for value in [Decimal(0), tiers[0].up_to, tiers[-1].up_to, tiers[-1].up_to + 1]:
        assert tier_for(tiers, value) == tier_for(list(reversed(tiers)), value)


@given(threshold=amounts, price=amounts)
def test_free_over_applies_exactly_at_the_threshold(threshold, price):
    def at(subtotal):
        return shipping_price(
            kind="flat", price=price, free_over=threshold, subtotal=subtotal, weight_grams=0
        )

    assert at(threshold) == 0
    assert at(threshold + Decimal("0.01")) == 0
    if threshold >= Decimal("0.01"):
        assert at(threshold - Decimal("0.01")) == price


@given(price=amounts, low=amounts, high=amounts, subtotal=amounts)
def test_min_and_max_order_bound_availability_inclusively(price, low, high, subtotal):
    result = shipping_price(
        kind="flat", price=price, min_order=low, max_order=high, subtotal=subtotal, weight_grams=0
    )
    assert (result is not None) == (low <= subtotal <= high)


def test_tier_boundary_belongs_to_the_lower_tier():
    tiers = [Tier(Decimal(500), Decimal(3)), Tier(Decimal(2000), Decimal(6))]
    assert (
        shipping_price(
            kind="weight", price=Decimal(0), tiers=tiers, subtotal=Decimal(1), weight_grams=500
        )
        == 3
    )
    assert (
        shipping_price(
            kind="weight", price=Decimal(0), tiers=tiers, subtotal=Decimal(1), weight_grams=501
        )
        == 6
    )
    assert (
        shipping_price(
            kind="weight", price=Decimal(0), tiers=tiers, subtotal=Decimal(1), weight_grams=2001
        )
        is None
    )


def test_heavy_parcel_is_refused_even_over_the_free_threshold():
    tiers = [Tier(Decimal(1000), Decimal(5))]
    assert (
        shipping_price(
            kind="weight",
            price=Decimal(0),
            tiers=tiers,
            free_over=Decimal(50),
            subtotal=Decimal(80),
            weight_grams=5000,
        )
        is None
    )


def test_tiered_method_without_tiers_is_never_offered():
    assert (
        shipping_price(
            kind="weight", price=Decimal(5), tiers=[], subtotal=Decimal(1), weight_grams=0
        )
        is None
    )
