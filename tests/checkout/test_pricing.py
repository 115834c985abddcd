"""The pricing function: exact sums, tax both ways, discounts capped, never negative."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duli.checkout.pricing import (
    DiscountInput,
    PricingInput,
    PricingLine,
    ShippingCharge,
    price,
)
from duli.core.money import Money


def usd(value: str) -> Money:
    return Money(Decimal(value), "USD")


def line(unit: str, qty: int = 1, *, vid: int = 1, tax_class: str | None = None) -> PricingLine:
    return PricingLine(
        variant_id=vid,
        sku=f"SKU-{vid}",
        product_name="Shirt",
        variant_name="M",
        quantity=qty,
        unit_price=usd(unit),
        tax_class=tax_class,
        weight_grams=200,
    )


def test_tax_is_added_on_top_when_prices_exclude_tax():
    priced = price(
        PricingInput(
            currency="USD",
            lines=[line("10.00", 3)],
            prices_include_tax=False,
            tax_rates={None: Decimal("0.0725")},
        )
    )
    assert priced.subtotal == usd("30.00")
    assert priced.tax == usd("2.18")  # 2.175 rounds half-even to 2.18
    assert priced.total == usd("32.18")


def test_tax_is_carved_out_when_prices_include_tax():
    priced = price(
        PricingInput(
            currency="EUR",
            lines=[
                PricingLine(
                    variant_id=1,
                    sku="A",
                    product_name="A",
                    variant_name="",
                    quantity=1,
                    unit_price=Money(Decimal("119.00"), "EUR"),
                )
            ],
            prices_include_tax=True,
            tax_rates={None: Decimal("0.19")},
        )
    )
    assert priced.total == Money(Decimal("119.00"), "EUR")
    assert priced.tax == Money(Decimal("19.00"), "EUR")
    assert priced.net == Money(Decimal("100.00"), "EUR")


def test_each_tax_class_uses_its_own_rate():
    priced = price(
        PricingInput(
            currency="USD",
            lines=[line("100", vid=1), line("100", vid=2, tax_class="reduced")],
            prices_include_tax=False,
            tax_rates={None: Decimal("0.2"), "reduced": Decimal("0.05")},
        )
    )
    assert [pl.tax for pl in priced.lines] == [usd("20.00"), usd("5.00")]


def test_shipping_is_taxed_with_its_class_and_added_to_the_total():
    priced = price(
        PricingInput(
            currency="USD",
            lines=[line("50")],
            prices_include_tax=False,
            tax_rates={None: Decimal("0.1"), "zero": Decimal(0)},
            shipping=ShippingCharge(method_id=7, name="Express", price=usd("12"), tax_class="zero"),
        )
    )
    assert priced.shipping is not None and priced.shipping.tax == usd("0")
    assert priced.total == usd("67.00")


def test_an_order_discount_larger_than_the_subtotal_is_capped():
    priced = price(
        PricingInput(
            currency="USD",
            lines=[line("5")],
            prices_include_tax=False,
            discounts=[DiscountInput(label="Big", amount=usd("50"))],
        )
    )
    assert priced.discount == usd("5.00")
    assert priced.total == usd("0.00")


def test_a_free_shipping_discount_takes_off_only_the_shipping():
    priced = price(
        PricingInput(
            currency="USD",
            lines=[line("20")],
            prices_include_tax=False,
            shipping=ShippingCharge(method_id=1, name="Standard", price=usd("6")),
            discounts=[DiscountInput(label="Free shipping", amount=usd("999"), scope="shipping")],
        )
    )
    assert priced.shipping_price == usd("0.00")
    assert priced.total == usd("20.00")


def test_zero_decimal_currencies_round_to_whole_units():
    priced = price(
        PricingInput(
            currency="JPY",
            lines=[
                PricingLine(
                    variant_id=1,
                    sku="A",
                    product_name="A",
                    variant_name="",
                    quantity=3,
                    unit_price=Money(Decimal("333"), "JPY"),
                )
            ],
            prices_include_tax=False,
            tax_rates={None: Decimal("0.1")},
        )
    )
    assert priced.tax == Money(Decimal("100"), "JPY")
    assert priced.total == Money(Decimal("1099"), "JPY")


def test_a_price_in_another_currency_is_refused():
    with pytest.raises(ValueError):
        price(PricingInput(currency="EUR", lines=[line("1")], prices_include_tax=False))


# --- properties ---------------------------------------------------------------------------

amounts = st.decimals(
    min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False
)
rates = st.sampled_from(
    [
        Decimal(0),
        Decimal("0.05"),
        Decimal("0.07"),
        Decimal("0.0725"),
        Decimal("0.2"),
        Decimal("0.13"),
    ]
)


@st.composite
def pricing_inputs(draw: st.DrawFn) -> PricingInput:
    n = draw(st.integers(min_value=0, max_value=6))
    lines = [
        PricingLine(
            variant_id=i,
            sku=f"S{i}",
            product_name="P",
            variant_name="",
            quantity=draw(st.integers(min_value=1, max_value=20)),
            unit_price=usd(str(draw(amounts))),
            tax_class=draw(st.sampled_from([None, "reduced", "zero"])),
        )
        for i in range(n)
    ]
    shipping = (
        ShippingCharge(method_id=1, name="S", price=usd(str(draw(amounts))))
        if draw(st.booleans())
        else None
    )
    discounts = [
        DiscountInput(
            label="d",
            amount=usd(str(draw(amounts))),
            scope=draw(st.sampled_from(["order", "shipping"])),
        )
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    return PricingInput(
        currency="USD",
        lines=lines,
        prices_include_tax=draw(st.booleans()),
        tax_rates={None: draw(rates), "reduced": draw(rates), "zero": Decimal(0)},
        shipping=shipping,
        discounts=discounts,
    )


@given(pricing_inputs())
def test_lines_and_shipping_add_up_to_the_totals(data: PricingInput):
    p = price(data)
    zero = usd("0")
    parts = list(p.lines) + ([p.shipping] if p.shipping else [])
    assert sum((x.net for x in parts), zero) == p.net
    assert sum((x.tax for x in parts), zero) == p.tax
    assert sum((x.gross for x in parts), zero) == p.total
    assert p.net + p.tax == p.total
    assert sum((x.amount for x in p.lines), zero) == p.subtotal
    assert (
        sum((x.discount for x in p.lines), zero) + (p.shipping.discount if p.shipping else zero)
        == p.discount
    )


@given(pricing_inputs())
def test_no_amount_is_ever_negative(data: PricingInput):
    p = price(data)
    values = [p.subtotal, p.discount, p.shipping_price, p.net, p.tax, p.total]
    for x in p.lines:
        values += [x.amount, x.discount, x.net, x.tax, x.gross]
    assert all(v.amount >= 0 for v in values)


@given(pricing_inputs())
def test_every_amount_is_rounded_to_the_currency(data: PricingInput):
    p = price(data)
    for x in p.lines:
        for v in (x.amount, x.discount, x.net, x.tax, x.gross):
            assert v.rounded() == v


@given(pricing_inputs())
def test_the_same_input_gives_the_same_result(data: PricingInput):
    assert price(data) == price(data)


@given(pricing_inputs())
def test_with_tax_included_the_total_is_what_the_shopper_saw(data: PricingInput):
    p = price(data)
    if data.prices_include_tax:
        assert (
            p.total
            == p.subtotal
            - (p.discount - (p.shipping.discount if p.shipping else usd("0")))
            + p.shipping_price
        )
    else:
        assert (
            p.total
            == p.subtotal
            - (p.discount - (p.shipping.discount if p.shipping else usd("0")))
            + p.shipping_price
            + p.tax
        )
