"""The one pricing function (DESIGN rule 5): lines → discounts → shipping → tax → total.

`price(PricingInput) -> Priced` is pure: no database, no clock, no request. The cart page,
the checkout, order placement and the API all build a `PricingInput` through
`duli.checkout.selectors.checkout_pricing_input` and call it, so a shopper sees the same
numbers everywhere and an order stores exactly what was shown.

Rounding happens at three defined points, per the currency's minor unit (half-even):
each line's amount (unit price × quantity), each line's tax, and nothing after that — the
totals are sums of rounded parts, so lines always add up to the totals.

Prices are entered either with tax (EU, China: `prices_include_tax`) or without (US). With
tax included, a line's gross is its amount and the tax is carved out of it; without, the
tax is added on top. Either way each line carries net + tax = gross.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from duli.core.money import Money

DiscountScope = Literal["order", "shipping"]


@dataclass(frozen=True, slots=True)
class PricingLine:
    variant_id: int
    sku: str
    product_name: str
    variant_name: str
    quantity: int
    unit_price: Money  # as the merchant entered it (with or without tax, per the shop)
    tax_class: str | None = None  # None: the default class
    weight_grams: int = 0


@dataclass(frozen=True, slots=True)
class ShippingCharge:
    method_id: int
    name: str
    price: Money  # as entered, like unit prices
    tax_class: str | None = None
    is_pickup: bool = False
    pickup_address: str = ""


@dataclass(frozen=True, slots=True)
class DiscountInput:
    """A reduction found by the promotions step (vouchers, automatic offers, loyalty)."""

    label: str
    amount: Money
    scope: DiscountScope = "order"
    code: str = ""


@dataclass(frozen=True, slots=True)
class PricingInput:
    currency: str
    lines: Sequence[PricingLine]
    prices_include_tax: bool
    tax_rates: Mapping[str | None, Decimal] = field(default_factory=dict)  # class → fraction
    shipping: ShippingCharge | None = None
    discounts: Sequence[DiscountInput] = ()


@dataclass(frozen=True, slots=True)
class PricedLine:
    variant_id: int
    sku: str
    product_name: str
    variant_name: str
    quantity: int
    unit_price: Money
    amount: Money  # unit price × quantity, rounded, as entered
    discount: Money  # this line's share of order discounts
    net: Money
    tax: Money
    gross: Money
    tax_rate: Decimal
    tax_class: str | None
    weight_grams: int


@dataclass(frozen=True, slots=True)
class PricedShipping:
    method_id: int
    name: str
    price: Money  # as entered
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_rate: Decimal
    is_pickup: bool = False
    pickup_address: str = ""


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    label: str
    code: str
    scope: DiscountScope
    amount: Money  # what was actually taken off (never more than what it applies to)


@dataclass(frozen=True, slots=True)
class Priced:
    currency: str
    prices_include_tax: bool
    lines: tuple[PricedLine, ...]
    shipping: PricedShipping | None
    discounts: tuple[AppliedDiscount, ...]
    subtotal: Money  # sum of line amounts, as entered
    discount: Money  # all discounts taken, order and shipping
    shipping_price: Money  # shipping after its discounts, as entered
    net: Money
    tax: Money
    total: Money  # what the shopper pays; == net + tax
    weight_grams: int

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


def price(data: PricingInput) -> Priced:
    """Price a cart or checkout. Pure and deterministic; never returns a negative amount."""
    currency = data.currency.upper()
    zero = Money.zero(currency)
    for line in data.lines:
        if line.quantity < 1:
            raise ValueError("a line needs a quantity of at least 1")
        if line.unit_price.currency != currency or line.unit_price.amount < 0:
            raise ValueError("unit prices must be non-negative and in the checkout currency")

    amounts = [(line.unit_price * line.quantity).rounded() for line in data.lines]
    subtotal = sum(amounts, zero)

    order_discounts, taken_order = _take(data.discounts, "order", subtotal, zero)
    shares = _spread(taken_order, amounts, zero)

    lines = tuple(
        _price_line(line, amount, share, data.prices_include_tax, data.tax_rates)
        for line, amount, share in zip(data.lines, amounts, shares, strict=True)
    )

    shipping: PricedShipping | None = None
    shipping_discounts: list[AppliedDiscount] = []
    if data.shipping is not None:
        ship_price = data.shipping.price.rounded()
        if ship_price.currency != currency or ship_price.amount < 0:
            raise ValueError("shipping must be non-negative and in the checkout currency")
        shipping_discounts, taken_ship = _take(data.discounts, "shipping", ship_price, zero)
        rate = _rate(data.tax_rates, data.shipping.tax_class)
        net, tax, gross = _tax(ship_price - taken_ship, rate, data.prices_include_tax)
        shipping = PricedShipping(
            method_id=data.shipping.method_id,
            name=data.shipping.name,
            price=ship_price,
            discount=taken_ship,
            net=net,
            tax=tax,
            gross=gross,
            tax_rate=rate,
            is_pickup=data.shipping.is_pickup,
            pickup_address=data.shipping.pickup_address,
        )

    parts_net = [line.net for line in lines] + ([shipping.net] if shipping else [])
    parts_tax = [line.tax for line in lines] + ([shipping.tax] if shipping else [])
    net_total = sum(parts_net, zero)
    tax_total = sum(parts_tax, zero)
    applied = tuple(order_discounts + shipping_discounts)
    return Priced(
        currency=currency,
        prices_include_tax=data.prices_include_tax,
        lines=lines,
        shipping=shipping,
        discounts=applied,
        subtotal=subtotal,
        discount=sum((d.amount for d in applied), zero),
        shipping_price=(shipping.price - shipping.discount) if shipping else zero,
        net=net_total,
        tax=tax_total,
        total=net_total + tax_total,
        weight_grams=sum(line.weight_grams * line.quantity for line in data.lines),
    )


def _rate(rates: Mapping[str | None, Decimal], tax_class: str | None) -> Decimal:
    rate = rates.get(tax_class, rates.get(None, Decimal(0)))
    if rate < 0:
        raise ValueError("tax rates cannot be negative")
    return rate


def _tax(amount: Money, rate: Decimal, included: bool) -> tuple[Money, Money, Money]:
    """(net, tax, gross) of an amount entered with or without tax; tax rounded once."""
    if included:
        tax = (
            (amount - amount * (Decimal(1) / (Decimal(1) + rate))).rounded() if rate else _z(amount)
        )
        return amount - tax, tax, amount
    tax = (amount * rate).rounded()
    return amount, tax, amount + tax


def _z(amount: Money) -> Money:
    return Money.zero(amount.currency)


def _price_line(
    line: PricingLine,
    amount: Money,
    discount: Money,
    included: bool,
    rates: Mapping[str | None, Decimal],
) -> PricedLine:
    rate = _rate(rates, line.tax_class)
    net, tax, gross = _tax(amount - discount, rate, included)
    return PricedLine(
        variant_id=line.variant_id,
        sku=line.sku,
        product_name=line.product_name,
        variant_name=line.variant_name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        amount=amount,
        discount=discount,
        net=net,
        tax=tax,
        gross=gross,
        tax_rate=rate,
        tax_class=line.tax_class,
        weight_grams=line.weight_grams,
    )


def _take(
    discounts: Sequence[DiscountInput], scope: DiscountScope, base: Money, zero: Money
) -> tuple[list[AppliedDiscount], Money]:
    """Apply the discounts of one scope in order, each capped by what is left of `base`."""
    left = base
    applied: list[AppliedDiscount] = []
    for d in discounts:
        if d.scope != scope:
            continue
        if d.amount.currency != base.currency or d.amount.amount < 0:
            raise ValueError("discounts must be non-negative and in the checkout currency")
        amount = min(d.amount.rounded(), left, key=lambda m: m.amount)
        left = left - amount
        applied.append(AppliedDiscount(label=d.label, code=d.code, scope=scope, amount=amount))
    return applied, base - left


def _spread(total: Money, amounts: Sequence[Money], zero: Money) -> list[Money]:
    """Share an order discount over lines by their amounts, losing no minor unit."""
    if not amounts:
        return []
    if not total:
        return [zero for _ in amounts]
    weights = [a.to_minor() for a in amounts]
    shares = total.split(weights)
    # split() hands leftover minor units out round-robin; keep every line's share within
    # its own amount so no line goes negative.
    out, carry = [], 0
    for share, weight in zip(shares, weights, strict=True):
        units = share.to_minor() + carry
        take = min(units, weight)
        carry = units - take
        out.append(Money.from_minor(take, total.currency))
    i = 0
    while carry and i < len(out):
        room = weights[i] - out[i].to_minor()
        add = min(room, carry)
        out[i] = Money.from_minor(out[i].to_minor() + add, total.currency)
        carry -= add
        i += 1
    return out
