"""View models of the cart, the checkout summary and order pages: formatted money, stock
messages and status words, so the templates under `storefront/cart/`, `checkout/` and
`orders/` hold no logic. Every number comes from `duli.checkout.pricing` (through
`checkout_cart`) or from the order's own snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from duli.checkout.pricing import PricedLine
from duli.checkout.selectors import Cart, CartLine
from duli.core.money import Money
from duli.storefront.presenters import Picture, money_text, picture_for

# At or under this many units left, the cart says "Only N left".
LOW_STOCK = 5


@dataclass(frozen=True, slots=True)
class StockNote:
    text: str
    tone: str  # "warning" | "danger"


@dataclass(frozen=True, slots=True)
class CartLineView:
    line_id: int
    product_name: str
    variant_name: str
    url: str
    picture: Picture | None
    quantity: int
    input_max: int  # never below the quantity, so a too-high line can still be lowered
    can_increase: bool
    unit_price: str
    total: str  # "" when the line cannot be bought
    note: StockNote | None
    blocking: bool  # the shopper must fix this line before checking out


@dataclass(frozen=True, slots=True)
class TotalsView:
    count: int
    subtotal: str
    discount: str  # "" when none
    discounts: list[tuple[str, str]]  # (label, "-$5.00")
    shipping: str  # price, "Free", or "" (not chosen yet)
    shipping_name: str
    tax: str  # "" when not known yet (no address, prices without tax)
    tax_included: bool
    total: str
    currency: str


@dataclass(frozen=True, slots=True)
class CartView:
    checkout_id: str
    lines: list[CartLineView]
    totals: TotalsView
    has_problems: bool

    @property
    def is_empty(self) -> bool:
        return not self.lines


def stock_note(line: CartLine) -> StockNote | None:
    """What the cart says under a line about stock: the three problems, else low stock."""
    if line.problem == "unavailable":
        return StockNote(_("No longer available — remove it to check out."), "danger")
    if line.problem == "sold_out":
        return StockNote(_("Sold out — remove it to check out."), "danger")
    if line.problem == "short":
        return StockNote(
            ngettext(
                "Only %(n)d left — lower the quantity to check out.",
                "Only %(n)d left — lower the quantity to check out.",
                line.available or 0,
            )
            % {"n": line.available or 0},
            "warning",
        )
    if line.available is not None and 0 < line.available <= LOW_STOCK:
        return StockNote(
            ngettext("Only %(n)d left", "Only %(n)d left", line.available) % {"n": line.available},
            "warning",
        )
    return None


def _line_view(line: CartLine, priced: PricedLine | None, currency: str) -> CartLineView:
    fact = line.variant
    name = fact.product_name if fact else _("Item no longer sold")
    unit = Money(fact.price_amount, currency) if fact and fact.currency == currency else None
    return CartLineView(
        line_id=line.line_id,
        product_name=name,
        variant_name=fact.variant_name if fact else "",
        url=reverse("storefront:product", kwargs={"slug": fact.slug}) if fact else "",
        picture=picture_for(fact.image, alt=name) if fact else None,
        quantity=line.quantity,
        input_max=max(line.max_quantity, line.quantity),
        can_increase=line.quantity < line.max_quantity and not line.problem,
        unit_price=money_text(unit),
        total=money_text(priced.amount) if priced is not None else "",
        note=stock_note(line),
        blocking=bool(line.problem),
    )


def totals_view(cart: Cart, *, tax_known: bool) -> TotalsView:
    """Totals for the summary. Before the shopper gave an address, tax added on top of
    prices is not known yet: the total then leaves it out and says so."""
    priced = cart.priced
    included = priced.prices_include_tax
    show_tax = included or tax_known
    total = priced.total if show_tax else priced.net
    shipping = ""
    if priced.shipping is not None:
        shipping = money_text(priced.shipping_price) if priced.shipping_price else _("Free")
    return TotalsView(
        count=cart.count,
        subtotal=money_text(priced.subtotal),
        discount=money_text(-priced.discount) if priced.discount else "",
        discounts=[(d.label, money_text(-d.amount)) for d in priced.discounts if d.amount],
        shipping=shipping,
        shipping_name=priced.shipping.name if priced.shipping else "",
        tax=money_text(priced.tax) if show_tax else "",
        tax_included=included,
        total=money_text(total),
        currency=priced.currency,
    )


def cart_view(cart: Cart, *, tax_known: bool = False) -> CartView:
    priced = {p.variant_id: p for p in cart.priced.lines}
    currency = cart.checkout.currency
    lines = [_line_view(line, priced.get(line.variant_id), currency) for line in cart.lines]
    return CartView(
        checkout_id=str(cart.checkout.pk),
        lines=lines,
        totals=totals_view(cart, tax_known=tax_known),
        has_problems=any(line.blocking for line in lines),
    )
