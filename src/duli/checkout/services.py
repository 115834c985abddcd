"""Writes of carts and checkouts. The client never sends a price: lines hold a variant and
a quantity, and every total is computed by `duli.checkout.pricing.price`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from duli.catalog.selectors import variants_for_checkout
from duli.checkout.errors import CheckoutNotOpen, QuantityInvalid, VariantUnavailable
from duli.checkout.models import Checkout, CheckoutLine
from duli.checkout.selectors import MAX_LINE_QUANTITY, checkout_cart, checkout_shipping_options
from duli.core.errors import InvalidInput, NotFound
from duli.core.events import event_publish
from duli.core.selectors import shop_settings_get
from duli.customers.addresses import address_validate
from duli.inventory.errors import OutOfStock
from duli.inventory.selectors import availability_for_variants
from duli.payments.selectors import payment_methods_available
from duli.shipping.selectors import shipping_countries


def checkout_create(*, user_id: int | None = None, language: str = "en") -> Checkout:
    """An empty cart in the shop's currency."""
    return Checkout.objects.create(
        user_id=user_id, currency=shop_settings_get().currency, language=language[:10]
    )


def checkout_line_add(*, checkout_id: UUID, variant_id: int, quantity: int = 1) -> CheckoutLine:
    """Put `quantity` more of a variant in the cart.

    Refuses a variant that cannot be bought and a total quantity above what is in stock
    ("Only 2 left of …"); nothing is reserved until the order is placed.
    """
    if not isinstance(quantity, int) or quantity < 1 or quantity > MAX_LINE_QUANTITY:
        raise QuantityInvalid(maximum=MAX_LINE_QUANTITY)
    with transaction.atomic():
        checkout = _open(checkout_id)
        fact = variants_for_checkout(variant_ids=[variant_id]).get(variant_id)
        if fact is None or not fact.buyable or fact.currency != checkout.currency:
            raise VariantUnavailable(name=fact.product_name if fact else gettext("This item"))
        line = CheckoutLine.objects.filter(checkout=checkout, variant_id=variant_id).first()
        total = quantity + (line.quantity if line else 0)
        _check_stock(variant_id, total, fact.product_name, fact.variant_name)
        if total > MAX_LINE_QUANTITY:
            raise QuantityInvalid(maximum=MAX_LINE_QUANTITY)
        if line is None:
            line = CheckoutLine.objects.create(
                checkout=checkout, variant_id=variant_id, quantity=total
            )
        else:
            line.quantity = total
            line.save(update_fields=["quantity"])
        _touch(checkout)
    return line


def checkout_line_update(*, checkout_id: UUID, line_id: int, quantity: int) -> CheckoutLine | None:
    """Set a line's quantity; 0 removes it (returns None)."""
    if not isinstance(quantity, int) or quantity < 0 or quantity > MAX_LINE_QUANTITY:
        raise QuantityInvalid(maximum=MAX_LINE_QUANTITY)
    with transaction.atomic():
        checkout = _open(checkout_id)
        line = CheckoutLine.objects.filter(checkout=checkout, pk=line_id).first()
        if line is None:
            raise NotFound(gettext("That item is no longer in your cart."))
        if quantity == 0:
            line.delete()
            _touch(checkout)
            return None
        if quantity > line.quantity:
            fact = variants_for_checkout(variant_ids=[line.variant_id]).get(line.variant_id)
            if fact is None or not fact.buyable:
                raise VariantUnavailable(name=fact.product_name if fact else gettext("This item"))
            _check_stock(line.variant_id, quantity, fact.product_name, fact.variant_name)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        _touch(checkout)
    return line


def checkout_line_remove(*, checkout_id: UUID, line_id: int) -> None:
    """Take a line out of the cart. Removing it twice is fine."""
    with transaction.atomic():
        checkout = _open(checkout_id)
        CheckoutLine.objects.filter(checkout=checkout, pk=line_id).delete()
        _touch(checkout)


def checkout_merge(*, checkout_id: UUID | None, user_id: int) -> Checkout | None:
    """At sign-in, fold the guest cart into the shopper's saved cart (or adopt it).

    Quantities of the same variant are added up, capped at the line maximum. Returns the
    shopper's open checkout after the merge, or None when they have neither.
    """
    from duli.checkout.selectors import checkout_for_user, checkout_get

    with transaction.atomic():
        guest = checkout_get(checkout_id=checkout_id)
        if guest is not None and guest.user_id not in (None, user_id):
            guest = None  # someone else's cart: never merge across accounts
        saved = checkout_for_user(user_id=user_id)
        if guest is None or (saved is not None and guest.pk == saved.pk):
            return saved
        if saved is None:
            guest.user_id = user_id
            guest.save(update_fields=["user", "updated_at"])
            return guest
        for line in guest.lines.all():
            mine = CheckoutLine.objects.filter(checkout=saved, variant_id=line.variant_id).first()
            if mine is None:
                CheckoutLine.objects.create(
                    checkout=saved, variant_id=line.variant_id, quantity=line.quantity
                )
            else:
                mine.quantity = min(mine.quantity + line.quantity, MAX_LINE_QUANTITY)
                mine.save(update_fields=["quantity"])
        guest.delete()
        _touch(saved)
        return saved


def checkout_address_set(
    *,
    checkout_id: UUID,
    email: str,
    shipping_address: Mapping[str, Any],
    billing_address: Mapping[str, Any] | None = None,
) -> Checkout:
    """Step 1: the shopper's email and where the parcel goes (billing: None = the same).

    Addresses are validated per country; a country no shipping zone covers is refused.
    A shipping method chosen before is dropped when the new address does not offer it.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(gettext("Enter a valid email address."), field="email") from None
    shipping = address_validate(data=shipping_address)
    countries = shipping_countries()
    if countries and shipping.country not in countries:
        raise InvalidInput(gettext("Sorry, we do not ship to that country yet."), field="country")
    billing = address_validate(data=billing_address) if billing_address else None
    with transaction.atomic():
        checkout = _open(checkout_id)
        checkout.email = email
        checkout.shipping_address = shipping.as_dict()
        checkout.billing_address = billing.as_dict() if billing else {}
        checkout.save(update_fields=["email", "shipping_address", "billing_address", "updated_at"])
        if checkout.shipping_method_id:
            offered = {
                o.method_id
                for o in checkout_shipping_options(
                    checkout=checkout, cart=checkout_cart(checkout=checkout)
                )
            }
            if checkout.shipping_method_id not in offered:
                checkout.shipping_method_id = None
                checkout.save(update_fields=["shipping_method_id", "updated_at"])
        _touch(checkout)
    return checkout


def checkout_shipping_method_set(*, checkout_id: UUID, method_id: int) -> Checkout:
    """Step 2: one of the methods offered for the checkout's address and contents."""
    with transaction.atomic():
        checkout = _open(checkout_id)
        if not checkout.shipping_address:
            raise InvalidInput(gettext("Enter your shipping address first."), field="address")
        offered = {
            o.method_id
            for o in checkout_shipping_options(
                checkout=checkout, cart=checkout_cart(checkout=checkout)
            )
        }
        if method_id not in offered:
            raise InvalidInput(
                gettext("That shipping method is not available for your address. Choose another."),
                field="shipping_method",
            )
        checkout.shipping_method_id = method_id
        checkout.save(update_fields=["shipping_method_id", "updated_at"])
        _touch(checkout)
    return checkout


def checkout_payment_method_set(*, checkout_id: UUID, provider: str, note: str = "") -> Checkout:
    """Step 3: how the shopper will pay (a method offered for the cart's currency and the
    shopper's country), and an optional note to the shop."""
    if len(note) > 1000:
        raise InvalidInput(gettext("Keep the note under 1,000 characters."), field="note")
    with transaction.atomic():
        checkout = _open(checkout_id)
        address = checkout.billing_address or checkout.shipping_address or {}
        offered = payment_methods_available(
            currency=checkout.currency, country=str(address.get("country") or "")
        )
        if provider not in {m.provider for m in offered}:
            raise InvalidInput(gettext("Choose a payment method."), field="payment_method")
        checkout.payment_method = provider
        checkout.customer_note = note.strip()
        checkout.save(update_fields=["payment_method", "customer_note", "updated_at"])
    return checkout


def checkout_complete(*, checkout_id: UUID) -> None:
    """Close a checkout once its order exists (called inside order placement)."""
    updated = Checkout.objects.filter(pk=checkout_id, status=Checkout.Status.OPEN).update(
        status=Checkout.Status.COMPLETED
    )
    if not updated:
        raise CheckoutNotOpen()


def _open(checkout_id: UUID) -> Checkout:
    checkout = Checkout.objects.filter(pk=checkout_id, status=Checkout.Status.OPEN).first()
    if checkout is None:
        raise CheckoutNotOpen()
    return checkout


def _check_stock(variant_id: int, quantity: int, product_name: str, variant_name: str) -> None:
    available = availability_for_variants(variant_ids=[variant_id]).get(variant_id, 0)
    if available is not None and quantity > available:
        name = f"{product_name} ({variant_name})" if variant_name else product_name
        raise OutOfStock(variant_id=variant_id, name=name, available=available, requested=quantity)


def _touch(checkout: Checkout) -> None:
    Checkout.objects.filter(pk=checkout.pk).update(updated_at=timezone.now())
    event_publish("checkout.updated", checkout_id=str(checkout.pk))
