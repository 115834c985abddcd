"""Reads of carts and checkouts, and the bridge from a checkout to the pricing function."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Sum

from duli.catalog.models import ProductImage
from duli.catalog.selectors import VariantForCheckout, variants_for_checkout
from duli.checkout.models import Checkout, CheckoutLine
from duli.checkout.pricing import Priced, PricingInput, PricingLine, ShippingCharge, price
from duli.core.money import Money
from duli.core.selectors import shop_settings_get
from duli.customers.models import User
from duli.inventory.selectors import availability_for_variants
from duli.shipping.selectors import ShippingOption, shipping_option_get, shipping_options
from duli.tax.geo import region_code
from duli.tax.selectors import tax_rates_for

MAX_LINE_QUANTITY = 99


@dataclass(frozen=True, slots=True)
class CartLine:
    """A line as the cart page shows it, with what is wrong with it, if anything."""

    line_id: int
    variant_id: int
    quantity: int
    variant: VariantForCheckout | None
    available: int | None  # None: not tracked (unlimited)
    problem: str  # "" | "unavailable" | "sold_out" | "short"

    @property
    def max_quantity(self) -> int:
        if self.available is None:
            return MAX_LINE_QUANTITY
        return max(0, min(self.available, MAX_LINE_QUANTITY))

    @property
    def image(self) -> ProductImage | None:
        return self.variant.image if self.variant else None


@dataclass(frozen=True, slots=True)
class Cart:
    checkout: Checkout
    lines: tuple[CartLine, ...]
    priced: Priced

    @property
    def problems(self) -> list[CartLine]:
        return [line for line in self.lines if line.problem]

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


def checkout_get(*, checkout_id: UUID | str | None) -> Checkout | None:
    """An open checkout by id, or None (unknown, malformed or completed)."""
    if not checkout_id:
        return None
    try:
        uuid = UUID(str(checkout_id))
    except ValueError:
        return None
    return Checkout.objects.filter(pk=uuid, status=Checkout.Status.OPEN).first()


def checkout_for_user(*, user_id: int) -> Checkout | None:
    """A signed-in shopper's open checkout (their persistent cart)."""
    return (
        Checkout.objects.filter(user_id=user_id, status=Checkout.Status.OPEN)
        .order_by("-updated_at")
        .first()
    )


def checkout_count(*, checkout_id: UUID | str | None) -> int:
    """Units in a cart, in one query: the header's badge."""
    checkout = checkout_get(checkout_id=checkout_id)
    if checkout is None:
        return 0
    return int(
        CheckoutLine.objects.filter(checkout=checkout).aggregate(n=Sum("quantity"))["n"] or 0
    )


def checkout_cart(*, checkout: Checkout) -> Cart:
    """The cart with its lines' problems and the priced totals of the buyable lines."""
    rows = list(
        checkout.lines.order_by("created_at", "pk").values_list("pk", "variant_id", "quantity")
    )
    facts = variants_for_checkout(variant_ids=[r[1] for r in rows])
    available = availability_for_variants(variant_ids=[r[1] for r in rows])
    lines = tuple(
        CartLine(
            line_id=pk,
            variant_id=vid,
            quantity=qty,
            variant=facts.get(vid),
            available=available.get(vid, 0),
            problem=_problem(facts.get(vid), available.get(vid, 0), qty, checkout.currency),
        )
        for pk, vid, qty in rows
    )
    return Cart(
        checkout=checkout,
        lines=lines,
        priced=price(checkout_pricing_input(checkout=checkout, lines=lines)),
    )


def _problem(
    fact: VariantForCheckout | None, available: int | None, qty: int, currency: str
) -> str:
    if fact is None or not fact.buyable or fact.currency != currency:
        return "unavailable"
    if available is not None and available <= 0:
        return "sold_out"
    if available is not None and qty > available:
        return "short"
    return ""


def checkout_destination(*, checkout: Checkout) -> tuple[str, str]:
    """(country, ISO 3166-2 region) that decides tax and shipping: the shipping address,
    else the shop's country."""
    address = checkout.shipping_address or {}
    country = str(address.get("country") or "")
    if country:
        return country, region_code(country=country, area=str(address.get("country_area") or ""))
    return shop_settings_get().country, ""


def checkout_pricing_input(*, checkout: Checkout, lines: tuple[CartLine, ...]) -> PricingInput:
    """Everything `price()` needs, read from the database. Lines with problems other than
    a short quantity are left out: they cannot be bought."""
    shop = shop_settings_get()
    buyable = [line for line in lines if line.variant and line.problem in ("", "short")]
    pricing_lines = [
        PricingLine(
            variant_id=line.variant_id,
            sku=line.variant.sku,
            product_name=line.variant.product_name,
            variant_name=line.variant.variant_name,
            quantity=line.quantity,
            unit_price=Money(line.variant.price_amount, checkout.currency),
            tax_class=line.variant.tax_class,
            weight_grams=line.variant.weight_grams,
        )
        for line in buyable
        if line.variant is not None
    ]
    country, region = checkout_destination(checkout=checkout)
    subtotal = sum(
        ((pl.unit_price * pl.quantity).rounded() for pl in pricing_lines),
        Money.zero(checkout.currency),
    )
    weight = sum(pl.weight_grams * pl.quantity for pl in pricing_lines)
    option = None
    if checkout.shipping_method_id and checkout.shipping_address:
        option = shipping_option_get(
            method_id=checkout.shipping_method_id,
            country=country,
            region=region,
            subtotal=subtotal,
            weight_grams=weight,
        )
    table = tax_rates_for(country=country, region=region)
    classes: set[str | None] = {None}
    classes.update(pl.tax_class for pl in pricing_lines)
    if option is not None:
        classes.add(option.tax_class_code)
    return PricingInput(
        currency=checkout.currency,
        lines=pricing_lines,
        prices_include_tax=shop.prices_include_tax,
        tax_rates={code: table.rate(code) for code in classes},
        shipping=(
            ShippingCharge(
                method_id=option.method_id,
                name=option.name,
                price=option.price,
                tax_class=option.tax_class_code,
                is_pickup=option.is_pickup,
                pickup_address=option.pickup_address,
            )
            if option is not None
            else None
        ),
        discounts=(),  # the promotions step plugs in here
    )


def checkout_shipping_options(*, checkout: Checkout, cart: Cart) -> list[ShippingOption]:
    """The shipping methods for the checkout's address, priced for its lines."""
    if not checkout.shipping_address:
        return []
    country, region = checkout_destination(checkout=checkout)
    return shipping_options(
        country=country,
        region=region,
        subtotal=cart.priced.subtotal,
        weight_grams=cart.priced.weight_grams,
    )


def checkout_user_email(*, user_id: int | None) -> str:
    if user_id is None:
        return ""
    return User.objects.filter(pk=user_id).values_list("email", flat=True).first() or ""
